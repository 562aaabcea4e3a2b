"""Partner API v1: tokens, links, appointments, idempotency, problem details, rate limits."""

import hashlib
import json
import threading
import uuid
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.conftest import csrf_token, sign_in
from webapp.domain import partners
from webapp.extensions import db, limiter
from webapp.models import ApiToken, Appointment, IdempotencyRecord, Reminder, utcnow


@pytest.fixture
def api(app):
    """A partner with a token, a linked client, and a helper to call the API as that partner."""
    org = factories.organisation(name="VDAB Willebroek")
    other_org = factories.organisation(name="Sociale dienst Bornem")
    client_user = factories.client(display_name="Saled", language="ar")
    link = partners.link(client_user, org)
    token = partners.create_token(org)
    other_token = partners.create_token(other_org)
    db.session.commit()
    test_client = app.test_client()

    def call(method, path, json=None, token=token, key="auto", headers=None):
        sent = {"Authorization": f"Bearer {token}"} if token else {}
        if method == "POST" and key:
            sent["Idempotency-Key"] = str(uuid.uuid4()) if key == "auto" else key
        sent.update(headers or {})
        return test_client.open(f"/api/v1{path}", method=method, json=json, headers=sent)

    return {"call": call, "org": org, "other_org": other_org, "client": client_user, "link": link,
            "token": token, "other_token": other_token}


def in_two_days_at(hour, minute=0):
    """The day after tomorrow (Brussels) by the frozen clock: its evening-before reminder is never past yet."""
    return factories.brussels(2, hour, minute).isoformat()


