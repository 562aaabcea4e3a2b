"""The offline queue's door: wins sent later, exactly once, with answers that tell the queue what to do."""

import threading
import uuid

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.conftest import sign_in
from webapp.extensions import db
from webapp.models import Win

QUEUE = {"X-Stapstenen-Queue": "1"}


def send(test_client, body, headers=QUEUE):
    return test_client.post("/wins/sync", json=body, headers=headers)


def wins():
    return db.session.scalar(select(func.count()).select_from(Win))


def test_a_queued_win_lands_once_and_a_replay_is_answered_like_the_first(as_client):
    client, _user = as_client
    body = {"client_uuid": str(uuid.uuid4()), "pick": "win:bus", "mood": "good"}
    first = send(client, body)
    assert first.status_code == 201 and first.get_json()["url"].startswith("/wins/")
    for _ in range(3):
        again = send(client, body)
        assert again.status_code == 200 and again.get_json() == first.get_json()
    assert wins() == 1 and db.session.scalar(select(Win.mood)) == "good"


def test_the_same_uuid_with_other_content_is_a_conflict(as_client):
    client, _user = as_client
    body = {"client_uuid": str(uuid.uuid4()), "pick": "win:bus"}
    send(client, body)
    assert send(client, {**body, "pick": "win:cooked"}).status_code == 409
    assert wins() == 1


def test_twenty_concurrent_replays_of_one_uuid_keep_one_row(app, as_client):
    client, _user = as_client
    cookies = {c.key: c.value for c in client._cookies.values()}
    body = {"client_uuid": str(uuid.uuid4()), "pick": "win:letters"}
    codes = []

    def replay():
        own = app.test_client()
        for key, value in cookies.items():
            own.set_cookie(key, value)
        codes.append(send(own, body).status_code)

    threads = [threading.Thread(target=replay) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [200] * 19 + [201]
    assert wins() == 1


@pytest.mark.parametrize("body,status", [
    ({"client_uuid": "not-a-uuid", "pick": "win:bus"}, 422),
    ({"client_uuid": str(uuid.uuid4()), "pick": "win:flying"}, 422),
    ({"client_uuid": str(uuid.uuid4()), "pick": "goal:999999"}, 404),
    ({"client_uuid": str(uuid.uuid4()), "pick": "win:bus", "mood": "ecstatic"}, 422),
    ({"client_uuid": str(uuid.uuid4()), "pick": "win:bus", "text": "z" * 141}, 422),
    ([1, 2, 3], 422),
])
def test_a_win_rejected_for_good_says_why(as_client, body, status):
    client, _user = as_client
    response = send(client, body)
    assert response.status_code == status and response.get_json()["reason"]
    assert wins() == 0


def test_not_signed_in_keeps_the_win_in_the_queue(app):
    response = send(app.test_client(), {"client_uuid": str(uuid.uuid4()), "pick": "win:bus"})
    assert response.status_code == 401 and response.get_json()["reason"] == "sign-in"


def test_staff_cannot_log_wins(app):
    laptop = app.test_client()
    sign_in(laptop, factories.staff())
    assert send(laptop, {"client_uuid": str(uuid.uuid4()), "pick": "win:bus"}).status_code == 401


def test_another_clients_goal_is_not_found(app, as_client):
    client, _user = as_client
    other_goal = factories.goal(factories.client())
    db.session.commit()
    assert send(client, {"client_uuid": str(uuid.uuid4()), "pick": f"goal:{other_goal.id}"}).status_code == 404


def test_only_same_origin_json_with_the_queue_header(as_client):
    client, _user = as_client
    body = {"client_uuid": str(uuid.uuid4()), "pick": "win:bus"}
    assert send(client, body, headers={}).status_code == 400  # a plain cross-site form cannot add the header
    assert client.post("/wins/sync", data=body, headers=QUEUE).status_code == 400  # nor send JSON
    assert send(client, body, headers={**QUEUE, "Origin": "https://evil.example"}).status_code == 403
    assert wins() == 0
