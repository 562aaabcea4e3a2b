"""Finger or face (WebAuthn passkeys): made on one enrolled phone, they unlock that phone only, once per
challenge, and go with the phone. Answers come from a software authenticator (tests/soft_authenticator.py);
tests/browser/test_passkey.py does the same in Chromium with its virtual authenticator."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from webauthn.helpers import bytes_to_base64url

from tests import factories
from tests.conftest import csrf_token, sign_in
from tests.soft_authenticator import UP, SoftPasskey
from webapp.domain import auth
from webapp.extensions import db, limiter
from webapp.models import DeviceSession, Passkey, PasskeyChallenge, utcnow

REGISTER_OPTIONS, REGISTER = "/webauthn/register/options", "/webauthn/register"
UNLOCK_OPTIONS, UNLOCK = "/webauthn/unlock/options", "/webauthn/unlock"


def _post(test_client, path, body=None, token=None, **kwargs):
    token = token or csrf_token(test_client, "/staff/sign-in")
    return test_client.post(path, json={} if body is None else body, headers={"X-CSRFToken": token}, **kwargs)


def _problem(response, status, code):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status and body["code"] == code, body
    return body


def _options(test_client, path):
    response = _post(test_client, path)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def _enrol_passkey(test_client, soft=None):
    soft = soft or SoftPasskey()
    answer = soft.create(_options(test_client, REGISTER_OPTIONS))
    assert _post(test_client, REGISTER, answer).status_code == 201
    return soft


def _lock(test_client):
    test_client.post("/lock", data={"csrf_token": csrf_token(test_client)})
    assert test_client.get("/").location == "/unlock"


def _device(token):
    db.session.expire_all()
    return db.session.scalar(select(DeviceSession).where(DeviceSession.token_hash == auth.hash_token(token)))


def _count(model):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def phone(app):
    """A client's enrolled, unlocked phone (a test client), the client and the device's cookie token."""
    user = factories.client()
    test_client = app.test_client()
    token = sign_in(test_client, user)
    return test_client, user, token


# --- the happy path --------------------------------------------------------------------------------------

def test_a_passkey_made_after_the_pin_unlocks_the_phone_without_it(phone):
    test_client, user, token = phone
    options = _options(test_client, REGISTER_OPTIONS)
    assert options["rp"] == {"id": "localhost", "name": "Stapstenen"}
    assert options["authenticatorSelection"] == {"authenticatorAttachment": "platform", "residentKey": "preferred",
                                                 "requireResidentKey": False, "userVerification": "required"}
    assert options["user"]["name"] == user.display_name and str(user.id) != options["user"]["id"]
    soft = SoftPasskey()
    assert _post(test_client, REGISTER, soft.create(options)).get_json() == {"on": True}
    passkey = db.session.scalars(select(Passkey)).one()
    assert (passkey.device_session_id, passkey.user_id, passkey.credential_id) == (
        _device(token).id, user.id, soft.credential_id)

    _lock(test_client)
    unlock = _options(test_client, UNLOCK_OPTIONS)
    assert unlock["userVerification"] == "required" and unlock["rpId"] == "localhost"
    assert [c["id"] for c in unlock["allowCredentials"]] == [bytes_to_base64url(soft.credential_id)]
    response = _post(test_client, UNLOCK, soft.get(unlock))
    assert response.status_code == 200 and response.get_json() == {"unlocked": True}
    assert test_client.get("/").status_code == 200  # home, no PIN asked
    db.session.expire_all()
    passkey = db.session.scalars(select(Passkey)).one()
    assert passkey.sign_count == 1 and passkey.last_used_at == utcnow()
    assert _count(PasskeyChallenge) == 0  # each used up


def test_the_pin_still_unlocks_a_phone_with_a_passkey(phone):
    test_client, _user, _token = phone
    _enrol_passkey(test_client)
    _lock(test_client)
    page = test_client.get("/unlock").get_data(as_text=True)
    assert 'data-passkey-get' in page and 'data-pin-form' in page  # the finger above, the keypad below
    response = test_client.post("/unlock", data={"csrf_token": csrf_token(test_client, "/unlock"), "pin": "1357"})
    assert response.location == "/"


def test_the_finger_button_shows_only_on_a_phone_with_a_passkey(phone, app):
    test_client, user, _token = phone
    _lock(test_client)
    assert "data-passkey-get" not in test_client.get("/unlock").get_data(as_text=True)
    other = app.test_client()
    sign_in(other, user)  # the client's second phone
    _enrol_passkey(other)
    assert "data-passkey-get" not in test_client.get("/unlock").get_data(as_text=True)


# --- refusals: clear problems, never a 500 ---------------------------------------------------------------

@pytest.mark.parametrize("path", [REGISTER, UNLOCK])
@pytest.mark.parametrize("body", ["not json", "[1, 2]", '"text"', "null", "{"])
def test_bad_json_is_a_clear_problem(phone, path, body):
    test_client, _user, _token = phone
    _enrol_passkey(test_client)
    if path == UNLOCK:
        _lock(test_client)
    token = csrf_token(test_client, "/staff/sign-in")
    response = test_client.post(path, data=body, content_type="application/json", headers={"X-CSRFToken": token})
    _problem(response, 400, "bad-json")


@pytest.mark.parametrize("body", [{}, {"id": "x"}, {"id": 5, "rawId": [], "response": "x", "type": "public-key"},
                                  {"id": "AA", "rawId": "AA", "type": "public-key",
                                   "response": {"clientDataJSON": "\ud800", "attestationObject": "%%%"}}])
def test_a_made_up_credential_is_refused(phone, body):
    test_client, _user, _token = phone
    _options(test_client, REGISTER_OPTIONS)
    _problem(_post(test_client, REGISTER, body), 400, "not-verified")


def test_an_answer_to_another_challenge_is_refused(phone):
    test_client, _user, _token = phone
    options = _options(test_client, REGISTER_OPTIONS)
    answer = SoftPasskey().create({**options, "challenge": "b3RoZXItY2hhbGxlbmdl"})
    _problem(_post(test_client, REGISTER, answer), 400, "not-verified")
    assert _count(Passkey) == 0

    soft = _enrol_passkey(test_client)
    _lock(test_client)
    unlock = _options(test_client, UNLOCK_OPTIONS)
    _problem(_post(test_client, UNLOCK, soft.get({**unlock, "challenge": "b3RoZXItY2hhbGxlbmdl"})), 400, "not-verified")
    assert test_client.get("/").location == "/unlock"


def test_a_challenge_works_once(phone):
    test_client, _user, _token = phone
    soft = SoftPasskey()
    answer = soft.create(_options(test_client, REGISTER_OPTIONS))
    assert _post(test_client, REGISTER, answer).status_code == 201
    _problem(_post(test_client, REGISTER, answer), 400, "no-challenge")

    _lock(test_client)
    replayed = soft.get(_options(test_client, UNLOCK_OPTIONS))
    assert _post(test_client, UNLOCK, replayed).status_code == 200
    _lock(test_client)
    _problem(_post(test_client, UNLOCK, replayed), 400, "no-challenge")
    assert test_client.get("/").location == "/unlock"


def test_a_refused_answer_uses_up_its_challenge(phone):
    test_client, _user, _token = phone
    soft = _enrol_passkey(test_client)
    _lock(test_client)
    options = _options(test_client, UNLOCK_OPTIONS)
    _problem(_post(test_client, UNLOCK, soft.get(options, origin="http://evil.example")), 400, "not-verified")
    _problem(_post(test_client, UNLOCK, soft.get(options)), 400, "no-challenge")


def test_a_challenge_is_short_lived(phone, clock):
    test_client, _user, _token = phone
    soft = _enrol_passkey(test_client)
    _lock(test_client)
    options = _options(test_client, UNLOCK_OPTIONS)
    clock.shift(timedelta(minutes=3))
    _problem(_post(test_client, UNLOCK, soft.get(options)), 400, "no-challenge")


def test_a_challenge_is_asked_for_first(phone):
    test_client, _user, _token = phone
    _problem(_post(test_client, REGISTER, SoftPasskey().create({"challenge": "AAAA"})), 400, "no-challenge")


@pytest.mark.parametrize("bend", [
    {"origin": "http://evil.example"}, {"rp_id": "evil.example"}, {"flags": UP},  # no user verification
])
def test_an_answer_from_elsewhere_or_without_the_finger_is_refused(phone, bend):
    test_client, _user, _token = phone
    options = _options(test_client, REGISTER_OPTIONS)
    _problem(_post(test_client, REGISTER, SoftPasskey().create(options, **bend)), 400, "not-verified")
    soft = _enrol_passkey(test_client)
    _lock(test_client)
    _problem(_post(test_client, UNLOCK, soft.get(_options(test_client, UNLOCK_OPTIONS), **bend)), 400, "not-verified")
    assert test_client.get("/").location == "/unlock"


def test_a_signature_count_that_does_not_grow_is_refused(phone):
    """A phone counts each use; the same count again means a copy of the passkey is being used."""
    test_client, _user, _token = phone
    soft = _enrol_passkey(test_client)
    _lock(test_client)
    assert _post(test_client, UNLOCK, soft.get(_options(test_client, UNLOCK_OPTIONS))).status_code == 200
    _lock(test_client)
    copy = soft.get(_options(test_client, UNLOCK_OPTIONS), count_up=False)
    _problem(_post(test_client, UNLOCK, copy), 400, "not-verified")
    assert test_client.get("/").location == "/unlock"


@pytest.mark.parametrize("same_client", [True, False])
def test_another_phones_passkey_does_not_unlock_this_one(app, phone, same_client):
    """A passkey belongs to the device that made it: the client's other phone, or another client's, cannot
    lend theirs, even to answer this phone's own challenge."""
    test_client, user, _token = phone
    mine = _enrol_passkey(test_client)
    other = app.test_client()
    sign_in(other, user if same_client else factories.client())
    theirs = _enrol_passkey(other)
    _lock(test_client)
    options = _options(test_client, UNLOCK_OPTIONS)
    _problem(_post(test_client, UNLOCK, theirs.get(options)), 403, "unknown-passkey")
    assert test_client.get("/").location == "/unlock"
    assert _post(test_client, UNLOCK, mine.get(_options(test_client, UNLOCK_OPTIONS))).status_code == 200


