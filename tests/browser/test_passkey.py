"""Finger or face in a real Chromium with its virtual authenticator (a platform authenticator that verifies
the user): offered after the PIN, made in one tap, then one tap unlocks; the PIN still works; a new
invitation ends it. WebAuthn refuses an IP address as RP ID, so this phone opens the app at localhost."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from sqlalchemy import func, select

from tests.browser.conftest import SCREENSHOTS, Words, choose_pin, fresh, invite, tap_pin
from webapp.extensions import db
from webapp.models import Passkey

AXE_OPTIONS = {"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"], "resultTypes": ["violations"]}


@pytest.fixture
def phone(browser, browser_context_args, live_server):
    """A phone at http://localhost:PORT with a fingerprint reader: `page, cdp, authenticator = phone("nl")`."""
    made = []

    def make(lang="nl"):
        context = browser.new_context(**{**browser_context_args, "locale": lang,
                                         "base_url": live_server.replace("127.0.0.1", "localhost")})
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("WebAuthn.enable", {"enableUI": False})
        authenticator = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
            "protocol": "ctap2", "transport": "internal", "hasResidentKey": True, "hasUserVerification": True,
            "isUserVerified": True, "automaticPresenceSimulation": True}})["authenticatorId"]
        made.append(context)
        return page, cdp, authenticator

    yield make
    for context in made:
        context.close()


def _passkeys():
    fresh()
    return db.session.scalar(select(func.count()).select_from(Passkey))


def _axe(page, name):
    """axe finds nothing; the screen is kept as tests/browser/screenshots/passkey-<name>.png to look at."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"passkey-{name.replace(' ', '-').replace(',', '')}.png"), full_page=True)
    result = Axe().run(page, options=AXE_OPTIONS)
    assert result.violations_count == 0, f"{name}: {result.generate_report()}"


def _to_the_offer(page, app, user, t):
    """Invitation link, Start, the PIN twice: on a phone that can, the finger is offered next."""
    page.goto(f"/i/{invite(app, user)}")
    page.get_by_role("button", name=t("Start"), exact=True).tap()
    choose_pin(page, t, "2468")
    expect(page).to_have_url(re.compile(r"/passkey/offer$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        t("Next time, use your finger or face instead of your PIN?"))


def test_one_tap_on_the_finger_unlocks_the_phone_and_a_new_invitation_ends_it(phone, app, new_client):
    page, cdp, authenticator = phone("nl")
    t = Words("nl")
    user = new_client("nl")
    _to_the_offer(page, app, user, t)
    expect(page.get_by_role("link", name=t("Not now"), exact=True)).to_be_visible()
    page.get_by_role("button", name=t.picto("action.yes"), exact=True).tap()
    expect(page.get_by_role("status")).to_have_text(t("Done. Next time, touch the finger button to open Stapstenen."))
    assert _passkeys() == 1
    [credential] = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]
    assert credential["isResidentCredential"] and credential["rpId"] == "localhost"
    page.get_by_role("link", name=t.picto("action.home"), exact=True).tap()
    expect(page).to_have_url(re.compile(r"/$"))

    # Lock with the padlock, then one tap on the finger: home, no PIN.
    page.get_by_role("button", name=t("Lock the app"), exact=True).tap()
    expect(page).to_have_url(re.compile(r"/unlock$"))
    finger = page.get_by_role("button", name=t.picto("action.passkey"), exact=True)
    expect(finger).to_be_visible()
    _axe(page, "unlock with the finger")
    finger.tap()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("link", name=t.picto("action.did_it"), exact=True)).to_be_visible()
    fresh()
    assert db.session.scalars(select(Passkey)).one().last_used_at is not None

    # The PIN still works beside it.
    page.get_by_role("button", name=t("Lock the app"), exact=True).tap()
    expect(page).to_have_url(re.compile(r"/unlock$"))
    tap_pin(page, "2468")
    expect(page).to_have_url(re.compile(r"/$"))

    # The trust person re-invites (a lost phone): the passkey goes with the device; the server refuses it.
    page.get_by_role("button", name=t("Lock the app"), exact=True).tap()
    expect(finger).to_be_visible()
    invite(app, user)
    assert _passkeys() == 0
    refused = page.evaluate("""(url) => fetch(url, {method: "POST", credentials: "same-origin",
        headers: StapCsrf.headers({"Content-Type": "application/json"}), body: "{}"})
        .then(r => r.json().then(body => [r.status, body.code]))""", finger.locator("xpath=..").get_attribute(
        "data-options"))
    assert refused == [401, "not-signed-in"]
    finger.tap()
    expect(page).to_have_url(re.compile(r"/welcome$"))  # the phone is no longer enrolled
    # The phone itself still holds the key; nothing on the server answers to it any more.
    assert len(cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]) == 1


def test_the_finger_can_be_turned_on_later_and_off_in_the_settings(phone, app, new_client):
    page, _cdp, _authenticator = phone("nl")
    t = Words("nl")
    user = new_client("nl")
    _to_the_offer(page, app, user, t)
    page.get_by_role("link", name=t("Not now"), exact=True).tap()
    expect(page).to_have_url(re.compile(r"/$"))
    assert _passkeys() == 0
    page.goto("/passkey")
    _axe(page, "passkey settings, off")
    page.get_by_role("button", name=t("Turn on"), exact=True).tap()
    expect(page.get_by_role("status").filter(has_text=t("Done. Next time, touch the finger button to open "
                                                         "Stapstenen."))).to_be_visible()
    assert _passkeys() == 1
    page.reload()
    _axe(page, "passkey settings, on")
    page.get_by_role("button", name=t("Turn off"), exact=True).tap()
    expect(page.get_by_role("status")).to_have_text(t("Off. You open Stapstenen with your PIN."))
    assert _passkeys() == 0


@pytest.mark.parametrize("lang", ["nl", "ar", "ti"])
def test_the_offer_has_no_axe_violations(phone, app, new_client, lang):
    page, _cdp, _authenticator = phone(lang)
    t = Words(lang)
    _to_the_offer(page, app, new_client(lang), t)
    expect(page.get_by_role("button", name=t.picto("action.yes"), exact=True)).to_be_visible()
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if lang == "ar" else "ltr")
    _axe(page, f"{lang} offer")


def test_a_phone_without_a_finger_reader_goes_home_after_the_pin(page, app, new_client):
    """The default browser of the suite has no platform authenticator: nothing is offered."""
    t = Words("nl")
    user = new_client("nl")
    page.goto(f"/i/{invite(app, user)}")
    page.get_by_role("button", name=t("Start"), exact=True).tap()
    choose_pin(page, t, "2468")
    expect(page).to_have_url(re.compile(r"/$"))
    page.goto("/passkey/offer")  # even when opened by hand, it goes on home by itself
    expect(page).to_have_url(re.compile(r"/$"))
