"""No input gives a server error: every route the authorisation matrix knows, for every role, with odd input.

For each endpoint of tests/test_authorisation.py's ROUTES (so a new route cannot escape), Hypothesis draws
requests in cells, each changing one thing in an otherwise valid request, so the odd part reaches the code
behind the checks before it:
- each field of the form or JSON body (FIELDS) gets each kind of odd value: absent, blank, whitespace only
  (also Unicode spaces), `²` and other non-ASCII digits, ids past 2^31 and 2^63, the valid value with its
  digits made superscript, Arabic-Indic, full-width, huge or negative, extreme and non-existent dates (year 1,
  year 9999, +-14 h, 02:30 on the spring night), odd text, NUL, lone surrogates and invalid UTF-8, huge
  strings, the field twice, and wrong JSON types (lists, numbers, null, nested objects);
- each path argument: another client's id and the same kinds of junk;
- the body as a whole (raw bodies such as JSON nested 50 000 deep, wrong and missing content types), the
  method, the CSRF token (field or header only, missing, another session's, garbage), headers (htmx,
  Origin, Idempotency-Key, Accept-Language), the query string with unknown keys, and the session (a phone
  that must choose or re-enter its PIN or is locked, a garbage or missing cookie, a revoked API token);
- and "chaos": everything drawn at once.
The usual request goes once to every role: anonymous, a client (on own rows, and another client on them),
the client's trust person, a trust person whose client shares nothing, a circle coordinator, partner staff
on the web form, staff with the voice permission, and the partner API with its bearer token. The cells go
to the roles that get past the route's door (DEEP), chaos to those and one outsider. Any 5xx fails, and so
does any exception: TestConfig keeps TESTING on, so Flask re-raises instead of answering 500.

CSRF stays on (TestConfig does not turn it off): a request with the valid token reaches the form's own
checks, one without it stops at the CSRF check, as in production.

Reproducible: derandomize=True and no example database, so every run sends the same requests; the dates it
builds come from the suite's frozen clock (tests/conftest.py, --clock). FUZZ_EXAMPLES (shapes per cell) and
FUZZ_CHAOS (chaotic shapes per rule) make a longer hunt. The terminal summary says how many requests were
sent (tests/conftest.py).
"""

import json
import os
import re
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import quote, quote_from_bytes

import pytest
from argon2 import PasswordHasher
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from tests import factories
from tests.conftest import csrf_token
from tests.loopback import phone_keys
from tests.test_authorisation import ROUTES, SEVEN, _tone
from webapp.domain import auth, partners, sharing
from webapp.domain import settings as my_settings
from webapp.domain.catalogue import APPOINTMENT_KINDS, BRING_ITEMS, MOODS, SHARE_PERIODS, STRENGTHS, WIN_PICKS
from webapp.domain.suggestions import REACTIONS
from webapp.extensions import db, limiter
from webapp.i18n import LANGUAGES
from webapp.models import CATEGORIES, GOAL_STATUSES, REPLIES, DeviceSession, Suggestion, utcnow
from webapp.reminders import calendar, tokens

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "1"))  # shapes per cell: one odd kind of value in one place
CHAOS = int(os.environ.get("FUZZ_CHAOS", "4"))  # shapes per rule with every part drawn at once
SENT: Counter = Counter()  # requests sent, per endpoint: tests/conftest.py prints the total

ROLES = ("anonymous", "client", "other_client", "trust_person", "quiet_trust_person", "coordinator", "partner",
         "voice", "api")


# --- what the fuzz sends ----------------------------------------------------------------------------

@dataclass(frozen=True)
class T:
    """A valid value that names the role's rows, filled in per role: T("goal:{goal}")."""

    template: str


BIG_IDS = ("2147483648", "99999999999", "9223372036854775808", "2147483647", "4294967296",
           "9223372036854775807", "-9223372036854775809", "1" + "0" * 30, "9" * 400, "9" * 5000)
ODD_DIGITS = ("²", "³", "¹²", "١٢٣", "٠", "۱۲۳", "१२३", "１２３", "⑦", "Ⅻ", "๑", "𝟙𝟚", "1²")
NUMBERS = ("0", "-0", "-1", "+1", "007", "1.5", "1e9", "0x1F", " 1 ", "1_000", "NaN", "Infinity", "-2147483649")
DATES = (
    "0001-01-01", "9999-12-31", "0000-00-00", "2027-02-29", "2028-02-29", "2027-03-28", "2026-10-25",
    "2027-13-01", "00:00", "23:59", "24:00", "02:30", "25:61", "2:3", "0001-01-01T00:00:00",
    "0001-01-01T00:00:00+14:00", "0001-01-01T00:00:00-14:00", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
    "9999-12-31T23:59:59+14:00", "9999-12-31T23:59:59-14:00", "9999-12-31T23:59:59.999999-14:00",
    "2027-03-28T02:30:00", "2027-03-28T02:30", "2027-03-28T02:30:00+01:00", "2027-03-28T02:30:00+02:00",
    "2026-10-25T02:30:00", "2026-10-25T02:30:00+02:00", "2026-10-25T02:30:00+01:00", "2027-01-01T10:00:00+14:01",
    "2027-01-01T10:00:00+24:00", "2027-01-01T10:00:00-23:59", "2027-01-01 10:00", "2027-W01", "now", "Z", "T",
)
SPACES = ("", " ", "   ", "\t", "\n", "\r\n", "\u00a0", "\u2003", "\u3000", "\u200b", "\ufeff")
ODD_TEXT = (
    "<script>alert(1)</script>", "\x00", "a\x00b", "\x01\x7f", "\u202e", "\ufffd", "\uffff", "\U0010ffff", "😀",
    "👩‍👩‍👧", "e\u0301",
    "\ud800", "a\udfffb", "{{7*7}}", "%s%n", "../../../etc/passwd", "' OR 1=1 --",
    "null", "None", "true", "[]", "{}", "x" * 81, "x" * 141, "x" * 201, "x" * 281, "x" * 2001, "x" * 20000,
    "goal:", "goal:²", "goal:١٢٣", "goal:１２", "goal:0", "goal:-1", "goal:2147483648", "goal:" + "9" * 30,
    "win:", "win: ", "win:bus ", "goal: 1", ":", "::", "goal:1:2", "goals:", ":1", "goals:1 ",
    "stp_", "stp_²", "https://127.0.0.1/x", "http://push.example/x", "javascript:alert(1)", "//evil.example",
    "/\\evil.example", "/partner//evil", "/staff/../partner", "a@b", "@", "é@é.é", "x@example.org\x00",
)
BAD_BYTES = (b"\xff", b"\xc0\x80", b"\xed\xa0\x80", b"\xe2\x82", b"\xfe\xff\x00a", b"%", b"%zz", b"a=b&c")
NASTY = SPACES + ODD_DIGITS + BIG_IDS + NUMBERS + DATES + ODD_TEXT

