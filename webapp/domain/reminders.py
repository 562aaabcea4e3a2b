"""When reminders are due: the evening before and two hours before, unless the partner chose other times.

Scheduling only writes Reminder rows, one per offset and channel; the worker (webapp.reminders)
sends them. A channel the client does not have at send time is marked skipped, so a client who
turns reminders on later still gets the ones that were planned.
"""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import update

from webapp.extensions import db
from webapp.models import CHANNELS, Appointment, Reminder, utcnow

BRUSSELS = ZoneInfo("Europe/Brussels")
EVENING = time(18, 0)
TWO_HOURS = 120


def default_offsets(starts_at: datetime) -> list[int]:
    """Minutes before the start: the evening before at 18:00 (local), and two hours before."""
    local = starts_at.astimezone(BRUSSELS)
    evening = datetime.combine(local.date() - timedelta(days=1), EVENING, BRUSSELS).astimezone(UTC)
    # In UTC: two datetimes in the same ZoneInfo subtract as wall clocks, an hour off across a DST night.
    return sorted({int((starts_at.astimezone(UTC) - evening).total_seconds() // 60), TWO_HOURS}, reverse=True)


def offsets_of(appointment: Appointment) -> list[int]:
    if appointment.reminder_offsets:
        return sorted({int(m) for m in appointment.reminder_offsets.split(",") if m}, reverse=True)
    return default_offsets(appointment.starts_at)


def schedule(appointment: Appointment, now: datetime | None = None) -> list[Reminder]:
    """(Re)plan the reminders of a new or moved appointment; those already sent stay as history."""
    now = now or utcnow()
    cancel(appointment)
    starts = appointment.starts_at.astimezone(UTC)  # real minutes before it, whatever zone it was given in
    if appointment.status != "planned" or starts <= now:
        return []
    due_times = [starts - timedelta(minutes=m) for m in offsets_of(appointment)]
    upcoming = [(m, due) for m, due in zip(offsets_of(appointment), due_times, strict=True) if due > now]
    if not upcoming:  # planned at short notice: one reminder now rather than none
        upcoming = [(int((starts - now).total_seconds() // 60), now)]
    reminders = [Reminder(appointment_id=appointment.id, channel=channel, offset_minutes=minutes, due_at=due)
                 for minutes, due in upcoming for channel in CHANNELS]
    db.session.add_all(reminders)
    db.session.flush()
    return reminders


def cancel(appointment: Appointment) -> None:
    """Stop what has not been sent yet (a moved or cancelled appointment)."""
    db.session.execute(
        update(Reminder)
        .where(Reminder.appointment_id == appointment.id, Reminder.status == "pending")
        .values(status="cancelled", lease_until=None, updated_at=utcnow())
    )
