"""Reminder workers side by side on PostgreSQL (FOR UPDATE SKIP LOCKED): real `flask reminders` processes,
a loopback push service that decrypts every message and counts it by reminder id.

Skipped unless DATABASE_URL is PostgreSQL, e.g. (with -s to see the figures)
  DATABASE_URL=postgresql://postgres@127.0.0.1:5432/stapstenen_reminders .venv/bin/pytest -s tests/test_dispatch*
"""

import os
import signal
import time
from datetime import timedelta

import pytest
from py_vapid import Vapid
from sqlalchemy import func, insert, select

from tests import factories, loopback
from webapp.extensions import db
from webapp.models import Appointment, Reminder, utcnow
from webapp.reminders import subscriptions

pytestmark = pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                                reason="needs DATABASE_URL to be PostgreSQL")

REMINDERS = 1000
CLIENTS = 50


@pytest.fixture
def keys():
    key = Vapid()
    key.generate_keys()
    return (loopback.b64u(key.private_key.private_numbers().private_value.to_bytes(32, "big")),
            loopback.b64u(loopback.public_bytes(key.public_key)))


@pytest.fixture
def push_service():
    service = loopback.PushService()
    yield service
    service.close()


def due_reminders(push_service, n=REMINDERS, clients=CLIENTS) -> list[int]:
    """n due push reminders, one per appointment, spread over clients who each have a phone."""
    org = factories.organisation()
    people = [factories.client() for _ in range(clients)]
    for person in people:
        sub = push_service.subscription()
        subscriptions.subscribe(person, sub["endpoint"], sub["keys"]["p256dh"], sub["keys"]["auth"])
    now = utcnow()
    appointment_ids = db.session.scalars(insert(Appointment).returning(Appointment.id, sort_by_parameter_order=True), [
        {"client_id": people[i % clients].id, "organisation_id": org.id, "kind": "job_interview",
         "starts_at": now + timedelta(hours=3, minutes=i), "bring": ""} for i in range(n)]).all()
    ids = db.session.scalars(insert(Reminder).returning(Reminder.id, sort_by_parameter_order=True), [
        {"appointment_id": a, "channel": "push", "offset_minutes": 120, "due_at": now - timedelta(minutes=1)}
        for a in appointment_ids]).all()
    db.session.commit()
    return ids


def statuses():
    db.session.expire_all()
    return dict(db.session.execute(select(Reminder.status, func.count()).group_by(Reminder.status)).all())


def test_two_workers_send_each_of_1000_reminders_exactly_once(app, keys, push_service):
    ids = due_reminders(push_service)
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    started = time.monotonic()
    workers = [loopback.worker(url, *keys, "send-due", "--batch", "20") for _ in range(2)]
    outputs = [w.communicate(timeout=60)[0] for w in workers]
    elapsed = time.monotonic() - started
    assert [w.returncode for w in workers] == [0, 0], outputs
    sent_by = [int(out.strip().split()[0]) if out.strip().endswith("sent") else 0 for out in outputs]
    print(f"\n2 workers, {REMINDERS} reminders: {elapsed:.1f} s including start-up; sent per worker {sent_by}")
    assert push_service.undecryptable == 0
    assert push_service.by_reminder.keys() == set(ids), "lost"
    assert max(push_service.by_reminder.values()) == 1, "sent twice"
    assert sum(sent_by) == REMINDERS and all(sent_by), "both workers took a share"
    assert statuses() == {"sent": REMINDERS}


def test_a_worker_killed_mid_run_loses_none(app, keys, push_service):
    ids = due_reminders(push_service)
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    lease = 2  # seconds: a short lease so the killed worker's batch comes back quickly
    victim = loopback.worker(url, *keys, "work", "--batch", "50", "--interval", "0.2", REMINDER_LEASE_SECONDS=lease)
    rescuer = None
    try:
        deadline = time.monotonic() + 20
        while push_service.count() < REMINDERS // 4 and time.monotonic() < deadline:
            time.sleep(0.01)
        victim.send_signal(signal.SIGKILL)  # no goodbye: its claimed batch keeps its lease
        victim.wait(5)
        at_kill = push_service.count()
        assert 0 < at_kill < REMINDERS, "the kill should land mid-run"
        rescuer = loopback.worker(url, *keys, "work", "--batch", "50", "--interval", "0.2",
                                  REMINDER_LEASE_SECONDS=lease)
        deadline = time.monotonic() + 30
        while statuses().get("pending") and time.monotonic() < deadline:
            time.sleep(0.2)
        rescuer.send_signal(signal.SIGTERM)
        assert rescuer.wait(10) == 0
    finally:
        for process in (victim, rescuer):
            if process and process.poll() is None:
                process.kill()
    twice = sorted(i for i, n in push_service.by_reminder.items() if n > 1)
    print(f"\nkilled after {at_kill} pushes; lost {len(set(ids) - push_service.by_reminder.keys())}, "
          f"sent twice {len(twice)} {twice}")
    assert push_service.by_reminder.keys() == set(ids), "lost"
    # At most the one reminder that was on its way when the process died: pushed, not yet committed.
    assert len(twice) <= 1 and max(push_service.by_reminder.values()) <= 2
    assert statuses() == {"sent": REMINDERS}
