"""My settings on a phone-sized Chromium: axe finds nothing in Dutch, Arabic and Tigrinya, and a client does
each setting for real — language, read-aloud on and slow, a new number and address confirmed with the codes
the loopback SMS gateway and SMTP server received, a new PIN, another phone signed out, and signing out."""

import re
import time

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests import factories
from tests.browser.conftest import Words, enrol, fresh, signed_in, tap_pin
from tests.browser.test_accessibility import Screens
from webapp.domain import auth, settings
from webapp.extensions import db
from webapp.models import DeviceSession, User

ANDROID = "Mozilla/5.0 (Linux; Android 14; SM-A546B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile"
# Every media element that starts playing is noted with its speed (speech.js plays clips through one Audio).
HEAR = """
window.__heard = [];
const play = HTMLMediaElement.prototype.play;
HTMLMediaElement.prototype.play = function () {
  this.addEventListener("playing", () => window.__heard.push(this.playbackRate), {once: true});
  return play.apply(this, arguments);
};
"""


def heard(page, timeout=20.0):
    deadline = time.monotonic() + timeout
    while not (rates := page.evaluate("() => window.__heard")):
        assert time.monotonic() < deadline, "nothing was read aloud"
        page.wait_for_timeout(100)
    return rates


def tile(page, t, name):
    """A tile of the settings screen (the bar above has a language button of its own)."""
    return page.get_by_role("navigation", name=t("Settings")).get_by_role("link", name=t.picto(name), exact=True)


def _code(text):
    return re.search(r"\b(\d{6})\b", text).group(1)


def _tap_code(page, code):
    for digit in code:
        page.locator(f'[data-pin-form] button[data-digit="{digit}"]').tap()


@pytest.mark.parametrize("lang", ["nl", "ar", "ti"])
def test_no_axe_violations_on_the_settings_screens(new_context, app, live_server, contact_channels, lang):
    page = new_context(locale=lang).new_page()
    t = Words(lang)
    screen = Screens(page, lang)
    user = factories.client(language=lang, display_name="Samira")
    user.phone = "+32470111111"
    auth.start_session(user, "device", app.config["CLIENT_DEVICE_LIFETIME"], ANDROID)
    settings.start_change(user, "email", "samira@example.org")
    db.session.commit()
    signed_in(page.context, app, live_server, user)

    page.goto("/settings")
    screen("settings", r"/settings$")
    page.goto("/settings/read-aloud?saved=1")
    screen("settings-read-aloud", r"/settings/read-aloud")
    page.goto("/settings/reminders?done=sms")
    screen("settings-reminders", r"/settings/reminders")
    page.goto("/settings/reminders/sms")
    page.locator("[data-dial] button[data-digit='1']").tap()  # one digit is no phone number
    page.get_by_role("button", name=t("Send the code"), exact=True).tap()
    expect(page.locator(".error")).to_be_visible()
    screen("settings-phone-error", r"/settings/reminders/sms$")
    page.goto("/settings/reminders/email")
    screen("settings-email", r"/settings/reminders/email$")
    page.goto("/settings/reminders/email/confirm")
    _tap_code(page, "000000")
    expect(page.get_by_role("alert")).to_be_visible()
    screen("settings-code-wrong", r"/settings/reminders/email/confirm")
    page.goto("/settings/pin")
    screen("settings-pin", r"/settings/pin$")
    page.goto("/settings/devices")
    expect(page.locator(".device")).to_have_count(2)
    screen("settings-devices", r"/settings/devices$")
    page.locator(".device:not(.this-device) button").tap()
    expect(page.get_by_role("status")).to_contain_text(t(
        "That phone is signed out. To use Stapstenen on it again, it needs a new link from your trust person."))
    screen("settings-device-ended", r"/settings/devices$")

    assert len(screen.seen) == 9, screen.seen
    assert not screen.failures, screen.report()


