"""A shared phone, tried as Amor would: after the padlock, the idle lock or sign-out no private screen comes
back, whatever he does with Back, Forward, reload or the history, with the back/forward cache on
(tests/browser/conftest.py keeps it on); and the idle lock comes by itself.

Each page the browser restores from the back/forward cache reports what it showed at that moment (an init
script's pageshow listener runs before the app's own), so "nothing private" is checked on the restored page
itself, not only on what the server sends after it.
"""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests import factories
from tests.browser.conftest import Words, enrol, fresh, tap_pin
from webapp.extensions import db
from webapp.models import Appointment, Goal, Strength, Win

SECRET = "Schulden bij de bank afbetalen"  # Amor's own words for a goal: nobody else on the phone may see them

REPORT_RESTORED = """
addEventListener("pageshow", function (e) {
  if (e.persisted) window.restored(location.pathname, document.body.innerText, String(window.marker));
});
"""


@pytest.fixture
def amor(page, app, new_client):
    """Amor, enrolled on the phone (PIN 2468) with a goal in his own words; restored pages are reported."""
    user = new_client("nl", display_name="Amor")
    factories.goal(user, template="pay_debts", title=SECRET)
    db.session.commit()
    restored = []
    page.expose_function("restored", lambda path, text, marker: restored.append((path, text, marker)))
    page.add_init_script(REPORT_RESTORED)
    enrol(page, app, user, pin="2468")
    return user, restored


def open_goals(page):
    page.get_by_role("link", name=Words("nl").picto("action.goals"), exact=True).tap()
    expect(page).to_have_url(re.compile(r"/goals$"))
    expect(page.get_by_text(SECRET)).to_be_visible()
    page.evaluate("window.marker = 'private page'")  # a page kept in memory keeps this; a fresh one has none


def travel(page, steps):
    """history.go(steps), as the phone's own history list does it."""
    with page.expect_event("framenavigated"):
        page.evaluate(f"history.go({steps})")


def shows_the_pin_screen(page, restored):
    t = Words("nl")
    expect(page).to_have_url(re.compile(r"/unlock$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Hello %(name)s! Tap your PIN.", name="Amor"))
    expect(page.get_by_text(SECRET)).to_have_count(0)
    page.wait_for_function("() => window.marker === undefined")  # a page loaded afresh, not one kept in memory
    assert SECRET not in page.content()
    for _path, text, _marker in restored:
        assert SECRET not in text


def test_after_the_padlock_back_forward_reload_and_history_show_no_private_screen(page, amor):
    _user, restored = amor
    t = Words("nl")
    open_goals(page)
    page.get_by_role("button", name=t("Lock the app"), exact=True).tap()
    shows_the_pin_screen(page, restored)

    page.go_back(wait_until="commit")
    shows_the_pin_screen(page, restored)
    # The cache is on and did keep the goals page: it came back, blank, and was not trusted.
    assert any(path == "/goals" and marker == "private page" for path, _text, marker in restored), restored
    page.go_forward(wait_until="commit")
    shows_the_pin_screen(page, restored)
    page.reload()
    shows_the_pin_screen(page, restored)
    for steps in (1, 2):  # the goals, home: each asks for the PIN
        travel(page, -steps)
        shows_the_pin_screen(page, restored)
        travel(page, steps)
        shows_the_pin_screen(page, restored)
    travel(page, -3)  # before any private page (where the PIN was chosen): nothing private there either
    expect(page).not_to_have_url(re.compile(r"/(goals)?$"))
    expect(page.get_by_text(SECRET)).to_have_count(0)
    travel(page, 3)
    shows_the_pin_screen(page, restored)

    # The PIN opens it again: the goals were kept from view, not lost.
    tap_pin(page, "2468")
    expect(page).to_have_url(re.compile(r"/$"))
    open_goals(page)


