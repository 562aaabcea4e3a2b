"""Every route, for every role: who may use it, and what everyone else gets.

A route added to the app without a row here fails test_every_route_is_known.
"""

import pytest

from tests import factories
from tests.conftest import csrf_token, sign_in
from webapp.domain import sharing
from webapp.extensions import db
from webapp.models import CATEGORIES, Suggestion

# endpoint -> (method, path, form data, kind). Paths use {goal} {appointment} {strength} {win}
# {suggestion} {client} {staff} placeholders, filled with the rows of the client under test.
# kind: "client"   a client's own screen: objects in the path belong to the signed-in client
#       "public"   anyone, signed in or not
#       "staff"    any signed-in staff member, no client data
#       "staff_client"  one client's data for staff: see STAFF_CLIENT_ACCESS
#       "device"   a step of the device's own sign-in (PIN, lock); behaviour in test_auth.py
ROUTES = {
    "client.home": ("GET", "/", None, "client"),
    "client.goals": ("GET", "/goals", None, "client"),
    "client.new_goal": ("GET", "/goals/new", None, "client"),
    "client.goal_status": ("POST", "/goals/{goal}/status", {"status": "paused"}, "client"),
    "client.goal_private": ("POST", "/goals/{goal}/private", {"private": "1"}, "client"),
    "client.week": ("GET", "/week", None, "client"),
    "client.reply": ("POST", "/week/{appointment}/reply", {"answer": "coming"}, "client"),
    "client.strengths": ("GET", "/strengths", None, "client"),
    "client.remove_strength": ("POST", "/strengths/{strength}/remove", {}, "client"),
    "client.did_it": ("GET", "/did-it", None, "client"),
    "client.wins": ("GET", "/wins", None, "client"),
    "client.celebrate": ("GET", "/wins/{win}", None, "client"),
    "client.win_private": ("POST", "/wins/{win}/private", {"private": "1"}, "client"),
    "client.people": ("GET", "/people", None, "client"),
    "client.share": ("POST", "/people/{staff}/share", {"toggle": "goals:1"}, "client"),
    "client.share_until": ("POST", "/people/{staff}/until", {"period": "week"}, "client"),
    "client.looked": ("GET", "/looked", None, "client"),
    "client.answer_suggestion": ("POST", "/suggestions/{suggestion}", {"answer": "no"}, "client"),
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
    "staff.new_client": ("GET", "/staff/clients/new", None, "staff"),
    "staff.client": ("GET", "/staff/clients/{client}", None, "staff_client"),
    "staff.client_screen": ("GET", "/staff/clients/{client}/goals", None, "staff_client"),
    "staff.react": ("POST", "/staff/clients/{client}/wins/{win}/react", {"kind": "heart"}, "staff_client"),
    "staff.invite": ("POST", "/staff/clients/{client}/invite", {}, "staff_client"),
    "staff.circle": ("GET", "/staff/clients/{client}/circle", None, "staff_client"),
    "staff.suggest_goal": ("POST", "/staff/clients/{client}/suggest/goal", {"template": "bike"}, "staff_client"),
    "staff.suggest_strength": ("POST", "/staff/clients/{client}/suggest/strength", {"key": "cooking"},
                               "staff_client"),
    "staff.suggest_appointment": ("GET", "/staff/clients/{client}/suggest/appointment", None, "staff_client"),
    "static": ("GET", "/static/css/app.css", None, "public"),
}

# Who may use each staff route on the client "sharer" (shares everything with their trust person and
# goals with a coordinator in their circle) and on "quiet" (shares nothing with their trust person).
VISIBLE = {"sharer": {"trust_person", "circle_coordinator"}, "quiet": {"quiet_trust_person"}}
OWN_TRUST_PERSON = {"sharer": {"trust_person"}, "quiet": {"quiet_trust_person"}}
STAFF_CLIENT_ACCESS = {
    "staff.client": VISIBLE,
    "staff.client_screen": VISIBLE,  # those without the goals share get "not shared", tested below
    "staff.react": {"sharer": {"trust_person"}, "quiet": set()},
    "staff.invite": OWN_TRUST_PERSON,
    "staff.circle": OWN_TRUST_PERSON,
    "staff.suggest_goal": VISIBLE,
    "staff.suggest_strength": VISIBLE,
    "staff.suggest_appointment": VISIBLE,
}

