"""axe-core (WCAG 2.1 A and AA) finds nothing on the sharing screens: the client's (in Dutch and Arabic,
on a Pixel 7) and the trust person's (in Dutch, on a laptop; the caseload also at phone width).

Screenshots go to tests/browser/screenshots/<lang>-<screen>.png, as in test_accessibility.py.
"""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import Words, signed_in
from tests.browser.test_accessibility import Screens
from webapp.domain import sharing, suggestions
from webapp.extensions import db
from webapp.models import utcnow


def _els_and_colleague():
    care_team = factories.organisation(name="Sociaal Huis Bornem", kind="care_team")
    els = factories.staff(display_name="Els")
    els.organisation_id = care_team.id
    karim = factories.staff(display_name="Karim", role="coordinator")
    return els, karim


@pytest.mark.parametrize("lang", ["nl", "ar"])
def test_client_sharing_screens(new_context, app, live_server, lang):
    t = Words(lang)
    els, karim = _els_and_colleague()
    user = factories.client(language=lang, display_name="Samira", trust_person=els)
    sharing.add_to_circle(user, karim, els)
    work = factories.goal(user, template="find_job")
    win = factories.win(user, goal=work)
    factories.win(user, pictogram="win.bus")
    sharing.grant(user, els, "goals")  # one eye open, for one person
    sharing.look(els, user.id, ("goals",))  # ... and one look
    suggestions.react(els, win, "high_five")
    suggestions.suggest(els, user, "strength", "cooking")
    suggestions.suggest(karim, user, "appointment", "doctor", starts_at=utcnow() + timedelta(days=3),
                        place="Markt 1, Bornem")
    db.session.commit()

    context = new_context(locale=lang)
    signed_in(context, app, live_server, user)
    page = context.new_page()
    screen = Screens(page, lang)

    page.goto("/")
    news = page.get_by_role("region", name=t("News from your people"))
    expect(news.locator("article.suggestion")).to_have_count(2)
    expect(news.locator("a.reaction-news")).to_have_count(1)
    screen("home-news", r"/$")
    # One answered: the card says so in place (role=status).
    first = news.locator("article.suggestion").first
    first.get_by_role("button", name=t.picto("action.yes"), exact=True).tap()
    expect(first.get_by_role("status")).to_be_visible()
    screen("home-news-answered", r"/$")

    page.goto("/people")
    expect(page.locator("section.person")).to_have_count(2)
    expect(page.locator(f"#person-{els.id}").get_by_role("button", pressed=True)).to_have_count(1)
    screen("people", r"/people$")

    page.goto("/looked")
    expect(page.locator("ol.looks > li")).to_have_count(1)
    screen("looked", r"/looked$")

    page.goto("/wins")
    expect(page.locator("li.win ul.reactions li")).to_have_count(1)
    screen("wins-reaction", r"/wins$")

    assert len(screen.seen) == 5, screen.seen
    assert not screen.failures, screen.report()