def test_one_passkey_cannot_be_kept_for_two_phones(app, phone):
    test_client, user, _token = phone
    soft = _enrol_passkey(test_client)
    other = app.test_client()
    sign_in(other, user)
    _problem(_post(other, REGISTER, soft.create(_options(other, REGISTER_OPTIONS))), 409, "credential-taken")


def test_a_new_passkey_replaces_the_phones_old_one(phone):
    test_client, _user, _token = phone
    old = _enrol_passkey(test_client)
    new = _enrol_passkey(test_client)
    assert db.session.scalars(select(Passkey.credential_id)).all() == [new.credential_id]
    _lock(test_client)
    _problem(_post(test_client, UNLOCK, old.get(_options(test_client, UNLOCK_OPTIONS))), 403, "unknown-passkey")


# --- who may: the doors -------------------------------------------------------------------------------------

def test_unlocking_needs_a_phone_that_is_waiting_for_it(app, phone):
    test_client, user, token = phone
    soft = _enrol_passkey(test_client)
    _problem(_post(test_client, UNLOCK_OPTIONS), 409, "not-locked")  # open already
    _lock(test_client)
    device = _device(token)
    device.needs_new_pin = True  # choosing a new PIN: that comes first
    db.session.commit()
    _problem(_post(test_client, UNLOCK_OPTIONS), 409, "not-locked")
    device.needs_new_pin, device.locked_at = False, utcnow()  # locked for good: only a new invitation helps
    db.session.commit()
    _problem(_post(test_client, UNLOCK_OPTIONS), 409, "not-locked")
    device.locked_at = None
    db.session.commit()
    assert _post(test_client, UNLOCK, soft.get(_options(test_client, UNLOCK_OPTIONS))).status_code == 200


