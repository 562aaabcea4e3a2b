"""Idempotency-Key on every POST: a retry gets the first answer, never a second appointment.

Missing key → 400; same key with another body → 422; a retry while the first is in flight → 409;
a retry afterwards → the first response again. Keys are kept for 48 hours.
"""

import hashlib
from datetime import timedelta
from functools import wraps

from flask import current_app, g, request
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from webapp.extensions import db
from webapp.models import IdempotencyRecord, utcnow
from webapp.partner_api.problems import Problem, problem_response

KEEP = timedelta(hours=48)


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for part in (request.method, request.path, request.get_data()):
        digest.update(part if isinstance(part, bytes) else part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def idempotent(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        key = request.headers.get("Idempotency-Key", "")
        if not key:
            raise Problem(400, "POST requests need an Idempotency-Key header.", "idempotency-key-missing")
        if len(key) > 255 or not key.isprintable():
            raise Problem(400, "An Idempotency-Key is 1 to 255 printable characters.", "idempotency-key-invalid")
        org, fingerprint = g.organisation_id, _fingerprint()
        record = db.session.scalar(select(IdempotencyRecord).where(IdempotencyRecord.organisation_id == org,
                                                                   IdempotencyRecord.key == key))
        if record is None:
            record = IdempotencyRecord(organisation_id=org, key=key, request_hash=fingerprint)
            try:
                db.session.add(record)
                db.session.execute(delete(IdempotencyRecord).where(
                    IdempotencyRecord.organisation_id == org, IdempotencyRecord.created_at < utcnow() - KEEP))
                db.session.commit()  # claim the key before doing the work
            except IntegrityError:
                db.session.rollback()
                raise Problem(409, "A request with this Idempotency-Key is still being handled.",
                              "idempotency-in-flight") from None
            return _run_and_keep(record, view, *args, **kwargs)
        if record.request_hash != fingerprint:
            raise Problem(422, "This Idempotency-Key was used with a different request.", "idempotency-mismatch")
        if record.status is None:
            raise Problem(409, "A request with this Idempotency-Key is still being handled.", "idempotency-in-flight")
        response = current_app.response_class(record.body, status=record.status,
                                              mimetype="application/problem+json" if record.status >= 400
                                              else "application/json")
        if record.location:
            response.headers["Location"] = record.location
        response.headers["Idempotent-Replayed"] = "true"
        return response

    return wrapped


def _run_and_keep(record, view, *args, **kwargs):
    try:
        response = view(*args, **kwargs)
    except Problem as problem:
        if problem.status >= 500:
            _forget(record)
            raise
        response = problem_response(problem.status, problem.detail, problem.kind, headers=problem.headers,
                                    **problem.extra)
    except Exception:
        _forget(record)
        raise
    record.status = response.status_code
    record.body = response.get_data(as_text=True)
    record.location = response.headers.get("Location")
    db.session.add(record)
    db.session.commit()
    return response


def _forget(record):
    """A failure on our side: the partner may retry with the same key."""
    db.session.rollback()
    db.session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id == record.id))
    db.session.commit()
