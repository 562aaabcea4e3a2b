"""The settings' forms: read-aloud buttons, a phone number on the picture keypad, an e-mail address, a code."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from webapp.auth.forms import PinForm
from webapp.domain.settings import CODE_DIGITS, SPEECH_RATES, normal_phone
from webapp.forms import Form, one_of


class ReadAloudForm(Form):
    """One tap: on or off, or a speed. Each is a button with a fixed value."""

    auto = HiddenField(validators=[one_of((None, "", "1", "0"), _l("Tap one of the buttons."))])
    rate = HiddenField(validators=[one_of((None, "", *SPEECH_RATES), _l("Tap one of the buttons."))])

    def validate(self, extra_validators=None):
        return super().validate(extra_validators) and bool(self.auto.data or self.rate.data)


class PhoneForm(Form):
    phone = StringField(_l("Phone number"), filters=[lambda v: (v or "").strip()], validators=[
        DataRequired(_l("Tap the numbers of your phone number."))])

    def validate_phone(self, field):
        if normal_phone(field.data) is None:
            raise ValidationError(_l("This is not a phone number. Tap + and the numbers, for example "
                                     "+32 470 12 34 56."))


class EmailForm(Form):
    email = EmailField(_l("E-mail address"), filters=[lambda v: (v or "").strip().lower()], validators=[
        DataRequired(_l("Please fill in your e-mail address.")),
        Email(_l("This is not an e-mail address.")), Length(max=254)])


def code_shape(form, field):
    code = field.data or ""
    if not (len(code) == CODE_DIGITS and code.isascii() and code.isdigit()):
        raise ValidationError(_l("Tap the %(num)d numbers of the code.", num=CODE_DIGITS))


class CodeForm(Form):
    code = PasswordField(_l("The code"), validators=[code_shape])


class NewPinForm(PinForm):
    """A round of changing the PIN: `proof` says the current PIN was right a moment ago on this phone."""

    proof = HiddenField(validators=[Optional(), Length(max=200)])
