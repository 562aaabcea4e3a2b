"""Pieces every form uses: a fixed-choice check with a translated message, and select choices."""

from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError


def one_of(choices, message):
    def check(form, field):
        if field.data not in choices:
            raise ValidationError(message)

    return check


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(str(value), str(label)) for value, label in pairs]
