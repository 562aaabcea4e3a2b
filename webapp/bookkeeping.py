"""Bookkeeping writes made outside a view — a device seen, a partner token used — in their own transaction.

A read-only request never commits its session, so a change merely flushed there is rolled back when the
request ends: a client who only browses would be asked for the PIN again after the idle time, though
they never stopped using the phone. These few writes therefore commit on a connection of their own,
at once, whatever the view does afterwards; the view's own changes still commit (or not) with the view.
"""

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from webapp.extensions import db
from webapp.models import ApiToken, DeviceSession, utcnow

EVERY = timedelta(seconds=60)  # at most one write a minute per device or token, to keep writes off most requests


def device_seen(device: DeviceSession, now: datetime | None = None) -> None:
    now = now or utcnow()
    if now - device.last_seen_at > EVERY:
        _record(device, DeviceSession, "last_seen_at", now)


def token_used(token: ApiToken, now: datetime | None = None) -> None:
    now = now or utcnow()
    if token.last_used_at is None or now - token.last_used_at > EVERY:
        _record(token, ApiToken, "last_used_at", now)


def _record(row, model, column: str, value) -> None:
    with db.engine.begin() as connection:
        connection.execute(update(model).where(model.id == row.id).values({column: value}))
    # The request's copy shows the stored value without becoming a pending change of the view's own.
    set_committed_value(row, column, value)
