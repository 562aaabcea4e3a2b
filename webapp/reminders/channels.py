"""The ways a reminder reaches the client: web push, e-mail (SMTP), SMS (a generic JSON HTTP gateway).

A channel raises NoChannel when the client does not have it (then the reminder is skipped), SendError
when it may work later (retried with backoff) and PermanentError when it never will (failed at once).
"""

import json
import smtplib
import ssl
import time
import urllib.request
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate
from urllib.parse import urlsplit

import requests
from py_vapid import Vapid
from pywebpush import WebPusher
from sqlalchemy import delete, select, update

from webapp.extensions import db
from webapp.models import Appointment, PushSubscription, Reminder, User
from webapp.reminders import tokens
from webapp.reminders.messages import Message

VAPID_LIFETIME = 12 * 3600  # push services refuse tokens valid for more than a day
URGENT_WITHIN = timedelta(hours=3)
SUCCESS_NOTED_EVERY = timedelta(hours=1)


class NoChannel(Exception):
    """The client has no such channel (now), or this server is not set up for it."""


class SendError(Exception):
    """Did not go out this time; worth another try later."""


class PermanentError(SendError):
    """Will never go out this way (the receiver said so)."""


def set_up(config, channel: str) -> bool:
    """Whether this server can send e-mail or SMS at all (push: Outbox.has, which also checks the keys)."""
    return {"email": bool(config.get("SMTP_HOST") and config.get("SMTP_FROM")),
            "sms": bool(config.get("SMS_GATEWAY_URL"))}[channel]


class Outbox:
    """One worker's connections and settings: a keep-alive HTTP session and signed VAPID headers."""

    def __init__(self, config, static_url_path: str = "/static"):
        self.config = config
        self.static_url_path = static_url_path
        self.http = requests.Session()
        # Without proxy settings in the environment, stop requests from re-reading them (and ~/.netrc) on
        # every single push: that was a tenth of the worker's time.
        self.http.trust_env = bool(urllib.request.getproxies())
        self.timeout = config.get("REMINDER_SEND_TIMEOUT", 10)
        self._vapid = Vapid.from_string(config["VAPID_PRIVATE_KEY"]) if config.get("VAPID_PRIVATE_KEY") else None
        self._vapid_headers: dict[str, tuple[float, dict]] = {}

    def close(self):
        self.http.close()

    def has(self, channel: str) -> bool:
        if channel == "push":
            return bool(self._vapid and self.config.get("VAPID_PUBLIC_KEY"))
        return set_up(self.config, channel)

    def vapid_headers(self, endpoint: str) -> dict:
        """Authorization for one push service; a signature is reused until an hour before it runs out."""
        parts = urlsplit(endpoint)
        audience = f"{parts.scheme}://{parts.netloc}"
        now = time.time()
        cached = self._vapid_headers.get(audience)
        if cached is None or cached[0] - 3600 < now:
            expires = int(now) + VAPID_LIFETIME
            headers = self._vapid.sign({"sub": self.config["VAPID_SUBJECT"], "aud": audience, "exp": expires})
            cached = self._vapid_headers[audience] = (expires, headers)
        return dict(cached[1])

    def send(self, reminder: Reminder, appointment: Appointment, client: User, message: Message,
             now: datetime, phones: list[PushSubscription] | None = None) -> None:
        """Send on the reminder's channel; `phones`: the client's push subscriptions, when already loaded."""
        if not self.has(reminder.channel):
            raise NoChannel(f"this server has no {reminder.channel} set up")
        if reminder.channel == "push":
            if phones is None:
                phones = db.session.scalars(select(PushSubscription).where(PushSubscription.user_id == client.id)
                                            .order_by(PushSubscription.id)).all()
            return send_push(self, reminder, appointment, message, now, phones)
        {"email": send_email, "sms": send_sms}[reminder.channel](self, reminder, client, message)


# --- web push ------------------------------------------------------------------------------------

def push_payload(outbox: Outbox, reminder: Reminder, appointment: Appointment, message: Message) -> dict:
    """What the service worker shows: generic words, a pictogram, and two answers it can send itself."""
    return {
        "id": reminder.id,
        "title": message.title,
        "body": message.body,
        "icon": f"{outbox.static_url_path}/{message.pictogram.filename}",
        "lang": message.lang,
        "dir": message.dir,
        "tag": f"appointment-{appointment.id}",  # one notification per appointment, the newest
        "url": f"/week#appointment-{appointment.id}",
        "reply": {"url": "/push/reply", "token": tokens.reply_token(appointment)},
        "actions": [{"action": "coming", "title": message.coming},
                    {"action": "cannot_come", "title": message.cannot_come}],
    }


def push_headers(appointment: Appointment, now: datetime) -> dict:
    """Kept until the appointment starts; urgent close to it; a newer one replaces an undelivered older one."""
    return {
        "TTL": str(max(0, int((appointment.starts_at - now).total_seconds()))),
        "Urgency": "high" if appointment.starts_at - now <= URGENT_WITHIN else "normal",
        "Topic": f"appointment-{appointment.id}",
    }


