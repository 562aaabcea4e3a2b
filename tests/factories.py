"""Builders for test data. Each returns a flushed row; the calling test or fixture commits."""

import functools
import itertools
import uuid
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from webapp.domain import auth
from webapp.extensions import db
from webapp.models import Appointment, Goal, Organisation, Strength, User, Win, utcnow

BRUSSELS = ZoneInfo("Europe/Brussels")
_seq = itertools.count(1)
# argon2 is slow on purpose; the same secret can share one hash across test users.
_hash = functools.lru_cache(auth.hash_secret)


def brussels(days: int, hour: int, minute: int = 0) -> datetime:
    """A Brussels wall-clock time `days` after today by the test's (frozen) clock, as an aware UTC datetime."""
    day = utcnow().astimezone(BRUSSELS).date() + timedelta(days=days)
    return datetime.combine(day, time(hour, minute), BRUSSELS).astimezone(UTC)


def organisation(name=None, kind="partner", pictogram="domain.work"):
    org = Organisation(name=name or f"Partner {next(_seq)}", kind=kind, pictogram=pictogram)
    db.session.add(org)
    db.session.flush()
    return org


def client(username=None, language="nl", pin="1357", trust_person=None, display_name=None):
    n = next(_seq)
    user = User(role="client", username=username or f"client{n}", display_name=display_name or f"Client {n}",
                language=language, pin_hash=_hash(pin) if pin else None, trust_person=trust_person)
    db.session.add(user)
    db.session.flush()
    return user


def staff(role="trust_person", email=None, password="correct horse battery", display_name=None, voice=False):
    n = next(_seq)
    user = User(role=role, username=f"staff{n}", email=email or f"staff{n}@example.org",
                display_name=display_name or f"Staff {n}", password_hash=_hash(password), can_record_voice=voice)
    db.session.add(user)
    db.session.flush()
    return user


def goal(owner, template="find_job", status="active", title=None):
    from webapp.domain.catalogue import domain_of

    row = Goal(client_id=owner.id, domain=domain_of(template), template=template, status=status, title=title)
    db.session.add(row)
    db.session.flush()
    return row


def win(owner, goal=None, pictogram="win.bus", created_at=None):
    row = Win(client_id=owner.id, goal_id=goal.id if goal else None,
              pictogram=f"goal.{goal.template}" if goal else pictogram, client_uuid=str(uuid.uuid4()),
              created_at=created_at or utcnow())
    db.session.add(row)
    db.session.flush()
    return row


def strength(owner, key="cooking", own_words=None):
    row = Strength(client_id=owner.id, key=None if own_words else key, own_words=own_words)
    db.session.add(row)
    db.session.flush()
    return row


def appointment(owner, org=None, kind="job_interview", in_hours=26, bring="id_card,letters", place="Markt 1, Bornem",
                note=None):
    starts = utcnow() + timedelta(hours=in_hours)
    row = Appointment(client_id=owner.id, organisation_id=(org or organisation()).id, kind=kind, starts_at=starts,
                      ends_at=starts + timedelta(hours=1), place=place, bring=bring, note=note)
    db.session.add(row)
    db.session.flush()
    return row
