"""Staff forms: a new client, suggestions, reactions and the circle."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

from webapp.client.forms import TEMPLATES
from webapp.domain.catalogue import APPOINTMENT_KINDS, STRENGTHS
from webapp.domain.suggestions import REACTIONS
from webapp.forms import Form, WhenForm, one_of

TOO_LONG = _l("Please use at most %(max)d letters.")


class NewClientForm(Form):
    display_name = StringField(_l("First name (or the name the client wants)"), validators=[
        DataRequired(_l("Please fill in a name.")), Length(max=80, message=TOO_LONG)])
    language = SelectField(_l("Language"))
    phone = StringField(_l("Phone (you may skip this)"), validators=[
        Optional(), Length(max=32, message=TOO_LONG),
        Regexp(r"^\+?[0-9 ./()-]{6,}$", message=_l("This is not a phone number."))])
    email = EmailField(_l("E-mail address (you may skip this)"), filters=[lambda v: (v or "").strip().lower() or None],
                       validators=[Optional(), Email(_l("This is not an e-mail address.")), Length(max=254)])


class SuggestGoalForm(Form):
    template = HiddenField(validators=[one_of(TEMPLATES, _l("Tap a picture to choose a goal."))])
    title = StringField(_l("In the client's words (you may skip this)"),
                        validators=[Optional(), Length(max=80, message=TOO_LONG)])


class SuggestStrengthForm(Form):
    key = HiddenField(validators=[one_of(STRENGTHS, _l("Tap a picture to choose a strength."))])


class SuggestAppointmentForm(WhenForm):
    """Day and time as the partner form checks them (webapp.forms.WhenForm); the appointment lasts an hour."""

    kind = SelectField(_l("Kind of appointment"),
                       validators=[one_of(APPOINTMENT_KINDS, _l("Choose what the appointment is."))])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200, message=TOO_LONG)])


class ReactionForm(Form):
    kind = HiddenField(validators=[one_of(REACTIONS, _l("Tap one of the buttons."))])


class CircleForm(Form):
    staff_id = SelectField(_l("Colleague"), coerce=int, validate_choice=True)
