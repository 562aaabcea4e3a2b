"""Partner API v1 routes. A partner reaches only clients who linked it; anything else is a 404."""

from flask import Blueprint, g, jsonify, request, url_for

from webapp.domain import partners
from webapp.domain.catalogue import APPOINTMENT_KINDS, BRING_ITEMS
from webapp.extensions import db, limiter
from webapp.partner_api.auth import rate_limit_key, require
from webapp.partner_api.idempotency import idempotent
from webapp.partner_api.openapi import document
from webapp.partner_api.problems import Problem, problem_response
from webapp.partner_api.schema import appointment_document, appointment_fields, iso, json_body, parse_time

bp = Blueprint("partner_api", __name__)
limiter.limit("120 per minute", key_func=rate_limit_key)(bp)


@bp.errorhandler(Problem)
def problem(error: Problem):
    return problem_response(error.status, error.detail, error.kind, headers=error.headers, **error.extra)


@bp.get("/openapi.json")
@limiter.exempt
def openapi():
    return jsonify(document())


@bp.get("/catalogue")
@require("appointments:read")
def catalogue():
    """The kinds of appointment and the things to bring, each shown to the client as a pictogram."""
    return jsonify({"kinds": list(APPOINTMENT_KINDS), "bring": list(BRING_ITEMS)})


@bp.get("/clients")
@require("appointments:read")
def clients():
    links = partners.linked_clients(g.organisation_id)
    return jsonify({"clients": [{"client_ref": link.client_ref, "first_name": link.client.display_name,
                                 "language": link.client.language, "linked_at": iso(link.created_at)}
                                for link in links]})


def _own_appointment(appointment_id: int):
    """The appointment and its client_ref, or a 404 when it is not this partner's or the client unlinked."""
    found = partners.appointment_of(g.organisation_id, appointment_id)
    if found is None:
        raise Problem(404, "No such appointment for your organisation.", "not-found")
    return found


def _document(appointment, client_ref):
    db.session.flush()
    db.session.refresh(appointment)  # reminders and updated_at as stored
    return jsonify(appointment_document(appointment, client_ref))


@bp.get("/appointments")
@require("appointments:read")
def list_appointments():
    since = None
    if "updated_since" in request.args:
        errors = []
        since = parse_time(request.args["updated_since"], "updated_since", errors)
        if errors:
            raise Problem(400, "updated_since must be an RFC 3339 date-time with a time zone.", "invalid-params",
                          **{"invalid-params": errors})
    documents = [appointment_document(a, ref) for a, ref in partners.appointments_of(g.organisation_id, since)]
    return jsonify({"appointments": documents,
                    "next_updated_since": documents[-1]["updated_at"] if documents else request.args.get(
                        "updated_since")})


@bp.post("/appointments")
@require("appointments:write")
@idempotent
def create_appointment():
    fields = appointment_fields(json_body(), creating=True)
    link = partners.linked_client(g.organisation_id, fields.pop("client_ref"))
    if link is None:
        raise Problem(404, "No client with this client_ref has linked your organisation.", "client-not-found")
    appointment = partners.plan(link, fields["kind"], fields["starts_at"], fields["ends_at"], place=fields["place"],
                                bring=fields["bring"], note=fields["note"], offsets=fields["reminder_offsets"],
                                partner_ref=fields["partner_ref"])
    response = _document(appointment, link.client_ref)
    response.status_code = 201
    response.headers["Location"] = url_for("partner_api.get_appointment", appointment_id=appointment.id)
    return response


@bp.get("/appointments/<int:appointment_id>")
@require("appointments:read")
def get_appointment(appointment_id):
    return jsonify(appointment_document(*_own_appointment(appointment_id)))


@bp.patch("/appointments/<int:appointment_id>")
@require("appointments:write")
def move_appointment(appointment_id):
    appointment, client_ref = _own_appointment(appointment_id)
    fields = appointment_fields(json_body(), creating=False, current=appointment)
    if appointment.status == "cancelled":
        raise Problem(409, "This appointment was cancelled.", "cancelled")
    partners.move(appointment, **fields)
    return _document(appointment, client_ref)


@bp.post("/appointments/<int:appointment_id>/cancel")
@require("appointments:write")
@idempotent
def cancel_appointment(appointment_id):
    appointment, client_ref = _own_appointment(appointment_id)
    if appointment.status != "cancelled":
        partners.cancel(appointment)
    return _document(appointment, client_ref)
