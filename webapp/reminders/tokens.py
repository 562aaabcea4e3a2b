"""Signed tokens that stand in for a sign-in: a notification's reply, and the calendar feed's URL.

Both are derived from SECRET_KEY, so none is stored: the reply token carries what it is for and until
when; the calendar token is an HMAC over the feed and its nonce, and a new nonce kills the old URL.
"""

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer

from webapp.database import database_id
from webapp.models import Appointment, CalendarFeed

REPLY_SALT = "stapstenen.push-reply"


@dataclass(frozen=True)
class ReplyClaim:
    appointment_id: int
    client_id: int
    starts_at: int  # epoch seconds: the token is good until then, and only for that time


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=REPLY_SALT)


def reply_token(appointment: Appointment) -> str:
    """Lets a notification's buttons answer for this appointment, at this time, without the app open."""
    return _serializer().dumps([appointment.id, appointment.client_id, int(appointment.starts_at.timestamp())])


def read_reply_token(token: str, now: datetime) -> ReplyClaim | None:
    """The claim of a genuine token that has not run out; None for anything else."""
    if not isinstance(token, str) or len(token) > 200 or not token.isascii():  # genuine ones are ASCII
        return None
    try:
        value = _serializer().loads(token)
    except BadData:
        return None
    if not (isinstance(value, list) and len(value) == 3 and all(type(v) is int for v in value)):
        return None
    claim = ReplyClaim(*value)
    return claim if now.timestamp() < claim.starts_at else None


def calendar_token(feed: CalendarFeed) -> str:
    mac = hmac.new(current_app.config["SECRET_KEY"].encode(), f"calendar-feed:{feed.id}:{feed.nonce}".encode(),
                   hashlib.sha256).digest()
    return f"{feed.id}-{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"


def feed_id_of(token: str) -> int | None:
    head, sep, _mac = token.partition("-")
    return database_id(head) if sep else None


def token_matches(feed: CalendarFeed, token: str) -> bool:
    return hmac.compare_digest(calendar_token(feed).encode(), token.encode())