def new_appointment(api, **overrides):
    body = {"client_ref": api["link"].client_ref, "kind": "job_interview", "starts_at": in_two_days_at(9),
            "ends_at": in_two_days_at(10), "place": "Stationsstraat 52, Willebroek", "bring": ["id_card"],
            "note": "Kom 10 minuten vroeger.", **overrides}
    response = api["call"]("POST", "/appointments", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_tokens_are_stored_as_sha256_with_a_prefix(api):
    stored = db.session.scalars(select(ApiToken)).all()
    assert api["token"].startswith("stp_") and len(api["token"]) > 40
    for row in stored:
        assert api["token"] not in (row.token_hash, row.prefix) and len(row.token_hash) == 64
    assert any(api["token"].startswith(row.prefix) for row in stored)


@pytest.mark.parametrize("header", [None, "Bearer ", "Bearer stp_wrong", "Basic abc", "stp_x"])
def test_no_valid_token_is_a_401_problem(api, header, app):
    response = app.test_client().get("/api/v1/appointments", headers={"Authorization": header} if header else {})
    assert response.status_code == 401
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    problem = response.get_json()
    assert problem["status"] == 401 and problem["title"] and problem["type"].startswith("https://")


def test_a_revoked_token_stops_at_once(api, runner):
    assert api["call"]("GET", "/appointments").status_code == 200
    result = runner.invoke(args=["partners", "revoke", api["token"][:12]])
    assert "1 token(s) revoked" in result.output
    assert api["call"]("GET", "/appointments").status_code == 401


def test_a_read_only_token_cannot_write(api, runner):
    token = runner.invoke(args=["partners", "token", "VDAB Willebroek", "--read-only"]).output.strip()
    assert api["call"]("GET", "/clients", token=token).status_code == 200
    response = api["call"]("POST", "/appointments", json={}, token=token)
    assert response.status_code == 403 and response.get_json()["type"].endswith("/scope")


def test_the_partner_sees_only_its_linked_clients(api):
    clients = api["call"]("GET", "/clients").get_json()["clients"]
    assert clients == [{"client_ref": api["link"].client_ref, "first_name": "Saled", "language": "ar",
                        "linked_at": clients[0]["linked_at"]}]
    assert api["call"]("GET", "/clients", token=api["other_token"]).get_json()["clients"] == []


def test_create_then_the_client_sees_it_in_their_week_in_their_language(app, api):
    document = new_appointment(api)
    assert document["status"] == "planned" and document["reply"] is None
    assert {r["channel"] for r in document["reminders"]} == {"push", "email", "sms"}
    phone = app.test_client()
    sign_in(phone, api["client"])
    week = phone.get("/week").get_data(as_text=True)
    assert f'id="appointment-{document["id"]}"' in week and 'lang="ar"' in week
    assert "Kom 10 minuten vroeger." in week


def test_the_reply_comes_back_to_the_partner(app, api, clock):
    document = new_appointment(api)
    clock.shift(timedelta(minutes=5))  # the client answers a little later (the clock stands still otherwise)
    phone = app.test_client()
    sign_in(phone, api["client"])
    phone.post(f"/week/{document['id']}/reply", data={"answer": "cannot_come", "csrf_token": csrf_token(phone, "/")})
    again = api["call"]("GET", f"/appointments/{document['id']}").get_json()
    assert again["reply"]["answer"] == "cannot_come" and again["reply"]["at"].endswith("Z")
    changed = api["call"]("GET", f"/appointments?updated_since={document['updated_at']}").get_json()
    assert [a["id"] for a in changed["appointments"]] == [document["id"]]


def test_default_reminders_are_the_evening_before_and_two_hours_before(api):
    document = new_appointment(api, starts_at=in_two_days_at(9), ends_at=None)
    offsets = sorted({r["due_at"] for r in document["reminders"]})
    starts = datetime.fromisoformat(document["starts_at"].replace("Z", "+00:00"))
    two_hours = (starts - timedelta(hours=2)).isoformat().replace("+00:00", "Z")
    assert two_hours in offsets and len(offsets) == 2


def test_own_offsets_override_the_defaults(api):
    document = new_appointment(api, starts_at=in_two_days_at(15), ends_at=None, reminder_offsets=[60, 30])
    assert document["reminder_offsets"] == [60, 30]
    assert len({r["due_at"] for r in document["reminders"]}) == 2


def test_move_and_cancel(api):
    document = new_appointment(api)
    moved = api["call"]("PATCH", f"/appointments/{document['id']}",
                        json={"starts_at": in_two_days_at(13), "ends_at": in_two_days_at(14), "place": "Markt 1"})
    assert moved.status_code == 200
    body = moved.get_json()
    assert body["place"] == "Markt 1" and body["starts_at"] != document["starts_at"]
    assert body["updated_at"] >= document["updated_at"]
    statuses = db.session.scalars(select(Reminder.status).where(Reminder.appointment_id == document["id"])).all()
    assert statuses.count("cancelled") == 6 and statuses.count("pending") == 6  # old ones stopped, new ones planned
    cancelled = api["call"]("POST", f"/appointments/{document['id']}/cancel")
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    assert all(r["status"] == "cancelled" for r in cancelled.get_json()["reminders"])
    again = api["call"]("PATCH", f"/appointments/{document['id']}", json={"place": "Elders"})
    assert again.status_code == 409


def test_another_partner_never_reaches_the_appointment_or_the_client(api):
    document = new_appointment(api)
    other = api["other_token"]
    assert api["call"]("GET", f"/appointments/{document['id']}", token=other).status_code == 404
    assert api["call"]("PATCH", f"/appointments/{document['id']}", json={"place": "X"}, token=other).status_code == 404
    assert api["call"]("POST", f"/appointments/{document['id']}/cancel", token=other).status_code == 404
    assert api["call"]("GET", "/appointments", token=other).get_json()["appointments"] == []
    create = api["call"]("POST", "/appointments", token=other,
                         json={"client_ref": api["link"].client_ref, "kind": "intake", "starts_at": in_two_days_at(9)})
    assert create.status_code == 404  # not 403: the partner cannot even learn that the client exists


def test_unlinking_stops_the_partner_on_its_next_request(app, api):
    document = new_appointment(api)
    phone = app.test_client()
    sign_in(phone, api["client"])
    phone.post(f"/partners/{api['org'].id}/unlink", data={"csrf_token": csrf_token(phone, "/")})
    assert api["call"]("GET", f"/appointments/{document['id']}").status_code == 404
    assert api["call"]("GET", "/clients").get_json()["clients"] == []
    assert api["call"]("GET", "/appointments").get_json()["appointments"] == []


@pytest.mark.parametrize("body,field", [
    ({"kind": "party"}, "kind"),
    ({"starts_at": "tomorrow at nine"}, "starts_at"),
    ({"starts_at": "2026-12-01T10:00:00"}, "starts_at"),  # no time zone
    ({"ends_at": "2000-01-01T00:00:00Z"}, "ends_at"),
    ({"bring": ["passport"]}, "bring"),
    ({"bring": "id_card"}, "bring"),
    ({"note": "x" * 281}, "note"),
    ({"reminder_offsets": [1]}, "reminder_offsets"),
    ({"reminder_offsets": [True]}, "reminder_offsets"),
    ({"colour": "blue"}, "colour"),
])
def test_bad_fields_get_a_422_with_a_reason_per_field(api, body, field):
    full = {"client_ref": api["link"].client_ref, "kind": "intake", "starts_at": in_two_days_at(9), **body}
    response = api["call"]("POST", "/appointments", json=full)
    assert response.status_code == 422 and response.headers["Content-Type"] == "application/problem+json"
    assert field in [p["name"] for p in response.get_json()["invalid-params"]]
    assert db.session.scalar(select(func.count()).select_from(Appointment)) == 0


EDGES = ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z",
         "2026-12-01T10:00:00+24:00", "2026-12-01T10:00:00+14:01", "2026-12-01T10:00:00-99:99", "2026-02-30T10:00:00Z",
         "2026-12-01T24:00:00Z", "2026-12-01T10:00:60Z", "\u0662\u0660\u0662\u0666-12-01T10:00:00Z", "+2026-12-01",
         "2026-12-01", "20261201T100000Z", "", " ", "0", "1e400", 1764583200, None, ["2026-12-01T10:00:00Z"]]


