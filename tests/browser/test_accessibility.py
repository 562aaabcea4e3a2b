"""axe-core (WCAG 2.1 A and AA) finds nothing on any screen, in Dutch and in Arabic.

Each screen is also saved as a full-page screenshot in tests/browser/screenshots/<lang>-<screen>.png
(gitignored), to look at by eye: overlap, cut-off words, a layout that is not mirrored in Arabic.
"""

import re
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from sqlalchemy import select

from tests import factories
from tests.browser.conftest import SCREENSHOTS, Words, enrol, fresh, tap_pin
from webapp.extensions import db
from webapp.models import DeviceSession, utcnow

AXE_OPTIONS = {"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"], "resultTypes": ["violations"]}


class Screens:
    """Checks the screen the page shows now: its address, language and direction, axe; takes a picture."""

    def __init__(self, page, lang):
        self.page, self.lang = page, lang
        self.axe = Axe()
        self.seen, self.failures = [], {}
        SCREENSHOTS.mkdir(exist_ok=True)

    def __call__(self, name, path=None):
        page = self.page
        if path is not None:
            expect(page).to_have_url(re.compile(path))
        expect(page.locator("html")).to_have_attribute("lang", self.lang)
        expect(page.locator("html")).to_have_attribute("dir", "rtl" if self.lang in ("ar", "prs", "ps") else "ltr")
        page.screenshot(path=str(SCREENSHOTS / f"{self.lang}-{name}.png"), full_page=True)
        # Nothing sticks out sideways: a phone screen never scrolls horizontally.
        overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
        if overflow > 0:
            self.failures[f"{name} (layout)"] = f"the page is {overflow}px wider than the screen"
        result = self.axe.run(page, options=AXE_OPTIONS)
        self.seen.append(name)
        if result.violations_count:
            self.failures[name] = result.generate_report()

    def report(self):
        return "\n\n".join(f"=== {self.lang} {name} ({self.page.url})\n{text}"
                           for name, text in self.failures.items())


def _client_with_a_trajectory(lang):
    """A client with some of everything, so each screen shows its full set of parts."""
    trust = factories.staff(display_name="Els")
    user = factories.client(pin=None, language=lang, display_name="Samira", trust_person=trust)
    work = factories.goal(user, template="find_job")
    factories.goal(user, template="walk_more", status="paused")
    for _ in range(3):
        factories.win(user, goal=work)
    factories.win(user, pictogram="win.bus")
    factories.strength(user, key="cooking")
    factories.strength(user, own_words="Fixing bikes")
    org = factories.organisation(name="VDAB Bornem", pictogram="domain.work")
    factories.appointment(user, org=org, kind="job_interview", in_hours=26, note="Kom 10 minuten vroeger.")
    answered = factories.appointment(user, org=org, kind="doctor", in_hours=72, bring="id_card,medicines,glasses")
    answered.reply, answered.replied_at = "coming", utcnow() - timedelta(hours=2)
    db.session.commit()
    return user


def _device(user):
    fresh()
    return db.session.scalars(select(DeviceSession).where(
        DeviceSession.user_id == user.id, DeviceSession.revoked_at.is_(None))).one()


@pytest.mark.parametrize("lang", ["nl", "ar", "ti"])
def test_no_axe_violations_on_any_screen(new_context, app, lang):
    page = new_context(locale=lang).new_page()  # a phone set to the client's language
    t = Words(lang)
    screen = Screens(page, lang)
    user = _client_with_a_trajectory(lang)

    page.goto("/welcome")
    screen("welcome", r"/welcome$")
    page.goto("/staff/sign-in")
    screen("staff-sign-in", r"/staff/sign-in$")
    page.goto("/i/not-a-real-token")
    screen("invitation-gone", r"/i/not-a-real-token$")

    enrol(page, app, user, pin="2468", shot=screen)  # invitation, choose-pin, choose-pin-again

    screen("home", r"/$")
    page.goto("/goals")
    screen("goals", r"/goals$")
    page.goto("/goals/new")
    screen("new-goal-domains", r"/goals/new$")
    page.goto("/goals/new?domain=work")
    page.locator("details.own-words summary").click()  # the optional own-words field, open
    expect(page.get_by_role("textbox")).to_be_visible()
    screen("new-goal-templates", r"/goals/new\?domain=work$")
    page.goto("/week")
    expect(page.get_by_role("status")).to_have_count(1)  # one appointment has its reply
    screen("week", r"/week$")
    page.goto("/strengths")
    screen("strengths", r"/strengths$")
    page.goto("/did-it")
    screen("did-it", r"/did-it$")
    page.get_by_role("button", name=t.picto("win.called"), exact=True).tap()
    expect(page).to_have_url(re.compile(r"/wins/\d+$"))
    face = page.get_by_role("button", name=t.picto("mood.great"), exact=True)
    face.tap()
    expect(face).to_have_attribute("aria-pressed", "true")  # after the htmx swap
    screen("celebration")
    page.goto("/language")
    screen("language", r"/language$")
    page.goto("/no-such-page")
    expect(page.get_by_role("heading", level=1)).to_have_text(t("We cannot find this page."))
    screen("not-found", r"/no-such-page$")

    device = _device(user)
    device.last_seen_at = utcnow() - timedelta(minutes=20)
    db.session.commit()
    page.goto("/")
    screen("unlock", r"/unlock$")
    tap_pin(page, "1111")
    expect(page.get_by_role("alert")).to_be_visible()
    screen("unlock-wrong-pin", r"/unlock$")

    device = _device(user)
    device.locked_at = utcnow()
    db.session.commit()
    page.goto("/")
    screen("locked", r"/locked$")

    assert len(screen.seen) == 19, screen.seen
    assert not screen.failures, screen.report()
