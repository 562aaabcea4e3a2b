"""`flask reminders work` (long-running), `flask reminders send-due` (one pass, for cron), `flask push keys`."""

import base64
import logging
import signal
import time
from contextlib import contextmanager

import click
from cryptography.hazmat.primitives import serialization
from flask.cli import AppGroup
from py_vapid import Vapid
from sqlalchemy.exc import SQLAlchemyError

from webapp.extensions import db
from webapp.reminders.dispatch import BATCH, Worker

log = logging.getLogger(__name__)

reminders = AppGroup("reminders", help="Send the reminders that are due (push, e-mail, SMS).")
push = AppGroup("push", help="Web push set-up.")


@contextmanager
def _stops_gracefully(worker: Worker):
    """SIGTERM or Ctrl-C: the reminder in hand is finished and committed, the rest handed back, then exit."""
    previous = {sig: signal.signal(sig, worker.stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        worker.outbox.close()


def _summary(counts) -> str:
    return ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items())) or "nothing due"


@reminders.command("send-due")
@click.option("--batch", default=BATCH, show_default=True, help="Reminders claimed at a time.")
@click.option("--limit", type=int, help="Stop after this many reminders.")
def send_due(batch, limit):
    """Send every reminder that is due now, then exit (run it from cron every minute)."""
    worker = Worker(batch=batch)
    with _stops_gracefully(worker):
        counts = worker.send_due(limit)
    click.echo(_summary(counts))


@reminders.command("work")
@click.option("--batch", default=BATCH, show_default=True, help="Reminders claimed at a time.")
@click.option("--interval", default=15.0, show_default=True, help="Seconds to wait when nothing is due.")
def work(batch, interval):
    """Keep sending reminders as they fall due, until SIGTERM. Run as many workers as you like."""
    worker = Worker(batch=batch)
    click.echo(f"reminder worker started (batch {batch}, lease {worker.lease.total_seconds():.0f} s)")
    with _stops_gracefully(worker):
        while not worker.stopping:
            try:
                counts = worker.send_due()
            except SQLAlchemyError:  # the database restarting must not end the worker
                log.exception("reminder worker: database error, trying again in %s s", interval)
                db.session.rollback()
                counts = None
            if counts:
                click.echo(_summary(counts))
                continue
            deadline = time.monotonic() + interval
            while not worker.stopping and time.monotonic() < deadline:
                time.sleep(min(0.2, interval))
    click.echo(f"reminder worker stopped ({_summary(worker.stats)})")


def _b64u(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@push.command("keys")
@click.option("--subject", default="mailto:reminders@example.org", show_default=True,
              help="Where push services can reach whoever runs this server.")
def keys(subject):
    """Print a new VAPID key pair as environment lines (the private key raw, base64url)."""
    vapid = Vapid()
    vapid.generate_keys()
    private = _b64u(vapid.private_key.private_numbers().private_value.to_bytes(32, "big"))
    public = _b64u(vapid.public_key.public_bytes(serialization.Encoding.X962,
                                                 serialization.PublicFormat.UncompressedPoint))
    click.echo(f"VAPID_PRIVATE_KEY={private}\nVAPID_PUBLIC_KEY={public}\nVAPID_SUBJECT={subject}")
