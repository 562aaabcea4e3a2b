"""The OpenAPI 3.1 description of the partner API, served at /api/v1/openapi.json."""

from webapp.domain.catalogue import APPOINTMENT_KINDS, BRING_ITEMS
from webapp.models import CHANNELS, REPLIES
from webapp.partner_api.schema import MAX_OFFSET

DATE_TIME = {"type": "string", "format": "date-time"}
NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}


def _problem(description):
    return {"description": description,
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}


ERRORS = {
    "401": _problem("No valid token"),
    "403": _problem("The token lacks the scope"),
    "429": {**_problem("Too many requests"),
            "headers": {"Retry-After": {"schema": {"type": "string"}, "description": "Seconds to wait"}}},
}
IDEMPOTENCY_KEY = {"name": "Idempotency-Key", "in": "header", "required": True,
                   "description": "Unique per intended action; a retry with the same key and body gets the first "
                                  "response. Kept for at least 24 hours.",
                   "schema": {"type": "string", "minLength": 1, "maxLength": 255}}
APPOINTMENT_ID = {"name": "appointment_id", "in": "path", "required": True,
                  "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}}
OFFSETS = {"type": ["array", "null"], "minItems": 1, "maxItems": 5, "uniqueItems": True,
           "items": {"type": "integer", "minimum": 5, "maximum": MAX_OFFSET},
           "description": "Minutes before the start. Default: the evening before (18:00) and two hours before."}
TEXT = {"type": ["string", "null"], "minLength": 1, "pattern": r"\S"}
STARTS = {**DATE_TIME, "description": "RFC 3339 with an offset from -14:00 to +14:00; still to come, within a "
                                      "year. The client sees it in Europe/Brussels time."}
ENDS = {**NULLABLE_TIME, "description": "After starts_at, at most 24 hours later"}


def _json(schema_ref):
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_ref}"}}}


