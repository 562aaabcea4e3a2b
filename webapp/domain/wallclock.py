"""Brussels wall-clock times and real durations: stored in UTC, entered and shown in Europe/Brussels.

Two traps on the nights the clocks change (last Sunday of March 02:00 -> 03:00, last Sunday of October
03:00 -> 02:00), and how this module avoids them:

- An aware datetime plus a timedelta in the same ZoneInfo is wall-clock arithmetic: 01:30 + 2 h on the
  autumn night gives 03:30, three real hours later. Durations (how long an appointment lasts, when a
  reminder is due) are real minutes, so they are added in UTC (`later`).
- A wall-clock time may not exist (02:30 on the spring night: the clocks skip it) or happen twice
  (02:30 on the autumn night: first in summer time, an hour later in winter time). `instant` refuses
  the first and asks which one is meant for the second; nothing is silently shifted by an hour.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

BRUSSELS = ZoneInfo("Europe/Brussels")
SUMMER, WINTER = "summer", "winter"  # the two readings of a time that happens twice: first, then second


class NoSuchTime(ValueError):
    """The clocks skip this time in Brussels (the spring night)."""


class TwiceTime(ValueError):
    """This time happens twice in Brussels (the autumn night): say SUMMER (the first) or WINTER (the second)."""


def _readings(naive: datetime) -> tuple[datetime, datetime]:
    return naive.replace(tzinfo=BRUSSELS, fold=0), naive.replace(tzinfo=BRUSSELS, fold=1)


def instant(day: date, at: time, which: str | None = None) -> datetime:
    """The UTC instant of a Brussels wall-clock time.

    `which` (SUMMER or WINTER) picks one of the two readings of a time that happens twice; without it
    such a time raises TwiceTime. A time the clocks skip raises NoSuchTime. A day at the very edge of
    the calendar (year 1 or 9999) may not convert to UTC: OverflowError, which callers bound away first.
    """
    naive = datetime.combine(day, at.replace(tzinfo=None, fold=0))
    first, second = _readings(naive)
    if first.utcoffset() == second.utcoffset():
        return first.astimezone(UTC)
    if first.astimezone(UTC).astimezone(BRUSSELS).replace(tzinfo=None) != naive:
        raise NoSuchTime(naive.isoformat())
    if which not in (SUMMER, WINTER):
        raise TwiceTime(naive.isoformat())
    summer, winter = sorted((first, second), key=lambda dt: dt.utcoffset(), reverse=True)  # summer: +02:00
    return (summer if which == SUMMER else winter).astimezone(UTC)


def later(start: datetime, minutes: int) -> datetime:
    """`minutes` real minutes after start (in UTC, so a DST night neither adds nor takes an hour)."""
    return start.astimezone(UTC) + timedelta(minutes=minutes)


def season(moment: datetime) -> str | None:
    """SUMMER or WINTER when moment's Brussels wall-clock time happens twice that night, else None.

    Shown next to such a time (and kept in a form), so a partner sees which 02:30 was planned.
    """
    local = moment.astimezone(BRUSSELS)
    first, second = _readings(local.replace(tzinfo=None))
    if first.utcoffset() == second.utcoffset():
        return None
    return SUMMER if local.utcoffset() == max(first.utcoffset(), second.utcoffset()) else WINTER


def same_time_after(moment: datetime, days: int) -> datetime:
    """The same Brussels wall-clock time `days` calendar days later, in UTC.

    "For a week" from Sunday 20:30 ends next Sunday at 20:30, also across a change of the clocks (in
    real hours that is a week plus or minus one). Should that time be skipped or doubled that night,
    the earlier instant: a share ends rather an hour early than an hour late.
    """
    local = moment.astimezone(BRUSSELS).replace(tzinfo=None) + timedelta(days=days)
    return min(reading.astimezone(UTC) for reading in _readings(local))
