"""What the phone's scripts send by themselves: "still here" while the client is busy on one page, and the
offline queue's doors for what the phone kept over a lock (webapp/client/phone.py)."""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.conftest import csrf_token, sign_in
from webapp.extensions import db
from webapp.models import Appointment, DeviceSession, Goal, Strength, utcnow


def _device(user):
    db.session.expire_all()
    return db.session.scalars(select(DeviceSession).where(DeviceSession.user_id == user.id)).one()


def test_still_here_keeps_a_busy_client_from_counting_as_idle(as_client, clock):
    client, user = as_client
    token = csrf_token(client, "/did-it")
    for _ in range(10):  # twenty minutes typing one win, the phone saying so every two minutes
        clock.shift(timedelta(minutes=2))
        response = client.post("/still-here", headers={"X-CSRFToken": token})
        assert response.status_code == 204 and response.get_data() == b""
    assert _device(user).last_seen_at == utcnow()
    assert client.get("/did-it").status_code == 200  # no PIN asked: the server saw the client all along


def test_still_here_after_the_idle_time_is_sent_to_the_pin_and_does_not_wake_the_phone(as_client, clock):
    client, user = as_client
    token = csrf_token(client, "/")
    seen = _device(user).last_seen_at
    clock.shift(timedelta(minutes=16))
    response = client.post("/still-here", headers={"X-CSRFToken": token})
    assert response.status_code == 302 and response.location == "/unlock"  # lock.js locks on this answer
    assert _device(user).last_seen_at == seen
    assert client.get("/").location == "/unlock"


def test_still_here_needs_the_csrf_token_and_a_client(app, as_client):
    client, _user = as_client
    assert client.post("/still-here").status_code == 400
    laptop = app.test_client()
    sign_in(laptop, factories.staff())
    assert laptop.post("/still-here", headers={"X-CSRFToken": csrf_token(laptop, "/staff/")}).location == "/welcome"


# --- the queue's doors for a reply, a goal and a strength (wins: tests/test_offline.py) ----------------

QUEUE = {"X-Stapstenen-Queue": "1"}


def _send(test_client, path, body, headers=QUEUE):
    return test_client.post(path, json=body, headers=headers)


def _count(model):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_kept_goal_lands_once_and_a_replay_is_answered_like_the_first(as_client):
    client, _user = as_client
    body = {"client_uuid": str(uuid.uuid4()), "template": "find_job", "title": "  Bij Colruyt  "}
    first = _send(client, "/goals/sync", body)
    assert first.status_code == 201 and first.get_json()["url"] == "/goals"
    for _ in range(3):
        again = _send(client, "/goals/sync", body)
        assert again.status_code == 200 and again.get_json() == first.get_json()
    assert _count(Goal) == 1 and db.session.scalar(select(Goal.title)) == "Bij Colruyt"
    assert _send(client, "/goals/sync", {**body, "template": "bike"}).status_code == 409
    assert _count(Goal) == 1


def test_a_goal_posted_by_its_form_and_then_sent_by_the_queue_is_one_goal(as_client):
    """The race the queue covers: the form's post landed, but the page that proves it never came."""
    client, _user = as_client
    client_uuid = str(uuid.uuid4())
    token = csrf_token(client, "/goals/new?domain=work")
    posted = client.post("/goals/new", data={"csrf_token": token, "template": "find_job", "client_uuid": client_uuid})
    assert posted.status_code == 302
    again = _send(client, "/goals/sync", {"client_uuid": client_uuid, "template": "find_job", "title": None})
    assert again.status_code == 200
    assert _count(Goal) == 1


def test_a_kept_strength_in_own_words_lands_once(as_client):
    client, _user = as_client
    body = {"client_uuid": str(uuid.uuid4()), "own_words": "Ik kan goed luisteren"}
    assert _send(client, "/strengths/sync", body).status_code == 201
    assert _send(client, "/strengths/sync", body).status_code == 200
    assert _send(client, "/strengths/sync", {**body, "own_words": "Iets anders"}).status_code == 409
    assert _count(Strength) == 1
    token = csrf_token(client, "/strengths")
    client.post("/strengths", data={"csrf_token": token, "own_words": "Ik kan goed luisteren",
                                    "client_uuid": body["client_uuid"]})
    assert _count(Strength) == 1
    # A catalogue strength the client has already is kept once, and is not news.
    assert _send(client, "/strengths/sync", {"client_uuid": str(uuid.uuid4()), "key": "cooking"}).status_code == 201
    assert _send(client, "/strengths/sync", {"client_uuid": str(uuid.uuid4()), "key": "cooking"}).status_code == 200
    assert _count(Strength) == 2