def test_after_15_idle_minutes_the_lock_shows_by_itself(page, amor, clock):
    user, restored = amor
    page.clock.install()
    open_goals(page)

    clock.shift(timedelta(minutes=14))
    page.clock.fast_forward("14:00")
    page.wait_for_timeout(300)
    expect(page).to_have_url(re.compile(r"/goals$"))
    expect(page.get_by_text(SECRET)).to_be_visible()

    clock.shift(timedelta(minutes=2))  # 16 minutes without a tap, on the server and on the phone
    page.clock.fast_forward("02:00")
    shows_the_pin_screen(page, restored)  # nobody tapped anything
    page.go_back(wait_until="commit")
    shows_the_pin_screen(page, restored)


def test_busy_on_one_page_is_not_idle_for_the_server(page, amor, clock, served):
    """Twenty minutes of typing one win: the phone tells the server now and then, so nothing locks."""
    user, _restored = amor
    t = Words("nl")
    page.clock.install()
    page.get_by_role("link", name=t.picto("action.did_it"), exact=True).tap()
    page.locator("details.own-words summary").tap()
    field = page.get_by_label(t("In my own words (you may skip this)"))
    for letter in "Ik belde de bank":
        clock.shift(timedelta(minutes=1, seconds=15))
        page.clock.fast_forward("01:15")
        field.press_sequentially(letter)
    assert served.count("POST /still-here") >= 5  # at most every two minutes while typing, not per letter
    assert served.count("POST /still-here") <= 10
    page.get_by_role("button", name=t.picto("win.letters"), exact=True).tap()
    expect(page).to_have_url(re.compile(r"/wins/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Well done!"))


def test_after_sign_out_back_shows_nothing_private(page, amor):
    _user, restored = amor
    t = Words("nl")
    open_goals(page)
    page.get_by_role("banner").get_by_role("link", name=t("Home"), exact=True).tap()
    page.get_by_role("link", name=t.picto("action.settings"), exact=True).tap()
    page.get_by_role("button", name=t("Sign out"), exact=True).tap()
    expect(page).to_have_url(re.compile(r"/welcome$"))
    for _ in range(3):
        page.go_back(wait_until="commit")
        page.wait_for_load_state()
        expect(page).to_have_url(re.compile(r"/welcome$"))
        expect(page.get_by_text(SECRET)).to_have_count(0)
        assert page.evaluate("window.marker") is None
    assert all(SECRET not in text for _path, text, _marker in restored)


# --- nothing the client did is lost to a lock ---------------------------------------------------------------

def unlock_and_see_it_arrive(page, message):
    """The PIN, then home, where what the phone kept arrives: said at the top, in view without scrolling."""
    t = Words("nl")
    shows_the_pin_screen(page, [])
    tap_pin(page, "2468")
    expect(page).to_have_url(re.compile(r"/$"))
    status = page.locator("[data-arrived][role=status]")
    expect(status).to_have_text(message)
    expect(status.locator("img")).to_have_count(2)  # the check and the kind of thing, as pictures
    box = status.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= page.viewport_size["height"]
    expect(page.get_by_role("link", name=t.picto("action.did_it"), exact=True)).to_be_visible()
    page.wait_for_function("() => !localStorage.getItem('stap-waiting')")  # nothing is left waiting


def wins_of(user):
    fresh()
    return db.session.scalars(select(Win).where(Win.client_id == user.id)).all()


def test_a_win_typed_before_the_idle_lock_arrives_after_the_pin(page, amor, clock):
    user, _restored = amor
    t = Words("nl")
    page.clock.install()
    page.get_by_role("link", name=t.picto("action.did_it"), exact=True).tap()
    page.locator("details.own-words summary").tap()
    page.get_by_label(t("In my own words (you may skip this)")).fill("Ik belde de bank")  # no picture tapped yet
    clock.shift(timedelta(minutes=16))
    page.clock.fast_forward("16:00")
    expect(page).to_have_url(re.compile(r"/unlock$"))
    assert wins_of(user) == []  # kept on the phone, not sent while locked
    unlock_and_see_it_arrive(page, t("Small wins sent: %(num)s", num=1))
    [win] = wins_of(user)
    assert (win.pictogram, win.text) == ("win.other", "Ik belde de bank")
    page.reload()
    expect(page.locator("[data-arrived]")).to_be_hidden()  # said once
    expect(page.get_by_role("status")).to_have_count(0)
    assert len(wins_of(user)) == 1


