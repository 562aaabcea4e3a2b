"""Reminders that arrive: when they are due, how the worker claims and sends them, what they say, and the
phone side (push subscriptions, a notification's answer, the calendar feed).

Every channel talks to a real server on loopback (tests/loopback.py): a push service that decrypts each
message as a phone would, an SMTP server (aiosmtpd) and an SMS gateway. No mock objects.
"""

import json
import re
import signal
import threading
import time as clock
from collections import Counter
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from flask_babel import force_locale, gettext
from icalendar import Calendar
from py_vapid import Vapid, b64urldecode
from sqlalchemy import func, select

from tests import factories, loopback
from tests.conftest import csrf_token, sign_in
from tests.loopback import PushService, SmsGateway, SmtpServer, b64u, phone_keys, public_bytes
from webapp import pictograms
from webapp.domain import partners, reminders
from webapp.extensions import db
from webapp.models import CHANNELS, Appointment, CalendarFeed, PushSubscription, Reminder, utcnow
from webapp.reminders import dispatch, subscriptions, tokens
from webapp.reminders.dispatch import Worker
from webapp.templating import clock_time

BRUSSELS = ZoneInfo("Europe/Brussels")


at = factories.brussels  # at(1, 10): tomorrow 10:00 in Brussels, by the test's frozen clock


# --- fixtures: settings and loopback servers --------------------------------------------------------

@pytest.fixture
def configure(app, monkeypatch):
    """Set app settings for one test (restored afterwards)."""

    def set_values(**values):
        for key, value in values.items():
            monkeypatch.setitem(app.config, key, value)

    return set_values


@pytest.fixture
def vapid(configure):
    key = Vapid()
    key.generate_keys()
    public = b64u(public_bytes(key.public_key))
    configure(VAPID_PRIVATE_KEY=b64u(key.private_key.private_numbers().private_value.to_bytes(32, "big")),
              VAPID_PUBLIC_KEY=public, VAPID_SUBJECT="mailto:test@stapstenen.example")
    return public


@pytest.fixture
def push_service(vapid):
    service = PushService()
    yield service
    service.close()


@pytest.fixture
def smtp(configure):
    server = SmtpServer()
    configure(SMTP_HOST="127.0.0.1", SMTP_PORT=server.port, SMTP_FROM="Stapstenen <herinnering@stapstenen.example>",
              SMTP_STARTTLS=False, SMTP_USER=None)
    yield server
    server.close()


@pytest.fixture
def sms(configure):
    gateway = SmsGateway()
    configure(SMS_GATEWAY_URL=gateway.url + "/messages", SMS_GATEWAY_TOKEN="gateway-secret")
    yield gateway
    gateway.close()


# --- helpers -----------------------------------------------------------------------------------------

def appointment(user=None, starts_at=None, kind="job_interview", org=None, **fields):
    row = factories.appointment(user or factories.client(), org=org, kind=kind)
    row.starts_at = starts_at or utcnow() + timedelta(hours=26)
    row.ends_at = row.starts_at + timedelta(hours=1)
    for name, value in fields.items():
        setattr(row, name, value)
    db.session.flush()
    return row


def phone(push_service, user, status=None) -> dict:
    """A phone of `user` that turned reminders on; the push service keeps its private key."""
    sub = push_service.subscription(status)
    subscriptions.subscribe(user, sub["endpoint"], sub["keys"]["p256dh"], sub["keys"]["auth"])
    return sub


def due(appt, channel="push", due_at=None, minutes=120) -> Reminder:
    row = Reminder(appointment_id=appt.id, channel=channel, offset_minutes=minutes,
                   due_at=due_at or utcnow() - timedelta(seconds=1))
    db.session.add(row)
    db.session.flush()
    return row


def fresh(model, row_id):
    db.session.expire_all()
    return db.session.get(model, row_id)


def send(now=None, **kwargs) -> Counter:
    return Worker(now=(lambda: now) if now else utcnow, **kwargs).send_due()


# --- when reminders are due --------------------------------------------------------------------------

