"""What the fuzz (tests/test_fuzz.py) found: each input here gave a 500 (or an exception) before its fix."""

import json
import uuid
from datetime import timedelta
from urllib.parse import quote

import pytest
from flask_migrate import downgrade, upgrade

from tests import factories
from tests.conftest import csrf_token, sign_in
from tests.loopback import phone_keys
from webapp.domain import partners, sharing, trajectory
from webapp.extensions import db
from webapp.models import CATEGORIES, Strength, utcnow

MIGRATION_BEFORE = "c25e81511d34"  # the revision before e7b1f4c2a9d3, which mends stored strengths


def _post(test_client, path, data, **kwargs):
    return test_client.post(path, data={**data, "csrf_token": csrf_token(test_client, "/did-it")}, **kwargs)


@pytest.mark.parametrize("key", [" ", "\t", "\u3000", "\u00a0 "])
def test_a_whitespace_only_strength_key_is_not_stored(as_client, key):
    client, user = as_client
    assert _post(client, "/strengths", {"key": key}).status_code == 422  # neither a picture nor own words
    assert _post(client, "/strengths", {"key": key, "own_words": "Geduldig"}).status_code == 200
    assert [(s.key, s.own_words) for s in db.session.scalars(db.select(Strength))] == [(None, "Geduldig")]
    assert client.get("/strengths").status_code == 200


def test_a_strength_outside_the_catalogue_never_reaches_the_database(as_client):
    _client, user = as_client
    with pytest.raises(ValueError):
        trajectory.add_strength(user, key=" ")
    with pytest.raises(ValueError):
        trajectory.add_strength(user, key="flying")
    assert trajectory.add_strength(user, key=" cooking ").key == "cooking"


def test_the_migration_mends_strengths_stored_with_a_key_outside_the_catalogue(app, as_client, world_of_trust):
    client, user = as_client
    trust_person = world_of_trust(user)
    for key, own_words in ((" ", None), ("\u3000", "Ik kook graag "), ("\t", " "), ("cooking", None),
                           (None, "Geduldig")):
        db.session.add(Strength(client_id=user.id, key=key, own_words=own_words))
    db.session.commit()
    with pytest.raises(KeyError):  # what the client and their trust person got: a 500
        client.get("/strengths")
    db.session.remove()
    downgrade(revision=MIGRATION_BEFORE)
    upgrade()
    assert sorted((s.key or "", s.own_words or "") for s in db.session.scalars(db.select(Strength))) == [
        ("", "Geduldig"), ("", "Ik kook graag"), ("cooking", "")]
    assert client.get("/strengths").status_code == 200
    assert trust_person.get(f"/staff/clients/{user.id}/strengths").status_code == 200
    mended = db.session.scalar(db.select(Strength).where(Strength.own_words == "Ik kook graag"))
    assert _post(client, f"/strengths/{mended.id}/remove", {}).status_code == 302
    assert db.session.scalar(db.select(Strength.id).where(Strength.id == mended.id)) is None


@pytest.fixture
def world_of_trust(app):
    def make(client_user):
        """A trust person who sees everything client_user has, signed in on a test client of their own."""
        trust = factories.staff()
        client_user.trust_person = trust
        for category in CATEGORIES:
            sharing.grant(client_user, trust, category)
        db.session.commit()
        test_client = app.test_client()
        sign_in(test_client, trust)
        return test_client

    return make


@pytest.mark.parametrize("pick", ["goal:²", "goal:¹²", "goal:١", "goal:99999999999", "goal:9223372036854775808",
                                  "goal:" + "9" * 5000])
def test_odd_digits_or_a_huge_id_in_a_win_pick_is_refused(as_client, pick):
    client, user = as_client
    factories.goal(user)
    db.session.commit()
    form = {"pick": pick, "client_uuid": str(uuid.uuid4())}
    assert _post(client, "/did-it", form).status_code == 422
    queued = client.post("/wins/sync", json=form, headers={"X-Stapstenen-Queue": "1"})
    assert queued.status_code == 422 and queued.get_json()["reason"] == "pick"


@pytest.mark.parametrize("client_uuid", ["{0d6f2b34-93d3-4c47-9a0e-0a2f2c4b9d11}",
                                         "-0d6f2b34-93d3-4c47-9a0e-0a2f2c4b9d11",
                                         "urn:uuid:0d6f2b34-93d3-4c47-9a0e-0a2f2c4b9d11"])
