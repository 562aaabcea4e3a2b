"""Shipped languages and how the app picks one: user choice > device's owner > session > Accept-Language > nl."""

from dataclasses import dataclass

from flask import g, request, session
from flask_babel import get_locale as babel_locale
from flask_login import current_user


@dataclass(frozen=True)
class Language:
    code: str  # what a user's language is stored as
    native_name: str  # in its own script: the picker never shows flags
    dir: str = "ltr"
    babel: str | None = None  # Babel/CLDR locale and catalogue folder, when it differs from the code
    tag: str | None = None  # BCP 47 tag for lang="…", when it differs from the code

    @property
    def locale(self) -> str:
        return self.babel or self.code

    @property
    def html_lang(self) -> str:
        return self.tag or self.code


LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in (
        Language("nl", "Nederlands"),
        Language("fr", "Français"),
        Language("en", "English"),
        Language("ar", "العربية", "rtl"),
        # Dari: Babel has no "prs", so dates and numbers come from Afghan Persian (fa_AF).
        Language("prs", "دری", "rtl", babel="fa_AF", tag="fa-AF"),
        Language("ps", "پښتو", "rtl"),
        Language("ti", "ትግርኛ"),
        Language("uk", "Українська"),
        Language("ru", "Русский"),
        Language("tr", "Türkçe"),
        Language("ro", "Română"),
        Language("so", "Soomaali"),
    )
}
DEFAULT_LANGUAGE = "nl"
BY_LOCALE = {lang.locale: lang for lang in LANGUAGES.values()}


def locale_of(code: str | None) -> str:
    """The Babel locale for a stored language code (unknown codes fall back to Dutch)."""
    return LANGUAGES.get(code or "", LANGUAGES[DEFAULT_LANGUAGE]).locale


def _chosen() -> str:
    if current_user and current_user.is_authenticated and current_user.language in LANGUAGES:
        return current_user.language
    # A phone waiting for its PIN is not signed in yet, but we know whose it is and their language.
    device = g.get("device")
    if device is not None and device.user.language in LANGUAGES:
        return device.user.language
    if session.get("lang") in LANGUAGES:
        return session["lang"]
    accepted = request.accept_languages.best_match([lang.html_lang for lang in LANGUAGES.values()] + list(LANGUAGES))
    return next((lang.code for lang in LANGUAGES.values() if accepted in (lang.code, lang.html_lang)),
                DEFAULT_LANGUAGE)


def get_locale() -> str:
    return locale_of(_chosen())


def get_timezone() -> str:
    return "Europe/Brussels"


def current_language() -> Language:
    """The language this response is in (the selector's choice, or a forced one)."""
    return BY_LOCALE.get(str(babel_locale()), LANGUAGES[DEFAULT_LANGUAGE])