def test_default_reminders_are_the_evening_before_and_two_hours_before(app):
    appt = appointment(starts_at=at(3, 10))
    rows = reminders.schedule(appt, now=at(0, 9))
    assert {(r.channel, r.due_at) for r in rows} == {
        (channel, due) for channel in CHANNELS for due in (at(2, 18), appt.starts_at - timedelta(hours=2))}


def test_the_partners_offsets_replace_the_defaults(app):
    appt = appointment(starts_at=at(3, 10), reminder_offsets="1440,30")
    rows = reminders.schedule(appt, now=at(0, 9))
    assert sorted({r.due_at for r in rows}) == [appt.starts_at - timedelta(days=1),
                                               appt.starts_at - timedelta(minutes=30)]
    assert len(rows) == 2 * len(CHANNELS)


def test_short_notice_gets_one_reminder_now_and_a_move_replans(app):
    now = utcnow()
    appt = appointment(starts_at=now + timedelta(minutes=60))
    rows = reminders.schedule(appt, now=now)
    assert {r.due_at for r in rows} == {now} and len(rows) == len(CHANNELS)
    appt.starts_at = now + timedelta(days=3)
    reminders.schedule(appt, now=now)
    statuses = Counter(db.session.scalars(select(Reminder.status).where(Reminder.appointment_id == appt.id)))
    assert statuses == {"cancelled": 3, "pending": 6}
    reminders.cancel(appt)
    assert set(db.session.scalars(select(Reminder.status))) == {"cancelled"}


# --- the worker: claim, lease, exactly once -----------------------------------------------------------

def test_a_claim_takes_due_rows_once_until_its_lease_runs_out(app):
    appt = appointment()
    ids = sorted(due(appt).id for _ in range(5))
    due(appt, due_at=utcnow() + timedelta(hours=1))  # not due yet
    db.session.commit()
    now, lease = utcnow(), timedelta(seconds=60)
    first, _lease_until = dispatch.claim(3, now, lease)
    second, _ = dispatch.claim(10, now, lease)
    assert len(first) == 3 and sorted(first + second) == ids
    assert dispatch.claim(10, now, lease)[0] == []
    # A worker that died holding them: after the lease another worker takes them again.
    again, _ = dispatch.claim(10, now + lease + timedelta(seconds=1), lease)
    assert again == ids
    assert set(db.session.scalars(select(Reminder.attempts).where(Reminder.id.in_(ids)))) == {2}


def test_two_workers_send_each_reminder_exactly_once(app, push_service):
    ids = []
    for _ in range(4):
        user = factories.client()
        phone(push_service, user)
        for hours in range(10, 25):
            ids.append(due(appointment(user, starts_at=utcnow() + timedelta(hours=hours))).id)
    db.session.commit()

    def worker():
        with app.app_context():
            Worker(batch=4).send_due()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert push_service.by_reminder == Counter({i: 1 for i in ids})
    assert Counter(db.session.scalars(select(Reminder.status))) == {"sent": len(ids)}


def test_failures_back_off_then_fail(app, push_service):
    push_service.status = 500
    user = factories.client()
    phone(push_service, user)
    reminder = due(appointment(user, starts_at=utcnow() + timedelta(hours=5)))
    db.session.commit()
    now = [utcnow()]
    worker = Worker(now=lambda: now[0])
    for minutes in (1, 5, 15, 60):
        assert worker.send_due() == {"retry": 1}
        row = fresh(Reminder, reminder.id)
        assert row.status == "pending" and row.last_error == "push: HTTP 500" and row.sent_at is None
        assert row.lease_until == now[0] + timedelta(minutes=minutes)  # not before then
        assert worker.send_due() == {}
        now[0] += timedelta(minutes=minutes, seconds=1)
    assert worker.send_due() == {"failed": 1}
    row = fresh(Reminder, reminder.id)
    assert (row.status, row.attempts, row.last_error) == ("failed", 5, "push: HTTP 500")


