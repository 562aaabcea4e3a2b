"""The bell on the week screen in a real browser, and a pushed reminder reaching the service worker.

Headless Chromium refuses a real pushManager.subscribe() (TOOLING.md §4), so the page gets a stand-in
PushManager with keys the test owns: the page's own code still asks for permission, subscribes with the
VAPID key from the page and posts the subscription. The push itself is delivered to the service worker
through CDP, with the payload the reminder worker builds, and the notification it shows is read back.
"""

import base64
import json
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from py_vapid import Vapid
from sqlalchemy import select

from tests import factories
from tests.browser.conftest import SCREENSHOTS, Words, fresh, signed_in
from tests.loopback import b64u, phone_keys, public_bytes
from webapp.extensions import db
from webapp.models import PushSubscription, Reminder, utcnow
from webapp.reminders import channels, messages

ENDPOINT = "https://push.example.org/wpush/browser-test"

# A PushManager that hands out one subscription with our keys; getSubscription() knows only what
# subscribe() made, so the page starts with reminders off, as a phone that never had them.
STUB = """([endpoint, p256dh, auth]) => {
  const b64 = s => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), c => c.charCodeAt(0)).buffer;
  let current = null;
  const sub = {endpoint, expirationTime: null, options: {userVisibleOnly: true},
    getKey: n => b64(n === 'p256dh' ? p256dh : auth),
    toJSON: () => ({endpoint, expirationTime: null, keys: {p256dh, auth}}),
    unsubscribe: async () => { current = null; return true; }};
  PushManager.prototype.subscribe = async function (options) {
    if (!options || !options.userVisibleOnly || !options.applicationServerKey) throw new Error('bad options');
    self.__serverKey = Array.from(new Uint8Array(options.applicationServerKey));
    current = sub; return sub;
  };
  PushManager.prototype.getSubscription = async function () { return current; };
}"""


@pytest.fixture
def vapid(app, monkeypatch):
    key = Vapid()
    key.generate_keys()
    public = b64u(public_bytes(key.public_key))
    monkeypatch.setitem(app.config, "VAPID_PRIVATE_KEY",
                        b64u(key.private_key.private_numbers().private_value.to_bytes(32, "big")))
    monkeypatch.setitem(app.config, "VAPID_PUBLIC_KEY", public)
    return public


def _notifications(page):
    return page.evaluate("""navigator.serviceWorker.ready.then(r => r.getNotifications()).then(list =>
        list.map(n => ({title: n.title, body: n.body, tag: n.tag, lang: n.lang, dir: n.dir, icon: n.icon,
                        actions: n.actions.map(a => a.action), data: n.data})))""")


@pytest.mark.parametrize("lang", ["nl", "ar"])
def test_the_bell_turns_reminders_on_and_a_push_shows_a_notification(app, context, live_server, vapid, lang):
    t = Words(lang)
    user = factories.client(language=lang)
    appointment = factories.appointment(user, kind="court", in_hours=20, place="Hoogstraat 12")
    db.session.commit()
    signed_in(context, app, live_server, user)
    context.grant_permissions(["notifications"], origin=live_server)
    keys = phone_keys()[2]
    context.add_init_script(script=f"({STUB})({json.dumps([ENDPOINT, keys['p256dh'], keys['auth']])})")
    page = context.new_page()
    page.goto("/week")

    bell = page.get_by_role("button", name=t.picto("action.remind"), exact=True)
    expect(bell).to_be_visible()
    expect(bell).to_have_attribute("aria-pressed", "false")
    with page.expect_response("**/push/subscribe") as posted:
        bell.tap()
    assert posted.value.status == 204
    expect(bell).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_text(t("Reminders are on for this phone. Tap the bell again to stop them."))).to_be_visible()
    # subscribe() got the server's VAPID public key from the page, decoded to its 65 bytes.
    assert bytes(page.evaluate("self.__serverKey")) == base64.urlsafe_b64decode(vapid + "=" * (-len(vapid) % 4))
    fresh()
    row = db.session.scalar(select(PushSubscription))
    assert (row.user_id, row.endpoint, row.p256dh) == (user.id, ENDPOINT, keys["p256dh"])

    page.screenshot(path=str(SCREENSHOTS / f"{lang}-week-reminders-on.png"), full_page=True)
    result = Axe().run(page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]})
    assert result.violations_count == 0, result.generate_report()

    # The worker's own payload, delivered to the service worker as the push service would.
    reminder = Reminder(appointment_id=appointment.id, channel="push", offset_minutes=120, due_at=utcnow())
    db.session.add(reminder)
    db.session.commit()
    outbox = channels.Outbox(app.config)
    payload = channels.push_payload(outbox, reminder, appointment, messages.compose(appointment, user))
    cdp = context.new_cdp_session(page)
    registrations = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda e: registrations.extend(e["registrations"]))
    cdp.send("ServiceWorker.enable")
    page.wait_for_function("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_timeout(300)
    registration = next(r for r in registrations if not r["isDeleted"])
    for _ in range(2):  # the same reminder twice (a retried send) stays one notification
        cdp.send("ServiceWorker.deliverPushMessage", {"origin": live_server,
                 "registrationId": registration["registrationId"], "data": json.dumps(payload)})
        page.wait_for_function("() => navigator.serviceWorker.ready.then(r => r.getNotifications())"
                               ".then(list => list.length === 1)")
    # A replaced notification can be absent for a moment while its successor goes up: look again briefly.
    for _ in range(30):
        shown = _notifications(page)
        if len(shown) == 1:
            break
        page.wait_for_timeout(100)
    assert len(shown) == 1
    note = shown[0]
    assert (note["title"], note["body"], note["lang"]) == (payload["title"], payload["body"], lang)
    assert note["title"] == t.picto("reminder.appointment")  # a court date shows as a plain appointment
    assert note["tag"] == f"appointment-{appointment.id}" and note["actions"] == ["coming", "cannot_come"]
    assert note["data"]["reply"]["token"] == payload["reply"]["token"]
    assert note["icon"].endswith("/static/pictograms/1F4C5.svg")

    # Tap again: this phone stops getting reminders.
    with page.expect_response("**/push/unsubscribe") as posted:
        bell.tap()
    assert posted.value.status == 204
    expect(bell).to_have_attribute("aria-pressed", "false")
    fresh()
    assert db.session.scalar(select(PushSubscription)) is None

    # "Add to my calendar": the secret link, swapped in by htmx, as readable as the rest.
    page.get_by_role("button", name=t.picto("action.calendar"), exact=True).tap()
    expect(page.get_by_role("link", name=t("Open in my calendar"))).to_have_attribute(
        "href", re.compile(r"^webcal://127\.0\.0\.1:\d+/calendar/\d+-[\w-]+\.ics$"))
    page.screenshot(path=str(SCREENSHOTS / f"{lang}-week-calendar-link.png"), full_page=True)
    result = Axe().run(page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]})
    assert result.violations_count == 0, result.generate_report()
