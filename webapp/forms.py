"""Pieces every form uses: the base form, a fixed-choice check with a translated message, select choices,
and a day and time."""

from datetime import datetime, timedelta

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto
from wtforms import DateField, RadioField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Optional, ValidationError

from webapp.database import storable
from webapp.domain import wallclock
from webapp.models import utcnow


class Form(FlaskForm):
    """The base of every form here: it reads a posted form (urlencoded or multipart), never a JSON body.

    Flask-WTF would take a JSON body as the form's data: a list or a number there raised a TypeError (a 500),
    and an object gave fields numbers, lists or objects where every check expects text. Our pages post
    forms; what posts JSON (the offline queue, push, read-aloud) has views of its own.
    """

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            if formdata is _Auto and request.is_json and not (request.form or request.files):
                return None
            return super().wrap_formdata(form, formdata)

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        for field in self:
            values = field.data if isinstance(field.data, list) else [field.data]
            if any(isinstance(v, str) and not storable(v) for v in values):
                # No one types a NUL character: a garbled or forged post, refused before it reaches the database.
                field.errors = [*field.errors, _l("Something went wrong with this page. Please go back and try again.")]
                valid = False
        return valid


def one_of(choices, message):
    def check(form, field):
        if field.data not in choices:
            raise ValidationError(message)

    return check


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(str(value), str(label)) for value, label in pairs]


# --- when: a day and a time in Brussels, as a partner or a trust person types them -------------------

SEASONS = {wallclock.SUMMER: _l("summer time (the first time)"), wallclock.WINTER: _l("winter time (the second time)")}
AHEAD = timedelta(days=366)  # as the partner API: within a year from now
_PASSED = _l("This moment has passed. Please choose a later one.")
_TWICE = _l("This time happens twice that night: the clocks go back an hour. Please choose which one you mean.")


class WhenForm(Form):
    """Day and time on the Brussels wall clock, checked the way a careful planner would want it.

    On the spring night a time the clocks skip (02:30) is refused next to the field. On the autumn night
    a time that happens twice (02:30) is not guessed: the form asks "summer time (the first time)" or
    "winter time (the second time)" and keeps that choice, and the partner's list shows it beside the time.
    A day in the past or more than a year ahead is refused before any arithmetic, so year 1 or 9999
    gets a message, never an error.
    """

    day = DateField(_l("Day"), validators=[DataRequired(_l("Please choose a day."))])
    at = TimeField(_l("Time"), validators=[DataRequired(_l("Please choose a time."))])
    season = RadioField(_l("Summer time or winter time?"), choices=[SelectChoice(k, v) for k, v in SEASONS.items()],
                        validators=[Optional()], validate_choice=True)

    def starts_at(self) -> datetime:
        """The instant in UTC (call after validation)."""
        return wallclock.instant(self.day.data, self.at.data, self.season.data or None)

    def show_time(self, moment: datetime) -> None:
        """Fill day, time (and which one, on the autumn night) from a stored instant."""
        local = moment.astimezone(wallclock.BRUSSELS)
        self.day.data, self.at.data, self.season.data = local.date(), local.time(), wallclock.season(moment)

    @property
    def asks_season(self) -> bool:
        return bool(self.season.data or self.season.errors or _TWICE in self.at.errors)

    def validate_at(self, field):
        if not (self.day.data and field.data):
            return
        today = utcnow().astimezone(wallclock.BRUSSELS).date()
        if self.day.data < today:
            raise ValidationError(_PASSED)
        if self.day.data > today + AHEAD:
            raise ValidationError(_l("Please choose a day within a year from now."))
        try:
            starts = self.starts_at()
        except wallclock.NoSuchTime:
            raise ValidationError(_l("This time does not exist that night: the clocks go forward an hour. "
                                     "Please choose another time.")) from None
        except wallclock.TwiceTime:
            raise ValidationError(_TWICE) from None
        if starts <= utcnow():
            raise ValidationError(_PASSED)
