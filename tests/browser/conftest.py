"""Real-browser tests: the app on a live server, driven by the system Chromium dressed as a Pixel 7.

The server runs in a thread of this process on the session's `app` (same database), so a test can
make rows with tests/factories.py, commit, and then look at them in the browser; and after a tap,
look in the database for what the browser did (call `fresh()` first: the test's session caches rows).
"""

import logging
import re
import threading
from pathlib import Path

import pytest
from flask_babel import force_locale, gettext, ngettext
from playwright.sync_api import Page, expect
from time_machine import escape_hatch
from werkzeug.serving import make_server

from tests import factories
from webapp import pictograms
from webapp.domain import auth
from webapp.extensions import db
from webapp.templating import clock_time

HERE = Path(__file__).resolve().parent
SCREENSHOTS = HERE / "screenshots"

# Playwright adds --headless itself. Never `playwright install`: we drive Debian's chromium.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = "Pixel 7"
LAPTOP = "Desktop Chrome"  # 1280x720, no touch: the trust person's desk


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives a real browser (Chromium) against a live server")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


# --- the live server and the browser ------------------------------------------------------------

SERVED: list[str] = []  # every request the live server answered, as "METHOD /path?query"


def recording(app):
    """What reached the server over the network (a service worker's cache answers never do)."""

    def wsgi(environ, start_response):
        query = environ.get("QUERY_STRING")
        SERVED.append(f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']}{'?' + query if query else ''}")
        return app(environ, start_response)

    return wsgi


@pytest.fixture
def served():
    SERVED.clear()
    return SERVED


@pytest.fixture(scope="session")
def live_server(app):
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request; errors still show
    server = make_server("127.0.0.1", 0, recording(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


@pytest.fixture(scope="session")
def base_url(live_server):
    return live_server


# Playwright launches Chromium with --disable-back-forward-cache; every real phone has that cache on, and it
# is what brings a private screen back after a lock (a page kept in memory, not fetched again). So it stays on.
@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS,
            "ignore_default_args": ["--disable-back-forward-cache"]}


# Chromium runs on the real clock in Brussels time. Its pages need no frozen clock (Playwright's
# page.clock): no script shows or compares times. The server writes every day and time into the page
# and into /week/kept.json; the only Date in our scripts stamps a queued win for the phone's own list.
# The server's own cookies carry Max-Age, which Chromium counts from its clock, so they hold at any --clock.
@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, playwright, live_server):
    phone = {k: v for k, v in playwright.devices[PHONE].items() if k != "default_browser_type"}
    return {**browser_context_args, **phone, "base_url": live_server, "timezone_id": "Europe/Brussels"}


# --- words: what the page should say, read from the compiled catalogue ---------------------------

class Words:
    """The translated strings of one language, exactly as the app renders them.

    Tests find buttons by role and this name, so a missing or wrong accessible name fails them,
    while a translator improving a sentence does not.
    """

    def __init__(self, lang: str):
        self.lang = lang

    def __call__(self, msgid: str, **params) -> str:
        with force_locale(self.lang):
            return gettext(msgid, **params)

    def plural(self, singular: str, plural: str, num: int, **params) -> str:
        with force_locale(self.lang):
            return ngettext(singular, plural, num, **params)

    def picto(self, name: str) -> str:
        """The accessible name of a pictogram: its translated label."""
        with force_locale(self.lang):
            return str(pictograms.get(name).label)

    def clock(self, dt) -> str:
        """A time of day as the app writes it in this language."""
        with force_locale(self.lang):
            return clock_time(dt)


# --- a client and their phone ---------------------------------------------------------------------

def fresh():
    """Forget what the test's own session has cached, so the next query sees what the server wrote."""
    db.session.rollback()
    db.session.expire_all()


def invite(app, user) -> str:
    token = auth.create_invitation(user, app.config["INVITATION_LIFETIME"])
    db.session.commit()
    return token


def tap_pin(page: Page, pin: str) -> None:
    for digit in pin:
        page.locator(f'[data-pin-form] button[data-digit="{digit}"]').tap()


def choose_pin(page: Page, t: Words, pin: str, shot=None) -> None:
    """On /pin/new: the PIN on the picture keypad, then once more to confirm."""
    expect(page).to_have_url(re.compile(r"/pin/new$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Choose 4 numbers. They are your PIN."))
    if shot:
        shot("choose-pin")
    tap_pin(page, pin)
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Tap the same 4 numbers again."))
    if shot:
        shot("choose-pin-again")
    tap_pin(page, pin)


def enrol(page: Page, app, user, pin: str = "2468", shot=None) -> None:
    """Sign a client in the real way: invitation link, Start, PIN twice; ends on home.

    `shot(name)`, when given, is called on each screen on the way (the accessibility walk uses it).
    """
    token = invite(app, user)
    redeem(page, f"/i/{token}", user.display_name, user.language, pin, shot)


def redeem(page: Page, link: str, name: str, lang: str, pin: str = "2468", shot=None) -> None:
    """On the phone: open an invitation link, tap Start, choose the PIN twice; ends on home."""
    page.goto(link)
    # Until Start is tapped the page follows the phone's language (Accept-Language), not the client's.
    before = Words(page.locator("html").get_attribute("lang"))
    expect(page.get_by_role("heading", level=1)).to_have_text(before("Hello %(name)s!", name=name))
    if shot:
        shot("invitation")
    page.get_by_role("button", name=before("Start"), exact=True).tap()
    t = Words(lang)  # from here on, the client's own language
    choose_pin(page, t, pin, shot)
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("link", name=t.picto("action.did_it"), exact=True)).to_be_visible()


@pytest.fixture
def new_client():
    """A client in a language, with no PIN yet (enrol() invites them): `new_client("ar")`."""

    def make(lang="nl", **kwargs):
        user = factories.client(pin=None, language=lang, **kwargs)
        db.session.commit()
        return user

    return make


# --- the trust person at a desk ---------------------------------------------------------------------

@pytest.fixture
def laptop(browser, browser_context_args, playwright):
    """A laptop-sized browser context (no touch) whose browser asks for Dutch, the staff default."""
    desk = {k: v for k, v in playwright.devices[LAPTOP].items() if k != "default_browser_type"}
    context = browser.new_context(**{**browser_context_args, **desk, "locale": "nl"})
    yield context
    context.close()


def signed_in(context, app, live_server, user) -> None:
    """Give a browser context a live session for user without a form: a factory client's enrolled,
    unlocked phone, or a staff sign-in. (The walks sign in for real; the other tests need not.)"""
    kind, lifetime = ("device", "CLIENT_DEVICE_LIFETIME") if user.is_client else ("staff", "STAFF_LIFETIME")
    token = auth.start_session(user, kind, app.config[lifetime], "pytest")
    db.session.commit()
    # With an expiry, like the server's own cookie, so it outlives a browser restart. Chromium keeps the
    # real time (the test's clock is frozen, perhaps months away), so the expiry comes from the real clock.
    context.add_cookies([{"name": app.config["DEVICE_COOKIE_NAME"], "value": token, "url": live_server,
                          "expires": escape_hatch.time.time() + 24 * 3600}])
