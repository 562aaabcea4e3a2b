"""What every template can use: pictograms, dates in the user's language, the language list."""

import functools
import hashlib
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from flask_babel import format_date, format_time
from flask_babel import gettext as _

from webapp import pictograms, speech
from webapp.domain import wallclock
from webapp.forms import SEASONS
from webapp.i18n import LANGUAGES, current_language
from webapp.models import utcnow

BRUSSELS = ZoneInfo("Europe/Brussels")


def local(dt: datetime) -> datetime:
    return dt.astimezone(BRUSSELS)


def weekday_and_date(dt: datetime) -> str:
    return format_date(local(dt), "EEEE d MMMM")


def clock_time(dt: datetime) -> str:
    return format_time(local(dt), "short")


def clock_hands(dt: datetime) -> tuple[float, float]:
    """Angles of the hour and minute hands, for the clock face a non-reader can read."""
    t = local(dt)
    return (t.hour % 12) * 30 + t.minute / 2, t.minute * 6


def season_of(dt: datetime) -> str:
    """ "summer time (the first time)" beside a time that happens twice that night (the autumn night), else ""."""
    which = wallclock.season(dt)
    return str(SEASONS[which]) if which else ""


def relative_day(dt: datetime, now: datetime) -> str | None:
    days = (local(dt).date() - local(now).date()).days
    return {0: _("Today"), 1: _("Tomorrow")}.get(days)


@functools.cache
def _file_version(path: str) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:10]
    except OSError:
        return "0"


def versioned_static(app):
    """Static URLs carry a hash of the file, so a long browser cache never serves an old version."""

    def add_version(endpoint, values):
        if endpoint == "static" and "filename" in values and "v" not in values:
            values["v"] = _file_version(str(Path(app.static_folder) / values["filename"]))

    return add_version


def init_app(app):
    app.url_defaults(versioned_static(app))
    app.jinja_env.globals.update(
        picto_info=pictograms.get, LANGUAGES=LANGUAGES, current_language=current_language,
        clock_hands=clock_hands, relative_day=relative_day, season_of=season_of, now=utcnow,
        voice_kind=speech.voice_kind,
    )
    app.jinja_env.filters.update(day=weekday_and_date, clock=clock_time)
