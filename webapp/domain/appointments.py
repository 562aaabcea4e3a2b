"""Appointments: the one way they are made and changed, a client's coming ones, and their reply.

Functions flush; the view commits.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select

from webapp.domain import reminders
from webapp.extensions import db
from webapp.models import Appointment, Organisation, User, utcnow

WEEK_AHEAD = timedelta(days=14)


def _bring(items: Sequence[str]) -> str:
    return ",".join(dict.fromkeys(items))


def _offsets(minutes: Sequence[int] | None) -> str | None:
    """None (or empty): the default times, the evening before and two hours before."""
    return ",".join(str(m) for m in sorted(set(minutes), reverse=True)) if minutes else None


def create(client: User, organisation: Organisation, kind: str, starts_at: datetime, ends_at: datetime | None = None,
           *, place: str | None = None, bring: Sequence[str] = (), note: str | None = None,
           offsets: Sequence[int] | None = None, partner_ref: str | None = None, reply: str | None = None
           ) -> Appointment:
    """The one way an appointment is made: by a partner (API or form), from an accepted suggestion, by the demo.

    What to bring and the reminder offsets (minutes before the start) come as lists. The reminders are
    always planned here, so no way of making an appointment can forget them.
    """
    appointment = Appointment(client_id=client.id, organisation_id=organisation.id, kind=kind, starts_at=starts_at,
                              ends_at=ends_at, place=place, bring=_bring(bring), note=note,
                              reminder_offsets=_offsets(offsets), partner_ref=partner_ref)
    if reply:
        appointment.reply, appointment.replied_at = reply, utcnow()
    db.session.add(appointment)
    db.session.flush()
    reminders.schedule(appointment)
    return appointment


def change(appointment: Appointment, **changes) -> None:
    """Change time, place, what to bring (a list), the note or the offsets (a list, or None for the defaults).

    A new time means new reminders and a new reply.
    """
    if "bring" in changes:
        changes["bring"] = _bring(changes["bring"])
    if "reminder_offsets" in changes:
        changes["reminder_offsets"] = _offsets(changes["reminder_offsets"])
    new_time = "starts_at" in changes and changes["starts_at"] != appointment.starts_at
    for field, value in changes.items():
        setattr(appointment, field, value)
    if new_time or "reminder_offsets" in changes:
        if new_time:
            appointment.reply, appointment.replied_at = None, None  # asked again for the new time
        reminders.schedule(appointment)
    appointment.updated_at = utcnow()
    db.session.flush()


def coming(client: User, within: timedelta = WEEK_AHEAD, limit: int | None = None) -> list[Appointment]:
    """Planned appointments from an hour ago (someone may be on their way) up to `within` ahead."""
    now = utcnow()
    query = (
        select(Appointment)
        .where(Appointment.client_id == client.id, Appointment.status == "planned",
               Appointment.starts_at >= now - timedelta(hours=1), Appointment.starts_at <= now + within)
        .order_by(Appointment.starts_at)
    )
    if limit:
        query = query.limit(limit)
    return db.session.scalars(query).all()


def reply(appointment: Appointment, answer: str) -> None:
    appointment.reply = answer
    appointment.replied_at = utcnow()
    db.session.flush()
