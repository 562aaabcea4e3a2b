"""The client's settings: read-aloud, the number and address reminders go to (confirmed by a code), the
enrolled phones. Functions flush; the view commits.

A new number or address waits in a ContactChange until the code sent there is typed; only then does it
replace User.phone or User.email, the one place reminders read them. So a typing mistake never takes
reminders away: the old one keeps working until the new one is confirmed.
"""

import re
import secrets
from datetime import timedelta

from sqlalchemy import delete, select, update

from webapp.domain import auth
from webapp.extensions import db
from webapp.models import ContactChange, DeviceSession, User, utcnow

SPEECH_RATES = ("normal", "slow")

CODE_DIGITS = 6
CODE_LIFETIME = timedelta(minutes=15)
MAX_TRIES = 5  # codes typed for one code; then it is spent and a new one must be sent
MAX_SENDS = 5  # codes sent for one change in a day: no one can fill a stranger's phone with messages
SEND_WINDOW = timedelta(days=1)
RESEND_AFTER = timedelta(seconds=30)  # a double tap on "send again" sends one

FIELDS = {"sms": "phone", "email": "email"}
_PHONE_NOISE = re.compile(r"[\s./()-]")
_PHONE = re.compile(r"\+?[0-9]{8,15}")


# --- read-aloud ------------------------------------------------------------------------------------

def set_read_aloud(user: User, on: bool | None = None, rate: str | None = None) -> None:
    if on is not None:
        user.read_aloud = on
    if rate is not None:
        if rate not in SPEECH_RATES:
            raise ValueError(rate)
        user.speech_rate = rate
    db.session.flush()


# --- where reminders go: a number or address, confirmed by a code ----------------------------------

def normal_phone(typed: str) -> str | None:
    """The number as the SMS gateway gets it: digits with an optional leading +; None when it is no number."""
    number = _PHONE_NOISE.sub("", typed or "")
    if number.startswith("00"):
        number = "+" + number[2:]
    return number if number.isascii() and _PHONE.fullmatch(number) else None


def contact_of(user: User, channel: str) -> str | None:
    return getattr(user, FIELDS[channel])


def pending_changes(user: User) -> dict[str, ContactChange]:
    """The client's unconfirmed number and address, by channel, in one query."""
    rows = db.session.scalars(select(ContactChange).where(ContactChange.user_id == user.id))
    return {row.channel: row for row in rows}


def pending_change(user: User, channel: str) -> ContactChange | None:
    return db.session.scalar(select(ContactChange).where(ContactChange.user_id == user.id,
                                                         ContactChange.channel == channel))


def _new_code(change: ContactChange, now) -> str:
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
    change.code_hash = auth.hash_secret(code)
    change.expires_at = now + CODE_LIFETIME
    change.tries = 0
    change.sends += 1
    change.last_sent_at = now
    return code


def start_change(user: User, channel: str, address: str) -> tuple[ContactChange, str | None]:
    """A new number or address, waiting for its code; the code to send, or None after too many codes today.

    It replaces an unconfirmed one of the same channel, keeping its count of codes sent, so starting over
    does not open a way around the limit.
    """
    now = utcnow()
    change = pending_change(user, channel)
    if change is None:
        change = ContactChange(user_id=user.id, channel=channel, address=address, code_hash="", expires_at=now,
                               sends=0, tries=0, created_at=now)
        db.session.add(change)
    elif now - change.created_at > SEND_WINDOW:
        change.sends, change.created_at = 0, now
    change.address = address
    if change.sends >= MAX_SENDS:
        change.expires_at = now  # the code sent earlier was for the address typed before
        db.session.flush()
        return change, None
    code = _new_code(change, now)
    db.session.flush()
    return change, code


def resend(change: ContactChange) -> str | None:
    """A new code for the same change (the old one stops working); None when it is too soon or too many."""
    now = utcnow()
    if now - change.created_at > SEND_WINDOW:
        change.sends, change.created_at = 0, now
    if change.sends >= MAX_SENDS or (change.last_sent_at and now - change.last_sent_at < RESEND_AFTER):
        return None
    code = _new_code(change, now)
    db.session.flush()
    return code


def can_resend(change: ContactChange) -> bool:
    return change.sends < MAX_SENDS or utcnow() - change.created_at > SEND_WINDOW


def confirm(change: ContactChange, code: str) -> str:
    """Check a typed code: confirmed | wrong | spent (too many tries, or expired: send a new one) | taken.

    Each try is claimed with one conditional UPDATE before the code is compared, so tries sent in parallel
    are counted one by one and never more than MAX_TRIES are compared.
    """
    now = utcnow()
    claimed = db.session.execute(
        update(ContactChange)
        .where(ContactChange.id == change.id, ContactChange.tries < MAX_TRIES, ContactChange.expires_at > now)
        .values(tries=ContactChange.tries + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(change)
    if claimed != 1:
        return "spent"
    if not (code.isascii() and code.isdigit() and auth.check_secret(change.code_hash, code)):
        return "wrong"
    user = change.user
    if change.channel == "email" and db.session.scalar(
            select(User.id).where(User.email == change.address, User.id != user.id)):
        return "taken"  # told only now, to someone who showed the address is theirs
    setattr(user, FIELDS[change.channel], change.address)
    db.session.delete(change)
    db.session.flush()
    return "confirmed"


def cancel(change: ContactChange) -> None:
    db.session.delete(change)
    db.session.flush()


def remove_contact(user: User, channel: str) -> None:
    """No more reminders this way: the confirmed number or address goes, and a change waiting too."""
    setattr(user, FIELDS[channel], None)
    db.session.execute(delete(ContactChange).where(ContactChange.user_id == user.id,
                                                   ContactChange.channel == channel))
    db.session.flush()


def tries_left(change: ContactChange) -> int:
    return max(0, MAX_TRIES - change.tries)


def spent(change: ContactChange) -> bool:
    return change.tries >= MAX_TRIES or change.expires_at <= utcnow()


# --- my phones -----------------------------------------------------------------------------------

def live_devices(user: User) -> list[DeviceSession]:
    """The client's enrolled phones that can still be used (not ended, not expired), last used first."""
    return list(db.session.scalars(
        select(DeviceSession).where(DeviceSession.user_id == user.id, DeviceSession.kind == "device",
                                    DeviceSession.revoked_at.is_(None), DeviceSession.expires_at > utcnow())
        .order_by(DeviceSession.last_seen_at.desc(), DeviceSession.id.desc())))


def own_device(user: User, device_id: int) -> DeviceSession | None:
    return next((d for d in live_devices(user) if d.id == device_id), None)


def end_device(device: DeviceSession) -> None:
    """Sign one phone out at once: its next request finds no session."""
    auth.end_session(device)


def start_pin_change(device: DeviceSession) -> None:
    """The current PIN was right: forget any half-chosen new one, so the next PIN typed is the first round."""
    device.pending_pin_hash = None
    db.session.flush()