def test_a_win_uuid_longer_than_its_column_is_refused(as_client, client_uuid):
    client, _user = as_client  # WTForms' UUID() took these; PostgreSQL then refused 37+ characters (a 500)
    assert _post(client, "/did-it", {"pick": "win:bus", "client_uuid": client_uuid}).status_code == 422


@pytest.mark.parametrize("token", ["²-abc", "¹²-abc", "99999999999-abc"])
def test_an_odd_calendar_token_is_not_found(client, token):
    # int("²") raised; 99999999999 passed the old length check and PostgreSQL refused it (integer out of range)
    assert client.get(f"/calendar/{quote(token)}.ics").status_code == 404


@pytest.mark.parametrize("body", [{"token": "\udfff", "answer": "coming"}, {"token": "a\ud800b", "answer": "coming"}])
def test_a_push_reply_token_with_a_lone_surrogate_is_refused(client, body):
    response = client.post("/push/reply", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 403


@pytest.mark.parametrize("path", ["/push/subscribe", "/push/unsubscribe"])
def test_a_push_endpoint_with_a_lone_surrogate_is_refused(as_client, path):
    client, _user = as_client
    body = json.dumps({"endpoint": "https://push.example.org/\ud800", "keys": phone_keys()[2]})
    response = client.post(path, data=body, content_type="application/json",
                           headers={"X-CSRFToken": csrf_token(client, "/did-it")})
    assert response.status_code in (204, 400)


@pytest.mark.parametrize("body", [{"lang": "nl", "text": "a\ud800b"}, {"lang": ["nl"], "text": "7"},
                                  {"lang": {"nl": 1}, "text": "7"}])
def test_read_aloud_refuses_text_it_cannot_encode_and_a_language_that_is_not_text(as_client, body):
    client, _user = as_client
    response = client.post("/speech", data=json.dumps(body), content_type="application/json",
                           headers={"X-CSRFToken": csrf_token(client, "/did-it")})
    assert response.status_code == 400


@pytest.mark.parametrize("body", [b"[" * 50000, b'{"a":' * 20000])
@pytest.mark.parametrize("path", ["/language", "/wins/sync", "/speech"])
def test_json_nested_too_deep_is_a_bad_request(as_client, path, body):
    client, _user = as_client
    response = client.post(path, data=body, content_type="application/json",
                           headers={"X-CSRFToken": csrf_token(client, "/did-it"), "X-Stapstenen-Queue": "1"})
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize("body", [[1, 2], "text", 5, [["a", "b", "c"]], {"own_words": 7}])
def test_a_form_never_reads_a_json_body(as_client, body):
    client, _user = as_client
    response = client.post("/strengths", json=body, headers={"X-CSRFToken": csrf_token(client, "/did-it")})
    assert response.status_code == 422
    assert db.session.scalar(db.select(db.func.count()).select_from(Strength)) == 0


@pytest.mark.parametrize("path,data", [("/strengths", {"own_words": "Koken\x00"}), ("/goals/new", {
    "template": "find_job", "title": "a\x00b"}), ("/did-it", {"pick": "win:bus", "text": "\x00"})])
def test_a_nul_character_in_a_form_is_refused(as_client, path, data):
    client, _user = as_client  # PostgreSQL cannot store one: a 500 there, a NUL in the data on SQLite
    assert _post(client, path, {"client_uuid": str(uuid.uuid4()), **data}).status_code == 422


def test_the_api_refuses_text_it_cannot_store(app, as_client):
    _client, user = as_client
    link = partners.link(user, factories.organisation())
    token = partners.create_token(link.organisation)
    db.session.commit()
    starts = (utcnow() + timedelta(days=2)).isoformat()
    for name, value in (("place", "a\ud800"), ("note", "\x00"), ("partner_ref", "\udfff"), ("client_ref", "\ud800")):
        body = {"client_ref": link.client_ref, "kind": "intake", "starts_at": starts, name: value}
        response = app.test_client().post("/api/v1/appointments", data=json.dumps(body), headers={
            "Authorization": f"Bearer {token}", "Idempotency-Key": f"k-{name}", "Content-Type": "application/json"})
        assert response.status_code == 422, name
        assert response.get_json()["invalid-params"][0]["name"] == name
    nested = app.test_client().post("/api/v1/appointments", data=b"[" * 50000, headers={
        "Authorization": f"Bearer {token}", "Idempotency-Key": "k-nested", "Content-Type": "application/json"})
    assert nested.status_code == 400