nasty_str = st.one_of(st.sampled_from(NASTY), st.text(max_size=12))
nasty_value = st.one_of(nasty_str, st.sampled_from(BAD_BYTES))  # forms and paths may carry raw bytes
json_scalar = st.one_of(
    st.none(), st.booleans(), st.sampled_from((0, -1, 1, 2**31, 2**63, -(2**63) - 1, 10**30, 1.5, 1e308)),
    st.integers(), st.floats(allow_nan=True, allow_infinity=True), nasty_str,
)
json_value = st.recursive(json_scalar, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(nasty_str, inner, max_size=3)), max_leaves=6)

# Valid values of the fields the forms and JSON bodies read, so a request also reaches the checks behind
# the first one. T(...) values name the role's rows.
VALID = {
    "template": ("find_job", "bike"), "title": ("Mijn eigen doel",), "status": GOAL_STATUSES,
    "private": ("1", "0"), "answer": REPLIES, "key": STRENGTHS[:3], "own_words": ("Koken",),
    "appointment": (T("{appointment}"),),
    "pick": (T("goal:{goal}"), "win:bus", T("goal:{other_goal}"), *(f"win:{p}" for p in WIN_PICKS[:2])),
    "client_uuid": (T("{uuid}"), T("{uuid_upper}")),
    "text": ("Gelukt!",), "mood": MOODS, "toggle": tuple(f"{c}:{s}" for c in CATEGORIES[:2] for s in "01"),
    "period": tuple(SHARE_PERIODS), "endpoint": ("https://fcm.googleapis.com/fcm/send/fuzz",),
    "keys": (T("{keys}"),), "expirationTime": (None, 1700000000000), "token": (T("{reply_token}"),),
    "pin": ("1357", "2468"), "email": (T("{email}"), "nobody@example.org"), "password": ("correct horse battery",),
    "language": tuple(LANGUAGES), "display_name": ("Sam",), "phone": ("+32 470 12 34 56",),
    "kind": APPOINTMENT_KINDS[:2], "staff_id": (T("{colleague}"),), "day": (T("{day}"),),
    "at": ("10:00", "01:30"), "minutes": ("60", "30", "180"), "place": ("Markt 1, Bornem",), "bring": BRING_ITEMS[:2],
    "note": ("Neem je pas mee.",), "client_ref": (T("{client_ref}"),), "starts_at": (T("{starts_at}"),),
    "ends_at": (T("{ends_at}"),), "reminder_offsets": ((60, 1440),), "partner_ref": ("ref-1",),
    "lang": ("nl", "ar"), "audio": ("tone",),
    # a passkey's answer (toJSON() of a PublicKeyCredential), in the shape the parser wants, signed by no one
    "id": ("AAAA",), "rawId": ("AAAA",), "type": ("public-key",),
    "response": ({"clientDataJSON": "e30", "attestationObject": "oA", "authenticatorData": "AAAA",
                  "signature": "AAAA"},),
    "auto": ("1", "0"), "rate": ("slow", "normal"), "code": ("123456",),
    "proof": ("not-a-proof",),
}
# Where a field of that name means something else: the first value is the one a cell keeps while it
# changes another field, so it must be valid on that route.
VALID_ON = {
    "/staff/clients/<int:client_id>/wins/<int:win_id>/react": {"kind": REACTIONS},
    "/suggestions/<int:suggestion_id>": {"answer": ("yes", "no")},
    "/push/reply": {"answer": ("coming", "cannot_come")},
    "/api/v1/appointments": {"bring": (list(BRING_ITEMS[:2]), [])},
    "/api/v1/appointments/<int:appointment_id>": {"bring": (list(BRING_ITEMS[:2]), [])},
}


def valid(rule: str, name: str) -> tuple:
    return tuple(VALID_ON.get(rule, {}).get(name, VALID.get(name, ())))


QUERY_VALID = {"next": ("/staff/", "/partner/", "/"), "lang": ("nl", "ar"), "domain": ("work", "health"),
               "suggested": ("goal",), "v": ("g1",), "updated_since": ("2026-01-01T00:00:00Z",)}
