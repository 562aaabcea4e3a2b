"""The client's calendar feed: a secret iCalendar URL their phone's own calendar subscribes to.

The URL's token is derived (webapp.reminders.tokens), never stored; revoking draws a new nonce, so the old
URL answers 404 for good. A moved appointment gets a higher SEQUENCE and LAST-MODIFIED, a cancelled one
STATUS:CANCELLED, so subscribed calendars update rather than duplicate. The feed shows no more than the
week screen does, and for sensitive kinds no more than a reminder does. Functions flush; views commit.
"""

import secrets
from datetime import datetime, timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event
from sqlalchemy import select

from webapp.extensions import db
from webapp.i18n import locale_of
from webapp.models import Appointment, CalendarFeed, User, utcnow
from webapp.reminders import messages, tokens

PAST = timedelta(days=30)  # recent history stays visible, with what was cancelled
LIMIT = 500
DEFAULT_LENGTH = timedelta(hours=1)


def feed_of(client: User) -> CalendarFeed | None:
    return db.session.scalar(select(CalendarFeed).where(CalendarFeed.client_id == client.id))


def open_feed(client: User) -> CalendarFeed:
    """The client's live feed; made on first use, and with a fresh URL after a revoke."""
    feed = feed_of(client)
    if feed is None:
        feed = CalendarFeed(client_id=client.id, nonce=secrets.token_hex(16))
        db.session.add(feed)
    elif feed.revoked_at is not None:
        feed.nonce, feed.revoked_at = secrets.token_hex(16), None
    db.session.flush()
    return feed


def revoke(feed: CalendarFeed) -> None:
    feed.nonce, feed.revoked_at = secrets.token_hex(16), utcnow()
    db.session.flush()


def live_feed(token: str) -> CalendarFeed | None:
    feed_id = tokens.feed_id_of(token)
    feed = db.session.get(CalendarFeed, feed_id) if feed_id else None
    if feed is None or feed.revoked_at is not None or not tokens.token_matches(feed, token):
        return None
    return feed


def _event(appointment: Appointment, now: datetime) -> Event:
    event = Event()
    event.add("uid", f"appointment-{appointment.id}@stapstenen")
    event.add("dtstamp", now)
    event.add("dtstart", appointment.starts_at)  # aware UTC: written with Z
    event.add("dtend", appointment.ends_at or appointment.starts_at + DEFAULT_LENGTH)
    event.add("created", appointment.created_at)
    event.add("last-modified", appointment.updated_at)
    # Any change bumps updated_at, so seconds since creation only ever grow: calendars take the newest.
    event.add("sequence", max(0, int((appointment.updated_at - appointment.created_at).total_seconds())))
    event.add("status", "CANCELLED" if appointment.status == "cancelled" else "CONFIRMED")
    event.add("summary", str(messages.pictogram_for(appointment).label))
    if messages.is_sensitive(appointment.kind):
        event.add("description", _("Open Stapstenen to see the details."))
        return event
    if appointment.place:
        event.add("location", appointment.place)
    lines = [appointment.organisation.name]
    items = messages.bring_labels(appointment)
    if items:
        lines.append(_("Bring: %(items)s", items=", ".join(items)))
    if appointment.note:
        lines.append(appointment.note)
    event.add("description", "\n".join(lines))
    return event


def ics(feed: CalendarFeed, now: datetime | None = None) -> bytes:
    now = now or utcnow()
    client = db.session.get(User, feed.client_id)
    appointments = db.session.scalars(
        select(Appointment).where(Appointment.client_id == feed.client_id, Appointment.starts_at >= now - PAST)
        .order_by(Appointment.starts_at).limit(LIMIT)).all()
    cal = Calendar()
    cal.add("prodid", "-//Stapstenen//Appointments//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", "Stapstenen")
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    with force_locale(locale_of(messages.language_of(client))):
        for appointment in appointments:
            cal.add_component(_event(appointment, now))
    return cal.to_ical()
