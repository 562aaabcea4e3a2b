"""The reminder worker: claim due rows under a lease, send each one, commit right after each one.

Claiming: on PostgreSQL `SELECT ... FOR UPDATE SKIP LOCKED`, so any number of workers share the due rows
without waiting on each other; on SQLite one conditional UPDATE (SQLite writes one at a time anyway).
The claim sets `lease_until`; a worker that dies mid-batch leaves its rows pending, and once the lease
runs out another worker claims them. Every later write is conditional on that same lease value, so a
worker that outlived its lease cannot overwrite a newer claim.

What this cannot promise: a worker killed after the push service accepted a message and before its
commit leaves that reminder to be sent again. The per-appointment Topic and the notification tag turn
that rare second message into the same single notification on the phone (see bench/README.md).
"""

import logging
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import bindparam, or_, select, update

from webapp.extensions import db
from webapp.models import Appointment, PushSubscription, Reminder, User, utcnow
from webapp.reminders import channels, messages

log = logging.getLogger(__name__)

BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(minutes=60))
BATCH = 50
MAX_CLAIMS = 2 * (len(BACKOFF) + 1)  # claims count as attempts, also those of a worker that died mid-send


def _claimable(now: datetime):
    return (Reminder.status == "pending", Reminder.due_at <= now,
            or_(Reminder.lease_until.is_(None), Reminder.lease_until < now))


def claim(limit: int, now: datetime, lease: timedelta) -> tuple[list[int], datetime]:
    """Take up to `limit` due reminders for this worker until the lease ends; committed at once."""
    lease_until = now + lease
    due = select(Reminder.id).where(*_claimable(now)).order_by(Reminder.due_at, Reminder.id).limit(limit)
    take = {"lease_until": lease_until, "attempts": Reminder.attempts + 1}
    session = db.session
    if session.get_bind().dialect.name == "postgresql":
        ids = session.scalars(due.with_for_update(skip_locked=True)).all()
        if ids:
            session.execute(update(Reminder).where(Reminder.id.in_(ids)).values(**take)
                            .execution_options(synchronize_session=False))
    else:
        ids = session.scalars(update(Reminder).where(Reminder.id.in_(due.scalar_subquery())).values(**take)
                              .returning(Reminder.id).execution_options(synchronize_session=False)).all()
    session.commit()
    return sorted(ids), lease_until


def release(ids: list[int], lease_until: datetime) -> None:
    """Hand back claimed reminders this worker will not send after all (stopping, or its lease nearly out)."""
    if ids:
        db.session.execute(
            update(Reminder).where(Reminder.id.in_(ids), Reminder.lease_until == lease_until,
                                   Reminder.status == "pending")
            .values(lease_until=None, attempts=Reminder.attempts - 1).execution_options(synchronize_session=False))
    db.session.commit()


# Built once: the worker runs these thousands of times; bound values come per call.
_FRESH = (select(Reminder, Appointment, User).join(Appointment, Reminder.appointment_id == Appointment.id)
          .join(User, User.id == Appointment.client_id).where(Reminder.id == bindparam("rid"))
          .execution_options(populate_existing=True))
_PHONES = (select(Reminder.id, PushSubscription)
           .join(Appointment, Reminder.appointment_id == Appointment.id)
           .join(PushSubscription, PushSubscription.user_id == Appointment.client_id)
           .where(Reminder.id.in_(bindparam("ids", expanding=True)), Reminder.channel == "push")
           .order_by(PushSubscription.id))
_TOUCH_APPOINTMENT = (update(Appointment).where(Appointment.id == bindparam("aid"))
                      .values(updated_at=bindparam("now")).execution_options(synchronize_session=False))


