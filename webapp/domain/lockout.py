"""Wrong PINs: counted before each is checked, per device and per client, with a wait that grows.

Every try is counted first, in one conditional `UPDATE … RETURNING` per row, and only a try that finds its
device and its client out of a wait is checked at all; so tries sent in parallel count one by one and no
more PINs are ever compared than the rules allow. The try that reaches a limit starts the wait at once
(pessimistically: a right PIN then ends it again). A try during a wait is counted and refused unchecked.
A right PIN sets both counts back to 0. Past the limit each further wrong PIN waits the next step
(1, 5, 15, 60 minutes, then 60), never for good; the client's trust person can end a wait (end_wait).

Per client means all of a client's devices together: a wait of the client holds each of its phones.
Functions flush; the view commits (after claim_try, before the slow check, so parallel tries see it).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, literal, or_, select, true, update
from sqlalchemy.orm.attributes import set_committed_value

from webapp.extensions import db
from webapp.models import DeviceSession, User, utcnow
from webapp.models.base import UTCDateTime


@dataclass(frozen=True)
class Rules:
    device_limit: int  # wrong PINs on one device before it waits
    client_limit: int  # wrong PINs on all of a client's devices together before they all wait
    waits: tuple[timedelta, ...]  # the wait after the limit, then after each further wrong PIN; the last repeats

    @classmethod
    def from_config(cls, config) -> "Rules":
        return cls(config["PIN_FAILURES_BEFORE_WAIT"], config["PIN_CLIENT_FAILURES_BEFORE_WAIT"],
                   tuple(timedelta(minutes=m) for m in config["PIN_WAIT_MINUTES"]))


@dataclass(frozen=True)
class Try:
    checkable: bool  # the device and the client were out of a wait: the PIN may be compared
    device_count: int
    client_count: int


def wait_of(device: DeviceSession, now: datetime | None = None) -> datetime | None:
    """Until when this device may not try a PIN (its own wait or its client's), or None."""
    now = now or utcnow()
    ends = [t for t in (device.wait_until, device.user.pin_wait_until) if t is not None and t > now]
    return max(ends, default=None)


def tries_left(device: DeviceSession, rules: Rules) -> int:
    return max(0, min(rules.device_limit - device.failed_pins, rules.client_limit - device.user.failed_pins))


def _wait_after(count, limit: int, waits: tuple[timedelta, ...], now: datetime):
    """The wait a try starts, in SQL: `count` is the row's count before this try (SET sees old values)."""
    new = count + 1
    whens = [(new == limit + i, literal(now + wait, UTCDateTime())) for i, wait in enumerate(waits[:-1])]
    whens.append((new >= limit + len(waits) - 1, literal(now + waits[-1], UTCDateTime())))
    return case(*whens, else_=literal(None, UTCDateTime()))


def _claim(model, row, count_attr: str, wait_attr: str, limit: int, rules: Rules, now: datetime,
           *conditions) -> tuple[int, bool]:
    """Count one try on one row; open (and possibly start its wait) only when it was not waiting."""
    count, wait = getattr(model, count_attr), getattr(model, wait_attr)
    claimed = db.session.execute(
        update(model).where(model.id == row.id, or_(wait.is_(None), wait <= now), *conditions)
        .values({count_attr: count + 1, wait_attr: _wait_after(count, limit, rules.waits, now)})
        .returning(count, wait)
        .execution_options(synchronize_session=False)
    ).first()
    if claimed is None:  # waiting: counted all the same, its wait unchanged
        claimed = db.session.execute(
            update(model).where(model.id == row.id).values({count_attr: count + 1}).returning(count, wait)
            .execution_options(synchronize_session=False)
        ).first()
        is_open = False
    else:
        is_open = True
    # The request's copy shows what is stored, without becoming a pending change.
    set_committed_value(row, count_attr, claimed[0])
    set_committed_value(row, wait_attr, claimed[1])
    return claimed[0], is_open


def claim_try(device: DeviceSession, rules: Rules, now: datetime | None = None) -> Try:
    """Count a PIN try before it is checked: on the device, then (if the device was open) on its client."""
    now = now or utcnow()
    device_count, device_open = _claim(DeviceSession, device, "failed_pins", "wait_until", rules.device_limit,
                                       rules, now, DeviceSession.locked_at.is_(None))
    client = device.user
    if not device_open:
        return Try(False, device_count, client.failed_pins)
    client_count, client_open = _claim(User, client, "failed_pins", "pin_wait_until", rules.client_limit,
                                       rules, now)
    return Try(client_open, device_count, client_count)


def settle_try(device: DeviceSession, claimed: Try, pin: str, check) -> bool:
    """Check the PIN of a claimed try (`check(stored_hash, pin)`); a right one ends counts and waits."""
    if not claimed.checkable or not check(device.user.pin_hash, pin):
        return False
    device.failed_pins = 0
    device.wait_until = None
    device.wait_ended_by_id = None
    device.last_seen_at = utcnow()
    device.user.failed_pins = 0
    device.user.pin_wait_until = None
    db.session.flush()
    return True


def reset(device: DeviceSession) -> None:
    """A new PIN was chosen on this device: its old count and wait no longer apply."""
    device.failed_pins = 0
    device.wait_until = None
    device.wait_ended_by_id = None
    device.user.failed_pins = 0
    device.user.pin_wait_until = None


# --- what the trust person sees and does --------------------------------------------------------

def waiting_clause(client_id_column, now: datetime):
    """SQL: the client, or one of its live devices, is in a wait (a correlated test for the caseload)."""
    device_waits = (select(DeviceSession.id)
                    .where(DeviceSession.user_id == client_id_column, DeviceSession.revoked_at.is_(None),
                           DeviceSession.expires_at > now, DeviceSession.wait_until > now)
                    .exists())
    return or_(User.pin_wait_until > now, device_waits)


def is_waiting(client: User, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return bool(db.session.scalar(select(waiting_clause(User.id, now)).where(User.id == client.id)))


def end_wait(client: User, staff: User) -> int:
    """The trust person ends the wait and the counts on all of the client's devices. Reads nothing private:
    the client still needs their PIN. Returns how many devices were waiting or counting."""
    now = utcnow()
    # A wait of the client held each of its phones; else only the phones that counted wrong PINs.
    held = true() if client.failed_pins or client.pin_wait_until else or_(DeviceSession.failed_pins > 0,
                                                                         DeviceSession.wait_until > now)
    ended = db.session.execute(
        update(DeviceSession)
        .where(DeviceSession.user_id == client.id, DeviceSession.revoked_at.is_(None), held)
        .values(failed_pins=0, wait_until=None, wait_ended_by_id=staff.id)
        .execution_options(synchronize_session="fetch")
    ).rowcount
    client.failed_pins = 0
    client.pin_wait_until = None
    db.session.flush()
    return ended


def trust_phone(client: User) -> str | None:
    """The number the wait screen calls: the trust person's own, else their organisation's (tel: form)."""
    person = client.trust_person
    if person is None:
        return None
    number = (person.phone or (person.organisation.phone if person.organisation else None) or "").strip()
    digits = "".join(c for c in number if c in "0123456789")
    if not digits:
        return None
    return ("+" if number.startswith("+") else "") + digits
