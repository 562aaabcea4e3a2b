"""The time-sensitive scenarios at five fixed clocks, whatever --clock the run has.

A weekday morning, a Brussels evening (the evening-before reminder of tomorrow is already past), the
night the clocks go forward (2027-03-28: 02:00 -> 03:00; before and after the jump), the night they go
back (2026-10-25: 03:00 -> 02:00; 02:30 in summer time and 02:30 in winter time), and New Year's night.
Each scenario states the real value it expects: a local wall-clock time, or real minutes.

The rules, as this project defines them:
- Reminders: the evening before at 18:00 Brussels time, and 120 real minutes before; one reminder at
  once when both are past (short notice).
- "Today" / "Tomorrow": by the Brussels calendar day.
- My week: planned appointments from an hour ago up to 14 days (real time) ahead; home shows the first.
- Idle lock: after 15 real minutes without a request the phone asks for the PIN.
- Share end dates ("a week", "a month", "three months"): the same Brussels wall-clock time 7, 31 or 92
  calendar days later, so across a change of the clocks a week is 167 or 169 real hours; if that time
  is skipped or doubled that night, the earlier instant.
"""

import re
from datetime import UTC, datetime, timedelta

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import select

from tests import factories
from tests.conftest import csrf_token, sign_in
from tests.factories import BRUSSELS
from webapp.domain import appointments, reminders
from webapp.domain.catalogue import SHARE_PERIODS
from webapp.extensions import db
from webapp.models import CHANNELS, Share, utcnow
from webapp.templating import clock_time, relative_day

CLOCKS = {
    "weekday-morning": "2026-12-02T09:15:00+01:00",
    "brussels-evening": "2026-12-01T20:30:00+01:00",
    "spring-before-jump": "2027-03-28T01:30:00+01:00",
    "spring-after-jump": "2027-03-28T03:30:00+02:00",
    "autumn-0230-summer": "2026-10-25T02:30:00+02:00",
    "autumn-0230-winter": "2026-10-25T02:30:00+01:00",
    "new-years-night": "2026-12-31T23:59:00+01:00",
}


@pytest.fixture(params=list(CLOCKS.values()), ids=list(CLOCKS))
def now(request, clock):
    """The clock moved to one of the five moments (before any other fixture makes rows); that instant."""
    instant = datetime.fromisoformat(request.param)
    clock.move_to(instant.astimezone(UTC))
    assert utcnow() == instant
    return instant


def local(dt: datetime) -> datetime:
    return dt.astimezone(BRUSSELS)


def make(user, starts_at, **details):
    return appointments.create(user, factories.organisation(), "job_interview", starts_at, **details)


# --- reminder planning ------------------------------------------------------------------------------

@pytest.mark.parametrize("days", [1, 2])
def test_reminders_the_evening_before_at_1800_and_two_real_hours_before(now, days):
    appointment = make(factories.client(), factories.brussels(days, 10))
    rows = reminders.schedule(appointment)
    evenings = {r.due_at for r in rows if r.offset_minutes != 120}
    two_hours = {r.due_at for r in rows if r.offset_minutes == 120}
    assert two_hours == {appointment.starts_at - timedelta(minutes=120)}
    assert local(appointment.starts_at).hour == 10
    evening = datetime.combine(local(appointment.starts_at).date() - timedelta(days=1), datetime.min.time()
                               ).replace(hour=18, tzinfo=BRUSSELS)
    if evening > now:
        assert evenings == {evening}
        (due,) = evenings
        assert (local(due).hour, local(due).minute) == (18, 0)
        assert local(due).date() == local(appointment.starts_at).date() - timedelta(days=1)
    else:  # the Brussels evening: tomorrow's 18:00 reminder is already past, so only two hours before
        assert days == 1 and local(now).hour >= 18 and evenings == set()
    assert {(r.channel, r.status) for r in rows} == {(c, "pending") for c in CHANNELS}
    assert all(r.due_at > now for r in rows)


def test_at_short_notice_one_reminder_at_once(now):
    appointment = make(factories.client(), now + timedelta(minutes=30))
    rows = reminders.schedule(appointment)
    assert {(r.channel, r.due_at, r.offset_minutes) for r in rows} == {(c, now, 30) for c in CHANNELS}


def test_own_offsets_are_real_minutes(now):
    appointment = make(factories.client(), factories.brussels(3, 9), offsets=[90, 24 * 60])
    rows = reminders.schedule(appointment)
    assert {appointment.starts_at - r.due_at for r in rows} == {timedelta(minutes=90), timedelta(hours=24)}


@pytest.mark.parametrize("starts,due", [
    ("2027-03-28T04:00:00+02:00", "2027-03-28T01:00:00+01:00"),  # two real hours across the jump forward
    ("2027-03-28T03:30:00+02:00", "2027-03-28T00:30:00+01:00"),
    ("2026-10-25T03:30:00+01:00", "2026-10-25T02:30:00+02:00"),  # the first 02:30, in summer time
    ("2026-10-25T02:30:00+01:00", "2026-10-25T01:30:00+02:00"),
])
def test_two_hours_before_is_two_real_hours_on_the_nights_the_clocks_change(clock, starts, due):
    clock.move_to(datetime(2026, 10, 1, 12, tzinfo=UTC))
    appointment = make(factories.client(), datetime.fromisoformat(starts))
    rows = reminders.schedule(appointment)
    assert {r.due_at for r in rows if r.offset_minutes == 120} == {datetime.fromisoformat(due)}