def test_a_win_sent_just_after_the_server_counts_the_phone_idle_is_not_lost(page, amor, clock):
    user, _restored = amor
    t = Words("nl")
    page.get_by_role("link", name=t.picto("action.did_it"), exact=True).tap()
    page.locator("details.own-words summary").tap()
    page.get_by_label(t("In my own words (you may skip this)")).fill("Brief van de huisbaas gelezen")
    clock.shift(timedelta(minutes=16))  # the server's idle time is over; the phone's timer has not fired yet
    page.get_by_role("button", name=t.picto("win.letters"), exact=True).tap()
    expect(page).to_have_url(re.compile(r"/unlock$"))  # the server answered the post with the PIN screen
    assert wins_of(user) == []
    unlock_and_see_it_arrive(page, t("Small wins sent: %(num)s", num=1))
    [win] = wins_of(user)
    assert (win.pictogram, win.text) == ("win.letters", "Brief van de huisbaas gelezen")


def test_a_win_that_landed_is_kept_no_longer_and_never_doubled(page, amor):
    user, _restored = amor
    t = Words("nl")
    page.get_by_role("link", name=t.picto("action.did_it"), exact=True).tap()
    page.get_by_role("button", name=t.picto("win.bus"), exact=True).tap()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Well done!"))
    page.wait_for_function("() => !localStorage.getItem('stap-waiting')")
    expect(page.locator("[data-arrived]")).to_be_hidden()  # it was not kept over a lock: no news
    page.goto("/")
    expect(page.locator("[data-arrived]")).to_be_hidden()
    assert len(wins_of(user)) == 1


def test_a_reply_sent_as_the_app_locks_arrives_after_the_pin(page, amor, clock):
    user, _restored = amor
    t = Words("nl")
    appointment = factories.appointment(user, kind="job_interview", in_hours=26)
    db.session.commit()
    appointment_id = appointment.id
    page.get_by_role("link", name=t.picto("action.week"), exact=True).tap()
    card = page.locator(f"#appointment-{appointment_id}")
    expect(card).to_be_visible()
    clock.shift(timedelta(minutes=16))
    card.get_by_role("button", name=t.picto("action.need_help"), exact=True).tap()
    expect(page).to_have_url(re.compile(r"/unlock$"))
    fresh()
    assert db.session.get(Appointment, appointment_id).reply is None
    unlock_and_see_it_arrive(page, t("Answers sent: %(num)s", num=1))
    fresh()
    assert db.session.get(Appointment, appointment_id).reply == "need_help"


def test_own_words_typed_before_the_idle_lock_arrive_after_the_pin(page, amor, clock):
    user, _restored = amor
    t = Words("nl")
    page.clock.install()
    page.get_by_role("link", name=t.picto("action.strengths"), exact=True).tap()
    page.get_by_label(t("A strength in my own words")).fill("Ik kan goed luisteren")
    clock.shift(timedelta(minutes=16))
    page.clock.fast_forward("16:00")
    expect(page).to_have_url(re.compile(r"/unlock$"))
    unlock_and_see_it_arrive(page, t("Strengths sent: %(num)s", num=1))
    fresh()
    assert [s.own_words for s in db.session.scalars(select(Strength).where(Strength.client_id == user.id))] == [
        "Ik kan goed luisteren"]


def test_a_new_goal_in_own_words_sent_as_the_app_locks_arrives_after_the_pin(page, amor, clock):
    user, _restored = amor
    t = Words("nl")
    page.goto("/goals/new?domain=work")
    page.locator("details.own-words summary").tap()
    page.get_by_label(t("In my own words (you may skip this)")).fill("Werken in de haven")
    clock.shift(timedelta(minutes=16))
    page.get_by_role("button", name=t.picto("goal.find_job"), exact=True).tap()
    expect(page).to_have_url(re.compile(r"/unlock$"))
    unlock_and_see_it_arrive(page, t("Goals sent: %(num)s", num=1))
    fresh()
    titles = db.session.scalars(select(Goal.title).where(Goal.client_id == user.id)).all()
    assert sorted(titles) == sorted([SECRET, "Werken in de haven"])
