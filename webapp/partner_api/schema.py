"""Reading and writing the API's JSON: validation with a reason per field, and the appointment document."""

import re
from datetime import UTC, datetime, timedelta

from flask import request

from webapp.database import storable
from webapp.domain.catalogue import APPOINTMENT_KINDS, BRING_ITEMS
from webapp.models import Appointment, utcnow
from webapp.partner_api.problems import Problem

MAX_OFFSET = 14 * 24 * 60  # two weeks, in minutes
FIELDS = {"client_ref", "kind", "starts_at", "ends_at", "place", "bring", "note", "reminder_offsets", "partner_ref"}
MOVABLE = FIELDS - {"client_ref", "kind", "partner_ref"}


def json_body() -> dict:
    if not request.is_json:
        raise Problem(415, "Send JSON with Content-Type: application/json.", "media-type")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise Problem(400, "The body must be a JSON object.", "body")
    return body


RFC3339 = "an RFC 3339 date-time with a time zone, e.g. 2026-12-01T10:00:00+01:00"
# RFC 3339 section 5.6, ASCII digits only: Python's own parser also takes other forms (and \d other digits).
RFC3339_SYNTAX = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?"
                            r"([Zz]|[+-][0-9]{2}:[0-9]{2})")
WIDEST_OFFSET = timedelta(hours=14)  # the widest time zone in use (Kiribati, +14:00); RFC 3339 allows up to 23:59
LONGEST = timedelta(hours=24)  # an appointment lasts at most a day


def parse_time(value, name, errors):
    """An aware UTC datetime, or None with a reason in errors: never an exception, whatever the string."""
    if not isinstance(value, str) or not RFC3339_SYNTAX.fullmatch(value):
        errors.append({"name": name, "reason": RFC3339})
        return None
    try:
        parsed = datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:  # month 13, 25:00, second 60, offset 24:00 or more
        errors.append({"name": name, "reason": RFC3339})
        return None
    if abs(parsed.utcoffset()) > WIDEST_OFFSET:
        errors.append({"name": name, "reason": "a time zone offset from -14:00 to +14:00"})
        return None
    try:
        return parsed.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00:00+14:00 or 9999-12-31T23:59:59-14:00 leave the calendar in UTC
        errors.append({"name": name, "reason": "a date-time from year 1 to 9999 in UTC"})
        return None


def _text(body, name, limit, errors, required=False):
    value = body.get(name)
    if value is None:
        if required:
            errors.append({"name": name, "reason": "required"})
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > limit or not storable(value):
        errors.append({"name": name, "reason": f"a text of 1 to {limit} characters"})
        return None
    return value.strip()


def appointment_fields(body: dict, creating: bool, current: Appointment | None = None) -> dict:
    """The checked fields of a create (all required ones) or a move of `current` (only those sent)."""
    allowed = FIELDS if creating else MOVABLE
    unknown = sorted(set(body) - allowed)
    errors = [{"name": name, "reason": "not a field here"} for name in unknown]
    if not creating and not body:
        errors.append({"name": "body", "reason": "at least one of " + ", ".join(sorted(MOVABLE))})
    out = {}
    if creating:
        out["client_ref"] = _text(body, "client_ref", 24, errors, required=True)
        kind = body.get("kind")
        if kind not in APPOINTMENT_KINDS:
            errors.append({"name": "kind", "reason": "one of " + ", ".join(APPOINTMENT_KINDS)})
        out["kind"] = kind
        out["partner_ref"] = _text(body, "partner_ref", 64, errors)
    if creating or "starts_at" in body:
        out["starts_at"] = parse_time(body.get("starts_at"), "starts_at", errors)
    if "ends_at" in body and body["ends_at"] is not None:
        out["ends_at"] = parse_time(body["ends_at"], "ends_at", errors)
    elif creating or "ends_at" in body:
        out["ends_at"] = None
    for name, limit in (("place", 200), ("note", 280)):
        if creating or name in body:
            out[name] = _text(body, name, limit, errors)
    if creating or "bring" in body:
        bring = body.get("bring", [])
        if not isinstance(bring, list) or len(bring) > len(BRING_ITEMS) or any(
                not isinstance(item, str) or item not in BRING_ITEMS for item in bring):
            errors.append({"name": "bring", "reason": "a list of " + ", ".join(BRING_ITEMS)})
            bring = []
        out["bring"] = list(dict.fromkeys(bring))
    if creating or "reminder_offsets" in body:
        offsets = body.get("reminder_offsets")
        if offsets is not None and (not isinstance(offsets, list) or not 1 <= len(offsets) <= 5 or any(
                not isinstance(m, int) or isinstance(m, bool) or not 5 <= m <= MAX_OFFSET for m in offsets)):
            errors.append({"name": "reminder_offsets",
                           "reason": f"1 to 5 whole minutes before the start, each 5 to {MAX_OFFSET}"})
            offsets = None
        out["reminder_offsets"] = sorted(set(offsets), reverse=True) if offsets else None
    _check_times(out, current, errors)
    if errors:
        raise Problem(422, "Some fields need another value.", "invalid-params", **{"invalid-params": errors})
    return out


def _check_times(out: dict, current: Appointment | None, errors: list) -> None:
    """The same rules as the partner form: a start still to come, within a year; an end after it, the same day."""
    now = utcnow()
    starts = out.get("starts_at")
    if starts:
        if starts <= now:
            errors.append({"name": "starts_at", "reason": "in the future"})
        elif starts > now + timedelta(days=366):
            errors.append({"name": "starts_at", "reason": "within a year from now"})
    elif "starts_at" not in out and current is not None:
        starts = current.starts_at  # a move of the end only is checked against the start it keeps
    ends = out.get("ends_at")
    if starts and ends:
        if ends <= starts:
            errors.append({"name": "ends_at", "reason": "after starts_at"})
        elif ends - starts > LONGEST:
            errors.append({"name": "ends_at", "reason": "at most 24 hours after starts_at"})


def iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value else None


def appointment_document(appointment: Appointment, client_ref: str) -> dict:
    return {
        "id": appointment.id,
        "client_ref": client_ref,
        "kind": appointment.kind,
        "starts_at": iso(appointment.starts_at),
        "ends_at": iso(appointment.ends_at),
        "place": appointment.place,
        "bring": appointment.bring_items,
        "note": appointment.note,
        "reminder_offsets": [int(m) for m in appointment.reminder_offsets.split(",")]
        if appointment.reminder_offsets else None,
        "partner_ref": appointment.partner_ref,
        "status": appointment.status,
        "reply": {"answer": appointment.reply, "at": iso(appointment.replied_at)} if appointment.reply else None,
        "reminders": [{"channel": r.channel, "due_at": iso(r.due_at), "status": r.status, "attempts": r.attempts,
                       "sent_at": iso(r.sent_at)} for r in appointment.reminders],
        "created_at": iso(appointment.created_at),
        "updated_at": iso(appointment.updated_at),
    }