def test_a_reminder_that_keeps_killing_its_worker_is_given_up(app, push_service):
    user = factories.client()
    phone(push_service, user)
    reminder = due(appointment(user))
    db.session.commit()
    now, lease = utcnow(), timedelta(seconds=60)
    for round_ in range(dispatch.MAX_CLAIMS):  # claimed, then the worker died each time
        assert dispatch.claim(10, now + round_ * 2 * lease, lease)[0] == [reminder.id]
    assert send(now=now + dispatch.MAX_CLAIMS * 2 * lease) == {"failed": 1}
    assert fresh(Reminder, reminder.id).last_error == "claimed too often"
    assert push_service.count() == 0


def test_a_channel_the_client_does_not_have_is_skipped(app, push_service, smtp, sms):
    appt = appointment(factories.client())  # no phone with reminders on, no e-mail address, no number
    rows = [due(appt, channel) for channel in CHANNELS]
    db.session.commit()
    assert send() == {"skipped": 3}
    assert {fresh(Reminder, r.id).last_error for r in rows} == {
        "no push subscription", "no e-mail address", "no phone number"}
    assert push_service.count() == 0 and smtp.received == [] and sms.received == []


def test_channels_this_server_has_no_settings_for_are_skipped(app):
    user = factories.client()
    user.email, user.phone = "client@example.org", "+32470000000"
    rows = [due(appointment(user), channel) for channel in CHANNELS]
    db.session.commit()
    assert send() == {"skipped": 3}
    assert fresh(Reminder, rows[1].id).last_error == "this server has no email set up"


