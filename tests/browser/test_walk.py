"""The walk a new client makes on their phone, in Dutch and in Arabic, without typing a letter.

Buttons and links are found by role and accessible name (the translated pictogram label), so the
walk also proves that every pictogram button it taps has a name in that language.
"""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests import factories
from tests.browser.conftest import Words, enrol, fresh, tap_pin
from webapp.extensions import db
from webapp.models import Appointment, DeviceSession, Goal, Win, utcnow

MIRRORED = "matrix(-1, 0, 0, 1, 0, 0)"


def centre_x(locator) -> float:
    box = locator.bounding_box()
    return box["x"] + box["width"] / 2


@pytest.mark.parametrize("lang", ["nl", "ar", "ti"])
def test_first_walk_of_a_new_client(page, app, new_client, lang):
    t = Words(lang)
    rtl = lang == "ar"
    user = new_client(lang, display_name="Samira")
    appointment = factories.appointment(user, kind="job_interview", in_hours=26)
    db.session.commit()
    user_id, appointment_id = user.id, appointment.id

    # Invitation link -> Start -> the PIN twice on the picture keypad -> home.
    enrol(page, app, user, pin="2468")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", lang)
    expect(html).to_have_attribute("dir", "rtl" if rtl else "ltr")
    next_appointment = page.get_by_role("region", name=t("Next appointment"))
    expect(next_appointment.get_by_role("link")).to_have_attribute("href", f"/week#appointment-{appointment_id}")

    # A goal without typing: goals -> plus -> a life domain -> a goal template.
    page.get_by_role("link", name=t.picto("action.goals"), exact=True).tap()
    expect(page).to_have_url(re.compile(r"/goals$"))
    expect(page.get_by_text(t("What do you want to work on? Tap the plus to choose a goal."))).to_be_visible()

    # The bar is mirrored in Arabic: home at the start (right), language and lock at the end (left).
    bar = page.get_by_role("banner")
    home_button = bar.get_by_role("link", name=t("Home"), exact=True)
    bar_end = [bar.get_by_role("link", name=t("Language"), exact=True),
               bar.get_by_role("button", name=t("Lock the app"), exact=True)]
    middle = page.viewport_size["width"] / 2
    assert (centre_x(home_button) > middle) is rtl
    for button in bar_end:
        assert (centre_x(button) < middle) is rtl

    page.get_by_role("link", name=t("New goal"), exact=True).tap()
    domains = page.get_by_role("navigation", name=t("Life domains"))
    expect(domains.get_by_role("link")).to_have_count(15)
    domains.get_by_role("link", name=t.picto("domain.work"), exact=True).tap()
    expect(page).to_have_url(re.compile(r"/goals/new\?domain=work$"))
    # The "other domain" arrow points back the way the reader reads.
    back_arrow = page.locator(".back-link img")
    assert back_arrow.evaluate("img => getComputedStyle(img).transform") == (MIRRORED if rtl else "none")
    page.get_by_role("button", name=t.picto("goal.find_job"), exact=True).tap()
    expect(page).to_have_url(re.compile(r"/goals$"))
    work = page.get_by_role("region", name=t.picto("domain.work"))
    expect(work.get_by_role("heading", name=t.picto("goal.find_job"))).to_be_visible()
    fresh()
    goals = db.session.scalars(select(Goal).where(Goal.client_id == user_id)).all()
    assert [(g.domain, g.template, g.status, g.title) for g in goals] == [("work", "find_job", "active", None)]

    # From home a win in two taps: "I did it!", then a pictogram (the new goal in Dutch, a plain
    # pictogram in Arabic), landing on the celebration.
    home_button.tap()
    expect(page).to_have_url(re.compile(r"/$"))
    page.get_by_role("link", name=t.picto("action.did_it"), exact=True).tap()
    pick = "goal.find_job" if lang == "nl" else "win.bus"
    page.get_by_role("button", name=t.picto(pick), exact=True).tap()
    expect(page).to_have_url(re.compile(r"/wins/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Well done!"))

    # A mood face: htmx swaps the form in place; the page itself is not reloaded.
    page.evaluate("window.sameDocument = true")
    face = page.get_by_role("button", name=t.picto("mood.good"), exact=True)
    expect(face).to_have_attribute("aria-pressed", "false")
    with page.expect_response(lambda r: r.request.method == "POST" and "/wins/" in r.url) as posted:
        face.tap()
    assert posted.value.status == 200 and posted.value.request.headers.get("hx-request") == "true"
    expect(face).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("window.sameDocument === true")
    fresh()
    wins = db.session.scalars(select(Win).where(Win.client_id == user_id)).all()
    assert len(wins) == 1
    assert (wins[0].pictogram, wins[0].mood) == (pick, "good")
    assert wins[0].goal_id == (goals[0].id if lang == "nl" else None)
    assert page.url.endswith(f"/wins/{wins[0].id}")

    # "I can't come" to the appointment on My week: stored with its time, and said back.
    page.get_by_role("banner").get_by_role("link", name=t("Home"), exact=True).tap()
    page.get_by_role("link", name=t.picto("action.week"), exact=True).tap()
    expect(page).to_have_url(re.compile(r"/week$"))
    card = page.locator(f"#appointment-{appointment_id}")
    expect(card.get_by_role("heading", level=2)).to_have_text(t.picto("kind.job_interview"))
    cannot_come = card.get_by_role("button", name=t.picto("action.cannot_come"), exact=True)
    expect(card.get_by_role("status")).to_have_count(0)
    before = utcnow()
    with page.expect_response(lambda r: r.request.method == "POST" and "/reply" in r.url) as posted:
        cannot_come.tap()
    assert posted.value.status == 200 and posted.value.request.headers.get("hx-request") == "true"
    expect(cannot_come).to_have_attribute("aria-pressed", "true")
    for other in ("action.coming", "action.need_help"):
        expect(card.get_by_role("button", name=t.picto(other), exact=True)).to_have_attribute("aria-pressed", "false")
    fresh()
    stored = db.session.get(Appointment, appointment_id)
    assert stored.reply == "cannot_come"
    assert before - timedelta(seconds=1) <= stored.replied_at <= utcnow()
    expect(card.get_by_role("status")).to_contain_text(
        t("You answered: %(answer)s", answer=t.picto("action.cannot_come")))
    expect(card.get_by_role("status")).to_contain_text(t.clock(stored.replied_at))