@pytest.mark.parametrize("value", EDGES)
def test_a_start_at_the_edges_of_the_calendar_is_a_422_never_a_500(api, value):
    response = api["call"]("POST", "/appointments", json={"client_ref": api["link"].client_ref, "kind": "intake",
                                                          "starts_at": value})
    assert response.status_code == 422 and response.headers["Content-Type"] == "application/problem+json"
    assert [p["name"] for p in response.get_json()["invalid-params"]] == ["starts_at"]


@pytest.mark.parametrize("value", [v for v in EDGES if v is not None])
def test_an_end_at_the_edges_is_a_422_on_create_and_on_move(api, value):
    full = {"client_ref": api["link"].client_ref, "kind": "intake", "starts_at": in_two_days_at(9), "ends_at": value}
    response = api["call"]("POST", "/appointments", json=full)
    assert response.status_code == 422 and "ends_at" in [p["name"] for p in response.get_json()["invalid-params"]]
    document = new_appointment(api)
    for field in ("starts_at", "ends_at"):
        moved = api["call"]("PATCH", f"/appointments/{document['id']}", json={field: value})
        assert moved.status_code == 422, (field, moved.get_json())


def test_the_widest_time_zones_in_use_are_fine(api):
    """+14:00 (Kiribati) and -12:00 are real offsets: the same instant, written from far away."""
    starts = factories.brussels(2, 9)
    east = starts.astimezone(timezone(timedelta(hours=14))).isoformat()
    west = (starts + timedelta(hours=1)).astimezone(timezone(timedelta(hours=-12))).isoformat()
    document = new_appointment(api, starts_at=east, ends_at=west)
    assert document["starts_at"] == starts.isoformat().replace("+00:00", "Z")
    assert document["ends_at"] == (starts + timedelta(hours=1)).isoformat().replace("+00:00", "Z")