def document() -> dict:
    appointment_ok = {"description": "The appointment", "content": _json("Appointment")}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Stapstenen partner API",
            "version": "1.0.0",
            "description": "Plan appointments with clients who linked your organisation, and learn whether they "
                           "are coming. Every POST needs an Idempotency-Key. Errors are RFC 9457 problem details.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": {
            "/catalogue": {"get": {
                "operationId": "catalogue", "summary": "Kinds of appointment and things to bring",
                "responses": {"200": {"description": "The lists", "content": _json("Catalogue")}, **ERRORS}}},
            "/clients": {"get": {
                "operationId": "listClients", "summary": "Clients who linked your organisation",
                "responses": {"200": {"description": "The clients", "content": _json("ClientList")}, **ERRORS}}},
            "/appointments": {
                "get": {
                    "operationId": "listAppointments", "summary": "Your appointments, oldest change first",
                    "parameters": [{"name": "updated_since", "in": "query", "required": False,
                                    "schema": DATE_TIME}],
                    "responses": {"200": {"description": "Appointments changed since the given time",
                                          "content": _json("AppointmentList")},
                                  "400": _problem("updated_since is not a date-time"), **ERRORS}},
                "post": {
                    "operationId": "createAppointment", "summary": "Plan an appointment with a linked client",
                    "parameters": [IDEMPOTENCY_KEY],
                    "requestBody": {"required": True, "content": _json("AppointmentCreate")},
                    "responses": {
                        "201": {**appointment_ok, "headers": {"Location": {"schema": {"type": "string"}}}},
                        "400": _problem("Missing Idempotency-Key or not a JSON object"),
                        "404": _problem("No linked client with this client_ref"),
                        "409": _problem("The first request with this key is still in flight"),
                        "415": _problem("Not JSON"),
                        "422": _problem("Fields need other values, or the key was used with another body"),
                        **ERRORS}}},
            "/appointments/{appointment_id}": {
                "parameters": [APPOINTMENT_ID],
                "get": {"operationId": "getAppointment", "summary": "One appointment, with reply and reminders",
                        "responses": {"200": appointment_ok, "404": _problem("Not yours, or unlinked"), **ERRORS}},
                "patch": {
                    "operationId": "moveAppointment", "summary": "Move it, or change place, things to bring, note",
                    "requestBody": {"required": True, "content": _json("AppointmentMove")},
                    "responses": {"200": appointment_ok, "400": _problem("Not a JSON object"),
                                  "404": _problem("Not yours, or unlinked"),
                                  "409": _problem("Cancelled"), "415": _problem("Not JSON"),
                                  "422": _problem("Fields need other values"), **ERRORS}}},
            "/appointments/{appointment_id}/cancel": {
                "parameters": [APPOINTMENT_ID],
                "post": {"operationId": "cancelAppointment", "summary": "Cancel; the client's reminders stop",
                         "parameters": [IDEMPOTENCY_KEY],
                         "responses": {"200": appointment_ok,
                                       "400": _problem("Missing Idempotency-Key"),
                                       "404": _problem("Not yours, or unlinked"),
                                       "409": _problem("The first request with this key is still in flight"),
                                       "422": _problem("The key was used with another request"), **ERRORS}}},
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "A partner token: flask --app webapp partners token ORG"}},
            "schemas": {
                "Problem": {"type": "object", "required": ["type", "title", "status", "detail"], "properties": {
                    "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
                    "detail": {"type": "string"}, "instance": {"type": "string"},
                    "invalid-params": {"type": "array", "items": {
                        "type": "object", "properties": {"name": {"type": "string"}, "reason": {"type": "string"}}}}}},
                "Catalogue": {"type": "object", "required": ["kinds", "bring"], "properties": {
                    "kinds": {"type": "array", "items": {"enum": list(APPOINTMENT_KINDS)}},
                    "bring": {"type": "array", "items": {"enum": list(BRING_ITEMS)}}}},
                "ClientList": {"type": "object", "required": ["clients"], "properties": {"clients": {
                    "type": "array", "items": {"type": "object",
                                               "required": ["client_ref", "first_name", "linked_at"],
                                               "properties": {"client_ref": {"type": "string"},
                                                              "first_name": {"type": "string"},
                                                              "language": {"type": ["string", "null"]},
                                                              "linked_at": DATE_TIME}}}}},
                "AppointmentCreate": {
                    "type": "object", "additionalProperties": False,
                    "required": ["client_ref", "kind", "starts_at"],
                    "properties": {
                        "client_ref": {"type": "string", "minLength": 1, "maxLength": 24, "pattern": r"\S"},
                        "kind": {"enum": list(APPOINTMENT_KINDS)},
                        "starts_at": STARTS, "ends_at": ENDS,
                        "place": {**TEXT, "maxLength": 200},
                        "bring": {"type": "array", "uniqueItems": True, "items": {"enum": list(BRING_ITEMS)}},
                        "note": {**TEXT, "maxLength": 280, "description": "Short, in plain Dutch"},
                        "reminder_offsets": OFFSETS,
                        "partner_ref": {**TEXT, "maxLength": 64, "description": "Your own id, returned as is"}}},
                "AppointmentMove": {
                    "type": "object", "additionalProperties": False, "minProperties": 1,
                    "properties": {"starts_at": STARTS, "ends_at": ENDS,
                                   "place": {**TEXT, "maxLength": 200},
                                   "bring": {"type": "array", "uniqueItems": True,
                                             "items": {"enum": list(BRING_ITEMS)}},
                                   "note": {**TEXT, "maxLength": 280}, "reminder_offsets": OFFSETS}},
                "Appointment": {
                    "type": "object",
                    "required": ["id", "client_ref", "kind", "starts_at", "status", "reply", "reminders",
                                 "created_at", "updated_at"],
                    "properties": {
                        "id": {"type": "integer"}, "client_ref": {"type": "string"},
                        "kind": {"enum": list(APPOINTMENT_KINDS)},
                        "starts_at": DATE_TIME, "ends_at": NULLABLE_TIME,
                        "place": {"type": ["string", "null"]},
                        "bring": {"type": "array", "items": {"enum": list(BRING_ITEMS)}},
                        "note": {"type": ["string", "null"]},
                        "reminder_offsets": {"type": ["array", "null"], "items": {"type": "integer"}},
                        "partner_ref": {"type": ["string", "null"]},
                        "status": {"enum": ["planned", "cancelled"]},
                        "reply": {"oneOf": [{"type": "null"}, {
                            "type": "object", "required": ["answer", "at"],
                            "properties": {"answer": {"enum": list(REPLIES)}, "at": DATE_TIME}}]},
                        "reminders": {"type": "array", "items": {
                            "type": "object", "required": ["channel", "due_at", "status", "attempts"],
                            "properties": {
                                "channel": {"enum": list(CHANNELS)}, "due_at": DATE_TIME,
                                "status": {"enum": ["pending", "sent", "skipped", "failed", "cancelled"]},
                                "attempts": {"type": "integer"}, "sent_at": NULLABLE_TIME}}},
                        "created_at": DATE_TIME, "updated_at": DATE_TIME}},
                "AppointmentList": {"type": "object", "required": ["appointments"], "properties": {
                    "appointments": {"type": "array", "items": {"$ref": "#/components/schemas/Appointment"}},
                    "next_updated_since": NULLABLE_TIME}},
            },
        },
    }