def test_after_15_idle_minutes_only_the_pin_is_asked(page, app, new_client):
    t = Words("nl")
    user = new_client("nl", display_name="Jonas")
    enrol(page, app, user, pin="2468")

    def idle(minutes):
        fresh()
        device = db.session.scalars(select(DeviceSession).where(
            DeviceSession.user_id == user.id, DeviceSession.revoked_at.is_(None))).one()
        device.last_seen_at = utcnow() - timedelta(minutes=minutes)
        db.session.commit()

    idle(14)  # not yet
    page.goto("/goals")
    expect(page).to_have_url(re.compile(r"/goals$"))

    idle(16)
    page.goto("/goals")
    expect(page).to_have_url(re.compile(r"/unlock$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Hello %(name)s! Tap your PIN.", name="Jonas"))
    # Only the keypad: nothing to type in, no new invitation, no staff form.
    assert page.locator("input:not([type=hidden]), textarea, select").count() == 0
    keypad = page.get_by_role("group", name=t("Keypad"))
    expect(keypad.get_by_role("button")).to_have_count(11)

    tap_pin(page, "1357")  # a wrong PIN is refused, and says so
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/unlock$"))

    tap_pin(page, "2468")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("link", name=t.picto("action.did_it"), exact=True)).to_be_visible()
    fresh()
    device = db.session.scalars(select(DeviceSession).where(DeviceSession.user_id == user.id)).one()
    assert device.failed_pins == 0 and utcnow() - device.last_seen_at < timedelta(minutes=1)
