"""Every route, for every role: who may use it, and what everyone else gets.

A route added to the app without a row here fails test_every_route_is_known.
"""

import pytest

from tests import factories
from tests.conftest import csrf_token, sign_in
from webapp.extensions import db

# endpoint -> (method, path with {goal} {appointment} {strength} {win} placeholders, form data, kind)
# kind: "client"   a client's own screen; objects in the path belong to the owner
#       "public"   anyone, signed in or not
#       "staff"    signed-in staff only
#       "device"   a step of the device's own sign-in (PIN, lock); tested in test_auth.py
ROUTES = {
    "client.home": ("GET", "/", None, "client"),
    "client.goals": ("GET", "/goals", None, "client"),
    "client.new_goal": ("GET", "/goals/new", None, "client"),
    "client.goal_status": ("POST", "/goals/{goal}/status", {"status": "paused"}, "client"),
    "client.week": ("GET", "/week", None, "client"),
    "client.reply": ("POST", "/week/{appointment}/reply", {"answer": "coming"}, "client"),
    "client.strengths": ("GET", "/strengths", None, "client"),
    "client.remove_strength": ("POST", "/strengths/{strength}/remove", {}, "client"),
    "client.did_it": ("GET", "/did-it", None, "client"),
    "client.celebrate": ("GET", "/wins/{win}", None, "client"),
    "auth.welcome": ("GET", "/welcome", None, "public"),
    "auth.invitation": ("GET", "/i/unknown-token", None, "public"),
    "auth.language": ("GET", "/language", None, "public"),
    "auth.staff_sign_in": ("GET", "/staff/sign-in", None, "public"),
    "auth.choose_pin": ("GET", "/pin/new", None, "device"),
    "auth.unlock": ("GET", "/unlock", None, "device"),
    "auth.locked": ("GET", "/locked", None, "device"),
    "auth.lock": ("POST", "/lock", {}, "device"),
    "auth.sign_out": ("POST", "/sign-out", {}, "device"),
    "staff.home": ("GET", "/staff/", None, "staff"),
    "static": ("GET", "/static/css/app.css", None, "public"),
}

# Object routes also take a win-pick POST, which must not reach another client's goal.
EXTRA_POSTS = [("/did-it", {"pick": "win:bus", "client_uuid": "0d6f2b34-93d3-4c47-9a0e-0a2f2c4b9d11"}),
               ("/goals/new", {"template": "find_job"}),
               ("/wins/{win}", {"mood": "good"}),
               ("/strengths", {"key": "cooking"})]

ROLES = ["owner", "other_client", "trust_person", "coordinator", "admin", "anonymous"]


def test_every_route_is_known(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints == set(ROUTES), "add new routes to ROUTES, with who may use them"


@pytest.fixture
def world(app):
    """Two clients with a goal, win, strength and appointment each; and signed-in clients per role."""
    owner = factories.client()
    other = factories.client()
    objects = {}
    for who in (owner, other):
        goal = factories.goal(who)
        objects[who.id] = {"goal": goal.id, "win": factories.win(who, goal).id,
                           "strength": factories.strength(who).id,
                           "appointment": factories.appointment(who).id}
    db.session.commit()
    clients = {}
    for role in ROLES:
        test_client = app.test_client()
        user = {"owner": owner, "other_client": other, "anonymous": None}.get(role) or factories.staff(role=role)
        db.session.commit()
        if user is not None:
            sign_in(test_client, user)
        clients[role] = test_client
    return clients, objects[owner.id]


def _request(test_client, method, path, data):
    if method == "GET":
        return test_client.get(path)
    token = csrf_token(test_client, "/staff/sign-in")
    return test_client.post(path, data={**(data or {}), "csrf_token": token})


def _allowed(response):
    return response.status_code < 400 and not any(
        stop in (response.location or "") for stop in ("/welcome", "/staff/sign-in", "/unlock"))


@pytest.mark.parametrize("endpoint", [e for e, r in ROUTES.items() if r[3] == "client"])
def test_client_routes(world, endpoint):
    clients, owned = world
    method, path, data, _kind = ROUTES[endpoint]
    path = path.format(**owned)
    has_object = "{" in ROUTES[endpoint][1]

    assert _allowed(_request(clients["owner"], method, path, data)), "the owner uses their own screen"
    other = _request(clients["other_client"], method, path, data)
    if has_object:
        assert other.status_code == 404, "another client's row looks like a missing one"
    else:
        assert _allowed(other)  # a screen of their own
    for role in ("trust_person", "coordinator", "admin"):
        response = _request(clients[role], method, path, data)
        assert response.status_code == 302 and response.location == "/welcome", role
    anonymous = _request(clients["anonymous"], method, path, data)
    assert anonymous.status_code == 302 and anonymous.location == "/welcome"


@pytest.mark.parametrize("path,data", EXTRA_POSTS)
def test_client_posts_stay_with_their_owner(world, path, data):
    clients, owned = world
    assert _allowed(_request(clients["owner"], "POST", path.format(**owned), data))
    for role in ("trust_person", "coordinator", "admin", "anonymous"):
        response = _request(clients[role], "POST", path.format(**owned), data)
        assert response.location == "/welcome", role


def test_a_win_cannot_be_logged_on_another_clients_goal(app, world):
    clients, owned = world
    response = _request(clients["other_client"], "POST", "/did-it",
                        {"pick": f"goal:{owned['goal']}", "client_uuid": "2b0d1c4e-8f8a-4b6e-9a51-7c1f0e2d3a44"})
    assert response.status_code == 404


@pytest.mark.parametrize("endpoint", [e for e, r in ROUTES.items() if r[3] == "staff"])
def test_staff_routes(world, endpoint):
    clients, _owned = world
    method, path, data, _kind = ROUTES[endpoint]
    for role in ("trust_person", "coordinator", "admin"):
        assert _allowed(_request(clients[role], method, path, data)), role
    for role in ("owner", "other_client", "anonymous"):
        response = _request(clients[role], method, path, data)
        assert response.status_code == 302 and response.location.startswith("/staff/sign-in"), role


@pytest.mark.parametrize("endpoint", [e for e, r in ROUTES.items() if r[3] == "public"])
def test_public_routes(world, endpoint):
    clients, _owned = world
    method, path, data, _kind = ROUTES[endpoint]
    for role in ROLES:
        response = _request(clients[role], method, path, data)
        assert response.status_code in (200, 302, 404), role  # 404: the unknown invitation token
        if endpoint == "auth.invitation":
            assert response.status_code == 404


@pytest.mark.parametrize("endpoint", [e for e, r in ROUTES.items() if r[3] == "device"])
def test_device_steps_do_nothing_for_others(world, endpoint):
    """PIN, unlock and lock act only on the requesting device; others are sent on, never shown data."""
    clients, _owned = world
    method, path, data, _kind = ROUTES[endpoint]
    for role in ("anonymous", "trust_person"):
        response = _request(clients[role], method, path, data)
        assert response.status_code == 302, role
