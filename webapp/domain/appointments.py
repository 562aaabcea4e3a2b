"""A client's coming appointments and their reply. Functions flush; the view commits."""

from datetime import timedelta

from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Appointment, User, utcnow

WEEK_AHEAD = timedelta(days=14)


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