def test_staff_screens(laptop, app, live_server):
    s = Words("nl")
    els, karim = _els_and_colleague()
    samira = factories.client(display_name="Samira", trust_person=els)
    factories.client(display_name="Jonas", trust_person=els)  # shares nothing yet
    fatima = factories.client(display_name="Fatima", language="ar", trust_person=els)
    # Samira shares almost everything and needs help with an appointment; she keeps strengths to herself.
    goal = factories.goal(samira, template="find_job")
    factories.goal(samira, template="walk_more", status="paused")
    samira_win = factories.win(samira, goal=goal)
    samira_win.mood = "good"
    factories.strength(samira, key="cooking")
    help_needed = factories.appointment(samira, kind="doctor", in_hours=30, note="Kom 10 minuten vroeger.")
    help_needed.reply, help_needed.replied_at = "need_help", utcnow()
    for category in ("goals", "wins", "week", "mood"):
        sharing.grant(samira, els, category)
    suggestions.react(els, samira_win, "heart")
    # Fatima shares her wins (for a week) and strengths.
    factories.win(fatima, pictogram="win.called")
    factories.strength(fatima, own_words="Fietsen maken")
    sharing.grant(fatima, els, "wins", ends_at=utcnow() + timedelta(days=7))
    sharing.grant(fatima, els, "strengths")
    db.session.commit()

    signed_in(laptop, app, live_server, els)
    page = laptop.new_page()
    screen = Screens(page, "nl")

    page.goto("/staff/")
    rows = page.locator("table.caseload tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first).to_have_attribute("id", f"client-{samira.id}")  # who needs help comes first
    expect(rows.first.locator(".signal-help")).to_be_visible()
    signals = rows.first.locator("td.signals")
    assert signals.evaluate("td => getComputedStyle(td).display") == "table-cell"  # its border lines up with the row
    goals_label = rows.first.get_by_role("img", name=s.picto("category.goals"), exact=True)
    expect(goals_label).to_be_hidden()  # on a laptop the column header names the category
    screen("staff-caseload", r"/staff/$")

    page.goto(f"/staff/clients/{samira.id}")
    screen("staff-client", rf"/staff/clients/{samira.id}$")
    for tab in ("goals", "week", "strengths", "wins"):
        page.goto(f"/staff/clients/{samira.id}/{tab}")
        shared = tab != "strengths"
        expect(page.locator(".not-shared-card")).to_have_count(0 if shared else 1)
        screen(f"staff-screen-{tab}", rf"/staff/clients/{samira.id}/{tab}$")

    page.goto("/staff/clients/new")
    page.get_by_role("button", name=s("Create and show the code"), exact=True).click()
    name_field = page.get_by_label(s("First name (or the name the client wants)"), exact=True)
    expect(name_field).to_have_attribute("aria-describedby", re.compile(r"-error$"))
    expect(page.locator(".error")).to_have_count(1)
    screen("staff-new-client-error", r"/staff/clients/new$")
    name_field.fill("Yusuf")
    page.get_by_label(s("Language"), exact=True).select_option("ar")
    page.get_by_role("button", name=s("Create and show the code"), exact=True).click()
    expect(page.get_by_role("img", name=s("QR code with the sign-in link"), exact=True).locator("svg")).to_have_count(1)
    screen("staff-invitation-qr", r"/staff/clients/new$")

    page.goto(f"/staff/clients/{samira.id}/suggest/goal")
    expect(page.get_by_role("navigation", name=s("Life domains")).get_by_role("link")).to_have_count(15)
    screen("staff-suggest-goal-domains")
    page.goto(f"/staff/clients/{samira.id}/suggest/goal?domain=work")
    screen("staff-suggest-goal-templates")
    page.goto(f"/staff/clients/{samira.id}/suggest/strength")
    screen("staff-suggest-strength")
    page.goto(f"/staff/clients/{samira.id}/suggest/appointment")
    page.get_by_label(s("Place"), exact=True).fill("Markt 1, Bornem")
    page.get_by_role("button", name=s.picto("action.suggest"), exact=True).click()  # no day, no time
    expect(page.locator(".error")).to_have_count(2)
    expect(page.get_by_label(s("Place"), exact=True)).to_have_value("Markt 1, Bornem")  # the input is kept
    screen("staff-suggest-appointment-error", r"/suggest/appointment$")
    page.goto(f"/staff/clients/{samira.id}/circle")
    expect(page.get_by_label(s("Colleague"), exact=True).locator("option")).to_have_count(1)  # Karim
    screen("staff-circle", r"/circle$")

    # The caseload on a phone: the table becomes cards.
    page.set_viewport_size({"width": 412, "height": 839})
    page.goto("/staff/")
    expect(page.locator("table.caseload thead")).to_be_hidden()
    for category in ("goals", "wins", "strengths", "week", "mood"):  # ... so each value says what it is
        expect(rows.first.get_by_role("img", name=s.picto(f"category.{category}"), exact=True)).to_be_visible()
    screen("staff-caseload-phone", r"/staff/$")

    assert len(screen.seen) == 14, screen.seen
    assert not screen.failures, screen.report()
