"""Reminder dispatch: N due reminders, W real `flask reminders` worker processes, PostgreSQL, and a push
service on loopback that decrypts every message (as a phone would) and counts it by reminder id.

Reports the time, duplicates (a reminder pushed more than once) and lost ones (never pushed).
With --kill, one worker is killed with SIGKILL part-way through and a fresh one takes over; its
claimed batch comes back when the lease (--lease seconds) runs out. Repeat that with --kill-runs.

    createdb -h 127.0.0.1 -U postgres stapstenen_bench
    .venv/bin/python bench/dispatch.py                       # 10,000 reminders, 2 workers
    .venv/bin/python bench/dispatch.py --kill                # and 5 killed-worker runs
"""

import argparse
import hashlib
import os
import random
import signal
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from py_vapid import Vapid  # noqa: E402
from sqlalchemy import func, insert, select, text  # noqa: E402

from tests import loopback  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.config import Config  # noqa: E402
from webapp.extensions import db  # noqa: E402
from webapp.models import Appointment, Base, Organisation, PushSubscription, Reminder, User, utcnow  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/stapstenen_bench"


def fresh_schema():
    with db.engine.begin() as conn:
        Base.metadata.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    upgrade()


def fill(service: loopback.PushService, reminders: int, clients: int) -> list[int]:
    """Clients with one phone each, one appointment per reminder, every reminder due a minute ago."""
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    org = Organisation(name="Bench partner", kind="partner", pictogram="domain.work")
    db.session.add(org)
    db.session.flush()
    users = db.session.scalars(insert(User).returning(User.id, sort_by_parameter_order=True), [
        {"role": "client", "username": f"bench{i}", "display_name": f"Bench {i}", "language": ("nl", "ar", "en")[i % 3]}
        for i in range(clients)]).all()
    phones = [service.subscription() for _ in users]
    db.session.execute(insert(PushSubscription), [
        {"user_id": u, "endpoint": p["endpoint"], "endpoint_hash": hashlib.sha256(p["endpoint"].encode()).hexdigest(),
         "p256dh": p["keys"]["p256dh"], "auth": p["keys"]["auth"]} for u, p in zip(users, phones, strict=True)])
    now = utcnow()
    kinds = ("job_interview", "court", "dutch_class", "therapy", "doctor", "training")
    appointments = db.session.scalars(insert(Appointment).returning(Appointment.id, sort_by_parameter_order=True), [
        {"client_id": users[i % clients], "organisation_id": org.id, "kind": kinds[i % len(kinds)],
         "starts_at": now + timedelta(hours=3, seconds=i), "place": "Markt 1", "bring": "id_card"}
        for i in range(reminders)]).all()
    ids = db.session.scalars(insert(Reminder).returning(Reminder.id, sort_by_parameter_order=True), [
        {"appointment_id": a, "channel": "push", "offset_minutes": 120, "due_at": now - timedelta(minutes=1)}
        for a in appointments]).all()
    db.session.commit()
    # This machine's PostgreSQL runs with autovacuum off (conf.d/90-ci.conf): give each run what
    # autovacuum would have, fresh statistics and no dead rows from the run before.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f"VACUUM ANALYZE {tables}"))
    return list(ids)


def statuses() -> dict:
    db.session.expire_all()
    result = dict(db.session.execute(select(Reminder.status, func.count()).group_by(Reminder.status)).all())
    db.session.commit()
    return result


def report(title, ids, service, elapsed, first_to_last, extra=""):
    counts = service.by_reminder
    lost = len(set(ids) - counts.keys())
    twice = sorted(i for i, n in counts.items() if n > 1)
    print(f"{title}: {len(ids):,} reminders in {elapsed:.1f} s wall ({first_to_last:.1f} s first to last push, "  # noqa: T201
          f"{len(ids) / first_to_last:,.0f}/s); duplicates {sum(n - 1 for n in counts.values())}"
          f"{' ' + str(twice) if twice else ''}; lost {lost}; undecryptable {service.undecryptable}; "
          f"statuses {statuses()}{extra}")
    return lost, len(twice)


def push_times(service):
    with service.lock:
        return service.first_at, service.last_at


class TimedPushService(loopback.PushService):
    """The loopback push service, also noting when the first and the last message arrived."""

    first_at = last_at = None

    def _handle(self, path, headers, body):
        status = super()._handle(path, headers, body)
        now = time.monotonic()
        with self.lock:
            self.first_at = self.first_at or now
            self.last_at = now
        return status


def run_plain(url, keys, args):
    service = TimedPushService()
    try:
        ids = fill(service, args.reminders, args.clients)
        started = time.monotonic()
        workers = [loopback.worker(url, *keys, "send-due", "--batch", str(args.batch)) for _ in range(args.workers)]
        outputs = [w.communicate(timeout=600)[0].strip() for w in workers]
        elapsed = time.monotonic() - started
        first, last = push_times(service)
        report(f"{args.workers} workers", ids, service, elapsed, last - first,
               extra="; per worker: " + " | ".join(outputs))
    finally:
        service.close()


def run_killed(url, keys, args, run):
    service = TimedPushService()
    env = {"REMINDER_LEASE_SECONDS": args.lease}
    ids = fill(service, args.reminders, args.clients)
    work = ("work", "--batch", str(args.batch), "--interval", "0.5")
    started = time.monotonic()
    workers = [loopback.worker(url, *keys, *work, **env) for _ in range(args.workers)]
    try:
        target = int(args.reminders * (0.2 + 0.15 * (run % 4)))  # a different moment each run
        while service.count() < target:
            time.sleep(0.005)
        # ...and a random moment within the send-and-commit cycle, not just after a push arrived.
        time.sleep(random.uniform(0, 0.05))
        workers[0].send_signal(signal.SIGKILL)
        workers[0].wait(5)
        at_kill = service.count()
        workers.append(loopback.worker(url, *keys, *work, **env))  # the replacement a supervisor would start
        while statuses().get("pending"):
            time.sleep(0.25)
        elapsed = time.monotonic() - started
        for worker in workers[1:]:
            worker.send_signal(signal.SIGTERM)
            worker.wait(10)
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
        service.close()
    first, last = push_times(service)
    return report(f"kill run {run + 1}: worker killed after {at_kill:,} pushes", ids, service, elapsed, last - first)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reminders", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=1_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--kill", action="store_true", help="also run the killed-worker scenario")
    parser.add_argument("--kill-runs", type=int, default=5)
    parser.add_argument("--lease", type=int, default=10, help="REMINDER_LEASE_SECONDS in the kill runs")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args()

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = args.database_url

    app = create_app(BenchConfig)
    vapid = Vapid()
    vapid.generate_keys()
    keys = (loopback.b64u(vapid.private_key.private_numbers().private_value.to_bytes(32, "big")),
            loopback.b64u(loopback.public_bytes(vapid.public_key)))
    with app.app_context():
        fresh_schema()
        run_plain(args.database_url, keys, args)
        if args.kill:
            results = [run_killed(args.database_url, keys, args, run) for run in range(args.kill_runs)]
            print(f"kill runs: {len(results)}; lost in total {sum(r[0] for r in results)}; "  # noqa: T201
                  f"runs with a duplicate {sum(1 for r in results if r[1])}")


if __name__ == "__main__":
    main()
