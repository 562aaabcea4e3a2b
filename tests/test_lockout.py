"""Wrong PINs: counted one by one even in parallel, per device and per client; a wait that grows and ends;
the trust person who can help (a call button) and unlock; rate limits behind a proxy (ProxyFix)."""

import logging
import re
import threading
from datetime import timedelta

import pytest
import requests
from flask_babel import force_locale
from sqlalchemy import func, select
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.serving import make_server

from tests import factories
from tests.conftest import count_queries, csrf_token, sign_in
from webapp import create_app
from webapp.config import TestConfig, _minutes, _proxy_fix
from webapp.domain import auth, lockout
from webapp.extensions import db, limiter
from webapp.models import AccessLog, DeviceSession, User, utcnow
from webapp.templating import clock_time

PIN = "1357"  # factories.client's
WRONG = "0000"


def _idle(*users):
    for device in db.session.scalars(select(DeviceSession).where(DeviceSession.user_id.in_([u.id for u in users]))):
        device.last_seen_at = utcnow() - timedelta(minutes=16)
    db.session.commit()


def _device(user, n=0) -> DeviceSession:
    db.session.expire_all()
    return db.session.scalars(select(DeviceSession).where(DeviceSession.user_id == user.id)
                              .order_by(DeviceSession.id)).all()[n]


def _waits(user) -> timedelta:
    return lockout.wait_of(_device(user)) - utcnow()


def _phone(app, user):
    """A test client on an enrolled device of user, idle (so it asks for the PIN), with its CSRF token."""
    phone = app.test_client()
    sign_in(phone, user)
    _idle(user)
    return phone, csrf_token(phone, "/unlock")


def _try(phone, token, pin):
    return phone.post("/unlock", data={"csrf_token": token, "pin": pin}, headers={"Accept-Language": "en"})


@pytest.fixture
def checked(monkeypatch):
    """How many PINs were compared with the stored hash at all."""
    seen = []
    real = auth.check_secret

    def counting(stored, given):
        seen.append(given)
        return real(stored, given)

    monkeypatch.setattr(auth, "check_secret", counting)
    return seen


@pytest.fixture
def lotte():
    person = factories.staff(display_name="Lotte")
    person.phone = "+32 3 000 01 01"
    db.session.commit()
    return person


# --- one by one -----------------------------------------------------------------------------------

def test_five_wrong_pins_start_a_wait_that_ends_and_is_never_for_good(app, lotte, clock, checked):
    user = factories.client(trust_person=lotte, language="en")
    db.session.commit()
    phone, token = _phone(app, user)
    for left in (4, 3, 2, 1):
        wrong = _try(phone, token, WRONG)
        assert wrong.status_code == 422 and f"try {left} more" in wrong.get_data(as_text=True)
    waits = _try(phone, token, WRONG)
    page = waits.get_data(as_text=True)
    assert waits.status_code == 429 and _waits(user) == timedelta(minutes=1)
    assert int(waits.headers["Retry-After"]) >= 60  # (the rate limiter may only make it longer)
    with app.test_request_context(), force_locale("en"):  # in Brussels time, as the server writes it
        opens = clock_time(utcnow() + timedelta(minutes=1))
    assert "That was not your PIN." in page and f"Try again in 1 minute, at {opens}." in page
    assert "Lotte, your trust person, can help you." in page
    assert 'href="tel:+3230000101"' in page and "Call Lotte" in page
    assert 'data-wait-seconds="60" data-wait-next="/unlock"' in page  # the keypad comes back by itself
    assert len(checked) == 5
    # During the wait even the right PIN is refused, without being checked, and counted.
    refused = _try(phone, token, PIN)
    assert refused.status_code == 429 and "That was not your PIN." not in refused.get_data(as_text=True)
    assert len(checked) == 5 and _device(user).failed_pins == 6
    assert phone.get("/").location == "/unlock"
    assert phone.get("/unlock").status_code == 200  # the wait screen, not an error
    assert phone.get("/locked").location == "/"  # a wait is not the lock for good
    clock.shift(timedelta(seconds=61))
    assert _try(phone, token, PIN).location == "/"
    device = _device(user)
    assert (device.failed_pins, device.wait_until, device.user.failed_pins, device.user.pin_wait_until) == (
        0, None, 0, None)