@pytest.mark.parametrize("minutes_ago", [0, 1, 60 * 24 * 400])
def test_a_start_in_the_past_is_refused_as_the_form_refuses_it(api, minutes_ago):
    past = (utcnow() - timedelta(minutes=minutes_ago)).isoformat()
    response = api["call"]("POST", "/appointments", json={"client_ref": api["link"].client_ref, "kind": "intake",
                                                          "starts_at": past})
    assert response.status_code == 422
    assert response.get_json()["invalid-params"] == [{"name": "starts_at", "reason": "in the future"}]
    assert db.session.scalar(select(func.count()).select_from(Appointment)) == 0
    document = new_appointment(api)
    moved = api["call"]("PATCH", f"/appointments/{document['id']}", json={"starts_at": past})
    assert moved.status_code == 422 and moved.get_json()["invalid-params"][0]["name"] == "starts_at"


def test_an_end_not_after_the_start_is_refused_also_when_only_the_end_moves(api):
    document = new_appointment(api, starts_at=in_two_days_at(9), ends_at=in_two_days_at(10))
    same = api["call"]("POST", "/appointments", json={"client_ref": api["link"].client_ref, "kind": "intake",
                                                      "starts_at": in_two_days_at(9), "ends_at": in_two_days_at(9)})
    assert same.status_code == 422
    for ends in (in_two_days_at(8), in_two_days_at(9), factories.brussels(3, 9, 1).isoformat()):
        moved = api["call"]("PATCH", f"/appointments/{document['id']}", json={"ends_at": ends})
        assert moved.status_code == 422 and moved.get_json()["invalid-params"][0]["name"] == "ends_at"
    assert api["call"]("PATCH", f"/appointments/{document['id']}",
                       json={"ends_at": in_two_days_at(11)}).status_code == 200


@pytest.mark.parametrize("value", [v for v in EDGES if isinstance(v, str) and v.strip()
                                   and v not in ("9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z")])
def test_updated_since_at_the_edges_is_a_400_problem_never_a_500(api, value):
    response = api["call"]("GET", f"/appointments?updated_since={quote(value)}")
    assert response.status_code == 400 and response.headers["Content-Type"] == "application/problem+json"
    assert response.get_json()["invalid-params"][0]["name"] == "updated_since"


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2026-01-01T00:00:00+14:00"])
def test_updated_since_may_be_any_instant_in_the_calendar(api, value):
    document = new_appointment(api)
    response = api["call"]("GET", f"/appointments?updated_since={quote(value)}")
    assert response.status_code == 200
    expected = [] if value.startswith("9999") else [document["id"]]
    assert [a["id"] for a in response.get_json()["appointments"]] == expected


def test_not_json_is_415_and_not_an_object_is_400(api):
    assert api["call"]("POST", "/appointments", headers={"Content-Type": "text/plain"}).status_code == 415
    assert api["call"]("POST", "/appointments", json=[1, 2]).status_code == 400
    assert api["call"]("GET", "/appointments?updated_since=yesterday").status_code == 400
    assert api["call"]("DELETE", "/appointments").status_code == 405
    assert api["call"]("GET", "/nowhere").headers["Content-Type"] == "application/problem+json"


# --- idempotency ---------------------------------------------------------------------------------

def test_a_post_without_an_idempotency_key_is_400(api):
    response = api["call"]("POST", "/appointments", json={}, key=None)
    assert response.status_code == 400 and response.get_json()["type"].endswith("idempotency-key-missing")


def test_a_replay_gets_the_first_response_and_makes_nothing_new(api):
    body = {"client_ref": api["link"].client_ref, "kind": "intake", "starts_at": in_two_days_at(11)}
    first = api["call"]("POST", "/appointments", json=body, key="plan-42")
    second = api["call"]("POST", "/appointments", json=body, key="plan-42")
    assert first.status_code == second.status_code == 201
    assert first.get_json() == second.get_json() and second.headers["Idempotent-Replayed"] == "true"
    assert second.headers["Location"] == first.headers["Location"]
    assert db.session.scalar(select(func.count()).select_from(Appointment)) == 1


