"""What a reminder says, in the client's language.

A lock screen, an SMS and an e-mail subject are read by whoever holds the phone, so they say only that
there is an appointment and when. For sensitive kinds (court, therapy, ...) nothing else leaves the app:
not the kind, the organisation, the place or the note, and the pictogram is a plain calendar.
"""

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _

from webapp import pictograms
from webapp.i18n import DEFAULT_LANGUAGE, LANGUAGES, locale_of
from webapp.models import Appointment, User, utcnow
from webapp.templating import clock_time, local, weekday_and_date

SENSITIVE_KINDS = frozenset({"court", "therapy", "doctor", "money_advice", "social_services"})
GENERIC_PICTOGRAM = "reminder.appointment"


@dataclass(frozen=True)
class Message:
    lang: str
    dir: str
    title: str  # notification title, e-mail subject
    body: str  # one generic sentence: "You have an appointment tomorrow at 10:00."
    pictogram: pictograms.Pictogram
    coming: str  # the labels of the two notification actions
    cannot_come: str
    details: list[str] = field(default_factory=list)  # e-mail only; empty for sensitive kinds
    closing: str = ""

    @property
    def emoji(self) -> str:
        """The pictogram as the character it draws (OpenMoji codes are Unicode code points)."""
        return "".join(chr(int(part, 16)) for part in self.pictogram.code.split("-"))

    @property
    def sms(self) -> str:
        return f"{self.emoji} {self.title}: {self.body}"

    @property
    def email_subject(self) -> str:
        return f"{self.emoji} {self.title}"

    @property
    def email_text(self) -> str:
        return "\n".join([self.body, "", *self.details, *([""] if self.details else []), self.closing, ""])


def is_sensitive(kind: str) -> bool:
    return kind in SENSITIVE_KINDS


def pictogram_for(appointment: Appointment) -> pictograms.Pictogram:
    if is_sensitive(appointment.kind) or f"kind.{appointment.kind}" not in pictograms.PICTOGRAMS:
        return pictograms.get(GENERIC_PICTOGRAM)
    return pictograms.get(f"kind.{appointment.kind}")


def language_of(client: User) -> str:
    return client.language if client.language in LANGUAGES else DEFAULT_LANGUAGE


def when(starts_at: datetime, now: datetime) -> str:
    """The generic sentence, with the day said the way a person says it."""
    days = (local(starts_at).date() - local(now).date()).days
    time = clock_time(starts_at)
    if days == 0:
        return _("You have an appointment today at %(time)s.", time=time)
    if days == 1:
        return _("You have an appointment tomorrow at %(time)s.", time=time)
    return _("You have an appointment on %(day)s at %(time)s.", day=weekday_and_date(starts_at), time=time)


def compose(appointment: Appointment, client: User, now: datetime | None = None) -> Message:
    """The reminder for this appointment, in the client's language (needs an app context)."""
    now = now or utcnow()
    lang = language_of(client)
    sensitive = is_sensitive(appointment.kind)
    picto = pictogram_for(appointment)
    with force_locale(locale_of(lang)):
        details = []
        if not sensitive:
            details.append(_("With: %(organisation)s", organisation=appointment.organisation.name))
            if appointment.place:
                details.append(_("Where: %(place)s", place=appointment.place))
            items = bring_labels(appointment)
            if items:
                details.append(_("Bring: %(items)s", items=", ".join(items)))
            if appointment.note:
                details.append(appointment.note)
        return Message(
            lang=lang, dir=LANGUAGES[lang].dir, title=str(picto.label), body=when(appointment.starts_at, now),
            pictogram=picto, coming=str(pictograms.get("action.coming").label),
            cannot_come=str(pictograms.get("action.cannot_come").label), details=details,
            closing=_("Can you come? Open Stapstenen and tap your answer."),
        )


def bring_labels(appointment) -> list[str]:
    """What to bring, as the translated names of its pictograms (unknown keys left out)."""
    return [str(pictograms.get(f"bring.{item}").label) for item in appointment.bring_items
            if f"bring.{item}" in pictograms.PICTOGRAMS]