def test_the_wait_grows_with_each_wrong_pin_after_the_limit(app, clock):
    user = factories.client()
    db.session.commit()
    phone, token = _phone(app, user)
    for _ in range(4):
        _try(phone, token, WRONG)
    waited = []
    for _ in range(6):
        assert _try(phone, token, WRONG).status_code == 429
        waited.append(_waits(user))
        clock.shift(waited[-1])
        limiter.reset()  # hours of tries in a few lines: only the waits refuse here
    assert waited == [timedelta(minutes=m) for m in (1, 5, 15, 60, 60, 60)]
    assert _try(phone, token, PIN).location == "/"


def test_the_wait_steps_are_configuration(app, clock, monkeypatch):
    monkeypatch.setitem(app.config, "PIN_FAILURES_BEFORE_WAIT", 2)
    monkeypatch.setitem(app.config, "PIN_CLIENT_FAILURES_BEFORE_WAIT", 2)
    monkeypatch.setitem(app.config, "PIN_WAIT_MINUTES", (2, 7))
    user = factories.client()
    db.session.commit()
    phone, token = _phone(app, user)
    assert _try(phone, token, WRONG).status_code == 422
    assert _try(phone, token, WRONG).status_code == 429 and _waits(user) == timedelta(minutes=2)
    clock.shift(timedelta(minutes=2))
    assert _try(phone, token, WRONG).status_code == 429 and _waits(user) == timedelta(minutes=7)
    assert _minutes("1, 5,15,60") == (1, 5, 15, 60)
    with pytest.raises(ValueError):
        _minutes("0,5")


def test_a_wait_of_the_client_holds_its_other_phone_but_not_another_clients(app, clock):
    user, neighbour = factories.client(), factories.client()
    db.session.commit()
    phone, token = _phone(app, user)
    second, second_token = _phone(app, user)
    other, other_token = _phone(app, neighbour)
    for _ in range(3):
        _try(phone, token, WRONG)
    for _ in range(2):  # five on the client's two phones together
        _try(second, second_token, WRONG)
    assert _try(phone, token, PIN).status_code == 429
    assert _try(second, second_token, PIN).status_code == 429
    assert _try(other, other_token, PIN).location == "/"
    clock.shift(timedelta(minutes=1))
    assert _try(second, second_token, PIN).location == "/"
    assert _device(user, 0).failed_pins == 4  # a right PIN ends the count of its own device and of the client
    assert (_device(user, 1).failed_pins, _device(user, 1).user.failed_pins) == (0, 0)


def test_check_pin_counts_like_unlock_for_other_screens(app):
    """auth.check_pin (e.g. to change the PIN in settings) is the same count, in one call."""
    user = factories.client()
    db.session.commit()
    phone, _token = _phone(app, user)
    rules = lockout.Rules.from_config(app.config)
    device = _device(user)
    assert [auth.check_pin(device, WRONG, rules) for _ in range(5)] == [False] * 5
    assert auth.check_pin(device, PIN, rules) is False  # waiting
    db.session.commit()
    assert (device.failed_pins, device.user.failed_pins) == (6, 5) and lockout.wait_of(device) is not None


# --- in parallel, over the network ------------------------------------------------------------------