def test_a_kept_reply_lands_and_the_same_answer_again_changes_nothing(as_client, clock):
    client, user = as_client
    appointment = factories.appointment(user)
    db.session.commit()
    body = {"client_uuid": str(uuid.uuid4()), "appointment": appointment.id, "answer": "need_help"}
    first = _send(client, "/week/sync", body)
    assert first.status_code == 201 and first.get_json()["url"] == f"/week#appointment-{appointment.id}"
    db.session.expire_all()
    replied_at = db.session.get(Appointment, appointment.id).replied_at
    clock.shift(timedelta(minutes=5))
    assert _send(client, "/week/sync", {**body, "client_uuid": str(uuid.uuid4())}).status_code == 200
    db.session.expire_all()
    stored = db.session.get(Appointment, appointment.id)
    assert (stored.reply, stored.replied_at) == ("need_help", replied_at)
    assert _send(client, "/week/sync", {**body, "answer": "coming"}).status_code == 201
    db.session.expire_all()
    assert db.session.get(Appointment, appointment.id).reply == "coming"


@pytest.mark.parametrize("path,body,status", [
    ("/goals/sync", {"template": "flying"}, 422),
    ("/goals/sync", {"template": "find_job", "title": "z" * 81}, 422),
    ("/goals/sync", {"template": "find_job", "title": 12}, 422),
    ("/goals/sync", {"template": ["find_job"]}, 422),
    ("/strengths/sync", {}, 422),
    ("/strengths/sync", {"own_words": "   "}, 422),
    ("/strengths/sync", {"key": "flying"}, 422),
    ("/strengths/sync", {"own_words": "a\u0000b"}, 422),
    ("/week/sync", {"appointment": "{mine}", "answer": "maybe"}, 422),
    ("/week/sync", {"appointment": 999999, "answer": "coming"}, 404),
    ("/week/sync", {"appointment": 2 ** 70, "answer": "coming"}, 404),
    ("/week/sync", {"appointment": True, "answer": "coming"}, 404),
    ("/week/sync", {"appointment": "²", "answer": "coming"}, 404),
    ("/week/sync", {"appointment": -1, "answer": "coming"}, 404),
    ("/week/sync", {"appointment": "{cancelled}", "answer": "coming"}, 409),
    ("/week/sync", {"appointment": "{other}", "answer": "coming"}, 404),  # another client's looks missing
])
def test_an_item_refused_for_good_says_why(as_client, path, body, status):
    client, user = as_client
    mine, cancelled = factories.appointment(user), factories.appointment(user)
    cancelled.status = "cancelled"
    other = factories.appointment(factories.client())
    db.session.commit()
    rows = {"{mine}": mine.id, "{cancelled}": cancelled.id, "{other}": other.id}
    body = {"client_uuid": str(uuid.uuid4()), **body}
    body["appointment"] = rows.get(body.get("appointment"), body.get("appointment"))
    response = _send(client, path, body)
    assert response.status_code == status and response.get_json()["reason"]
    assert _count(Goal) == _count(Strength) == 0
    db.session.expire_all()
    assert db.session.get(Appointment, mine.id).reply is None


@pytest.mark.parametrize("path", ["/goals/sync", "/strengths/sync", "/week/sync", "/wins/sync"])
def test_every_door_wants_the_queue_its_uuid_and_a_client(app, as_client, path):
    client, _user = as_client
    body = {"client_uuid": str(uuid.uuid4()), "template": "find_job", "own_words": "x", "answer": "coming"}
    assert _send(client, path, body, headers={}).status_code == 400  # a plain cross-site form cannot add it
    assert client.post(path, data=body, headers=QUEUE).status_code == 400  # nor send JSON
    assert _send(client, path, body, headers={**QUEUE, "Origin": "https://evil.example"}).status_code == 403
    assert _send(client, path, {**body, "client_uuid": "not-a-uuid"}).get_json()["reason"] == "client_uuid"
    assert _send(client, path, [body]).status_code == 422
    assert _send(app.test_client(), path, body).get_json() == {"status": 401, "reason": "sign-in"}
    laptop = app.test_client()
    sign_in(laptop, factories.staff())
    assert _send(laptop, path, body).status_code == 401  # staff keep nothing in a client's queue
    assert _count(Goal) == _count(Strength) == 0