# Dates and times at the edges, each a cell of its own where a field holds one: an overflow waits at one end.
ISO_DATES = tuple(d for d in DATES if "T" in d or " " in d or not re.fullmatch(r"[0-9:-]+", d))
DAYS = tuple(d for d in DATES if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", d))
TIMES = tuple(d for d in DATES if re.fullmatch(r"[0-9]{1,2}:[0-9]{1,2}", d))
DATE_FIELDS = {"starts_at": ISO_DATES, "ends_at": ISO_DATES, "updated_since": ISO_DATES, "day": DAYS, "at": TIMES}
# A day and a time together, for the forms that ask for both: the last minute of 9999 plus an hour, the first
# minute of year 1 in Brussels' old local mean time, the hour that does not exist and the one that comes twice.
DAY_AT = (("9999-12-31", "23:59"), ("9999-12-31", "22:30"), ("0001-01-01", "00:00"), ("2027-03-28", "02:30"),
          ("2026-10-25", "02:30"), ("2027-03-28", "03:00"), ("2027-10-31", "02:00"))
# The query strings routes read, each odd value a cell.
QUERY_ON = {"/api/v1/appointments": {"updated_since": ISO_DATES}, "/staff/sign-in": {"next": ODD_TEXT[:30]},
            "/language": {"next": ODD_TEXT[:30]}, "/staff/voice": {"lang": SPACES + ODD_TEXT[:20]},
            "/goals/new": {"domain": SPACES + ODD_TEXT[:10]}}

# The fields each rule that takes a body reads (by path, which outlives a blueprint's name). A rule that
# takes a POST or PATCH and is missing here fails test_the_fuzz_knows_every_route.
FIELDS = {
    "/goals/new": ("template", "title", "client_uuid"),
    "/goals/<int:goal_id>/status": ("status",),
    "/goals/<int:goal_id>/private": ("private",),
    "/week/<int:appointment_id>/reply": ("answer",),
    "/strengths": ("key", "own_words", "client_uuid"),
    "/strengths/<int:strength_id>/remove": (),
    "/did-it": ("pick", "client_uuid", "text"),
    "/wins/<int:win_id>": ("mood",),
    "/wins/<int:win_id>/private": ("private",),
    "/wins/sync": ("client_uuid", "pick", "mood", "text"),
    "/still-here": (),
    "/goals/sync": ("client_uuid", "template", "title"),
    "/strengths/sync": ("client_uuid", "key", "own_words"),
    "/week/sync": ("client_uuid", "appointment", "answer"),
    "/people/<int:staff_id>/share": ("toggle",),
    "/people/<int:staff_id>/until": ("period",),
    "/suggestions/<int:suggestion_id>": ("answer",),
    "/partners/<int:organisation_id>": (),
    "/partners/<int:organisation_id>/unlink": (),
    "/push/subscribe": ("endpoint", "expirationTime", "keys"),
    "/push/unsubscribe": ("endpoint",),
    "/push/reply": ("token", "answer"),
    "/calendar": (),
    "/calendar/revoke": (),
    "/i/<token>": (),
    "/pin/new": ("pin",),
    "/unlock": ("pin",),
    "/lock": (),
    "/sign-out": (),
    "/staff/sign-in": ("email", "password"),
    "/language": ("language",),
    "/staff/clients/new": ("display_name", "language", "phone", "email"),
    "/staff/clients/<int:client_id>/wins/<int:win_id>/react": ("kind",),
    "/staff/clients/<int:client_id>/invite": (),
    "/staff/clients/<int:client_id>/unlock": (),
    "/staff/clients/<int:client_id>/circle": ("staff_id",),
    "/staff/clients/<int:client_id>/suggest/goal": ("template", "title"),
    "/staff/clients/<int:client_id>/suggest/strength": ("key",),
    "/staff/clients/<int:client_id>/suggest/appointment": ("kind", "day", "at", "place"),
    "/partner/appointments/new": ("client_ref", "kind", "day", "at", "minutes", "place", "bring", "note"),
    "/partner/appointments/<int:appointment_id>": ("day", "at", "minutes", "place", "bring", "note"),
    "/partner/appointments/<int:appointment_id>/cancel": (),
    "/api/v1/appointments": ("client_ref", "kind", "starts_at", "ends_at", "place", "bring", "note",
                             "reminder_offsets", "partner_ref"),
    "/api/v1/appointments/<int:appointment_id>": ("starts_at", "ends_at", "place", "bring", "note",
                                                  "reminder_offsets"),
    "/api/v1/appointments/<int:appointment_id>/cancel": (),
    "/speech": ("lang", "text"),
    "/settings/read-aloud": ("auto", "rate"),
    "/settings/reminders/<any(sms, email):channel>": ("phone", "email"),
    "/settings/reminders/<any(sms, email):channel>/confirm": ("code",),
    "/settings/reminders/<any(sms, email):channel>/resend": (),
    "/settings/reminders/<any(sms, email):channel>/cancel": (),
    "/settings/reminders/<any(sms, email):channel>/remove": (),
    "/settings/pin": ("pin", "proof"),
    "/settings/devices/<int:device_id>/end": (),
    "/staff/voice/<lang>/<string(length=64):sha>": ("audio",),
    "/passkey/off": (),
    "/webauthn/register/options": (),
    "/webauthn/register": ("id", "rawId", "type", "response"),
    "/webauthn/unlock/options": (),
    "/webauthn/unlock": ("id", "rawId", "type", "response"),
}
# Prefixes of the rules that read JSON.
JSON_RULES = ("/wins/sync", "/goals/sync", "/strengths/sync", "/week/sync", "/push/", "/speech", "/api/", "/webauthn/")
UNKNOWN = ("id", "client_id", "user_id", "role", "is_admin", "__proto__", "csrf_token", "", " ", "key[]", "ü")
BODY_KINDS = ("form", "json", "multipart", "raw", "none")
CONTENT_TYPES = ("application/json", "text/plain", "multipart/form-data", "application/json; charset=utf-16",
                 "application/x-www-form-urlencoded; charset=latin-1")
RAW_BODIES = (b"[1, 2]", b"\"text\"", b"[" * 50000, b'[["a", "b", "c"]]', b'{"a": {"b": 1}}', b"{", b"\xff\xfe",
              b"\x00" * 8, b"x" * 300_000)
AUDIO = ("tone", "empty", "junk", "riff", "ogg", "huge")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


@dataclass
class Shape:
    """One request, before it is made concrete for a role."""

    method: str
    args: dict  # path argument -> "own" | "other" | ("raw", value)
    fields: list  # (name, value) pairs, in order; a name may repeat
    body_kind: str = "form"
    csrf: str = "valid"
    content_type: str | None = None
    query: list = field(default_factory=list)
    headers: dict = field(default_factory=dict)
    device_state: str = "ok"
    cookie: str = "valid"
    bearer: str = "valid"
    audio: str = "tone"
    raw: bytes = b""
    outsider: int = 0  # which role outside the door a chaos shape also goes to


def _strings(values):
    return [v for v in values if isinstance(v, str)]


@dataclass(frozen=True)
class Near:
    """A valid value (filled in per role) changed a little: a digit made superscript, a space added."""

    how: str
    base: object


def _first_digits(replace):
    return lambda v: re.sub(r"[0-9]+", lambda m: replace(m.group()), v, count=1)


NEAR = {  # each a cell of its own
    "superscript": _first_digits(lambda d: "²"),
    "past_int32": _first_digits(lambda d: "99999999999"),
    "past_int64": _first_digits(lambda d: "9223372036854775808"),
    "arabic": lambda v: v.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")),
    "fullwidth": lambda v: v.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    "negative": _first_digits(lambda d: "-" + d),
    "spaced": lambda v: f" {v} ",
    "upper": str.upper,
    "doubled": lambda v: f"{v},{v}",
}
DIGIT_NEAR = ("superscript", "past_int32", "past_int64", "arabic", "fullwidth", "negative")


def value_classes(rule: str, name: str, json_rule: bool) -> dict:
    """The kinds of odd value one field gets, each a strategy; a cell of the fuzz tries one kind on one field."""
    strings = _strings(valid(rule, name))
    prefixes = sorted({v.split(":")[0] + ":" for v in strings if ":" in v})

    def odd(values):
        # "goal:²" reaches the id behind the prefix; "²" alone stops at the prefix check.
        plain = st.sampled_from(values)
        return st.one_of(st.tuples(st.sampled_from(prefixes), plain).map("".join), plain) if prefixes else plain

    bases = [v for v in valid(rule, name) if isinstance(v, str | T)]
    with_digits = any(isinstance(v, T) or re.search("[0-9]", v) for v in bases)
    classes = {
        "absent": st.none(),
        "blank": st.just(""),
        "whitespace": odd(SPACES[1:]),
        "text": st.one_of(st.sampled_from(ODD_TEXT), st.text(max_size=20)),
        "nul": odd(("\x00", "a\x00b")),
        "broken": odd(("\ud800", "a\udfffb")) | st.sampled_from(BAD_BYTES),
        "huge": st.sampled_from(("x" * 20000, "é" * 5000)),
        "duplicate": st.one_of(st.sampled_from(strings or ["x"]), nasty_str),
    }
    if not with_digits:  # else the valid value with its digits changed says more (NEAR)
        classes["digits"] = odd(ODD_DIGITS)
        classes["numbers"] = odd(BIG_IDS + NUMBERS)
    for how in NEAR:
        if bases and (with_digits or how not in DIGIT_NEAR):
            classes[how] = st.sampled_from(bases).map(lambda v, how=how: Near(how, v))
    for date in DATE_FIELDS.get(name, ()):
        classes[f"date {date}"] = st.just(date)
    # Wrong JSON types; on a form's route the body becomes JSON (a form must not read it).
    classes["json"] = st.one_of(st.sampled_from(([], [1, 2], {"b": 1}, 5, None, True, [["a", "b", "c"]])),
                                json_value.filter(lambda v: not isinstance(v, str)))
    return classes


ARG_CLASSES = {
    **{how: st.just(("near", how)) for how in NEAR if how not in ("upper", "doubled")},
    "other": st.just("other"),
    "blank": st.sampled_from(SPACES),
    "broken": st.sampled_from(("\x00", "\ud800", "%00", "..", "a/b", *BAD_BYTES)),
    "text": st.one_of(st.sampled_from(ODD_TEXT), st.text(min_size=1, max_size=20)),
}
ASPECTS = ("csrf", "method", "headers", "query", "session")


def _usual(rule):
    methods = rule.methods - {"HEAD", "OPTIONS"}
    usual = "POST" if "POST" in methods else "PATCH" if "PATCH" in methods else "GET"
    names = FIELDS.get(rule.rule, ())
    json_rule = rule.rule.startswith(JSON_RULES)
    body = "none" if usual == "GET" else "multipart" if "audio" in names else "json" if json_rule else "form"
    return methods, usual, names, json_rule, body


@st.composite
def shapes(draw, rule, cell):
    """A request to rule: valid in every part but the one the cell is about (or in all, for "chaos")."""
    methods, usual, names, json_rule, body = _usual(rule)
    fields = [(n, draw(st.sampled_from(valid(rule.rule, n)))) for n in names if valid(rule.rule, n)]
    shape = Shape(method=usual, args={a: "own" for a in rule.arguments}, fields=fields, body_kind=body,
                  headers={"X-Stapstenen-Queue": "1", "Idempotency-Key": T("{idempotency_key}")})
    what = cell[0]
    chaos = what == "chaos"
    if what == "field":
        name, kind = cell[1], cell[2]
        value = draw(value_classes(rule.rule, name, json_rule)[kind])
        if kind == "json":
            shape.body_kind = "json"
        others = [p for p in shape.fields if p[0] != name]
        if kind == "duplicate":
            shape.fields = others + [p for p in shape.fields if p[0] == name] + [(name, value)]
        elif kind != "absent":
            shape.fields = others + [(name, value)]
        else:
            shape.fields = others
    if what == "arg":
        name, kind = cell[1], cell[2]
        choice = draw(ARG_CLASSES[kind])
        shape.args[name] = choice if choice == "other" or isinstance(choice, tuple) else ("raw", choice)
    if chaos:
        shape.outsider = draw(st.integers(0, len(ROLES)))
        for name in rule.arguments:
            shape.args[name] = draw(st.one_of(st.sampled_from(("own", "own", "other")),
                                              st.one_of(*ARG_CLASSES.values()).map(
                                                  lambda v: v if isinstance(v, tuple) else ("raw", v))))
        pairs = []
        for name in names:
            value = draw(st.one_of(st.sampled_from(valid(rule.rule, name)),
                                   *value_classes(rule.rule, name, json_rule).values()))
            if value is not None:
                pairs.append((name, value))
        shape.fields = pairs + draw(st.lists(st.tuples(st.sampled_from(UNKNOWN), nasty_value), max_size=2))
    if what == "day_at":
        shape.fields = [p for p in shape.fields if p[0] not in ("day", "at")] + [("day", cell[1]), ("at", cell[2])]
    if what == "query":
        shape.query = [(cell[1], cell[2])]
    if what == "aspect" and cell[1] == "query" or chaos:
        shape.query = draw(st.lists(st.tuples(st.sampled_from(sorted(QUERY_VALID)), st.one_of(
            st.sampled_from([v for vs in QUERY_VALID.values() for v in vs]), nasty_value,
            st.sampled_from(DATES))), min_size=0 if chaos else 1, max_size=3))
        if not chaos:  # and unknown keys in the body
            shape.fields += draw(st.lists(st.tuples(st.sampled_from(UNKNOWN), nasty_value), max_size=2))
    if what == "aspect" and cell[1] == "csrf" or chaos:
        shape.csrf = draw(st.sampled_from(("field", "header", "missing", "foreign", "garbage") + (("valid",) * 3
                                                                                                 if chaos else ())))
    if what == "raw":
        shape.body_kind, shape.raw = "raw", RAW_BODIES[cell[1]]
        shape.content_type = draw(st.sampled_from(("application/json", None, "application/x-www-form-urlencoded")))
    if what == "content_type":
        shape.content_type = CONTENT_TYPES[cell[1]]
    if what == "body_kind":
        shape.body_kind = cell[1]
    if what == "audio":
        shape.audio = cell[1]
    if chaos:
        shape.body_kind = draw(st.sampled_from(BODY_KINDS))
        shape.content_type = draw(st.one_of(st.none(), st.sampled_from(CONTENT_TYPES)))
        shape.raw = draw(st.sampled_from(RAW_BODIES))
        if "audio" in names:
            shape.audio = draw(st.sampled_from(AUDIO))
    if what == "aspect" and cell[1] == "method" or chaos:
        shape.method = draw(st.sampled_from(tuple(sorted(methods)) + METHODS))
    if what == "aspect" and cell[1] == "headers" or chaos:
        shape.headers.update(draw(st.fixed_dictionaries({}, optional={
            "HX-Request": st.just("true"), "HX-Boosted": st.just("true"), "HX-History-Restore-Request": st.just("true"),
            "X-Stapstenen-Queue": st.sampled_from(("0", "", "1 ")),
            "Origin": st.sampled_from(("http://localhost", "https://evil.example", "null", "\xb2")),
            "Idempotency-Key": st.sampled_from(("", "x" * 300, "\t", "\xe9", "²".encode().decode("latin-1"), "a b")),
            "Accept-Language": st.sampled_from(("ar", "*", "xx-YY;q=2", "de, ;q=", "\xe9")),
            "Accept": st.sampled_from(("application/json", "text/calendar", "*/*;q=x")),
        })))
        if not shape.headers.keys() - {"X-Stapstenen-Queue", "Idempotency-Key"}:
            shape.headers["HX-Request"] = "true"  # at least the htmx fragment, which renders other templates
    if what == "aspect" and cell[1] == "session" or chaos:
        shape.device_state = draw(st.sampled_from(("choose_pin", "pin_again", "unlock", "locked", "ok")))
        shape.cookie = draw(st.sampled_from(("garbage", "none", "valid")))
        shape.bearer = draw(st.sampled_from(("none", "garbage", "revoked", "valid")))
    return shape


def cells(rule) -> list[tuple]:
    """What the fuzz tries on one rule: each odd kind of value in each field and path argument, each
    aspect of the request (CSRF, body and content type, method, headers, query, session), and chaos."""
    methods, _usual_method, names, json_rule, body = _usual(rule)
    out = [("field", name, kind) for name in names for kind in value_classes(rule.rule, name, json_rule)]
    out += [("arg", name, kind) for name in rule.arguments for kind in ARG_CLASSES]
    out += [("aspect", aspect) for aspect in ASPECTS]
    if methods & {"POST", "PATCH"}:
        out += [("raw", i) for i in range(len(RAW_BODIES))]
        out += [("content_type", i) for i in range(len(CONTENT_TYPES))]
        out += [("body_kind", kind) for kind in BODY_KINDS if kind != body]
    if "audio" in names:
        out += [("audio", kind) for kind in AUDIO]
    if {"day", "at"} <= set(names):
        out += [("day_at", day, at) for day, at in DAY_AT]
    out += [("query", key, value) for key, values in QUERY_ON.get(rule.rule, {}).items() for value in values]
    return out


# --- turning a shape into a request -----------------------------------------------------------------

def _encode(value) -> bytes:
    if isinstance(value, bytes):
        return value
    if not isinstance(value, str):
        value = json.dumps(value)
    return value.encode("utf-8", "surrogatepass")  # a lone surrogate becomes invalid UTF-8 on the wire


def _resolve(value, context):
    if isinstance(value, Near):
        return NEAR[value.how](str(_resolve(value.base, context)))
    if isinstance(value, T):
        resolved = value.template.format_map(context)
        return context[value.template[1:-1]] if value.template in ("{keys}",) else resolved
    return value


def _form_body(pairs) -> bytes:
    return b"&".join(quote_from_bytes(_encode(k)).encode() + b"=" + quote_from_bytes(_encode(v)).encode()
                     for k, v in pairs)


def _multipart(pairs, audio: bytes | None) -> tuple[bytes, str]:
    boundary = "fuzz" + uuid.UUID(int=len(pairs)).hex
    parts = [b"--" + boundary.encode() + b"\r\nContent-Disposition: form-data; name=\"" + _encode(k).replace(
        b'"', b"") + b"\"\r\n\r\n" + _encode(v) + b"\r\n" for k, v in pairs]
    if audio is not None:
        parts.append(b"--" + boundary.encode() + b"\r\nContent-Disposition: form-data; name=\"audio\"; "
                     b"filename=\"clip.wav\"\r\nContent-Type: audio/wav\r\n\r\n" + audio + b"\r\n")
    return b"".join(parts) + b"--" + boundary.encode() + b"--\r\n", f"multipart/form-data; boundary={boundary}"


TONE = _tone()
AUDIO_BYTES = {"tone": TONE, "empty": b"", "junk": b"\x00\xff" * 100, "riff": b"RIFF\xff\xff\xff\xffWAVEfmt ",
               "ogg": b"OggS" + b"\x00" * 60, "huge": b"RIFF" + b"\x00" * (1024 * 1024 + 10)}
ARG_ROWS = {"goal_id": "goal", "win_id": "win", "strength_id": "strength", "suggestion_id": "suggestion",
            "staff_id": "staff", "client_id": "client", "organisation_id": "org", "lang": "lang", "sha": "sha",
            "filename": "filename", "screen": "screen", "channel": "channel", "device_id": "device"}
RULE_ARG = re.compile(r"<(?:[a-z]+(?:\([^)]*\))?:)?(\w+)>")


def _arg_row(rule, name) -> str:
    if name == "appointment_id":
        return "planned" if rule.rule.startswith(("/partner", "/api/")) else "appointment"
    if name == "token":
        return "calendar_token" if rule.rule.startswith("/calendar") else "invitation_token"
    return ARG_ROWS.get(name, "goal")


def _path(rule, shape, rows, other) -> str:
    def fill(match):
        name = match.group(1)
        choice = shape.args[name]
        if choice in ("own", "other"):
            return quote(str((rows if choice == "own" else other)[_arg_row(rule, name)]), safe="/")
        if choice[0] == "near":
            return quote_from_bytes(_encode(NEAR[choice[1]](str(rows[_arg_row(rule, name)]))), safe="/")
        return quote_from_bytes(_encode(choice[1]), safe="")

    return RULE_ARG.sub(fill, rule.rule)


@dataclass
class Role:
    name: str
    test_client: object
    rows: dict  # the rows this role's requests name
    other: dict  # another client's rows
    user: object = None
    kind: str | None = None  # device | staff, for a signed-in role
    csrf: str = ""


def send(role: Role, rule, endpoint, shape: Shape, foreign_csrf: str):
    number = sum(SENT.values())
    made = str(uuid.UUID(int=number + 1))  # a new uuid per request, the same in every run
    context = {**role.rows, "other_goal": role.other["goal"], "uuid": made, "uuid_upper": made.upper(),
               "idempotency_key": f"fuzz-{number}"}
    path = _path(rule, shape, role.rows, role.other)
    query = "&".join(f"{quote(k)}={quote_from_bytes(_encode(_resolve(v, context)), safe='')}" for k, v in shape.query)
    url = path + ("?" + query if query else "")
    pairs = [(k, _resolve(v, context)) for k, v in shape.fields]
    token = {"valid": role.csrf, "field": role.csrf, "header": role.csrf, "foreign": foreign_csrf,
             "garbage": "\xb2garbage", "missing": None}[shape.csrf]
    headers = {k: _resolve(v, context) for k, v in shape.headers.items()}
    if token and shape.csrf != "field":
        headers["X-CSRFToken"] = token
    if token and shape.csrf != "header" and shape.body_kind in ("form", "multipart"):
        pairs.append(("csrf_token", token))
    if role.name == "api":
        headers["Authorization"] = {"valid": f"Bearer {role.rows['api_token']}", "none": "",
                                    "garbage": "Bearer stp_\xe9\x00", "revoked": f"Bearer {role.rows['revoked']}"
                                    }[shape.bearer]
    data, content_type = b"", None
    if shape.body_kind == "form":
        data, content_type = _form_body(pairs), "application/x-www-form-urlencoded"
    elif shape.body_kind == "json":
        body = {k: v for k, v in pairs if not isinstance(v, bytes)}
        data, content_type = json.dumps(body).encode(), "application/json"  # lone surrogates as \ud800 escapes
    elif shape.body_kind == "multipart":
        audio = AUDIO_BYTES[shape.audio] if "audio" in FIELDS.get(rule.rule, ()) else None
        data, content_type = _multipart([p for p in pairs if p[0] != "audio"], audio)
    elif shape.body_kind == "raw":
        data, content_type = shape.raw, "application/json"
    if shape.content_type is not None:
        content_type = shape.content_type
    if content_type:
        headers["Content-Type"] = content_type
    SENT[endpoint] += 1
    note(f"as {role.name}: {shape.method} {url} {content_type} {data[:300]!r} headers={headers}")
    response = role.test_client.open(url, method=shape.method, data=data, headers=headers)
    assert response.status_code < 500, f"{role.name}: {shape.method} {url} answered {response.status_code}"
    return response


# --- the people and rows every request names ----------------------------------------------------------

def _second_phone(client) -> int:
    """Another enrolled phone of the client, for "my phones" (settings) to end."""
    auth.start_session(client, "device", timedelta(days=1), "Mozilla/5.0 (Linux; Android 14) Chrome/120.0")
    return max(d.id for d in my_settings.live_devices(client))


def _world(app):
    org = factories.organisation(kind="care_team")
    trust, quiet_trust, coordinator = factories.staff(), factories.staff(), factories.staff(role="coordinator")
    voice = factories.staff(voice=True)
    for user in (trust, quiet_trust, coordinator, voice):
        user.organisation = org
    sharer = factories.client(trust_person=trust)
    quiet = factories.client(trust_person=quiet_trust)
    partner_org, other_org = factories.organisation(), factories.organisation()
    partner_user = factories.staff(role="partner_user")
    partner_user.organisation = partner_org
    for user in (trust, quiet_trust, coordinator, voice, partner_user):
        user.password_hash = auth.hash_secret("correct horse battery")  # at the quick cost (_quick_argon2)
    for user in (sharer, quiet):
        user.pin_hash = auth.hash_secret("1357")
    later = utcnow() + timedelta(days=3)
    rows = {}
    for client, partner_org_ in ((sharer, partner_org), (quiet, other_org)):
        goal = factories.goal(client)
        factories.strength(client, own_words="Ik kan goed luisteren")
        suggestion = Suggestion(client_id=client.id, staff_id=client.trust_person_id, kind="goal", key="bike")
        db.session.add(suggestion)
        for kind, key in (("strength", "cooking"), ("appointment", "intake")):
            db.session.add(Suggestion(client_id=client.id, staff_id=client.trust_person_id, kind=kind, key=key,
                                      starts_at=later if kind == "appointment" else None))
        link = partners.link(client, partner_org_)
        planned = partners.plan(link, "intake", utcnow() + timedelta(days=2), place="Markt 1", bring=["id_card"])
        appointment = factories.appointment(client)
        db.session.flush()
        rows[client] = {
            "client": client.id, "goal": goal.id, "win": factories.win(client, goal).id,
            "strength": factories.strength(client).id, "appointment": appointment.id, "suggestion": suggestion.id,
            "staff": client.trust_person_id, "org": partner_org_.id, "planned": planned.id,
            "client_ref": link.client_ref, "reply_token": tokens.reply_token(appointment),
            "calendar_token": tokens.calendar_token(calendar.open_feed(client)),
            "invitation_token": auth.create_invitation(client, timedelta(hours=72), created_by=client.trust_person),
            "channel": "sms", "device": _second_phone(client),
        }
        for channel, address in (("sms", "+32470000001"), ("email", f"client{client.id}@example.org")):
            my_settings.start_change(client, channel, address)
    for category in CATEGORIES:
        sharing.grant(sharer, trust, category)
    sharing.add_to_circle(sharer, coordinator, trust)
    sharing.grant(sharer, coordinator, "goals")
    api_token = partners.create_token(partner_org)
    revoked = partners.create_token(partner_org)
    partners.find_token(revoked).revoked_at = utcnow()
    db.session.commit()
    common = {"lang": "nl", "sha": SEVEN, "filename": "css/app.css", "screen": "strengths", "keys": phone_keys()[2],
              "email": trust.email, "colleague": coordinator.id, "api_token": api_token, "revoked": revoked,
              "day": (later.date()).isoformat(), "starts_at": later.isoformat(),
              "ends_at": (later + timedelta(hours=1)).isoformat()}
    mine, theirs = ({**common, **rows[sharer]}, {**common, **rows[quiet]})
    users = {"client": (sharer, "device"), "other_client": (quiet, "device"), "trust_person": (trust, "staff"),
             "quiet_trust_person": (quiet_trust, "staff"), "coordinator": (coordinator, "staff"),
             "partner": (partner_user, "staff"), "voice": (voice, "staff")}
    roles = []
    for name in ROLES:
        user, kind = users.get(name, (None, None))
        own, other = (theirs, mine) if name == "quiet_trust_person" else (mine, theirs)
        role = Role(name, app.test_client(), own, other, user, kind)
        role.csrf = csrf_token(role.test_client, "/staff/sign-in")
        roles.append(role)
    return roles


STATES = ("ok", "choose_pin", "pin_again", "unlock", "locked")
# Rules whose requests may end or change the sessions (and invitations) the next request relies on.
SESSION_RULES = ("/sign-out", "/lock", "/unlock", "/pin/new", "/i/<token>", "/staff/clients/<int:client_id>/invite",
                 "/staff/clients/<int:client_id>/unlock", "/staff/clients/new")


def _sign_in(app, roles) -> dict:
    """Live sessions for every role, in one transaction; for the clients one phone in each state."""
    lifetime = app.config["CLIENT_DEVICE_LIFETIME"]
    invitations = {role.user.id: auth.create_invitation(role.user, timedelta(hours=72))
                   for role in roles if role.kind == "device"}  # before the sessions: it ends the old ones
    for rows in {id(r): r for role in roles for r in (role.rows, role.other)}.values():
        rows["invitation_token"] = invitations[rows["client"]]
    out = {}
    for role in roles:
        if role.user is None:
            continue
        out[role.name] = {}
        for state in STATES if role.kind == "device" else ("ok",):
            token = out[role.name][state] = auth.start_session(role.user, role.kind, lifetime, "fuzz")
            device = db.session.scalar(db.select(DeviceSession).where(
                DeviceSession.token_hash == auth.hash_token(token)))
            if state == "locked":
                device.locked_at = utcnow()
            elif state == "unlock":
                device.last_seen_at = utcnow() - timedelta(hours=1)
            elif state != "ok":
                device.needs_new_pin = True
                if state == "pin_again":
                    device.pending_pin_hash = auth.hash_secret("1357")
    db.session.commit()
    return out


def _cookies(app, roles, sessions, shape):
    limiter.reset()
    cookie = app.config["DEVICE_COOKIE_NAME"]
    for role in roles:
        if role.name not in sessions:
            continue
        token = sessions[role.name].get(shape.device_state, sessions[role.name]["ok"])
        if shape.cookie == "garbage":
            role.test_client.set_cookie(cookie, "\u00b2" + token[:8])
        elif shape.cookie == "none":
            role.test_client.delete_cookie(cookie)
        else:
            role.test_client.set_cookie(cookie, token)


@pytest.fixture(autouse=True)
def _quick_argon2(monkeypatch):
    """Argon2 at its lowest cost for the fuzz's own users: each sign-in or PIN try would take a third of a
    second on this machine, and what the fuzz checks (no server error) does not depend on the cost."""
    quick = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(auth, "_hasher", quick)
    monkeypatch.setattr(auth, "_DUMMY_HASH", quick.hash("not a real password"))


# --- the tests ------------------------------------------------------------------------------------------

# Who gets past the door of each kind of route (tests/test_authorisation.py's kinds): every cell of the fuzz
# is sent as them, so odd input reaches the code behind the door. The baseline and chaos shapes go to all roles.
DEEP = {"client": ("client", "other_client"), "public": ("anonymous", "client"), "staff": ("trust_person",),
        "staff_client": ("trust_person", "coordinator", "quiet_trust_person"), "device": ("client",),
        "queue": ("client",), "token": ("anonymous", "client"), "speech": ("client",), "voice": ("voice",),
        "partner": ("partner",), "api": ("api",), "passkey": ("client",)}


def _rules(app, endpoint):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint == endpoint]