def test_the_evening_before_the_dst_sunday_is_1800_in_the_old_time(clock):
    """Sunday 10:00 (summer time) after the spring night: Saturday 18:00 winter time, 15 real hours before."""
    clock.move_to(datetime(2027, 3, 27, 9, tzinfo=UTC))
    appointment = make(factories.client(), datetime(2027, 3, 28, 10, tzinfo=BRUSSELS))
    (evening,) = {r for r in reminders.schedule(appointment) if r.offset_minutes != 120 and r.channel == "push"}
    assert local(evening.due_at) == datetime(2027, 3, 27, 18, tzinfo=BRUSSELS)
    assert evening.offset_minutes == 15 * 60


# --- today, tomorrow, my week, home -----------------------------------------------------------------

def _client_phone(app):
    user = factories.client(language="en")
    db.session.commit()
    phone = app.test_client()
    sign_in(phone, user)
    return phone, user


def test_tomorrow_and_today_follow_the_brussels_calendar(app, now):
    with force_locale("en"):
        tomorrow, today = gettext("Tomorrow"), gettext("Today")
        assert relative_day(factories.brussels(1, 10), now) == tomorrow
        assert relative_day(factories.brussels(0, 23, 59), now) == today
        soon = now + timedelta(minutes=45)
        # 45 minutes after 23:59 on New Year's Eve is 00:44 on New Year's Day; on the DST nights the same day
        expected = tomorrow if now.isoformat() == CLOCKS["new-years-night"] else today
        assert relative_day(soon, now) == expected
    phone, user = _client_phone(app)
    make(user, soon)
    db.session.commit()
    home = phone.get("/").get_data(as_text=True)
    assert f'<span class="day">{expected}</span>' in home
    week = phone.get("/week").get_data(as_text=True)
    assert f'<span class="day">{expected}</span>' in week


def test_my_week_is_from_an_hour_ago_to_fourteen_days_ahead_and_home_shows_the_first(app, now):
    phone, user = _client_phone(app)
    too_old = make(user, now - timedelta(minutes=61))
    on_the_way = make(user, now - timedelta(minutes=30), place="Markt 1, Bornem")
    tomorrow = make(user, factories.brussels(1, 10))
    last = make(user, now + timedelta(days=14) - timedelta(minutes=1))
    beyond = make(user, now + timedelta(days=14, minutes=1))
    db.session.commit()
    week = phone.get("/week").get_data(as_text=True)
    shown = [int(i) for i in re.findall(r'id="appointment-(\d+)"', week)]
    assert shown == [on_the_way.id, tomorrow.id, last.id]
    assert too_old.id not in shown and beyond.id not in shown
    home = phone.get("/").get_data(as_text=True)
    with force_locale("en"):
        assert clock_time(on_the_way.starts_at) in home and clock_time(tomorrow.starts_at) not in home


# --- the idle lock ----------------------------------------------------------------------------------

@pytest.mark.parametrize("minutes,where", [(14, None), (16, "/unlock")])
def test_the_idle_lock_after_fifteen_real_minutes(app, now, clock, minutes, where):
    phone, _user = _client_phone(app)
    assert phone.get("/").status_code == 200
    clock.shift(timedelta(minutes=minutes))
    response = phone.get("/week")
    assert response.location == where and response.status_code == (302 if where else 200)


# --- end dates of shares ----------------------------------------------------------------------------

@pytest.mark.parametrize("period", [p for p, days in SHARE_PERIODS.items() if days])
def test_a_share_ends_at_the_same_brussels_time_days_later(app, now, period):
    trust_person = factories.staff()
    user = factories.client(trust_person=trust_person, language="en")
    db.session.commit()
    phone = app.test_client()
    sign_in(phone, user)
    token = csrf_token(phone, "/")
    phone.post(f"/people/{trust_person.id}/share", data={"toggle": "goals:1", "csrf_token": token})
    assert phone.post(f"/people/{trust_person.id}/until", data={"period": period, "csrf_token": token}
                      ).status_code in (200, 302)
    share = db.session.scalar(select(Share).where(Share.revoked_at.is_(None)))
    ends = local(share.ends_at)
    days = SHARE_PERIODS[period]
    assert ends.date() == local(now).date() + timedelta(days=days)
    assert (ends.hour, ends.minute) == (local(now).hour, local(now).minute)


@pytest.mark.parametrize("made,ends,real", [
    ("2026-10-20T20:30:00+02:00", "2026-10-27T20:30:00+01:00", timedelta(days=7, hours=1)),  # over the autumn night
    ("2027-03-23T09:00:00+01:00", "2027-03-30T09:00:00+02:00", timedelta(days=7, hours=-1)),  # over the spring night
    ("2027-03-21T02:30:00+01:00", "2027-03-28T01:30:00+01:00", timedelta(days=7, hours=-1)),  # 02:30 is skipped
    ("2026-10-18T02:30:00+02:00", "2026-10-25T02:30:00+02:00", timedelta(days=7)),  # twice: the first one
])
def test_a_week_across_a_change_of_the_clocks(app, clock, made, ends, real):
    clock.move_to(datetime.fromisoformat(made).astimezone(UTC))
    trust_person = factories.staff()
    user = factories.client(trust_person=trust_person)
    db.session.commit()
    phone = app.test_client()
    sign_in(phone, user)
    token = csrf_token(phone, "/")
    phone.post(f"/people/{trust_person.id}/share", data={"toggle": "goals:1", "csrf_token": token})
    phone.post(f"/people/{trust_person.id}/until", data={"period": "week", "csrf_token": token})
    share = db.session.scalar(select(Share).where(Share.revoked_at.is_(None)))
    assert share.ends_at == datetime.fromisoformat(ends)
    assert share.ends_at - utcnow() == real