def send_push(outbox, reminder, appointment, message, now, subscriptions) -> None:
    """To every phone the client turned reminders on for; a phone the push service no longer knows is forgotten."""
    if not subscriptions:
        raise NoChannel("no push subscription")
    data = json.dumps(push_payload(outbox, reminder, appointment, message), separators=(",", ":"))
    headers = push_headers(appointment, now)
    delivered, gone, errors = [], [], []
    for sub in subscriptions:
        info = {"endpoint": sub.endpoint, "keys": {"p256dh": sub.p256dh, "auth": sub.auth}}
        try:
            response = WebPusher(info, requests_session=outbox.http).send(
                data, {**headers, **outbox.vapid_headers(sub.endpoint)}, ttl=int(headers["TTL"]),
                timeout=outbox.timeout)
        except (requests.RequestException, ValueError) as error:  # ValueError: keys that do not decode
            errors.append(f"push: {type(error).__name__}")
            continue
        if response.status_code in (200, 201, 202):
            delivered.append(sub.id)
        elif response.status_code in (404, 410):
            gone.append(sub.id)
        else:
            errors.append(f"push: HTTP {response.status_code}")
    if gone:
        db.session.execute(delete(PushSubscription).where(PushSubscription.id.in_(gone)))
    if delivered:
        stale = [sub.id for sub in subscriptions if sub.id in delivered
                 and (sub.last_success_at is None or now - sub.last_success_at > SUCCESS_NOTED_EVERY)]
        if stale:  # noted now and then, not on every push: one write less per reminder
            db.session.execute(update(PushSubscription).where(PushSubscription.id.in_(stale))
                               .values(last_success_at=now).execution_options(synchronize_session=False))
        return
    if errors:
        raise SendError("; ".join(errors))
    raise NoChannel("push subscription gone")


# --- e-mail --------------------------------------------------------------------------------------

def email_message(config, reminder: Reminder, to: str, message: Message) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = config["SMTP_FROM"]
    mail["To"] = to
    mail["Subject"] = message.email_subject
    mail["Date"] = formatdate(localtime=False)
    domain = config["SMTP_FROM"].rpartition("@")[2].strip("> ") or "stapstenen.invalid"
    # The same id on a retry, so a mailbox that got the first one can drop the second.
    mail["Message-ID"] = f"<reminder-{reminder.id}@{domain}>"
    mail["Auto-Submitted"] = "auto-generated"
    mail.set_content(message.email_text)
    mail["Content-Language"] = message.lang  # after set_content, which replaces every Content-* header
    return mail


def send_email(outbox, reminder, client, message) -> None:
    if not client.email:
        raise NoChannel("no e-mail address")
    deliver_email(outbox, email_message(outbox.config, reminder, client.email, message))


def deliver_email(outbox, mail: EmailMessage) -> None:
    """Hand one message to the SMTP server: reminders, and the code that confirms a new address."""
    config = outbox.config
    try:
        with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=outbox.timeout) as smtp:
            if config.get("SMTP_STARTTLS"):
                smtp.starttls(context=ssl.create_default_context())
            if config.get("SMTP_USER"):
                smtp.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
            smtp.send_message(mail)
    except smtplib.SMTPRecipientsRefused as error:
        raise PermanentError("e-mail: address refused") from error
    except smtplib.SMTPResponseException as error:
        kind = PermanentError if 500 <= error.smtp_code < 600 else SendError
        raise kind(f"e-mail: SMTP {error.smtp_code}") from error
    except (OSError, smtplib.SMTPException) as error:
        raise SendError(f"e-mail: {type(error).__name__}") from error


# --- SMS -----------------------------------------------------------------------------------------

def send_sms(outbox, reminder, client, message) -> None:
    if not client.phone:
        raise NoChannel("no phone number")
    post_sms(outbox, client.phone, message.sms, f"reminder-{reminder.id}")


def post_sms(outbox, to: str, text: str, reference: str) -> None:
    """A generic JSON POST {to, text, reference}; the Idempotency-Key lets a gateway drop a retried one."""
    config = outbox.config
    headers = {"Idempotency-Key": f"stapstenen-{reference}"}
    if config.get("SMS_GATEWAY_TOKEN"):
        headers["Authorization"] = f"Bearer {config['SMS_GATEWAY_TOKEN']}"
    body = {"to": to, "text": text, "reference": reference}
    try:
        response = outbox.http.post(config["SMS_GATEWAY_URL"], json=body, headers=headers, timeout=outbox.timeout)
    except requests.RequestException as error:
        raise SendError(f"sms: {type(error).__name__}") from error
    if 200 <= response.status_code < 300:
        return
    if 400 <= response.status_code < 500 and response.status_code not in (408, 409, 425, 429):
        raise PermanentError(f"sms: HTTP {response.status_code}")
    raise SendError(f"sms: HTTP {response.status_code}")
