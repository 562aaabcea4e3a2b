"""Sign-in forms: the picture keypad's PIN, and staff e-mail with password."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, PasswordField
from wtforms.validators import DataRequired, Email, Length, ValidationError

from webapp.domain.auth import valid_pin_shape
from webapp.forms import Form


def pin_shape(form, field):
    if not valid_pin_shape(field.data or ""):
        raise ValidationError(_l("Tap 4 numbers."))


class PinForm(Form):
    pin = PasswordField(_l("PIN"), validators=[pin_shape])


class StaffSignInForm(Form):
    email = EmailField(_l("E-mail address"), filters=[lambda v: (v or "").strip().lower()], validators=[
        DataRequired(_l("Please fill in your e-mail address.")),
        Email(_l("This is not an e-mail address.")), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[
        DataRequired(_l("Please fill in your password.")), Length(max=200)])


class LanguageForm(Form):
    language = HiddenField()
