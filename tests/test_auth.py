"""Signing in without reading: invitation, PIN, idle lock, lockout; and staff passwords."""

from datetime import timedelta

from sqlalchemy import select

from tests import factories
from tests.conftest import csrf_token, sign_in
from webapp.domain import auth
from webapp.extensions import db
from webapp.models import DeviceSession, Invitation, utcnow

ENGLISH = {"Accept-Language": "en"}


def invite(app, user):
    token = auth.create_invitation(user, app.config["INVITATION_LIFETIME"])
    db.session.commit()
    return token


def redeem(client, token):
    return client.post(f"/i/{token}", data={"csrf_token": csrf_token(client, f"/i/{token}")})


def test_invitation_get_shows_a_button_and_redeems_nothing(app, client):
    user = factories.client(pin=None)
    token = invite(app, user)
    for _ in range(3):  # link previews and reloads must not use it up
        page = client.get(f"/i/{token}")
        assert page.status_code == 200
        assert f"/i/{token}" not in page.headers.get("Location", "")
    assert db.session.scalar(select(Invitation.redeemed_at)) is None
    assert db.session.scalar(select(DeviceSession)) is None


def test_invitation_enrols_the_device_then_asks_for_a_new_pin_twice(app, client):
    user = factories.client(pin=None, language="ar")
    token = invite(app, user)
    response = redeem(client, token)
    assert response.status_code == 302 and response.location == "/pin/new"
    cookie = client.get_cookie(app.config["DEVICE_COOKIE_NAME"])
    assert cookie and cookie.http_only
    stored = db.session.scalar(select(DeviceSession))
    assert stored.token_hash == auth.hash_token(cookie.value) and cookie.value not in stored.token_hash
    assert client.get("/").location == "/pin/new"  # no private page before a PIN is chosen

    page = client.get("/pin/new")
    assert 'dir="rtl"' in page.get_data(as_text=True)  # the invitation speaks the client's language
    token_ = csrf_token(client, "/pin/new")
    again = client.post("/pin/new", data={"csrf_token": token_, "pin": "2468"})
    assert again.status_code == 200 and "2468" not in again.get_data(as_text=True)  # no PIN in the page
    mismatch = client.post("/pin/new", data={"csrf_token": token_, "pin": "1111"})
    assert mismatch.status_code == 422  # and it starts over
    client.post("/pin/new", data={"csrf_token": token_, "pin": "2468"})
    ok = client.post("/pin/new", data={"csrf_token": token_, "pin": "2468"})
    assert ok.location == "/"
    assert client.get("/").status_code == 200
    db.session.expire_all()
    assert auth.check_secret(user.pin_hash, "2468") and user.pin_hash.startswith("$argon2id$")


def test_the_invitation_speaks_the_invited_clients_language(app, client):
    token = invite(app, factories.client(pin=None, language="ar"))
    page = client.get(f"/i/{token}", headers=ENGLISH).get_data(as_text=True)
    assert 'lang="ar" dir="rtl"' in page


def test_an_invitation_works_once(app, client):
    token = invite(app, factories.client(pin=None))
    assert redeem(client, token).status_code == 302
    other = app.test_client()
    assert redeem(other, token).status_code == 404
    assert client.get(f"/i/{token}").status_code == 404


def test_an_expired_or_unknown_invitation_is_gone(app, client):
    user = factories.client(pin=None)
    token = invite(app, user)
    db.session.scalar(select(Invitation)).expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get(f"/i/{token}").status_code == 404
    assert client.get("/i/not-a-token").status_code == 404
    assert "trust person" in client.get("/i/not-a-token", headers=ENGLISH).get_data(as_text=True)


def test_a_new_invitation_ends_old_devices_and_old_links(app, client):
    user = factories.client()
    sign_in(client, user)
    first = invite(app, user)
    assert client.get("/").location == "/welcome"  # the old phone is signed out at once
    second = invite(app, user)
    other = app.test_client()
    assert other.get(f"/i/{first}").status_code == 404
    assert other.get(f"/i/{second}").status_code == 200


def _go_idle(user, minutes=16):
    for device in db.session.scalars(select(DeviceSession).where(DeviceSession.user_id == user.id)):
        device.last_seen_at = utcnow() - timedelta(minutes=minutes)
    db.session.commit()


def test_after_fifteen_idle_minutes_only_the_pin_is_asked(app, as_client):
    client, user = as_client
    _go_idle(user, minutes=14)
    assert client.get("/").status_code == 200
    _go_idle(user, minutes=16)
    assert client.get("/week").location == "/unlock"
    token = csrf_token(client, "/unlock")
    assert client.post("/unlock", data={"csrf_token": token, "pin": "1357"}).location == "/"
    assert client.get("/week").status_code == 200


