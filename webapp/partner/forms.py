"""The partner web form: plan or move an appointment with a linked client."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from webapp.domain.catalogue import APPOINTMENT_KINDS, BRING_ITEMS
from webapp.forms import choices
from webapp.models import utcnow

BRUSSELS = ZoneInfo("Europe/Brussels")
TOO_LONG = _l("Please use at most %(max)d letters.")
DURATIONS = (30, 60, 90, 120, 180)


class MoveForm(FlaskForm):
    day = DateField(_l("Day"), validators=[DataRequired(_l("Please choose a day."))])
    at = TimeField(_l("Time"), validators=[DataRequired(_l("Please choose a time."))])
    minutes = SelectField(_l("How long"), coerce=int, default=60)
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200, message=TOO_LONG)])
    bring = SelectMultipleField(_l("What to bring"), choices=choices((b, b) for b in BRING_ITEMS), validate_choice=True)
    note = TextAreaField(_l("A short note in plain Dutch (you may skip this)"),
                         validators=[Optional(), Length(max=280, message=TOO_LONG)])

    def starts_at(self) -> datetime:
        return datetime.combine(self.day.data, self.at.data or time(), BRUSSELS)

    def ends_at(self) -> datetime:
        return self.starts_at() + timedelta(minutes=self.minutes.data)

    def validate_at(self, field):
        if self.day.data and field.data and self.starts_at() <= utcnow():
            raise ValidationError(_l("This moment has passed. Please choose a later one."))


class PlanForm(MoveForm):
    client_ref = SelectField(_l("Client"), validate_choice=True)
    kind = RadioField(_l("Kind of appointment"), choices=choices((k, k) for k in APPOINTMENT_KINDS),
                      validators=[DataRequired(_l("Choose what the appointment is."))])