def test_a_passkey_opens_a_phone_that_is_waiting_after_wrong_pins(app, phone):
    """Stronger than the PIN: a housemate's wrong PINs must not keep the owner out (see webapp/auth/passkeys.py)."""
    test_client, _user, token = phone
    soft = _enrol_passkey(test_client)
    _lock(test_client)
    unlock_page = csrf_token(test_client, "/unlock")
    for _ in range(app.config["PIN_FAILURES_BEFORE_WAIT"] - 1):
        test_client.post("/unlock", data={"csrf_token": unlock_page, "pin": "0000"})
    assert _device(token).failed_pins == app.config["PIN_FAILURES_BEFORE_WAIT"] - 1
    assert _post(test_client, UNLOCK, soft.get(_options(test_client, UNLOCK_OPTIONS))).status_code == 200
    assert _device(token).failed_pins == 0
    assert test_client.get("/").status_code == 200


@pytest.mark.parametrize("path", [REGISTER_OPTIONS, REGISTER, UNLOCK_OPTIONS, UNLOCK])
def test_without_an_enrolled_phone_nothing_opens(app, path):
    anonymous = app.test_client()
    _problem(_post(anonymous, path, {"id": "x"}), 401, "not-signed-in")
    staff = app.test_client()
    sign_in(staff, factories.staff())
    _problem(_post(staff, path, {"id": "x"}), 401, "not-signed-in")