STAFF_ROLES = ["trust_person", "quiet_trust_person", "circle_coordinator", "other_trust_person", "coordinator",
               "admin"]
CLIENT_ROLES = ["sharer", "quiet"]
ROLES = CLIENT_ROLES + STAFF_ROLES + ["anonymous"]
SECRET = "Geheim doel van de klant"


def test_every_route_is_known(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints == set(ROUTES), "add new routes to ROUTES, with who may use them"
    assert {e for e, r in ROUTES.items() if r[3] == "staff_client"} == set(STAFF_CLIENT_ACCESS)


@pytest.fixture
def world(app):
    """Two clients with a row of everything, their trust people, a circle coordinator and outsiders."""
    org = factories.organisation(kind="care_team")
    users = {role: factories.staff(role="coordinator" if "coordinator" in role else
                                   "admin" if role == "admin" else "trust_person") for role in STAFF_ROLES}
    for user in users.values():
        user.organisation = org
    users["sharer"] = factories.client(trust_person=users["trust_person"])
    users["quiet"] = factories.client(trust_person=users["quiet_trust_person"])
    rows = {}
    for name in CLIENT_ROLES:
        who = users[name]
        goal = factories.goal(who, title=SECRET)
        rows[name] = {"client": who.id, "goal": goal.id, "win": factories.win(who, goal).id,
                      "strength": factories.strength(who).id, "appointment": factories.appointment(who).id,
                      "staff": who.trust_person_id}
        suggestion = Suggestion(client_id=who.id, staff_id=who.trust_person_id, kind="goal", key="bike")
        db.session.add(suggestion)
        db.session.flush()
        rows[name]["suggestion"] = suggestion.id
    for category in CATEGORIES:
        sharing.grant(users["sharer"], users["trust_person"], category)
    sharing.add_to_circle(users["sharer"], users["circle_coordinator"], users["trust_person"])
    sharing.grant(users["sharer"], users["circle_coordinator"], "goals")
    db.session.commit()
    clients = {}
    for role in ROLES:
        clients[role] = test_client = app.test_client()
        if role != "anonymous":
            sign_in(test_client, users[role])
    return clients, rows


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
    clients, rows = world
    method, template, data, _kind = ROUTES[endpoint]
    path = template.format(**rows["sharer"])
    assert _allowed(_request(clients["sharer"], method, path, data)), "the owner uses their own screen"
    other = _request(clients["quiet"], method, path, data)
    if "{" in template:
        assert other.status_code == 404, "another client's row looks like a missing one"
    else:
        assert _allowed(other)  # a screen of their own
    for role in STAFF_ROLES:
        response = _request(clients[role], method, path, data)
        assert response.status_code == 302 and response.location == "/welcome", role
    anonymous = _request(clients["anonymous"], method, path, data)
    assert anonymous.status_code == 302 and anonymous.location == "/welcome"


@pytest.mark.parametrize("path,data", [
    ("/did-it", {"pick": "win:bus", "client_uuid": "0d6f2b34-93d3-4c47-9a0e-0a2f2c4b9d11"}),
    ("/goals/new", {"template": "find_job"}),
    ("/wins/{win}", {"mood": "good"}),
    ("/strengths", {"key": "cooking"}),
])
def test_client_posts_stay_with_their_owner(world, path, data):
    clients, rows = world
    assert _allowed(_request(clients["sharer"], "POST", path.format(**rows["sharer"]), data))
    for role in [*STAFF_ROLES, "anonymous"]:
        response = _request(clients[role], "POST", path.format(**rows["sharer"]), data)
        assert response.location == "/welcome", role


def test_a_win_cannot_be_logged_on_another_clients_goal(world):
    clients, rows = world
    pick = {"pick": f"goal:{rows['sharer']['goal']}", "client_uuid": "2b0d1c4e-8f8a-4b6e-9a51-7c1f0e2d3a44"}
    response = _request(clients["quiet"], "POST", "/did-it", pick)
    assert response.status_code == 404


def test_a_share_with_someone_outside_the_circle_is_listed_so_it_can_be_closed(app, world):
    clients, rows = world
    from webapp.models import User

    sharer = db.session.get(User, rows["sharer"]["client"])
    outsider = db.session.get(User, rows["quiet"]["staff"])
    sharing.grant(sharer, outsider, "goals")  # e.g. left over from a former trust person
    db.session.commit()
    assert f'id="person-{outsider.id}"' in clients["sharer"].get("/people").get_data(as_text=True)
    _request(clients["sharer"], "POST", f"/people/{outsider.id}/share", {"toggle": "goals:0"})
    assert SECRET not in clients["quiet_trust_person"].get(
        f"/staff/clients/{rows['sharer']['client']}/goals").get_data(as_text=True)


def test_a_client_cannot_share_with_someone_outside_their_circle(world):
    clients, rows = world
    response = _request(clients["sharer"], "POST", f"/people/{rows['quiet']['staff']}/share", {"toggle": "goals:1"})
    assert response.status_code == 404


@pytest.mark.parametrize("endpoint", [e for e, r in ROUTES.items() if r[3] == "staff"])
def test_staff_routes(world, endpoint):
    clients, _rows = world
    method, path, data, _kind = ROUTES[endpoint]
    for role in STAFF_ROLES:
        assert _allowed(_request(clients[role], method, path, data)), role
    for role in [*CLIENT_ROLES, "anonymous"]:
        response = _request(clients[role], method, path, data)
        assert response.status_code == 302 and response.location.startswith("/staff/sign-in"), role


@pytest.mark.parametrize("target", CLIENT_ROLES)
@pytest.mark.parametrize("endpoint", sorted(STAFF_CLIENT_ACCESS))
def test_staff_reach_a_client_only_through_the_client(world, endpoint, target):
    clients, rows = world
    method, template, data, _kind = ROUTES[endpoint]
    path = template.format(**rows[target])
    allowed = STAFF_CLIENT_ACCESS[endpoint][target]
    for role in STAFF_ROLES:
        response = _request(clients[role], method, path, data)
        if role in allowed:
            assert _allowed(response), f"{role} may use {endpoint} for {target}"
        else:
            assert response.status_code == 404, f"{role} must not reach {target} through {endpoint}"
    for role in [*CLIENT_ROLES, "anonymous"]:
        response = _request(clients[role], method, path, data)
        assert response.status_code == 302 and response.location.startswith("/staff/sign-in"), role


@pytest.mark.parametrize("role,target,sees", [
    ("trust_person", "sharer", True),
    ("circle_coordinator", "sharer", True),
    ("quiet_trust_person", "quiet", False),
])
def test_goals_show_only_where_shared(world, role, target, sees):
    clients, rows = world
    body = clients[role].get(f"/staff/clients/{rows[target]['client']}/goals").get_data(as_text=True)
    assert (SECRET in body) is sees
    if not sees:
        assert "not share" in body or "deelt dit niet" in body


@pytest.mark.parametrize("endpoint", [e for e, r in ROUTES.items() if r[3] == "public"])
def test_public_routes(world, endpoint):
    clients, _rows = world
    method, path, data, _kind = ROUTES[endpoint]
    for role in ROLES:
        response = _request(clients[role], method, path, data)
        assert response.status_code == (404 if endpoint == "auth.invitation" else 200) or (
            response.status_code == 302 and endpoint == "auth.welcome"), role


@pytest.mark.parametrize("endpoint", [e for e, r in ROUTES.items() if r[3] == "device"])
def test_device_steps_do_nothing_for_others(world, endpoint):
    """PIN, unlock and lock act only on the requesting device; others are sent on, never shown data."""
    clients, _rows = world
    method, path, data, _kind = ROUTES[endpoint]
    for role in ("anonymous", "trust_person"):
        response = _request(clients[role], method, path, data)
        assert response.status_code == 302, role
