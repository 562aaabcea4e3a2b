"""The partner web form: plan or move an appointment with a linked client."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from webapp.domain import wallclock
from webapp.domain.catalogue import APPOINTMENT_KINDS, BRING_ITEMS
from webapp.forms import WhenForm, choices

TOO_LONG = _l("Please use at most %(max)d letters.")
DURATIONS = (30, 60, 90, 120, 180)


class MoveForm(WhenForm):
    minutes = SelectField(_l("How long"), coerce=int, default=60)
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200, message=TOO_LONG)])
    bring = SelectMultipleField(_l("What to bring"), choices=choices((b, b) for b in BRING_ITEMS), validate_choice=True)
    note = TextAreaField(_l("A short note in plain Dutch (you may skip this)"),
                         validators=[Optional(), Length(max=280, message=TOO_LONG)])

    def ends_at(self) -> datetime:
        """Real minutes after the start: 60 minutes from 01:30 on a DST night are 60 minutes."""
        return wallclock.later(self.starts_at(), self.minutes.data)


class PlanForm(MoveForm):
    client_ref = SelectField(_l("Client"), validate_choice=True)
    kind = RadioField(_l("Kind of appointment"), choices=choices((k, k) for k in APPOINTMENT_KINDS),
                      validators=[DataRequired(_l("Choose what the appointment is."))])