class Worker:
    """Sends due reminders; `stop()` (SIGTERM) lets the reminder in hand finish and hands the rest back."""

    def __init__(self, batch: int = BATCH, now: Callable[[], datetime] = utcnow, outbox=None):
        config = current_app.config
        self.batch = batch
        self.now = now
        self.lease = timedelta(seconds=config["REMINDER_LEASE_SECONDS"])
        # Never start a send that could outlast the lease: stop that far before it ends.
        self.margin = min(timedelta(seconds=config["REMINDER_SEND_TIMEOUT"] + 1), self.lease / 2)
        self.outbox = outbox or channels.Outbox(config, current_app.static_url_path)
        self.stopping = False
        self.stats: Counter = Counter()
        self._phones: dict[int, list[PushSubscription]] = {}

    def stop(self, *_signal) -> None:
        self.stopping = True

    def send_due(self, limit: int | None = None) -> Counter:
        """One pass: claim and send batches until nothing is due (or `limit` reminders were handled)."""
        handled = Counter()
        while not self.stopping and (limit is None or handled.total() < limit):
            size = self.batch if limit is None else min(self.batch, limit - handled.total())
            ids, lease_until = claim(size, self.now(), self.lease)
            if not ids:
                break
            self._phones = defaultdict(list)  # the batch's phones in one query, not one per reminder
            for reminder_id, phone in db.session.execute(_PHONES, {"ids": ids}):
                self._phones[reminder_id].append(phone)
            for index, reminder_id in enumerate(ids):
                if self.stopping or self.now() >= lease_until - self.margin:
                    release(ids[index:], lease_until)
                    break
                outcome = self.deliver(reminder_id, lease_until)
                handled[outcome] += 1
            db.session.expunge_all()  # a long-running worker keeps no rows between batches
        self.stats.update(handled)
        return handled

    def deliver(self, reminder_id: int, lease_until: datetime) -> str:
        """Send one claimed reminder and record what happened.

        Returns sent, skipped, cancelled, retry, failed, or stale (no longer this worker's to send).
        """
        now = self.now()
        session = db.session
        row = session.execute(_FRESH, {"rid": reminder_id}).one_or_none()
        if row is None or row[0].status != "pending" or row[0].lease_until != lease_until:
            session.rollback()
            return "stale"  # cancelled or moved meanwhile (then it is no longer pending), or claimed again
        reminder, appointment, client = row
        if appointment.status != "planned":
            return self._finish(reminder, appointment, lease_until, now, "cancelled", "the appointment was cancelled")
        if appointment.starts_at <= now:
            return self._finish(reminder, appointment, lease_until, now, "skipped", "the appointment has started")
        if not client.active:
            return self._finish(reminder, appointment, lease_until, now, "skipped", "the account is disabled")
        if reminder.attempts > MAX_CLAIMS:  # workers keep dying on this one: stop before it takes more down
            return self._finish(reminder, appointment, lease_until, now, "failed", "claimed too often")
        try:
            message = messages.compose(appointment, client, now)
            self.outbox.send(reminder, appointment, client, message, now, phones=self._phones.get(reminder_id, []))
        except channels.NoChannel as error:
            return self._finish(reminder, appointment, lease_until, now, "skipped", str(error))
        except channels.PermanentError as error:
            return self._finish(reminder, appointment, lease_until, now, "failed", str(error))
        except channels.SendError as error:
            return self._retry(reminder, appointment, lease_until, now, str(error))
        except Exception as error:  # a bug must not stop the other reminders; this one is retried and logged
            log.exception("reminder %s: unexpected error", reminder_id)
            session.rollback()
            return self._retry(reminder, appointment, lease_until, now, f"error: {type(error).__name__}")
        return self._finish(reminder, appointment, lease_until, now, "sent", None)

    def _retry(self, reminder, appointment, lease_until, now, error) -> str:
        attempt = reminder.attempts  # counted when claimed
        if attempt > len(BACKOFF):
            return self._finish(reminder, appointment, lease_until, now, "failed", error)
        # The lease doubles as "not before": due_at stays the planned time partners see.
        values = {"lease_until": now + BACKOFF[attempt - 1], "last_error": error[:300]}
        return "retry" if self._write(reminder.id, lease_until, values, appointment_id=None) else "stale"

    def _finish(self, reminder, appointment, lease_until, now, status, error) -> str:
        values = {"status": status, "lease_until": None, "last_error": error[:300] if error else None}
        if status == "sent":
            values["sent_at"] = now
        return status if self._write(reminder.id, lease_until, values, appointment.id, sent=status == "sent") \
            else "stale"

    def _write(self, reminder_id, lease_until, values, appointment_id, sent=False) -> bool:
        """Record an outcome only while the lease is still ours; partners see it through the appointment."""
        session = db.session
        if appointment_id is not None:
            # The appointment first, as a partner's cancel does: same lock order, no deadlock.
            session.execute(_TOUCH_APPOINTMENT, {"aid": appointment_id, "now": self.now()})
        still_ours = Reminder.lease_until == lease_until
        if sent:  # it did go out: say so even if the appointment was cancelled while it was on its way
            still_ours = or_(still_ours, Reminder.status == "cancelled")
        result = session.execute(update(Reminder).where(Reminder.id == reminder_id, still_ours)
                                 .values(**values).execution_options(synchronize_session=False))
        if result.rowcount != 1:
            session.rollback()
            log.warning("reminder %s: lease lost before its outcome was written", reminder_id)
            return False
        session.commit()
        return True