def test_nothing_goes_out_for_a_cancelled_or_started_appointment(app, push_service):
    user = factories.client()
    phone(push_service, user)
    cancelled = due(appointment(user, status="cancelled"))  # cancelled while its reminder was being claimed
    started = due(appointment(user, starts_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    assert send() == {"cancelled": 1, "skipped": 1}
    assert push_service.count() == 0
    assert fresh(Reminder, started.id).last_error == "the appointment has started"
    assert fresh(Reminder, cancelled.id).status == "cancelled"


def test_partners_see_the_delivery_through_the_appointments_updated_at(app, push_service):
    user = factories.client()
    phone(push_service, user)
    appt = appointment(user)
    appt.updated_at = long_ago = utcnow() - timedelta(days=1)
    reminder = due(appt)
    db.session.commit()
    assert send() == {"sent": 1}
    row = fresh(Reminder, reminder.id)
    assert row.status == "sent" and row.sent_at is not None and row.lease_until is None
    assert fresh(Appointment, appt.id).updated_at > long_ago


# --- web push ------------------------------------------------------------------------------------------

def test_a_reminder_arrives_as_an_encrypted_web_push(app, vapid, push_service):
    user = factories.client(language="nl")
    org = factories.organisation(name="VDAB Bornem")
    appt = appointment(user, starts_at=at(1, 10), org=org, place="Markt 1, Bornem")
    phone(push_service, user)
    evening, soon = due(appt, minutes=16 * 60, due_at=at(0, 18)), due(appt, minutes=120, due_at=at(1, 8))
    db.session.commit()
    now = at(0, 18)
    assert Worker(now=lambda: now, batch=1).send_due(limit=1) == {"sent": 1}
    path, headers, payload = push_service.messages[0]

    assert headers["content-encoding"] == "aes128gcm"
    scheme, params = headers["authorization"].split(" ", 1)
    claims = dict(kv.strip().split("=", 1) for kv in params.split(","))
    signed, signature = claims["t"].rsplit(".", 1)
    assert scheme == "vapid" and claims["k"] == vapid
    assert Vapid.from_raw_public(claims["k"].encode()).verify_token(signed.encode(), signature)
    assert json.loads(b64urldecode(signed.split(".")[1].encode()))["aud"] == push_service.url
    # Kept until the appointment starts, not urgent the evening before, one topic per appointment.
    assert int(headers["ttl"]) == int((appt.starts_at - now).total_seconds())
    assert headers["urgency"] == "normal" and headers["topic"] == f"appointment-{appt.id}"

    with force_locale("nl"):
        expected = gettext("You have an appointment tomorrow at %(time)s.", time=clock_time(appt.starts_at))
        label = str(pictograms.get("kind.job_interview").label)
    assert payload["id"] == evening.id and payload["title"] == label and payload["body"] == expected
    assert payload["icon"].endswith("/pictograms/1F4BC.svg") and payload["tag"] == f"appointment-{appt.id}"
    assert [a["action"] for a in payload["actions"]] == ["coming", "cannot_come"]
    assert tokens.read_reply_token(payload["reply"]["token"], now).appointment_id == appt.id
    assert fresh(PushSubscription, db.session.scalar(select(PushSubscription.id))).last_success_at == now

    later = appt.starts_at - timedelta(hours=2)
    assert Worker(now=lambda: later).send_due() == {"sent": 1}
    assert push_service.messages[1][2]["id"] == soon.id and push_service.messages[1][1]["urgency"] == "high"


@pytest.mark.parametrize("status", [404, 410])
def test_a_phone_the_push_service_no_longer_knows_is_forgotten(app, push_service, status):
    user = factories.client()
    gone, kept = phone(push_service, user, status=status), phone(push_service, user)
    first = due(appointment(user))
    db.session.commit()
    assert send() == {"sent": 1}
    assert db.session.scalars(select(PushSubscription.endpoint)).all() == [kept["endpoint"]]
    assert gone["endpoint"] not in {p for p, _h, _m in push_service.messages}

    push_service.answers[kept["endpoint"].removeprefix(push_service.url)] = status
    second = due(appointment(user))
    db.session.commit()
    assert send() == {"skipped": 1}
    assert db.session.scalar(select(func.count()).select_from(PushSubscription)) == 0
    assert fresh(Reminder, second.id).last_error == "push subscription gone"
    assert fresh(Reminder, first.id).status == "sent"


@pytest.mark.parametrize("lang", ["nl", "ar"])
def test_the_lock_screen_says_only_when_for_a_sensitive_appointment(app, push_service, lang):
    user = factories.client(language=lang)
    org = factories.organisation(name="Justitiehuis Mechelen", pictogram="domain.justice")
    appt = appointment(user, starts_at=at(1, 9, 30), kind="court", org=org, place="Hoogstraat 12, Mechelen",
                       note="Neem je vonnis mee.", bring="letters")
    phone(push_service, user)
    due(appt, due_at=at(0, 17))
    db.session.commit()
    assert send(now=at(0, 18)) == {"sent": 1}
    payload = push_service.messages[0][2]
    text = json.dumps(payload, ensure_ascii=False)
    with force_locale(lang):
        generic = str(pictograms.get("reminder.appointment").label)
        court = str(pictograms.get("kind.court").label)
        letters = str(pictograms.get("bring.letters").label)
        expected = gettext("You have an appointment tomorrow at %(time)s.", time=clock_time(appt.starts_at))
    for secret in ("Justitiehuis", "Mechelen", "Hoogstraat", "vonnis", court, letters, "court", "2696"):
        assert secret not in text, secret
    assert (payload["title"], payload["body"], payload["lang"]) == (generic, expected, lang)
    assert payload["dir"] == ("rtl" if lang == "ar" else "ltr")
    assert payload["icon"].endswith("/pictograms/1F4C5.svg")  # a plain calendar, not the scales of justice


# --- e-mail and SMS -------------------------------------------------------------------------------------

def test_a_reminder_by_email(app, smtp):
    user = factories.client(language="nl")
    user.email = "samira@example.org"
    appt = appointment(user, starts_at=at(1, 14), kind="dutch_class", org=factories.organisation(name="CVO Mechelen"),
                       place="Stationsstraat 52")
    reminder = due(appt, "email", due_at=at(0, 17))
    db.session.commit()
    assert send(now=at(0, 18)) == {"sent": 1}
    envelope, mail = smtp.received[0]
    assert envelope.rcpt_tos == ["samira@example.org"]
    with force_locale("nl"):
        label = str(pictograms.get("kind.dutch_class").label)
        expected = gettext("You have an appointment tomorrow at %(time)s.", time=clock_time(appt.starts_at))
    assert mail["Subject"] == f"\U0001f3eb {label}"  # the pictogram as the character it draws
    body = mail.get_content()
    assert expected in body and "Stationsstraat 52" in body and "CVO Mechelen" in body
    assert mail["Message-ID"] == f"<reminder-{reminder.id}@stapstenen.example>"
    assert mail["Content-Language"] == "nl" and mail["Auto-Submitted"] == "auto-generated"


def test_an_email_about_a_sensitive_appointment_says_only_when(app, smtp):
    user = factories.client(language="ar")
    user.email = "client@example.org"
    appt = appointment(user, kind="therapy", org=factories.organisation(name="CGG Vlaams-Brabant"),
                       place="Kapucijnenvoer 1", note="Gesprek over je angst.")
    due(appt, "email")
    db.session.commit()
    assert send() == {"sent": 1}
    _envelope, mail = smtp.received[0]
    everything = mail["Subject"] + mail.get_content()
    with force_locale("ar"):
        therapy = str(pictograms.get("kind.therapy").label)
        generic = str(pictograms.get("reminder.appointment").label)
    for secret in ("CGG", "Kapucijnenvoer", "angst", therapy):
        assert secret not in everything, secret
    assert mail["Subject"] == f"\U0001f4c5 {generic}"


def test_a_reminder_by_sms(app, sms):
    user = factories.client(language="nl")
    user.phone = "+32470123456"
    appt = appointment(user, starts_at=at(1, 10), kind="money_advice", org=factories.organisation(name="OCMW Boom"))
    reminder = due(appt, "sms", due_at=at(0, 17))
    db.session.commit()
    assert send(now=at(0, 18)) == {"sent": 1}
    headers, body = sms.received[0]
    assert headers["authorization"] == "Bearer gateway-secret"
    assert headers["idempotency-key"] == f"stapstenen-reminder-{reminder.id}"
    assert body["to"] == "+32470123456" and body["reference"] == f"reminder-{reminder.id}"
    with force_locale("nl"):
        assert gettext("You have an appointment tomorrow at %(time)s.", time=clock_time(appt.starts_at)) in body["text"]
    assert "OCMW" not in body["text"]


@pytest.mark.parametrize("status,outcome", [(400, "failed"), (503, "retry"), (429, "retry")])
def test_an_sms_gateway_refusal_fails_and_an_outage_retries(app, sms, status, outcome):
    sms.status = status
    user = factories.client()
    user.phone = "+32470123456"
    reminder = due(appointment(user), "sms")
    db.session.commit()
    assert send() == {outcome: 1}
    assert fresh(Reminder, reminder.id).last_error == f"sms: HTTP {status}"


def test_an_unreachable_smtp_server_is_retried(app, configure):
    from tests.loopback import free_port

    configure(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(), SMTP_FROM="x@stapstenen.example", SMTP_STARTTLS=False)
    user = factories.client()
    user.email = "client@example.org"
    reminder = due(appointment(user), "email")
    db.session.commit()
    assert send() == {"retry": 1}
    assert fresh(Reminder, reminder.id).last_error == "e-mail: ConnectionRefusedError"


# --- the worker as a command -----------------------------------------------------------------------------

def test_push_keys_prints_a_key_pair_that_works(runner):
    result = runner.invoke(args=["push", "keys"])
    assert result.exit_code == 0, result.output
    lines = dict(line.split("=", 1) for line in result.output.split())
    key = Vapid.from_string(lines["VAPID_PRIVATE_KEY"])
    assert b64u(public_bytes(key.public_key)) == lines["VAPID_PUBLIC_KEY"]


def test_send_due_sends_and_says_what_it_did(app, runner, push_service):
    user = factories.client()
    phone(push_service, user)
    due(appointment(user))
    due(appointment(factories.client()))
    db.session.commit()
    result = runner.invoke(args=["reminders", "send-due"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "1 sent, 1 skipped"
    assert runner.invoke(args=["reminders", "send-due"]).output.strip() == "nothing due"


def test_sigterm_finishes_the_reminder_in_hand_and_hands_back_the_rest(app, push_service):
    push_service.delay = 0.3
    user = factories.client()
    phone(push_service, user)
    ids = [due(appointment(user)).id for _ in range(20)]
    db.session.commit()
    config = app.config
    worker = loopback.worker(config["SQLALCHEMY_DATABASE_URI"], config["VAPID_PRIVATE_KEY"], config["VAPID_PUBLIC_KEY"],
                             "work", "--batch", "10")
    try:
        deadline = clock.monotonic() + 20
        while push_service.count() < 2 and clock.monotonic() < deadline:
            clock.sleep(0.05)
        worker.send_signal(signal.SIGTERM)
        output = worker.communicate(timeout=10)[0]
    finally:
        worker.kill()
    assert worker.returncode == 0, output
    assert "reminder worker stopped" in output
    db.session.expire_all()
    rows = db.session.scalars(select(Reminder).where(Reminder.id.in_(ids))).all()
    sent = {r.id for r in rows if r.status == "sent"}
    assert sent == set(push_service.by_reminder) and max(push_service.by_reminder.values()) == 1
    assert 2 <= len(sent) < len(ids)
    # The rest were handed back at once: claimable now, not after the lease.
    assert all(r.status == "pending" and r.lease_until is None for r in rows if r.id not in sent)


# --- the phone: subscribing, answering from the notification ----------------------------------------------

def browser_subscription(endpoint="https://fcm.googleapis.com/fcm/send/abc123") -> dict:
    """The body the bell posts: PushSubscription.toJSON()."""
    return {"endpoint": endpoint, "expirationTime": None, "keys": phone_keys()[2]}


def test_the_bell_subscribes_this_phone_for_the_signed_in_client(as_client, vapid):
    client, user = as_client
    page = client.get("/week").get_data(as_text=True)
    assert f'data-key="{vapid}"' in page and "/static/js/push.js" in page
    token = csrf_token(client, "/week")
    sub = browser_subscription()
    assert client.post("/push/subscribe", json=sub).status_code == 400  # no CSRF header
    assert client.post("/push/subscribe", json=sub, headers={"X-CSRFToken": token}).status_code == 204
    row = db.session.scalar(select(PushSubscription))
    assert (row.user_id, row.endpoint, row.p256dh) == (user.id, sub["endpoint"], sub["keys"]["p256dh"])
    assert client.post("/push/subscribe", json=sub, headers={"X-CSRFToken": token}).status_code == 204  # again: one row
    assert db.session.scalar(select(func.count()).select_from(PushSubscription)) == 1
    assert client.post("/push/unsubscribe", json={"endpoint": sub["endpoint"]},
                       headers={"X-CSRFToken": token}).status_code == 204
    assert db.session.scalar(select(func.count()).select_from(PushSubscription)) == 0


@pytest.mark.parametrize("change", [
    {"endpoint": "http://fcm.googleapis.com/fcm/send/x"},  # not HTTPS
    {"endpoint": "https://127.0.0.1:8080/x"},  # the worker would post into our own network
    {"endpoint": "https://localhost/x"},
    {"endpoint": "https://push.internal/x"},
    {"keys": {"p256dh": "bm90IGEga2V5", "auth": "AAAAAAAAAAAAAAAAAAAAAA"}},
    {"keys": None},
    {"endpoint": ["https://fcm.googleapis.com/"]},
])
def test_a_subscription_must_be_a_real_push_service_with_real_keys(as_client, change):
    client, _user = as_client
    body = {**browser_subscription(), **change}
    response = client.post("/push/subscribe", json=body, headers={"X-CSRFToken": csrf_token(client, "/week")})
    assert response.status_code == 400
    assert client.post("/push/subscribe", data="nonsense", content_type="application/json",
                       headers={"X-CSRFToken": csrf_token(client, "/week")}).status_code == 400


def test_a_client_cannot_turn_off_another_clients_phone(app, as_client):
    client, _user = as_client
    other = factories.client()
    sub = browser_subscription()
    subscriptions.subscribe(other, sub["endpoint"], sub["keys"]["p256dh"], sub["keys"]["auth"])
    db.session.commit()
    response = client.post("/push/unsubscribe", json={"endpoint": sub["endpoint"]},
                           headers={"X-CSRFToken": csrf_token(client, "/week")})
    assert response.status_code == 204
    assert db.session.scalar(select(PushSubscription.user_id)) == other.id


def test_an_answer_from_the_notification_is_recorded_without_the_app(app, client):
    appt = appointment()
    db.session.commit()
    response = client.post("/push/reply", json={"token": tokens.reply_token(appt), "answer": "cannot_come"})
    assert response.status_code == 204
    row = fresh(Appointment, appt.id)
    assert row.reply == "cannot_come" and row.replied_at is not None


def test_a_bad_or_spent_reply_token_changes_nothing(app, client):
    from itsdangerous import URLSafeSerializer

    mine, theirs = appointment(), appointment()
    started = appointment(starts_at=utcnow() - timedelta(minutes=5))
    moved, cancelled = appointment(), appointment()
    db.session.commit()
    moved_token, cancelled_token = tokens.reply_token(moved), tokens.reply_token(cancelled)
    partners.move(moved, starts_at=moved.starts_at + timedelta(days=1))
    partners.cancel(cancelled)
    db.session.commit()
    forged = URLSafeSerializer("not-our-secret", salt=tokens.REPLY_SALT).dumps(
        [mine.id, mine.client_id, int(mine.starts_at.timestamp())])
    # Signed by us, but for another client's appointment: the claim names the wrong client.
    crossed = URLSafeSerializer(app.config["SECRET_KEY"], salt=tokens.REPLY_SALT).dumps(
        [theirs.id, mine.client_id, int(theirs.starts_at.timestamp())])
    cases = [
        ({"token": forged, "answer": "coming"}, 403),
        ({"token": crossed, "answer": "coming"}, 403),
        ({"token": tokens.reply_token(started), "answer": "coming"}, 403),  # ran out when it started
        ({"token": "x" * 500, "answer": "coming"}, 403),
        ({"token": 12, "answer": "coming"}, 403),
        ({"answer": "coming"}, 403),
        ({"token": tokens.reply_token(mine), "answer": "need_help"}, 400),  # not a notification button
        ({"token": tokens.reply_token(mine), "answer": None}, 400),
        ({"token": moved_token, "answer": "coming"}, 409),  # the new time asks again
        ({"token": cancelled_token, "answer": "coming"}, 409),
        (["not", "an", "object"], 400),
    ]
    for body, status in cases:
        assert client.post("/push/reply", json=body).status_code == status, body
    assert client.post("/push/reply", data="token=x", content_type="text/plain").status_code == 400
    db.session.expire_all()
    assert set(db.session.scalars(select(Appointment.reply))) == {None}


def test_the_service_worker_is_served_from_the_root(client):
    response = client.get("/sw.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/"
    # Update checks at most hourly (see test_pwa.py): a repeat visit then sends only the HTML document.
    assert response.headers["Cache-Control"] == "max-age=3600"
    body = response.get_data(as_text=True)
    assert 'addEventListener("push"' in body and 'addEventListener("notificationclick"' in body


# --- the calendar feed -------------------------------------------------------------------------------------

def _open_calendar(client):
    token = csrf_token(client, "/week")
    body = client.post("/calendar", data={"csrf_token": token}, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert '<div id="calendar"' in body and "<html" not in body
    url = re.search(r'value="(http://localhost/calendar/[^"]+\.ics)"', body).group(1)
    assert f'href="webcal://{url.split("://", 1)[1]}"' in body
    return url.removeprefix("http://localhost")


def _events(app, path):
    response = app.test_client().get(path)  # the phone's calendar app: no cookie, only the secret URL
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    return {str(e["UID"]): e for e in Calendar.from_ical(response.get_data()).walk("VEVENT")}, response


def test_the_calendar_feed_follows_moves_and_cancellations(app, as_client):
    client, user = as_client
    org = factories.organisation(name="VDAB Bornem")
    created = utcnow() - timedelta(hours=1)
    work = appointment(user, starts_at=at(2, 10), org=org, place="Markt 1, Bornem", note="Kom 10 minuten vroeger.",
                       created_at=created, updated_at=created)
    court = appointment(user, starts_at=at(3, 9), kind="court", org=factories.organisation(name="Justitiehuis"),
                        place="Hoogstraat 12", note="Vonnis meenemen", created_at=created, updated_at=created)
    appointment(factories.client())  # someone else's
    db.session.commit()
    path = _open_calendar(client)
    events, response = _events(app, path)
    assert set(events) == {f"appointment-{work.id}@stapstenen", f"appointment-{court.id}@stapstenen"}
    first = events[f"appointment-{work.id}@stapstenen"]
    assert first["DTSTART"].dt == work.starts_at.replace(microsecond=0)
    assert first["DTSTART"].dt.utcoffset() == timedelta(0)
    assert "DTSTART:" in response.get_data(as_text=True) and "Z\r\n" in response.get_data(as_text=True)
    assert str(first["STATUS"]) == "CONFIRMED" and str(first["LOCATION"]) == "Markt 1, Bornem"
    with force_locale("nl"):
        assert str(first["SUMMARY"]) == str(pictograms.get("kind.job_interview").label)
        generic = str(pictograms.get("reminder.appointment").label)
    sensitive = events[f"appointment-{court.id}@stapstenen"]
    assert str(sensitive["SUMMARY"]) == generic and "LOCATION" not in sensitive
    text = response.get_data(as_text=True)
    assert "Justitiehuis" not in text and "Hoogstraat" not in text and "Vonnis" not in text

    partners.move(work, starts_at=work.starts_at + timedelta(days=1))
    partners.cancel(court)
    db.session.commit()
    events, _response = _events(app, path)
    moved = events[f"appointment-{work.id}@stapstenen"]
    assert moved["DTSTART"].dt == work.starts_at.replace(microsecond=0)
    assert int(moved["SEQUENCE"]) > int(first["SEQUENCE"])
    assert moved["LAST-MODIFIED"].dt > first["LAST-MODIFIED"].dt
    assert str(events[f"appointment-{court.id}@stapstenen"]["STATUS"]) == "CANCELLED"


def test_a_stopped_calendar_link_is_gone_for_good(app, as_client):
    client, _user = as_client
    appointment(_user)
    db.session.commit()
    old = _open_calendar(client)
    assert _open_calendar(client) == old  # asking again shows the same link
    body = client.post("/calendar/revoke", data={"csrf_token": csrf_token(client, "/week")},
                       headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "/calendar/revoke" not in body and 'action="/calendar"' in body
    assert app.test_client().get(old).status_code == 404
    new = _open_calendar(client)
    assert new != old and app.test_client().get(new).status_code == 200
    assert app.test_client().get(old).status_code == 404
    feed_id = db.session.scalar(select(CalendarFeed.id))
    for guess in (f"/calendar/{feed_id}-AAAA.ics", "/calendar/nonsense.ics", f"/calendar/{feed_id}.ics",
                  "/calendar/99999999999999999999-x.ics"):
        assert app.test_client().get(guess).status_code == 404, guess


def test_without_javascript_the_calendar_link_comes_on_its_own_page(as_client):
    client, _user = as_client
    response = client.post("/calendar", data={"csrf_token": csrf_token(client, "/week")})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" in body and 'value="http://localhost/calendar/' in body


def test_a_client_may_open_and_stop_only_their_own_feed(app, as_client):
    client, user = as_client
    other = factories.client()
    db.session.commit()
    other_client = app.test_client()
    sign_in(other_client, other)
    mine = _open_calendar(client)
    theirs = _open_calendar(other_client)
    other_client.post("/calendar/revoke", data={"csrf_token": csrf_token(other_client, "/week")})
    assert app.test_client().get(mine).status_code == 200
    assert app.test_client().get(theirs).status_code == 404
