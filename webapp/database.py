"""Per-connection settings: SQLite gets WAL and enforced foreign keys, as PostgreSQL has by nature;
and what fits in an id column."""

from sqlalchemy import event
from werkzeug.routing import IntegerConverter

from webapp.extensions import db

MAX_ID = 2**31 - 1  # the integer primary keys of PostgreSQL (and the ids SQLite hands out here)


def storable(text: str) -> bool:
    """Whether a text can be kept (and encoded) as it is: PostgreSQL's text holds no NUL character, and a
    lone surrogate (JSON can carry one: "\\ud800") is not UTF-8."""
    return "\x00" not in text and not any("\ud800" <= c <= "\udfff" for c in text)


def database_id(text) -> int | None:
    """A row id written in text, or None when it is not one a column can hold.

    Only ASCII digits: str.isdigit() is also true for "²" (int() then fails) and for other scripts' digits.
    """
    if not (isinstance(text, str) and text.isascii() and text.isdigit() and len(text) <= len(str(MAX_ID))):
        return None
    number = int(text)
    return number if number <= MAX_ID else None


class DatabaseId(IntegerConverter):
    """`<int:…>` in a route: an id larger than the integer columns becomes 0, which no row has: a 404, not a 500."""

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        return number if number <= MAX_ID else 0


def init_app(app):
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)


def _sqlite_pragmas(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()
