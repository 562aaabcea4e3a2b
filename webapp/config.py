"""Configuration from the environment, and the configuration the tests use."""

import os
from datetime import timedelta
from pathlib import Path

INSTANCE = Path(__file__).resolve().parent.parent / "instance"


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants the driver named.
    if url.startswith(("postgres://", "postgresql://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url or f"sqlite:///{INSTANCE / 'stapstenen.db'}"


def _minutes(text: str) -> tuple[int, ...]:
    steps = tuple(int(part) for part in text.split(",") if part.strip())
    if not steps or min(steps) < 1:
        raise ValueError("PIN_WAIT_MINUTES: whole minutes, at least 1, separated by commas (e.g. 1,5,15,60)")
    return steps


def _proxy_fix(environ) -> dict[str, int]:
    return {key: int(environ.get(f"PROXY_FIX_X_{key.upper()}") or "0") for key in ("for", "proto", "host", "port",
                                                                                    "prefix")}


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    BABEL_DEFAULT_LOCALE = "nl"
    BABEL_DEFAULT_TIMEZONE = "Europe/Brussels"
    BABEL_TRANSLATION_DIRECTORIES = "../translations"

    # The Flask session only carries the CSRF secret and the pre-sign-in language;
    # who is signed in lives in DeviceSession rows, so app servers stay stateless.
    SESSION_COOKIE_NAME = "stap_s"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("COOKIE_SECURE", "1") == "1"
    DEVICE_COOKIE_NAME = "stap_device"

    MAX_CONTENT_LENGTH = 256 * 1024  # forms only: a few short fields
    WTF_CSRF_TIME_LIMIT = None  # a form left open on a phone all day must still post

    CLIENT_IDLE = timedelta(minutes=15)  # then only the PIN is asked again
    CLIENT_DEVICE_LIFETIME = timedelta(days=180)
    STAFF_IDLE = timedelta(minutes=30)
    STAFF_LIFETIME = timedelta(hours=12)
    INVITATION_LIFETIME = timedelta(hours=72)
    # Wrong PINs before a wait, on one device and on all of a client's devices together; then the wait,
    # growing with each further wrong PIN, the last step repeating (webapp.domain.lockout). Never for good.
    PIN_FAILURES_BEFORE_WAIT = int(os.environ.get("PIN_FAILURES_BEFORE_WAIT", "5"))
    PIN_CLIENT_FAILURES_BEFORE_WAIT = int(os.environ.get("PIN_CLIENT_FAILURES_BEFORE_WAIT", "5"))
    PIN_WAIT_MINUTES = _minutes(os.environ.get("PIN_WAIT_MINUTES", "1,5,15,60"))

    # Behind a reverse proxy: how many proxies set each X-Forwarded-* header (werkzeug ProxyFix), so rate
    # limits see the client's own address. 0, the default, trusts none of them: without a proxy, anyone
    # could write the header themselves.
    PROXY_FIX = _proxy_fix(os.environ)
    # Passkeys (finger or face): by default the RP ID and origin are the request's host (behind ProxyFix the
    # public one). Set them in production, so a passkey never depends on which name the phone used.
    WEBAUTHN_RP_ID = os.environ.get("WEBAUTHN_RP_ID") or None  # e.g. stapstenen.be
    WEBAUTHN_ORIGIN = os.environ.get("WEBAUTHN_ORIGIN") or None  # e.g. https://app.stapstenen.be

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    SPEECH_DIR = os.environ.get("SPEECH_DIR") or None  # generated clips; default instance/speech
    RATELIMIT_HEADERS_ENABLED = True

    COMPRESS_ALGORITHM = ["br", "gzip"]
    COMPRESS_MIMETYPES = [
        "text/html", "text/css", "text/javascript", "application/javascript",
        "image/svg+xml", "application/json", "application/manifest+json",
    ]
    COMPRESS_MIN_SIZE = 256

    # Reminders (webapp.reminders). A channel whose settings are missing is simply not used.
    VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY") or None  # raw base64url: `flask push keys`
    VAPID_PUBLIC_KEY = os.environ.get("VAPID_PUBLIC_KEY") or None
    VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT", "mailto:reminders@stapstenen.invalid")
    SMTP_HOST = os.environ.get("SMTP_HOST") or None
    SMTP_PORT = int(os.environ.get("SMTP_PORT", "587"))
    SMTP_FROM = os.environ.get("SMTP_FROM") or None
    SMTP_USER = os.environ.get("SMTP_USER") or None
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD") or None
    SMTP_STARTTLS = os.environ.get("SMTP_STARTTLS", "1") == "1"
    SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL") or None
    SMS_GATEWAY_TOKEN = os.environ.get("SMS_GATEWAY_TOKEN") or None
    REMINDER_LEASE_SECONDS = int(os.environ.get("REMINDER_LEASE_SECONDS", "300"))
    REMINDER_SEND_TIMEOUT = 10  # seconds for one push, e-mail or SMS; a claimed batch stops well before its lease


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret"  # noqa: S105
    SESSION_COOKIE_SECURE = False  # the test client and the live server speak plain http
    RATELIMIT_STORAGE_URI = "memory://"