@pytest.fixture
def server(app):
    """The app on a threaded werkzeug server: each request in its own thread, truly at the same time."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(5)


def _network_phone(app, base, user):
    session = requests.Session()
    session.cookies.set(app.config["DEVICE_COOKIE_NAME"], sign_in(app.test_client(), user))
    _idle(user)
    page = session.get(f"{base}/unlock", timeout=10).text
    token = re.search(r'<meta name="csrf-token" content="([^"]+)">', page).group(1)
    return session, token


def test_ten_wrong_pins_in_parallel_count_one_by_one(app, server, clock, checked):
    user, neighbour = factories.client(), factories.client()
    db.session.commit()
    phone, token = _network_phone(app, server, user)
    start, answers = threading.Barrier(10), []

    def wrong():
        mine = requests.Session()
        mine.cookies.update(phone.cookies)
        start.wait()
        answers.append(mine.post(f"{server}/unlock", data={"csrf_token": token, "pin": WRONG},
                                 allow_redirects=False, timeout=60).status_code)

    threads = [threading.Thread(target=wrong) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(90)
    device = _device(user)
    print(f"parallel wrong PINs: answers {sorted(answers)}, count {device.failed_pins}, checked {len(checked)}")
    assert sorted(answers) == [422] * 4 + [429] * 6
    assert device.failed_pins == 10 and len(checked) == 5  # every try counted; no more than five compared
    assert device.user.failed_pins == 5 and lockout.wait_of(device) is not None

    limiter.reset()  # a new minute of the per-device rate limit: what refuses now is the wait
    right = phone.post(f"{server}/unlock", data={"csrf_token": token, "pin": PIN}, allow_redirects=False,
                       timeout=30)
    assert right.status_code == 429 and _device(user).failed_pins == 11 and len(checked) == 5
    # Same address: another client's phone unlocks; the same client's other phone is held too.
    other, other_token = _network_phone(app, server, neighbour)
    assert other.post(f"{server}/unlock", data={"csrf_token": other_token, "pin": PIN},
                      allow_redirects=False, timeout=30).headers["Location"] == "/"
    second, second_token = _network_phone(app, server, user)
    assert second.post(f"{server}/unlock", data={"csrf_token": second_token, "pin": PIN},
                       allow_redirects=False, timeout=30).status_code == 429
    clock.shift(timedelta(minutes=1))
    assert phone.post(f"{server}/unlock", data={"csrf_token": token, "pin": PIN}, allow_redirects=False,
                      timeout=30).headers["Location"] == "/"


# --- the call button --------------------------------------------------------------------------------

def _waiting_page(app, user):
    phone, token = _phone(app, user)
    for _ in range(5):
        response = _try(phone, token, WRONG)
    assert response.status_code == 429
    return response.get_data(as_text=True)


def test_the_call_button_uses_the_organisations_number_when_the_trust_person_has_none(app):
    org = factories.organisation(kind="care_team")
    org.phone = "03 000 01 00"
    person = factories.staff(display_name="Youssef")
    person.organisation = org
    user = factories.client(trust_person=person, language="en")
    db.session.commit()
    page = _waiting_page(app, user)
    assert re.search(r'<a class="big-button" href="tel:030000100" data-call>.*Call Youssef</span></a>', page, re.S)


def test_no_call_button_without_a_number(app):
    user = factories.client(trust_person=factories.staff(display_name="Youssef"), language="en")
    alone = factories.client(language="en")
    db.session.commit()
    page = _waiting_page(app, user)
    assert "Youssef, your trust person, can help you." in page and "tel:" not in page
    assert "Your trust person can help you." in _waiting_page(app, alone)


# --- the trust person: sees it, unlocks it --------------------------------------------------------

def test_the_trust_person_sees_the_locked_phone_and_unlocks_it_reading_nothing(app, lotte):
    user = factories.client(trust_person=lotte, display_name="Amor", language="en")
    coordinator = factories.staff(role="coordinator")
    from webapp.domain import sharing

    sharing.add_to_circle(user, coordinator, lotte)
    sharing.grant(user, coordinator, "goals")
    db.session.commit()
    phone, token = _phone(app, user)
    second, second_token = _phone(app, user)
    for _ in range(5):
        _try(phone, token, WRONG)
    desk = app.test_client()
    sign_in(desk, lotte)
    caseload = desk.get("/staff/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    row = re.search(rf'<tr id="client-{user.id}">.*?</tr>', caseload, re.S).group(0)
    assert "signal-locked" in row and "Phone locked" in row
    colleague = app.test_client()
    sign_in(colleague, coordinator)
    seen_by_colleague = colleague.get("/staff/").get_data(as_text=True)
    assert f'id="client-{user.id}"' in seen_by_colleague and "signal-locked" not in seen_by_colleague
    page = desk.get(f"/staff/clients/{user.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'id="phone-locked"' in page and f'action="/staff/clients/{user.id}/unlock"' in page

    desk_token = csrf_token(desk, "/staff/")
    logged = db.session.scalar(select(func.count()).select_from(AccessLog))
    done = desk.post(f"/staff/clients/{user.id}/unlock", data={"csrf_token": desk_token})
    assert done.location == f"/staff/clients/{user.id}?unlocked=1"
    assert db.session.scalar(select(func.count()).select_from(AccessLog)) == logged  # unlocking reads nothing
    assert "The wait has ended." in desk.get(done.location, headers={"Accept-Language": "en"}).get_data(
        as_text=True)
    for n in (0, 1):
        device = _device(user, n)
        assert (device.failed_pins, device.wait_until, device.wait_ended_by_id) == (0, None, lotte.id)
    assert db.session.get(User, user.id).pin_wait_until is None
    assert 'id="phone-locked"' not in desk.get(f"/staff/clients/{user.id}").get_data(as_text=True)
    assert "signal-locked" not in desk.get("/staff/").get_data(as_text=True)
    # The client still needs the PIN, and is told who ended the wait.
    assert phone.get("/").location == "/unlock"
    screen = phone.get("/unlock", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Lotte, your trust person, ended the wait. Lotte did not see your things." in screen
    assert "ended the wait" in second.get("/unlock", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert _try(phone, token, PIN).location == "/"
    _idle(user)
    assert "ended the wait" not in phone.get("/unlock", headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_unlocking_leaves_a_lock_for_good_to_a_new_invitation(app, lotte):
    user = factories.client(trust_person=lotte)
    db.session.commit()
    phone, _token = _phone(app, user)
    device = _device(user)
    device.locked_at = utcnow()
    db.session.commit()
    assert phone.get("/").location == "/locked"
    lockout.end_wait(user, lotte)
    db.session.commit()
    assert phone.get("/").location == "/locked"


def test_the_locked_signal_keeps_the_caseload_within_its_query_budget(app):
    """'Phone locked' is a correlated subquery of the caseload's main query: no query per client."""
    trust_person = factories.staff()
    laptop = app.test_client()
    sign_in(laptop, trust_person)
    rules = lockout.Rules.from_config(app.config)

    def add_clients(n):
        for i in range(n):
            who = factories.client(trust_person=trust_person)
            if i % 2:  # every other client's phone waits after five wrong PINs
                auth.start_session(who, "device", timedelta(days=1), "pytest")
                db.session.flush()
                device = db.session.scalars(select(DeviceSession).where(DeviceSession.user_id == who.id)).one()
                for _ in range(5):
                    lockout.claim_try(device, rules)
        db.session.commit()

    counts = []
    for n in (4, 196):
        add_clients(n)
        laptop.get("/staff/")
        with count_queries() as statements:
            page = laptop.get("/staff/").get_data(as_text=True)
        counts.append(len(statements))
        assert page.count('class="signal signal-locked"') == {4: 2, 196: 100}[n]  # 2 of 4, then 100 of 200
    print(f"caseload with locked phones: {counts[0]} queries for 4 clients, {counts[1]} for 200")
    assert counts[0] == counts[1] <= 8


