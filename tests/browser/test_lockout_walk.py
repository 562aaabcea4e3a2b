"""Too many wrong PINs on a real phone: the wait screen (seen, heard, a call button, axe), the trust person
unlocking it at the desk, and the PIN still needed afterwards."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests import factories
from tests.browser.conftest import Words, fresh, signed_in, tap_pin
from tests.browser.test_accessibility import Screens
from webapp.extensions import db
from webapp.models import DeviceSession, utcnow


def _idle(user):
    fresh()
    for device in db.session.scalars(select(DeviceSession).where(DeviceSession.user_id == user.id)):
        device.last_seen_at = utcnow() - timedelta(minutes=20)
    db.session.commit()


@pytest.mark.parametrize("lang", ["nl", "ar", "ti"])
def test_the_wait_screen_tells_how_long_and_calls_the_trust_person(new_context, app, live_server, lang):
    trust = factories.staff(display_name="Lotte", password="a long pass phrase")
    trust.phone = "+32 3 000 01 01"
    user = factories.client(language=lang, display_name="Amor", trust_person=trust)
    db.session.commit()
    context = new_context(locale=lang)
    page = context.new_page()
    t = Words(lang)
    screen = Screens(page, lang)
    signed_in(context, app, live_server, user)
    _idle(user)
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/unlock$"))
    for _ in range(5):
        tap_pin(page, "0000")
        expect(page.get_by_role("alert")).to_be_visible()
    fresh()
    wait = db.session.scalars(select(DeviceSession.wait_until)).one()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(t("That was not your PIN."))
    expect(alert).to_contain_text(t.plural("Try again in %(num)d minute, at %(time)s.",
                                           "Try again in %(num)d minutes, at %(time)s.", 1, time=t.clock(wait)))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Wait a moment. Then you can tap your PIN again."))
    expect(page.locator("[data-pin-form]")).to_have_count(0)  # nothing to tap during the wait
    call = page.get_by_role("link", name=t("Call %(name)s", name="Lotte"), exact=True)
    expect(call).to_be_visible()
    expect(call).to_have_attribute("href", "tel:+3230000101")
    expect(call.locator("img")).to_have_attribute("src", re.compile(r"260E\.svg"))
    # The speaker button reads the main content, where the words are.
    expect(page.locator("main")).to_contain_text(t("%(name)s, your trust person, can help you.", name="Lotte"))
    expect(page.locator("[data-speak='#main']")).to_have_count(1)
    screen("wait", r"/unlock$")
    assert not screen.failures, screen.report()


def test_the_trust_person_unlocks_at_the_desk_and_the_pin_is_still_needed(new_context, laptop, app, live_server):
    trust = factories.staff(display_name="Lotte", password="a long pass phrase")
    user = factories.client(language="nl", display_name="Amor", trust_person=trust)
    db.session.commit()
    phone_context = new_context(locale="nl")
    phone = phone_context.new_page()
    t = Words("nl")
    signed_in(phone_context, app, live_server, user)
    _idle(user)
    phone.goto("/")
    for _ in range(5):
        tap_pin(phone, "0000")
        expect(phone.get_by_role("alert")).to_be_visible()
    expect(phone.get_by_role("heading", level=1)).to_have_text(t("Wait a moment. Then you can tap your PIN again."))
    expect(phone.locator("a[href^='tel:']")).to_have_count(0)  # no number: no call button

    desk = laptop.new_page()
    signed_in(laptop, app, live_server, trust)
    desk.goto("/staff/")
    row = desk.locator(f"#client-{user.id}")
    expect(row.locator(".signal-locked")).to_have_text(t("Phone locked"))
    row.get_by_role("link", name="Amor").click()
    desk.get_by_role("button", name=t("Unlock"), exact=True).click()
    expect(desk.get_by_role("status")).to_contain_text(t("The wait has ended. %(name)s can tap the PIN again.",
                                                          name="Amor"))
    expect(desk.locator("#phone-locked")).to_have_count(0)

    phone.goto("/")
    expect(phone.get_by_role("status")).to_contain_text(
        t("%(name)s, your trust person, ended the wait. %(name)s did not see your things.", name="Lotte"))
    tap_pin(phone, "1357")
    expect(phone).to_have_url(re.compile(r"/$"))