def test_pin_tries_are_rate_limited_per_device_not_per_address(app, as_client, monkeypatch):
    client, user = as_client
    monkeypatch.setitem(app.config, "PIN_FAILURES_BEFORE_WAIT", 100)  # the rate limit alone, no wait
    monkeypatch.setitem(app.config, "PIN_CLIENT_FAILURES_BEFORE_WAIT", 100)
    _go_idle(user)
    token = csrf_token(client, "/unlock")
    codes = [client.post("/unlock", data={"csrf_token": token, "pin": "0000"}).status_code for _ in range(11)]
    assert codes[:10] == [422] * 10 and codes[10] == 429
    # Another client's phone on the same address (one wifi, one proxy) is not held by it.
    neighbour, other = app.test_client(), factories.client()
    sign_in(neighbour, other)
    _go_idle(other)
    token = csrf_token(neighbour, "/unlock")
    assert neighbour.post("/unlock", data={"csrf_token": token, "pin": "1357"}).location == "/"


def test_a_pin_needs_the_enrolled_device(app, client):
    factories.client()
    db.session.commit()
    token = csrf_token(client, "/welcome")
    response = client.post("/unlock", data={"csrf_token": token, "pin": "1357"})
    assert response.status_code == 302 and client.get("/").location == "/welcome"


def test_bad_pin_shapes_are_refused_with_a_message(app, as_client):
    client, user = as_client
    _go_idle(user)
    token = csrf_token(client, "/unlock")
    for pin in ("", "12", "12345", "abcd", "١٢٣٤"):
        response = client.post("/unlock", data={"csrf_token": token, "pin": pin})
        assert response.status_code == 422
    db.session.expire_all()
    assert db.session.scalar(select(DeviceSession.failed_pins)) == 0  # a mis-shaped PIN costs no try


def test_lock_button_asks_for_the_pin_next_time(app, as_client):
    client, _user = as_client
    token = csrf_token(client, "/")
    assert client.post("/lock", data={"csrf_token": token}).location == "/unlock"
    assert client.get("/").location == "/unlock"


def test_staff_sign_in_with_argon2id_password(app, client):
    person = factories.staff(email="lotte@example.org", password="a long pass phrase")
    db.session.commit()
    assert person.password_hash.startswith("$argon2id$")
    token = csrf_token(client, "/staff/sign-in")
    wrong = client.post("/staff/sign-in", data={"csrf_token": token, "email": "lotte@example.org",
                                                "password": "wrong"}, headers=ENGLISH)
    assert wrong.status_code == 422 and "do not match" in wrong.get_data(as_text=True)
    assert 'value="lotte@example.org"' in wrong.get_data(as_text=True)  # input kept
    ok = client.post("/staff/sign-in", data={"csrf_token": token, "email": "Lotte@Example.org ",
                                             "password": "a long pass phrase"})
    assert ok.location == "/staff/"
    assert client.get("/staff/").status_code == 200
    assert client.get("/").location == "/welcome"  # staff have no client screens


def test_staff_sign_in_refuses_clients_and_open_redirects(app, client):
    factories.staff(email="an@example.org", password="pass phrase here")
    db.session.commit()
    token = csrf_token(client, "/staff/sign-in")
    response = client.post("/staff/sign-in?next=//evil.example/x",
                           data={"csrf_token": token, "email": "an@example.org", "password": "pass phrase here"})
    assert response.location == "/staff/"


def test_staff_sign_in_bad_input_keeps_the_form(app, client):
    token = csrf_token(client, "/staff/sign-in")
    response = client.post("/staff/sign-in", data={"csrf_token": token, "email": "not-an-address" * 30,
                                                   "password": ""}, headers=ENGLISH)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "not an e-mail address" in body and "fill in your password" in body


def test_sign_out_ends_the_session_on_the_server(app, client):
    person = factories.staff()
    token = sign_in(client, person)
    csrf = csrf_token(client, "/staff/")
    client.post("/sign-out", data={"csrf_token": csrf})
    assert client.get("/staff/").status_code == 302
    replayed = app.test_client()
    replayed.set_cookie(app.config["DEVICE_COOKIE_NAME"], token)  # a copied cookie is dead too
    assert replayed.get("/staff/").status_code == 302


def test_a_disabled_account_is_signed_out_everywhere(app, as_client):
    client, user = as_client
    user.active = False
    db.session.commit()
    assert client.get("/").location == "/welcome"


def test_forms_without_csrf_are_refused(app, as_client):
    client, _user = as_client
    response = client.post("/did-it", data={"pick": "win:bus", "client_uuid": "6f1c2f9e-2a7e-4a51-a5a0-3c4b0f1a1b2c"})
    assert response.status_code == 400


def test_an_idle_htmx_swap_loads_the_pin_page_instead_of_swapping_it_in(app, as_client):
    client, user = as_client
    appointment = factories.appointment(user)
    db.session.commit()
    token = csrf_token(client, "/week")
    _go_idle(user)
    response = client.post(f"/week/{appointment.id}/reply", data={"csrf_token": token, "answer": "coming"},
                           headers={"HX-Request": "true"})
    assert response.status_code == 204 and response.headers["HX-Redirect"] == "/unlock"