def test_making_a_passkey_needs_the_unlocked_phone(phone):
    test_client, _user, _token = phone
    _lock(test_client)
    _problem(_post(test_client, REGISTER_OPTIONS), 401, "not-signed-in")


@pytest.mark.parametrize("path", [REGISTER_OPTIONS, UNLOCK_OPTIONS])
def test_without_the_csrf_token_it_is_a_problem_too(phone, path):
    test_client, _user, _token = phone
    response = test_client.post(path, json={})
    assert response.status_code == 400 and response.mimetype == "application/problem+json"


# --- passkeys go with their phone ---------------------------------------------------------------------------

def test_a_new_invitation_removes_the_passkeys_with_the_devices(app, phone):
    test_client, user, _token = phone
    soft = _enrol_passkey(test_client)
    _lock(test_client)
    options = _options(test_client, UNLOCK_OPTIONS)  # asked for before the trust person re-invites
    auth.create_invitation(user, app.config["INVITATION_LIFETIME"])
    db.session.commit()
    assert _count(Passkey) == 0 and _count(PasskeyChallenge) == 0
    _problem(_post(test_client, UNLOCK, soft.get(options)), 401, "not-signed-in")
    assert test_client.get("/").location == "/welcome"


def test_ending_a_device_removes_its_passkey_only(app, phone):
    test_client, user, token = phone
    _enrol_passkey(test_client)
    other = app.test_client()
    sign_in(other, user)
    kept = _enrol_passkey(other)
    test_client.post("/sign-out", data={"csrf_token": csrf_token(test_client)})
    assert _device(token).revoked_at is not None
    assert db.session.scalars(select(Passkey.credential_id)).all() == [kept.credential_id]


def test_a_revoked_device_is_never_unlocked(phone):
    test_client, _user, token = phone
    soft = _enrol_passkey(test_client)
    _lock(test_client)
    options = _options(test_client, UNLOCK_OPTIONS)
    _device(token).revoked_at = utcnow()  # as if ended elsewhere, its passkey row somehow left behind
    db.session.commit()
    _problem(_post(test_client, UNLOCK, soft.get(options)), 401, "not-signed-in")


# --- the screens ---------------------------------------------------------------------------------------------

def test_after_the_pin_the_finger_is_offered_only_to_a_phone_that_can(app):
    for capable, landing in (("1", "/passkey/offer"), (None, "/")):
        user = factories.client(pin=None)
        db.session.commit()
        test_client = app.test_client()
        token = auth.create_invitation(user, app.config["INVITATION_LIFETIME"])
        db.session.commit()
        test_client.post(f"/i/{token}", data={"csrf_token": csrf_token(test_client, f"/i/{token}")})
        extra = {"passkey": capable} if capable else {}
        for _ in range(2):
            response = test_client.post("/pin/new", data={"csrf_token": csrf_token(test_client, "/pin/new"),
                                                          "pin": "2468", **extra})
        assert response.location == landing