def test_a_client_does_each_setting_for_real(new_context, app, live_server, contact_channels):
    gateway, smtp = contact_channels
    page = new_context(locale="nl").new_page()
    page.add_init_script(HEAR)
    t, fr = Words("nl"), Words("fr")
    user = factories.client(pin=None, language="nl", display_name="Amor")
    db.session.commit()
    enrol(page, app, user, pin="2468")
    other = auth.start_session(user, "device", app.config["CLIENT_DEVICE_LIFETIME"], ANDROID)
    db.session.commit()

    # One tap from home: the gear.
    page.get_by_role("link", name=t.picto("action.settings"), exact=True).tap()
    expect(page).to_have_url(re.compile(r"/settings$"))

    # Language: the picker says each name, then comes back to settings in the new language.
    tile(page, t, "action.language").tap()
    page.get_by_role("button", name="Français").tap()
    expect(page).to_have_url(re.compile(r"/settings$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(fr("Settings"))
    tile(page, fr, "action.language").tap()
    page.get_by_role("button", name="Nederlands").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Settings"))

    # Read-aloud on: after the tap, the screen that opens reads itself aloud; then slow.
    tile(page, t, "settings.read_aloud").tap()
    page.get_by_role("button", name=t.picto("action.yes"), exact=True).tap()
    expect(page.get_by_role("status")).to_have_text(t("Saved."))
    assert heard(page)[0] == 1
    page.get_by_role("button", name=t.picto("speed.slow"), exact=True).tap()
    expect(page.get_by_role("button", name=t.picto("speed.slow"), exact=True)).to_have_attribute("aria-pressed", "true")
    assert heard(page)[0] == 0.75, "slow: three quarters of the normal speed"
    fresh()
    assert (db.session.get(User, user.id).read_aloud, db.session.get(User, user.id).speech_rate) == (True, "slow")
    # Opened without a tap (the browser then refuses to play): nothing plays until the first tap on the screen.
    page.goto("/goals")
    page.wait_for_timeout(800)
    if not page.evaluate("() => window.__heard.length"):
        page.locator("h1").click()
        assert heard(page)[0] == 0.75
    page.goto("/settings/read-aloud")
    page.get_by_role("button", name=t.picto("action.no"), exact=True).tap()
    expect(page.get_by_role("status")).to_have_text(t("Saved."))

    # A phone number on the picture keypad; the code comes by SMS; the number works once the code is typed.
    page.goto("/settings")
    tile(page, t, "settings.reminders").tap()
    page.get_by_role("link", name=t("Add a phone number")).tap()
    dial = page.locator("[data-dial]")
    for key in "+32470123456":
        dial.locator(f'button[data-digit="{key}"]').tap()
    expect(page.get_by_label(t("Phone number"))).to_have_value("+32470123456")
    page.get_by_role("button", name=t("Send the code"), exact=True).tap()
    expect(page).to_have_url(re.compile(r"/settings/reminders/sms/confirm"))
    _headers, sms = gateway.received[-1]
    assert sms["to"] == "+32470123456"
    _tap_code(page, _code(sms["text"]))
    expect(page).to_have_url(re.compile(r"/settings/reminders\?done=sms$"))
    expect(page.get_by_role("status")).to_have_text(t("Reminders now also come by text message to this number."))
    fresh()
    assert db.session.get(User, user.id).phone == "+32470123456"

    # An e-mail address with the phone's keyboard; the code comes by e-mail.
    page.get_by_role("link", name=t("Add an e-mail address")).tap()
    page.get_by_label(t("E-mail address")).fill("amor@example.org")
    page.get_by_role("button", name=t("Send the code"), exact=True).tap()
    expect(page).to_have_url(re.compile(r"/settings/reminders/email/confirm"))
    _envelope, mail = smtp.received[-1]
    assert mail["To"] == "amor@example.org"
    _tap_code(page, _code(mail.get_content()))
    expect(page.get_by_role("status")).to_have_text(t("Reminders now also come by e-mail to this address."))
    fresh()
    assert db.session.get(User, user.id).email == "amor@example.org"

    # A new PIN: the current one, then the new one twice.
    page.goto("/settings")
    tile(page, t, "settings.pin").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Tap your PIN now."))
    tap_pin(page, "2468")
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Choose 4 new numbers. They are your new PIN."))
    tap_pin(page, "1357")
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Tap the same 4 numbers again."))
    tap_pin(page, "1357")
    expect(page.get_by_role("status")).to_have_text(t("Your PIN is changed. From now on, use the new PIN."))
    fresh()
    assert auth.check_secret(db.session.get(User, user.id).pin_hash, "1357")

    # My phones: this one is marked; the other is signed out at once.
    page.goto("/settings")
    tile(page, t, "settings.devices").tap()
    expect(page.locator(".device")).to_have_count(2)
    expect(page.locator(".this-device")).to_contain_text(t("This phone"))
    page.locator(".device:not(.this-device)").get_by_role("button").tap()
    expect(page.get_by_role("status")).not_to_be_empty()
    expect(page.locator(".device")).to_have_count(1)
    fresh()
    assert auth.find_session(other) is None

    # Signing out: from settings; the phone is back at the welcome screen and its session is gone.
    page.goto("/settings")
    page.locator("#sign-out").get_by_role("button", name=t.picto("action.sign_out"), exact=True).tap()
    expect(page).to_have_url(re.compile(r"/welcome$"))
    fresh()
    live = db.session.scalars(select(DeviceSession).where(DeviceSession.user_id == user.id,
                                                          DeviceSession.revoked_at.is_(None))).all()
    assert live == []


def test_every_setting_needs_no_more_than_a_tap_from_home(app, live_server, page):
    user = factories.client(language="ar")
    db.session.commit()
    signed_in(page.context, app, live_server, user)
    page.goto("/")
    t = Words("ar")
    page.get_by_role("link", name=t.picto("action.settings"), exact=True).tap()
    expect(page).to_have_url(re.compile(r"/settings$"))
    for name in ("action.language", "settings.read_aloud", "settings.reminders", "settings.pin", "settings.devices"):
        expect(tile(page, t, name)).to_be_visible()
