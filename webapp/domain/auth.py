"""Invitations, device sessions, PINs and staff passwords. Functions flush; the view commits."""

import hashlib
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.orm import contains_eager

from webapp.domain import lockout, passkeys
from webapp.extensions import db
from webapp.models import DeviceSession, Invitation, User, utcnow

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Checked against when the e-mail is unknown, so a wrong address takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not a real password")

PIN_LENGTH = 4


def new_token() -> tuple[str, str]:
    """A random 256-bit token and the SHA-256 we keep of it."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hash_secret(secret: str) -> str:
    return _hasher.hash(secret)


def check_secret(stored: str | None, given: str) -> bool:
    try:
        return _hasher.verify(stored or _DUMMY_HASH, given) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


# --- invitations -------------------------------------------------------------------------------

def create_invitation(client: User, lifetime: timedelta, created_by: User | None = None) -> str:
    """A new one-time sign-in link for a client; older links and the client's devices stop working.

    An invitation is also how a lost phone or forgotten PIN is recovered, so it ends what came before.
    """
    now = utcnow()
    db.session.execute(
        update(Invitation)
        .where(Invitation.user_id == client.id, Invitation.redeemed_at.is_(None), Invitation.expires_at > now)
        .values(expires_at=now)
    )
    end_sessions(client)
    token, token_hash = new_token()
    db.session.add(Invitation(user_id=client.id, token_hash=token_hash, expires_at=now + lifetime,
                              created_by_id=created_by.id if created_by else None))
    db.session.flush()
    return token


def find_invitation(token: str) -> Invitation | None:
    """The invitation behind a link, if it can still be used."""
    invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == hash_token(token)))
    if invitation is None or invitation.redeemed_at or invitation.expires_at <= utcnow():
        return None
    if not invitation.user.active:
        return None
    return invitation


def redeem_invitation(invitation: Invitation, lifetime: timedelta, user_agent: str | None) -> str | None:
    """Enrol this device. Returns the device token, or None when the link was used meanwhile."""
    now = utcnow()
    # A conditional update, so two taps racing on the same link enrol one device only.
    claimed = db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.redeemed_at.is_(None))
        .values(redeemed_at=now)
    ).rowcount
    if claimed != 1:
        return None
    return start_session(invitation.user, "device", lifetime, user_agent, needs_new_pin=True)


# --- sessions ----------------------------------------------------------------------------------

def start_session(user: User, kind: str, lifetime: timedelta, user_agent: str | None,
                  needs_new_pin: bool = False) -> str:
    token, token_hash = new_token()
    db.session.add(DeviceSession(
        user_id=user.id, token_hash=token_hash, kind=kind, expires_at=utcnow() + lifetime,
        needs_new_pin=needs_new_pin, user_agent=(user_agent or "")[:200] or None,
    ))
    db.session.flush()
    return token


def find_session(token: str) -> DeviceSession | None:
    """The live session behind a cookie, with its user, in one query."""
    device = db.session.scalar(
        select(DeviceSession).join(DeviceSession.user).options(contains_eager(DeviceSession.user))
        .where(DeviceSession.token_hash == hash_token(token))
    )
    if device is None or device.revoked_at or device.expires_at <= utcnow() or not device.user.active:
        return None
    return device


def end_session(device: DeviceSession) -> None:
    device.revoked_at = utcnow()
    passkeys.remove_for_devices([device.id])  # a passkey unlocks only its own live device
    db.session.flush()


def end_sessions(user: User) -> None:
    db.session.execute(
        update(DeviceSession)
        .where(DeviceSession.user_id == user.id, DeviceSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    # The passkeys go with the devices (a re-invite is how a lost phone is shut out).
    passkeys.remove_for_devices(select(DeviceSession.id).where(DeviceSession.user_id == user.id))


def device_state(device: DeviceSession, idle: timedelta, now: datetime | None = None) -> str:
    """What a device must do before it shows private pages: ok | choose_pin | unlock | locked."""
    now = now or utcnow()
    if device.kind == "staff":
        return "unlock" if now - device.last_seen_at > idle else "ok"
    if device.locked_at:
        return "locked"
    if device.needs_new_pin or not device.user.pin_hash:
        return "choose_pin"
    if now - device.last_seen_at > idle:
        return "unlock"
    return "ok"


def lock(device: DeviceSession) -> None:
    """Ask for the PIN on the next visit, as if the phone had been idle."""
    device.last_seen_at = utcnow() - timedelta(days=1)
    db.session.flush()


# --- PINs --------------------------------------------------------------------------------------

def valid_pin_shape(pin: str) -> bool:
    return len(pin) == PIN_LENGTH and pin.isascii() and pin.isdigit()


def choose_pin(device: DeviceSession, pin: str) -> str:
    """One round of choosing a PIN: "again" after the first, then "chosen" or "mismatch" (start over)."""
    if device.pending_pin_hash is None:
        device.pending_pin_hash = hash_secret(pin)
        db.session.flush()
        return "again"
    if not check_secret(device.pending_pin_hash, pin):
        device.pending_pin_hash = None
        db.session.flush()
        return "mismatch"
    device.user.pin_hash = device.pending_pin_hash
    device.pending_pin_hash = None
    device.needs_new_pin = False
    lockout.reset(device)
    device.last_seen_at = utcnow()
    db.session.flush()
    return "chosen"


def check_pin(device: DeviceSession, pin: str, rules: lockout.Rules) -> bool:
    """Whether this is the client's PIN, counting the try first (webapp.domain.lockout): a device or client
    in a wait is refused without checking; a right PIN ends the counts and waits. Every PIN check goes here.

    The unlock view does the same in two steps, committing the count before the slow check.
    """
    return lockout.settle_try(device, lockout.claim_try(device, rules), pin, check_secret)


# --- staff ---------------------------------------------------------------------------------------

def staff_by_credentials(email: str, password: str) -> User | None:
    """Staff and partner staff sign in with e-mail and password; clients never do."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    ok = check_secret(user.password_hash if user else None, password)
    if not ok or user is None or not (user.is_staff or user.is_partner) or not user.active:
        return None
    return user