# --- ProxyFix: the real client address behind a proxy ------------------------------------------------

def _sign_in_codes(test_client, addresses):
    token = csrf_token(test_client, "/staff/sign-in")
    return [test_client.post("/staff/sign-in", data={"csrf_token": token, "email": "x@example.org",
                                                     "password": "wrong"},
                             headers={"X-Forwarded-For": address}).status_code for address in addresses]


@pytest.mark.parametrize("x_for", [0, 1])
def test_rate_limits_see_the_forwarded_address_only_behind_a_configured_proxy(app, x_for):
    class Behind(TestConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        SPEECH_DIR = app.config["SPEECH_DIR"]
        PROXY_FIX = {**TestConfig.PROXY_FIX, "for": x_for}

    kept = limiter._storage, limiter._limiter  # a second app gives the one limiter a storage of its own
    proxied = create_app(Behind)
    try:
        assert isinstance(proxied.wsgi_app, ProxyFix) is bool(x_for)
        codes = _sign_in_codes(proxied.test_client(), ["198.51.100.1"] * 10 + ["198.51.100.1", "203.0.113.9"])
    finally:
        with proxied.app_context():
            db.engine.dispose()
        limiter._storage, limiter._limiter = kept
    assert codes[:10] == [422] * 10 and codes[10] == 429  # wrong passwords, then the limit of that address
    # Behind the proxy, the second address is someone else; without it, the header is ignored (anyone can send it).
    assert codes[11] == (422 if x_for else 429)


def test_proxy_fix_is_off_unless_the_environment_says_so():
    assert _proxy_fix({"PROXY_FIX_X_FOR": "1", "PROXY_FIX_X_PROTO": "1"}) == {
        "for": 1, "proto": 1, "host": 0, "port": 0, "prefix": 0}
    assert not any(_proxy_fix({}).values())
    assert not any(TestConfig.PROXY_FIX.values())
