"""Staff forms: a new client, suggestions, reactions and the circle."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, HiddenField, SelectField, StringField, TimeField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp, ValidationError

from webapp.client.forms import TEMPLATES
from webapp.domain.catalogue import APPOINTMENT_KINDS, STRENGTHS
from webapp.domain.suggestions import REACTIONS
from webapp.forms import one_of
from webapp.models import utcnow

BRUSSELS = ZoneInfo("Europe/Brussels")
TOO_LONG = _l("Please use at most %(max)d letters.")


class NewClientForm(FlaskForm):
    display_name = StringField(_l("First name (or the name the client wants)"), validators=[
        DataRequired(_l("Please fill in a name.")), Length(max=80, message=TOO_LONG)])
    language = SelectField(_l("Language"))
    phone = StringField(_l("Phone (you may skip this)"), validators=[
        Optional(), Length(max=32, message=TOO_LONG),
        Regexp(r"^\+?[0-9 ./()-]{6,}$", message=_l("This is not a phone number."))])
    email = EmailField(_l("E-mail address (you may skip this)"), filters=[lambda v: (v or "").strip().lower() or None],
                       validators=[Optional(), Email(_l("This is not an e-mail address.")), Length(max=254)])


class SuggestGoalForm(FlaskForm):
    template = HiddenField(validators=[one_of(TEMPLATES, _l("Tap a picture to choose a goal."))])
    title = StringField(_l("In the client's words (you may skip this)"),
                        validators=[Optional(), Length(max=80, message=TOO_LONG)])


class SuggestStrengthForm(FlaskForm):
    key = HiddenField(validators=[one_of(STRENGTHS, _l("Tap a picture to choose a strength."))])


class SuggestAppointmentForm(FlaskForm):
    kind = SelectField(_l("Kind of appointment"),
                       validators=[one_of(APPOINTMENT_KINDS, _l("Choose what the appointment is."))])
    day = DateField(_l("Day"), validators=[DataRequired(_l("Please choose a day."))])
    at = TimeField(_l("Time"), validators=[DataRequired(_l("Please choose a time."))])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200, message=TOO_LONG)])

    def starts_at(self) -> datetime:
        return datetime.combine(self.day.data, self.at.data or time(), BRUSSELS)

    def validate_at(self, field):
        if self.day.data and field.data and self.starts_at() <= utcnow():
            raise ValidationError(_l("This moment has passed. Please choose a later one."))


class ReactionForm(FlaskForm):
    kind = HiddenField(validators=[one_of(REACTIONS, _l("Tap one of the buttons."))])


class CircleForm(FlaskForm):
    staff_id = SelectField(_l("Colleague"), coerce=int, validate_choice=True)