def test_the_same_key_with_another_body_is_422(api):
    body = {"client_ref": api["link"].client_ref, "kind": "intake", "starts_at": in_two_days_at(11)}
    api["call"]("POST", "/appointments", json=body, key="plan-43")
    response = api["call"]("POST", "/appointments", json={**body, "kind": "doctor"}, key="plan-43")
    assert response.status_code == 422 and response.get_json()["type"].endswith("idempotency-mismatch")


def test_a_replay_while_the_first_is_in_flight_is_409(api):
    db.session.add(IdempotencyRecord(organisation_id=api["org"].id, key="slow-1", request_hash="0" * 64))
    db.session.commit()
    response = api["call"]("POST", "/appointments", json={}, key="slow-1")
    assert response.status_code in (409, 422)
    body = {"client_ref": api["link"].client_ref, "kind": "intake", "starts_at": in_two_days_at(11)}
    digest = hashlib.sha256()  # the fingerprint of the body the test client will send
    for part in (b"POST", b"/api/v1/appointments", json.dumps(body).encode()):
        digest.update(part)
        digest.update(b"\0")
    db.session.add(IdempotencyRecord(organisation_id=api["org"].id, key="slow-2", request_hash=digest.hexdigest()))
    db.session.commit()
    in_flight = api["call"]("POST", "/appointments", json=body, key="slow-2")
    assert in_flight.status_code == 409 and in_flight.get_json()["type"].endswith("idempotency-in-flight")


def test_keys_belong_to_one_partner(api):
    other_link = partners.link(api["client"], api["other_org"])
    db.session.commit()
    mine = api["call"]("POST", "/appointments", key="k-1",
                       json={"client_ref": api["link"].client_ref, "kind": "intake", "starts_at": in_two_days_at(9)})
    theirs = api["call"]("POST", "/appointments", key="k-1", token=api["other_token"],
                         json={"client_ref": other_link.client_ref, "kind": "intake", "starts_at": in_two_days_at(9)})
    assert mine.status_code == theirs.status_code == 201 and mine.get_json()["id"] != theirs.get_json()["id"]


def test_keys_are_kept_for_at_least_a_day(api):
    body = {"client_ref": api["link"].client_ref, "kind": "intake", "starts_at": in_two_days_at(11)}
    api["call"]("POST", "/appointments", json=body, key="day-old")
    record = db.session.scalar(select(IdempotencyRecord).where(IdempotencyRecord.key == "day-old"))
    record.created_at = utcnow() - timedelta(hours=25)
    db.session.commit()
    api["call"]("POST", "/appointments", json={**body, "starts_at": in_two_days_at(12)})  # prunes old keys
    replay = api["call"]("POST", "/appointments", json=body, key="day-old")
    assert replay.headers.get("Idempotent-Replayed") == "true"
    assert db.session.scalar(select(func.count()).select_from(Appointment)) == 2


def test_concurrent_replays_make_one_appointment(app, api):
    body = {"client_ref": api["link"].client_ref, "kind": "intake", "starts_at": in_two_days_at(16)}
    codes = []

    def post():
        codes.append(app.test_client().post("/api/v1/appointments", json=body, headers={
            "Authorization": f"Bearer {api['token']}", "Idempotency-Key": "race-1"}).status_code)

    threads = [threading.Thread(target=post) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert set(codes) <= {201, 409} and 201 in codes
    assert db.session.scalar(select(func.count()).select_from(Appointment)) == 1


def test_the_rate_limit_answers_429_with_retry_after(app, api):
    limiter.reset()
    codes = [api["call"]("GET", "/clients").status_code for _ in range(121)]
    assert codes[:120] == [200] * 120
    last = api["call"]("GET", "/clients")
    assert last.status_code == 429 and last.headers["Content-Type"] == "application/problem+json"
    assert int(last.headers["Retry-After"]) > 0
    assert api["call"]("GET", "/clients", token=api["other_token"]).status_code == 200  # per token


def test_openapi_document_is_3_1_and_public(app):
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    assert {"/appointments", "/appointments/{appointment_id}", "/appointments/{appointment_id}/cancel",
            "/clients", "/catalogue"} <= set(document["paths"])
