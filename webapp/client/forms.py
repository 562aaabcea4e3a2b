"""Client forms. Every choice is a pictogram button; typing is only ever optional."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import UUID, DataRequired, Length, Optional, ValidationError

from webapp.domain.catalogue import LIFE_DOMAINS, MOODS, SHARE_PERIODS, STRENGTHS, WIN_PICKS
from webapp.forms import one_of
from webapp.models import CATEGORIES, GOAL_STATUSES, REPLIES

TEMPLATES = {t for templates in LIFE_DOMAINS.values() for t in templates}


class GoalForm(FlaskForm):
    template = HiddenField(validators=[DataRequired(_l("Tap a picture to choose a goal.")),
                                       one_of(TEMPLATES, _l("Tap a picture to choose a goal."))])
    title = StringField(_l("In my own words (you may skip this)"),
                        validators=[Optional(), Length(max=80, message=_l("Please use at most %(max)d letters."))])


class GoalStatusForm(FlaskForm):
    status = HiddenField(validators=[one_of(GOAL_STATUSES, _l("Tap one of the buttons."))])


class WinForm(FlaskForm):
    client_uuid = HiddenField(validators=[DataRequired(), UUID()])
    pick = HiddenField(validators=[DataRequired(_l("Tap a picture to say what you did."))])
    text = StringField(_l("In my own words (you may skip this)"),
                       validators=[Optional(), Length(max=140, message=_l("Please use at most %(max)d letters."))])

    def validate_pick(self, field):
        kind, _sep, value = (field.data or "").partition(":")
        if not ((kind == "goal" and value.isdigit()) or (kind == "win" and value in WIN_PICKS)):
            raise ValidationError(_l("Tap a picture to say what you did."))


class MoodForm(FlaskForm):
    mood = HiddenField(validators=[one_of(MOODS, _l("Tap a face."))])


class ReplyForm(FlaskForm):
    answer = HiddenField(validators=[one_of(REPLIES, _l("Tap one of the buttons."))])


class StrengthForm(FlaskForm):
    key = HiddenField(validators=[Optional(), one_of(STRENGTHS, _l("Tap a picture to choose a strength."))])
    own_words = StringField(_l("A strength in my own words"),
                            validators=[Optional(), Length(max=80, message=_l("Please use at most %(max)d letters."))])

    def validate(self, extra_validators=None):
        if not super().validate(extra_validators):
            return False
        if not self.key.data and not (self.own_words.data or "").strip():
            self.own_words.errors.append(_l("Tap a picture, or write your strength here."))
            return False
        return True


class ConfirmForm(FlaskForm):
    """A form with only the CSRF token: remove, sign out, redeem an invitation."""


class ShareForm(FlaskForm):
    """The state the client wants, not a flip: a repeated tap (or a replayed post) changes nothing more."""

    toggle = HiddenField(validators=[one_of({f"{c}:{s}" for c in CATEGORIES for s in "01"},
                                            _l("Tap one of the buttons."))])

    @property
    def category(self) -> str:
        return self.toggle.data.split(":")[0]

    @property
    def shared(self) -> bool:
        return self.toggle.data.endswith(":1")


class UntilForm(FlaskForm):
    period = HiddenField(validators=[one_of(SHARE_PERIODS, _l("Tap one of the buttons."))])


class PrivateForm(FlaskForm):
    private = HiddenField(validators=[one_of(("1", "0"), _l("Tap one of the buttons."))])


class AnswerForm(FlaskForm):
    answer = HiddenField(validators=[one_of(("yes", "no"), _l("Tap one of the buttons."))])