def test_the_offer_says_yes_or_not_now_and_goes_home_once_there_is_a_passkey(phone):
    test_client, _user, _token = phone
    page = test_client.get("/passkey/offer")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "data-passkey-create" in html and 'href="/"' in html
    assert re.search(r'data-options="/webauthn/register/options"', html)
    _enrol_passkey(test_client)
    assert test_client.get("/passkey/offer").location == "/"


def test_the_settings_page_turns_it_on_and_off(phone):
    test_client, _user, _token = phone
    assert "data-passkey-create" in test_client.get("/passkey").get_data(as_text=True)
    _enrol_passkey(test_client)
    page = test_client.get("/passkey").get_data(as_text=True)
    assert 'action="/passkey/off"' in page and "data-passkey-create" not in page
    off = test_client.post("/passkey/off", data={"csrf_token": csrf_token(test_client, "/passkey")})
    assert off.status_code == 200 and 'role="status"' in off.get_data(as_text=True)
    assert _count(Passkey) == 0
    assert test_client.post("/passkey/off", data={}).status_code == 400


def test_the_relying_party_can_be_configured(app, phone, monkeypatch):
    monkeypatch.setitem(app.config, "WEBAUTHN_RP_ID", "stapstenen.example")
    monkeypatch.setitem(app.config, "WEBAUTHN_ORIGIN", "https://app.stapstenen.example")
    test_client, _user, _token = phone
    options = _options(test_client, REGISTER_OPTIONS)
    assert options["rp"]["id"] == "stapstenen.example"
    soft = SoftPasskey(rp_id="stapstenen.example", origin="https://app.stapstenen.example")
    assert _post(test_client, REGISTER, soft.create(options)).status_code == 201
    _problem(_post(test_client, REGISTER, SoftPasskey().create(_options(test_client, REGISTER_OPTIONS))),
             400, "not-verified")  # localhost's answer, though the request came to localhost


ODD = (None, "", " ", "\ud800", "%%", "AA==", 5, 1e308, [], {}, [["a"]], "x" * 5000, "AAAA", "public-key")


@pytest.mark.parametrize("ceremony", ["register", "unlock"])
def test_a_genuine_answer_bent_in_one_place_is_refused_without_a_server_error(phone, ceremony):
    """The fuzz (tests/test_fuzz.py) meets no open challenge; here each odd value reaches py_webauthn's
    parsers behind one, in a genuine answer otherwise."""
    test_client, _user, _token = phone
    soft = SoftPasskey()
    if ceremony == "unlock":
        _enrol_passkey(test_client, soft)
        _lock(test_client)
    options_path, path = (REGISTER_OPTIONS, REGISTER) if ceremony == "register" else (UNLOCK_OPTIONS, UNLOCK)
    token = csrf_token(test_client, "/staff/sign-in")
    sent = 0
    answer = (soft.create if ceremony == "register" else soft.get)(_options(test_client, options_path))
    places = [(None, k) for k in answer] + [("response", k) for k in answer["response"]]
    for outer, key in places:
        for value in ODD:
            limiter.reset()  # 20 ceremonies a minute per phone: this test sends hundreds
            answer = (soft.create if ceremony == "register" else soft.get)(_options(test_client, options_path))
            part = answer[outer] if outer else answer
            if part[key] == value:
                continue
            part[key] = value
            response = _post(test_client, path, answer, token=token)
            sent += 1
            if key in ("authenticatorAttachment", "clientExtensionResults", "transports", "userHandle"):
                # parts the server does not rely on: refused or accepted, never an error of its own
                assert response.status_code in (200, 201, 400), (key, value, response.get_data(as_text=True))
                if response.status_code < 400 and ceremony == "unlock":
                    _lock(test_client)
                continue
            assert response.status_code in (400, 403), (outer, key, value, response.get_data(as_text=True))
            assert response.mimetype == "application/problem+json"
    assert sent > len(places) * (len(ODD) - 2)