def test_the_fuzz_knows_every_route(app):
    """Every endpoint the app has is in ROUTES (test_authorisation checks that) and so fuzzed here below;
    every rule that takes a body names its fields, so the fuzz fills them."""
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints <= set(ROUTES), "add the new route to ROUTES in tests/test_authorisation.py"
    assert {kind for *_rest, kind in ROUTES.values()} <= set(DEEP), "say in DEEP who gets past this kind of route"
    with_body = {rule.rule for rule in app.url_map.iter_rules() if rule.methods & {"POST", "PATCH", "PUT"}}
    assert with_body <= set(FIELDS), f"name the fields of {sorted(with_body - set(FIELDS))} in FIELDS"
    assert {rule.rule for rule in app.url_map.iter_rules()} >= set(FIELDS), "FIELDS names a rule that is gone"
    assert all(name in VALID for names in FIELDS.values() for name in names)


def _run(cell, rule, roles, run, examples):
    @settings(max_examples=examples, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(shapes(rule, cell))
    def fuzz(shape):
        note(f"cell {cell}")
        run(shape, roles)

    fuzz()


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_no_input_gives_a_server_error(app, endpoint, request):
    if endpoint.startswith("client.settings."):
        request.getfixturevalue("contact_channels")  # SMS and e-mail set up, so the code paths are reached
    rules = _rules(app, endpoint)
    assert rules, f"{endpoint} is in ROUTES but not in the app"
    everyone = _world(app)
    by_name = {role.name: role for role in everyone}
    deep = [by_name[name] for name in DEEP[ROUTES[endpoint][3]]]
    outsiders = [role for role in everyone if role not in deep]
    foreign = {role.name: everyone[(i + 1) % len(everyone)].csrf for i, role in enumerate(everyone)}

    sessions = _sign_in(app, everyone)
    for rule in rules:
        def run(shape, roles, rule=rule):
            nonlocal sessions
            if rule.rule in SESSION_RULES:
                sessions = _sign_in(app, everyone)
            _cookies(app, everyone, sessions, shape)
            if roles is None:  # chaos: the roles past the door, and one outsider in turn
                roles = deep + [outsiders[shape.outsider % len(outsiders)]]
            for role in roles:
                send(role, rule, endpoint, shape, foreign[role.name])
            db.session.rollback()

        _run(("baseline",), rule, everyone, run, 1)  # the usual request, as every role
        for cell in cells(rule):
            # Odd input needs only the first role past the door; another client's rows, the session and the
            # CSRF token go to each of them (a coordinator and a trust person take other paths).
            each = cell in (("aspect", "session"), ("aspect", "csrf")) or cell[0] == "arg" and cell[2] == "other"
            _run(cell, rule, deep if each else deep[:1], run, EXAMPLES)
        _run(("chaos",), rule, None, run, CHAOS)
