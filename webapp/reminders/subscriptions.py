"""A client's phones that turned reminders on: the push subscriptions the browser hands us.

Functions flush; the view commits.
"""

import base64
import binascii
import hashlib
import ipaddress
from urllib.parse import urlsplit

from sqlalchemy import delete, select

from webapp.database import storable
from webapp.extensions import db
from webapp.models import PushSubscription, User

MAX_PER_CLIENT = 10  # phones and browsers; the oldest goes when an eleventh turns reminders on
LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa")


def endpoint_hash(endpoint: str) -> str:
    return hashlib.sha256(endpoint.encode()).hexdigest()


def _b64u_bytes(value) -> bytes | None:
    if not isinstance(value, str) or len(value) > 200:
        return None
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        return None


def _public_https(endpoint) -> bool:
    """The worker will POST to this URL, so only a public HTTPS push service will do (no intranet hosts)."""
    if not isinstance(endpoint, str) or len(endpoint) > 1000 or not storable(endpoint):
        return False
    parts = urlsplit(endpoint)
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or "." not in host or host.endswith(LOCAL_SUFFIXES) or parts.username:
        return False
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return True
    return False  # an IP address, not a push service's name


def parse(data) -> dict | None:
    """The fields of a PushSubscription.toJSON() body, or None when it is not one."""
    if not isinstance(data, dict) or not isinstance(data.get("keys"), dict):
        return None
    endpoint, keys = data.get("endpoint"), data["keys"]
    p256dh, auth = _b64u_bytes(keys.get("p256dh")), _b64u_bytes(keys.get("auth"))
    if not _public_https(endpoint) or not p256dh or len(p256dh) != 65 or p256dh[0] != 4 or not auth \
            or len(auth) != 16:
        return None
    return {"endpoint": endpoint, "p256dh": keys["p256dh"], "auth": keys["auth"]}


def subscribe(client: User, endpoint: str, p256dh: str, auth: str) -> PushSubscription:
    """Remember this phone for the signed-in client. A phone passed on to someone else follows its new owner."""
    found = db.session.scalar(select(PushSubscription).where(PushSubscription.endpoint_hash == endpoint_hash(endpoint)))
    if found is None:
        found = PushSubscription(endpoint=endpoint, endpoint_hash=endpoint_hash(endpoint))
        db.session.add(found)
    found.user_id, found.p256dh, found.auth = client.id, p256dh, auth
    db.session.flush()
    ids = db.session.scalars(select(PushSubscription.id).where(PushSubscription.user_id == client.id)
                             .order_by(PushSubscription.created_at.desc(), PushSubscription.id.desc())).all()
    if len(ids) > MAX_PER_CLIENT:
        db.session.execute(delete(PushSubscription).where(PushSubscription.id.in_(ids[MAX_PER_CLIENT:])))
    return found


def unsubscribe(client: User, endpoint) -> bool:
    """Forget one of this client's phones; someone else's endpoint is left alone."""
    if not isinstance(endpoint, str) or not storable(endpoint):
        return False
    result = db.session.execute(delete(PushSubscription).where(
        PushSubscription.user_id == client.id, PushSubscription.endpoint_hash == endpoint_hash(endpoint)))
    return result.rowcount > 0


def has_push(client: User) -> bool:
    return db.session.scalar(select(PushSubscription.id).where(PushSubscription.user_id == client.id).limit(1)) \
        is not None
