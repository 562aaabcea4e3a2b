"""Client forms. Every choice is a pictogram button; typing is only ever optional."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from webapp.database import database_id
from webapp.domain.catalogue import LIFE_DOMAINS, MOODS, SHARE_PERIODS, STRENGTHS, WIN_PICKS
from webapp.domain.trajectory import valid_uuid
from webapp.forms import Form, one_of
from webapp.models import CATEGORIES, GOAL_STATUSES, REPLIES

TEMPLATES = {t for templates in LIFE_DOMAINS.values() for t in templates}


def _phone_uuid(value):
    """The uuid the phone (static/js/keep.js) names a post with, so a copy it kept lands once; else None."""
    return value if valid_uuid(value) else None


class GoalForm(Form):
    client_uuid = HiddenField(filters=[_phone_uuid])
    template = HiddenField(validators=[DataRequired(_l("Tap a picture to choose a goal.")),
                                       one_of(TEMPLATES, _l("Tap a picture to choose a goal."))])
    title = StringField(_l("In my own words (you may skip this)"),
                        validators=[Optional(), Length(max=80, message=_l("Please use at most %(max)d letters."))])


class GoalStatusForm(Form):
    status = HiddenField(validators=[one_of(GOAL_STATUSES, _l("Tap one of the buttons."))])


def canonical_uuid(form, field):
    if not valid_uuid(field.data):
        raise ValidationError()  # the phone's hidden field: the page makes a new uuid, no message is shown


class WinForm(Form):
    # Exactly the 36 characters the phone makes (and the column holds); WTForms' UUID() also takes "{…}" and
    # other spellings of a uuid, longer than the column.
    client_uuid = HiddenField(validators=[DataRequired(), canonical_uuid])
    pick = HiddenField(validators=[DataRequired(_l("Tap a picture to say what you did."))])
    text = StringField(_l("In my own words (you may skip this)"),
                       validators=[Optional(), Length(max=140, message=_l("Please use at most %(max)d letters."))])

    def validate_pick(self, field):
        if parse_pick(field.data) is None:
            raise ValidationError(_l("Tap a picture to say what you did."))


def parse_pick(pick) -> tuple[str, int | str] | None:
    """("goal", goal id) or ("win", one of WIN_PICKS) from "goal:12" or "win:bus"; None for anything else."""
    kind, _sep, value = pick.partition(":") if isinstance(pick, str) else ("", "", "")
    if kind == "goal" and database_id(value) is not None:
        return kind, database_id(value)
    if kind == "win" and value in WIN_PICKS:
        return kind, value
    return None


class MoodForm(Form):
    mood = HiddenField(validators=[one_of(MOODS, _l("Tap a face."))])


class ReplyForm(Form):
    answer = HiddenField(validators=[one_of(REPLIES, _l("Tap one of the buttons."))])


def _stripped(value):
    return (value or "").strip() or None


class StrengthForm(Form):
    client_uuid = HiddenField(filters=[_phone_uuid])
    # Stripped first: Optional() lets whitespace through as if it were empty, yet " " is not an empty key.
    key = HiddenField(filters=[_stripped],
                      validators=[Optional(), one_of(STRENGTHS, _l("Tap a picture to choose a strength."))])
    own_words = StringField(_l("A strength in my own words"),
                            validators=[Optional(), Length(max=80, message=_l("Please use at most %(max)d letters."))])

    def validate(self, extra_validators=None):
        if not super().validate(extra_validators):
            return False
        if not self.key.data and not (self.own_words.data or "").strip():
            self.own_words.errors.append(_l("Tap a picture, or write your strength here."))
            return False
        return True


class ConfirmForm(Form):
    """A form with only the CSRF token: remove, sign out, redeem an invitation."""


class ShareForm(Form):
    """The state the client wants, not a flip: a repeated tap (or a replayed post) changes nothing more."""

    toggle = HiddenField(validators=[one_of({f"{c}:{s}" for c in CATEGORIES for s in "01"},
                                            _l("Tap one of the buttons."))])

    @property
    def category(self) -> str:
        return self.toggle.data.split(":")[0]

    @property
    def shared(self) -> bool:
        return self.toggle.data.endswith(":1")


class UntilForm(Form):
    period = HiddenField(validators=[one_of(SHARE_PERIODS, _l("Tap one of the buttons."))])


class PrivateForm(Form):
    private = HiddenField(validators=[one_of(("1", "0"), _l("Tap one of the buttons."))])


class AnswerForm(Form):
    answer = HiddenField(validators=[one_of(("yes", "no"), _l("Tap one of the buttons."))])
