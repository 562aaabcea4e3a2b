"""Fixtures: one app per test session on a real database (SQLite file, or DATABASE_URL's PostgreSQL).

The schema is built by the migrations, so every run also proves they work on that database.
Each test starts from empty tables, with the clock frozen at one instant (see `clock` below).
"""

import contextvars
import os
import re
import sys
import tempfile
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from flask.globals import _cv_app
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import event, text

from tests import factories
from webapp import create_app, speech
from webapp.config import TestConfig
from webapp.domain import auth
from webapp.extensions import db, limiter
from webapp.models import Base

BRUSSELS = ZoneInfo("Europe/Brussels")
STARTED = datetime.now(BRUSSELS).replace(microsecond=0)  # before any test can freeze anything
CLOCK = pytest.StashKey[datetime]()


# --- the clock: every test runs frozen at one instant, chosen per run --------------------------------

def pytest_addoption(parser):
    parser.addoption(
        "--clock", default=os.environ.get("STAPSTENEN_CLOCK") or None, metavar="ISO-8601",
        help="freeze every test at this instant, with its offset, e.g. 2027-03-28T01:30:00+01:00 "
             "(default: the moment the run started; env STAPSTENEN_CLOCK)")


def pytest_configure(config):
    raw = config.getoption("clock")
    if not raw:
        config.stash[CLOCK] = STARTED
        return
    try:
        instant = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    except ValueError:
        instant = None
    if instant is None or instant.tzinfo is None:
        raise pytest.UsageError(f"--clock={raw}: give an ISO 8601 date-time with its offset, "
                                "e.g. 2026-10-25T02:30:00+02:00")
    config.stash[CLOCK] = instant


def _clock_line(config) -> str:
    instant = config.stash[CLOCK]
    local = instant.astimezone(BRUSSELS)
    return (f"clock: every test frozen at {local:%a %Y-%m-%d %H:%M:%S} Brussels ({local.tzname()}); "
            f"reproduce with --clock={instant.isoformat()}")


def pytest_report_header(config):
    return _clock_line(config)


def pytest_terminal_summary(terminalreporter, config):
    """Also at the end (-q hides the header), where a failure's reader looks for how to run it again;
    and how many requests the fuzz (tests/test_fuzz.py) sent, when it ran."""
    terminalreporter.write_line(_clock_line(config))
    fuzz = sys.modules.get("tests.test_fuzz")
    if fuzz is not None and fuzz.SENT:
        terminalreporter.write_line(
            f"fuzz: {sum(fuzz.SENT.values())} requests to {len(fuzz.SENT)} endpoints as {len(fuzz.ROLES)} roles "
            f"(FUZZ_EXAMPLES={fuzz.EXAMPLES} per cell, FUZZ_CHAOS={fuzz.CHAOS} per rule)")


@pytest.fixture(autouse=True)
def clock(request):
    """The frozen clock of this test: `clock.shift(timedelta(minutes=16))` moves it, `clock.move_to(dt)` jumps.

    tick=False: time stands still inside a test, so two readings of utcnow() agree and a failure comes
    back with the same --clock. Tests build their times from utcnow() (the frozen instant), never from
    fixed local hours that may already be past. A subprocess does not inherit this: see tests/clocked.py.
    The destination goes in as UTC, so time-machine leaves the process's local time zone alone.
    """
    with time_machine.travel(request.config.stash[CLOCK].astimezone(UTC), tick=False) as traveller:
        yield traveller


def _database_url(tmp: Path) -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return "postgresql+psycopg://" + url.split("://", 1)[1] if url.startswith("postgres") else url
    return f"sqlite:///{tmp / 'test.db'}"


class RequestIsolatedClient(FlaskClient):
    """Runs each request in its own app context, as in production, not inside the test's context.

    Otherwise `g` (Flask-Login's cached user) and the database session would carry over between requests.
    """

    def open(self, *args, **kwargs):
        def run():
            _cv_app.set(None)
            return super(RequestIsolatedClient, self).open(*args, **kwargs)

        return contextvars.copy_context().run(run)


@pytest.fixture(scope="session")
def app():
    tmp = Path(tempfile.mkdtemp(prefix="stapstenen-test-"))

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = _database_url(tmp)
        SPEECH_DIR = str(tmp / "speech")  # generated clips: never the instance folder's

    app = create_app(Config)
    app.test_client_class = RequestIsolatedClient
    with app.app_context():
        _drop_everything()
        upgrade()
    return app


def _drop_everything():
    with db.engine.begin() as conn:
        Base.metadata.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture(autouse=True)
def _clean(request, app):
    """Empty tables, fresh rate limits and read-aloud caches for every test; an app context for its own queries."""
    with app.app_context():
        with db.engine.begin() as conn:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(table.delete())
        limiter.reset()
        speech.forget_recorded_languages()
        yield
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def sign_in(test_client, user, kind=None):
    """Give a test client a live device session for user (a client's phone, or a staff sign-in)."""
    kind = kind or ("device" if user.is_client else "staff")
    token = auth.start_session(user, kind, test_client.application.config["CLIENT_DEVICE_LIFETIME"], "pytest")
    db.session.commit()
    test_client.set_cookie(test_client.application.config["DEVICE_COOKIE_NAME"], token)
    return token


@pytest.fixture
def as_client(app, client):
    """A test client signed in as a fresh client, and that client."""
    user = factories.client()
    sign_in(client, user)
    return client, user


def csrf_token(test_client, path="/"):
    """The CSRF token a page hands out, the way a browser would get it."""
    html = test_client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html) or re.search(
        r'<meta name="csrf-token" content="([^"]+)">', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


@contextmanager
def count_queries():
    """Counts the SQL statements run inside the block."""
    statements = []

    def before(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", before)



@pytest.fixture
def contact_channels(app, monkeypatch):
    """This server set up for SMS and e-mail, to a loopback gateway and SMTP server: (gateway, smtp)."""
    from tests.loopback import SmsGateway, SmtpServer

    gateway, smtp = SmsGateway(), SmtpServer()
    for key, value in {"SMS_GATEWAY_URL": gateway.url + "/messages", "SMS_GATEWAY_TOKEN": "gateway-secret",
                       "SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp.port, "SMTP_STARTTLS": False, "SMTP_USER": None,
                       "SMTP_FROM": "Stapstenen <code@stapstenen.example>"}.items():
        monkeypatch.setitem(app.config, key, value)
    yield gateway, smtp
    gateway.close()
    smtp.close()
