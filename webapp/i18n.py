"""Shipped languages and how the app picks one: user choice > session > Accept-Language > nl."""

from dataclasses import dataclass

from flask import g, request, session
from flask_babel import get_locale as babel_locale
from flask_login import current_user


@dataclass(frozen=True)
class Language:
    code: str  # gettext catalogue name
    native_name: str  # in its own script: the picker never shows flags
    dir: str = "ltr"


LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in (
        Language("nl", "Nederlands"),
        Language("en", "English"),
        Language("ar", "العربية", "rtl"),
    )
}
DEFAULT_LANGUAGE = "nl"


def get_locale() -> str:
    if current_user and current_user.is_authenticated and current_user.language in LANGUAGES:
        return current_user.language
    # A phone waiting for its PIN is not signed in yet, but we know whose it is and their language.
    device = g.get("device")
    if device is not None and device.user.language in LANGUAGES:
        return device.user.language
    if session.get("lang") in LANGUAGES:
        return session["lang"]
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


def get_timezone() -> str:
    return "Europe/Brussels"


def current_language() -> Language:
    """The language this response is in (the selector's choice, or a forced one)."""
    return LANGUAGES.get(str(babel_locale()), LANGUAGES[DEFAULT_LANGUAGE])
