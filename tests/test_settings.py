"""My settings: read-aloud, a new number or address confirmed by a code, changing the PIN, my phones."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.conftest import count_queries, csrf_token
from webapp.domain import auth, settings
from webapp.extensions import db
from webapp.models import ContactChange, DeviceSession, User

ANDROID = ("Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 "
           "Mobile Safari/537.36")
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/17.0 Mobile/15E148 Safari/604.1")


def fresh(user):
    db.session.expire_all()
    return db.session.get(User, user.id)


def post(test_client, path, data, page="/settings"):
    return test_client.post(path, data={**data, "csrf_token": csrf_token(test_client, page)})


def _code_from(text):
    return re.search(r"\b(\d{6})\b", text).group(1)


# --- the domain ------------------------------------------------------------------------------------

def test_a_code_is_kept_only_as_a_hash_and_the_old_number_works_until_it_is_confirmed(app):
    user = factories.client()
    user.phone = "+32470111111"
    change, code = settings.start_change(user, "sms", "+32470222222")
    db.session.commit()
    assert re.fullmatch(r"\d{6}", code)
    row = db.session.scalar(select(ContactChange))
    assert code not in row.code_hash and row.code_hash.startswith("$argon2")
    assert fresh(user).phone == "+32470111111", "the old number keeps working until the code is typed"
    assert settings.confirm(change, "000000" if code != "000000" else "111111") == "wrong"
    assert fresh(user).phone == "+32470111111"
    assert settings.confirm(change, code) == "confirmed"
    db.session.commit()
    assert fresh(user).phone == "+32470222222"
    assert db.session.scalar(select(func.count(ContactChange.id))) == 0


def test_a_code_expires(app, clock):
    user = factories.client()
    change, code = settings.start_change(user, "email", "new@example.org")
    db.session.commit()
    clock.shift(settings.CODE_LIFETIME + timedelta(seconds=1))
    assert settings.spent(change)
    assert settings.confirm(change, code) == "spent"
    assert fresh(user).email is None


def test_a_code_takes_a_few_tries_then_is_spent_until_a_new_one_is_sent(app, clock):
    user = factories.client()
    change, code = settings.start_change(user, "sms", "+32470222222")
    wrong = "000000" if code != "000000" else "111111"
    for left in range(settings.MAX_TRIES - 1, -1, -1):
        assert settings.confirm(change, wrong) == "wrong"
        assert settings.tries_left(change) == left
    assert settings.confirm(change, code) == "spent", "the right code after too many tries does not work"
    clock.shift(settings.RESEND_AFTER)
    new = settings.resend(change)
    assert new is not None and settings.tries_left(change) == settings.MAX_TRIES
    assert settings.confirm(change, code) == "wrong" or code == new, "the old code stops working"
    assert settings.confirm(change, new) == "confirmed"
    assert user.phone == "+32470222222"


def test_codes_are_limited_per_day_also_when_starting_over(app, clock):
    user = factories.client()
    sent = []
    for i in range(settings.MAX_SENDS + 2):
        clock.shift(settings.RESEND_AFTER)
        _change, code = settings.start_change(user, "sms", f"+3247000000{i}")
        sent.append(code)
    assert all(sent[:settings.MAX_SENDS]) and sent[settings.MAX_SENDS:] == [None, None]
    change = settings.pending_change(user, "sms")
    assert settings.resend(change) is None and settings.spent(change)
    clock.shift(settings.SEND_WINDOW + timedelta(minutes=1))
    assert settings.resend(change) is not None, "a day later, codes can be sent again"


def test_a_resend_too_soon_sends_nothing(app, clock):
    user = factories.client()
    change, _code = settings.start_change(user, "sms", "+32470222222")
    assert settings.resend(change) is None
    clock.shift(settings.RESEND_AFTER)
    assert settings.resend(change) is not None


def test_an_address_someone_else_has_is_refused_only_after_the_code(app):
    factories.staff(email="taken@example.org")
    user = factories.client()
    change, code = settings.start_change(user, "email", "taken@example.org")
    assert settings.confirm(change, code) == "taken"
    assert user.email is None


def test_removing_takes_the_number_and_a_waiting_change(app):
    user = factories.client()
    user.phone = "+32470111111"
    settings.start_change(user, "sms", "+32470222222")
    settings.remove_contact(user, "sms")
    db.session.commit()
    assert fresh(user).phone is None and settings.pending_change(user, "sms") is None


@pytest.mark.parametrize("typed,stored", [
    ("+32 470 12 34 56", "+32470123456"), ("0470/12.34.56", "0470123456"), ("0032470123456", "+32470123456"),
    ("12", None), ("+32 470 12 34 56 78 90 12", None), ("++32470123456", None), ("٠٤٧٠١٢٣٤٥٦", None),
    ("0470 12 34 5x", None),
])
def test_phone_numbers(typed, stored):
    assert settings.normal_phone(typed) == stored


# --- the screens -----------------------------------------------------------------------------------

def test_settings_are_one_tap_from_home_and_home_stays_within_its_queries(as_client):
    client, _user = as_client
    client.get("/")
    with count_queries() as statements:
        page = client.get("/").get_data(as_text=True)
    assert 'href="/settings"' in page and "/pictograms/2699.svg" in page
    assert len(statements) <= 6
    index = client.get("/settings").get_data(as_text=True)
    for path in ("/language?next=/settings", "/settings/read-aloud", "/settings/reminders", "/settings/pin",
                 "/settings/devices"):
        assert f'href="{path}"' in index.replace("%2F", "/"), path
    assert index.count("data-sign-out") == 1
    assert "data-sign-out" not in client.get("/people").get_data(as_text=True), "sign-out lives in settings now"


def test_the_language_picker_returns_to_settings(as_client):
    client, user = as_client
    response = post(client, "/language?next=/settings", {"language": "ar"}, page="/language")
    assert response.status_code == 302 and response.location == "/settings"
    assert fresh(user).language == "ar"


def test_read_aloud_is_stored_and_reaches_every_screen(as_client):
    client, user = as_client
    assert 'data-auto="0" data-rate="normal"' in client.get("/goals").get_data(as_text=True)
    assert post(client, "/settings/read-aloud", {"auto": "1"}).location == "/settings/read-aloud?saved=1"
    assert post(client, "/settings/read-aloud", {"rate": "slow"}).status_code == 302
    assert (fresh(user).read_aloud, fresh(user).speech_rate) == (True, "slow")
    for path in ("/", "/goals", "/week", "/settings/read-aloud"):
        assert 'data-auto="1" data-rate="slow"' in client.get(path).get_data(as_text=True), path
    page = client.get("/settings/read-aloud?saved=1").get_data(as_text=True)
    assert re.search(r'<div role="status"><p class="card notice">', page)
    assert post(client, "/settings/read-aloud", {"rate": "fast"}).status_code == 400
    assert fresh(user).speech_rate == "slow"


def test_channels_not_set_up_are_said_plainly_and_offer_nothing(as_client):
    client, _user = as_client
    page = client.get("/settings/reminders").get_data(as_text=True)
    assert "/settings/reminders/sms" not in page and "/settings/reminders/email" not in page
    assert client.get("/settings/reminders/sms").status_code == 404
    assert post(client, "/settings/reminders/email", {"email": "a@example.org"}).status_code == 404


def test_a_new_number_is_confirmed_with_the_code_sent_by_sms(as_client, contact_channels):
    gateway, _smtp = contact_channels
    client, user = as_client
    user.phone = "+32470111111"
    db.session.commit()
    form = client.get("/settings/reminders/sms").get_data(as_text=True)
    assert 'type="tel"' in form and 'data-digit="+"' in form
    bad = post(client, "/settings/reminders/sms", {"phone": "12 34"}, page="/settings/reminders/sms")
    assert bad.status_code == 422 and 'value="12 34"' in bad.get_data(as_text=True), "input kept"
    response = post(client, "/settings/reminders/sms", {"phone": "+32 470 22 22 22"}, page="/settings/reminders/sms")
    assert response.status_code == 302 and response.location == "/settings/reminders/sms/confirm?sent=1"
    headers, body = gateway.received[-1]
    assert body["to"] == "+32470222222" and headers["authorization"] == "Bearer gateway-secret"
    code = _code_from(body["text"])
    assert "Stapstenen" in body["text"]
    assert fresh(user).phone == "+32470111111"
    page = client.get("/settings/reminders").get_data(as_text=True)
    assert "+32470111111" in page and "+32470222222" in page
    wrong = post(client, "/settings/reminders/sms/confirm", {"code": "000000" if code != "000000" else "1" * 6},
                 page="/settings/reminders/sms/confirm")
    assert wrong.status_code == 422 and 'role="alert"' in wrong.get_data(as_text=True)
    ok = post(client, "/settings/reminders/sms/confirm", {"code": code}, page="/settings/reminders/sms/confirm")
    assert ok.location == "/settings/reminders?done=sms"
    assert fresh(user).phone == "+32470222222"


def test_a_new_address_is_confirmed_with_the_code_sent_by_e_mail(as_client, contact_channels):
    _gateway, smtp = contact_channels
    client, user = as_client
    user.language = "fr"
    db.session.commit()
    response = post(client, "/settings/reminders/email", {"email": " Me@Example.org "},
                    page="/settings/reminders/email")
    assert response.status_code == 302
    envelope, mail = smtp.received[-1]
    assert envelope.rcpt_tos == ["me@example.org"]
    assert mail["Subject"] != "Your code for Stapstenen", "in the client's language (French)"
    code = _code_from(mail.get_content())
    ok = post(client, "/settings/reminders/email/confirm", {"code": code}, page="/settings/reminders/email/confirm")
    assert ok.location == "/settings/reminders?done=email"
    assert fresh(user).email == "me@example.org"
    assert post(client, "/settings/reminders/email/remove", {}).location == "/settings/reminders?done=removed"
    assert fresh(user).email is None


def test_a_code_that_cannot_be_sent_says_so(as_client, contact_channels, app, monkeypatch):
    client, _user = as_client
    monkeypatch.setitem(app.config, "SMS_GATEWAY_URL", "http://127.0.0.1:9/closed")
    response = post(client, "/settings/reminders/sms", {"phone": "0470222222"}, page="/settings/reminders/sms")
    assert response.location.endswith("?sent=0")
    page = client.get(response.location).get_data(as_text=True)
    assert 'role="alert"' in page


# --- my PIN --------------------------------------------------------------------------------------

def _device(user):
    db.session.expire_all()
    return db.session.scalars(select(DeviceSession).where(DeviceSession.user_id == user.id)).one()


def _proof(html):
    return re.search(r'name="proof" value="([^"]+)"', html).group(1)


def test_changing_the_pin_asks_the_current_one_then_the_new_one_twice(as_client, app):
    client, user = as_client
    first = post(client, "/settings/pin", {"pin": "1357"})
    assert first.status_code == 200
    proof = _proof(first.get_data(as_text=True))
    again = post(client, "/settings/pin", {"pin": "2468", "proof": proof})
    assert again.status_code == 200 and 'name="proof"' in again.get_data(as_text=True)
    done = post(client, "/settings/pin", {"pin": "2468", "proof": proof})
    assert done.status_code == 200 and 'role="status"' in done.get_data(as_text=True)
    assert auth.check_secret(fresh(user).pin_hash, "2468")
    # The proof is spent once the PIN changed: it cannot set another PIN without the current one.
    assert post(client, "/settings/pin", {"pin": "9999", "proof": proof}).status_code == 422
    assert auth.check_secret(fresh(user).pin_hash, "2468")


def test_a_wrong_current_pin_counts_like_unlocking_and_locks_the_phone_for_a_wait(as_client, app):
    client, user = as_client
    limit = app.config["PIN_FAILURES_BEFORE_WAIT"]
    for _ in range(limit - 1):
        assert post(client, "/settings/pin", {"pin": "0000"}).status_code == 422
    assert _device(user).failed_pins == limit - 1
    last = post(client, "/settings/pin", {"pin": "0000"})
    assert last.status_code == 302 and last.location == "/unlock"
    assert _device(user).wait_until is not None and _device(user).locked_at is None
    assert client.get("/unlock").status_code == 200 and client.get("/").location == "/unlock"
    assert auth.check_secret(fresh(user).pin_hash, "1357")


def test_a_new_pin_that_differs_the_second_time_starts_over(as_client):
    client, user = as_client
    proof = _proof(post(client, "/settings/pin", {"pin": "1357"}).get_data(as_text=True))
    post(client, "/settings/pin", {"pin": "2468", "proof": proof})
    mismatch = post(client, "/settings/pin", {"pin": "8642", "proof": proof})
    assert mismatch.status_code == 422
    assert auth.check_secret(fresh(user).pin_hash, "1357")


def test_a_forged_proof_never_skips_the_current_pin(as_client):
    client, user = as_client
    response = post(client, "/settings/pin", {"pin": "2468", "proof": "forged.proof"})
    assert response.status_code == 422
    assert _device(user).failed_pins == 0, "a new PIN is never taken for a wrong current one"
    assert auth.check_secret(fresh(user).pin_hash, "1357")


# --- my phones ------------------------------------------------------------------------------------

def test_my_phones_lists_the_live_ones_and_ends_another_at_once(app, as_client, clock):
    client, user = as_client
    lifetime = app.config["CLIENT_DEVICE_LIFETIME"]
    other_token = auth.start_session(user, "device", lifetime, ANDROID)
    auth.start_session(user, "device", lifetime, IPHONE)
    ended = auth.start_session(user, "device", lifetime, IPHONE)
    auth.end_session(auth.find_session(ended))
    auth.start_session(user, "device", timedelta(minutes=1), ANDROID)  # expires below
    stranger = factories.client()
    auth.start_session(stranger, "device", lifetime, ANDROID)
    db.session.commit()
    clock.shift(timedelta(minutes=2))
    page = client.get("/settings/devices").get_data(as_text=True)
    assert page.count('class="card device') == 3, "this phone, the Android and the iPhone; not ended or expired"
    assert "Android" in page and "Chrome" in page and "iPhone" in page
    assert page.count("this-device") == 1
    other = auth.find_session(other_token)
    response = client.post(f"/settings/devices/{other.id}/end", data={"csrf_token": csrf_token(client)},
                           headers={"HX-Request": "true"})
    assert response.status_code == 200 and 'id="devices"' in response.get_data(as_text=True)
    assert 'role="status"><p' in response.get_data(as_text=True)
    db.session.expire_all()
    assert auth.find_session(other_token) is None, "its session ends at once"
    phone = app.test_client()
    phone.set_cookie(app.config["DEVICE_COOKIE_NAME"], other_token)
    assert phone.get("/").location == "/welcome"
    mine = _live(user)
    assert post(client, f"/settings/devices/{mine}/end", {}).status_code == 400, "this phone: sign out instead"
    strangers = db.session.scalar(select(DeviceSession.id).where(DeviceSession.user_id == stranger.id))
    assert post(client, f"/settings/devices/{strangers}/end", {}).status_code == 404


def _live(user):
    db.session.expire_all()
    return db.session.scalar(select(DeviceSession.id).where(DeviceSession.user_agent == "pytest",
                                                            DeviceSession.user_id == user.id))


def test_each_settings_screen_has_the_speaker_and_no_store(as_client, contact_channels):
    client, _user = as_client
    for path in ("/settings", "/settings/read-aloud", "/settings/reminders", "/settings/reminders/sms",
                 "/settings/reminders/email", "/settings/pin", "/settings/devices"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path
        assert 'data-speak="#main"' in response.get_data(as_text=True), path


def test_a_signed_in_phone_is_named(app):
    from webapp.client.settings import describe_device

    with app.test_request_context():
        kind, name = describe_device(ANDROID)
        assert kind == "device.phone" and name.endswith(" · Chrome")
        assert describe_device(IPHONE)[1].endswith(" · Safari")
        assert describe_device(None)[0] == "device.phone"
        assert describe_device("Mozilla/5.0 (Windows NT 10.0; Win64; x64) Firefox/121.0")[0] == "device.computer"
