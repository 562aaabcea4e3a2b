"""Every route, for every role: who may use it, and what everyone else gets.

A route added to the app without a row here fails test_every_route_is_known.
"""

import io
import math
import struct
import uuid
import wave
from datetime import timedelta

import pytest

from tests import factories
from tests.conftest import csrf_token, sign_in
from tests.loopback import phone_keys
from webapp import speech
from webapp.domain import auth, partners, settings, sharing
from webapp.extensions import db
from webapp.models import CATEGORIES, Suggestion, utcnow


class Json(dict):
    """A JSON body, posted as fetch() does (CSRF token in the X-CSRFToken header), not a form."""


# endpoint -> (method, path, form data, kind). Paths use {goal} {appointment} {strength} {win}
# {suggestion} {client} {staff} {device} (another phone of the client) placeholders, filled with the rows of
# the client under test.
# kind: "client"   a client's own screen: objects in the path belong to the signed-in client
#       "public"   anyone, signed in or not
#       "staff"    any signed-in staff member, no client data
#       "staff_client"  one client's data for staff: see STAFF_CLIENT_ACCESS
#       "device"   a step of the device's own sign-in (PIN, lock); behaviour in test_auth.py
#       "queue"    JSON from the phone's offline queue: every role below (test_queue_doors); behaviour in
#                  test_offline.py (wins) and test_phone.py (replies, goals, strengths)
#       "token"    no session: a signed token in the path or body is the key; behaviour in test_reminders.py
#       "speech"   anyone signed in (client, staff, partner): read-aloud of the screen; behaviour in test_speech.py
#       "voice"    only staff with the voice permission (recording phrases); other staff get a 404
#       "passkey"  JSON for passkey.js on a client's own enrolled phone; everyone else gets a 401 problem;
#                  behaviour in test_passkeys.py
SEVEN = speech.phrase_hash("nl", "7")  # a digit is a phrase in every language
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
    "client.people.people": ("GET", "/people", None, "client"),
    "client.people.share": ("POST", "/people/{staff}/share", {"toggle": "goals:1"}, "client"),
    "client.people.share_until": ("POST", "/people/{staff}/until", {"period": "week"}, "client"),
    "client.people.looked": ("GET", "/looked", None, "client"),
    "client.people.answer_suggestion": ("POST", "/suggestions/{suggestion}", {"answer": "no"}, "client"),
    "client.settings.index": ("GET", "/settings", None, "client"),
    "client.settings.read_aloud": ("POST", "/settings/read-aloud", {"auto": "1"}, "client"),
    "client.settings.reminders": ("GET", "/settings/reminders", None, "client"),
    "client.settings.contact": ("POST", "/settings/reminders/sms", {"phone": "+32 470 12 34 56"}, "client"),
    "client.settings.confirm": ("GET", "/settings/reminders/email/confirm", None, "client"),
    "client.settings.resend": ("POST", "/settings/reminders/sms/resend", {}, "client"),
    "client.settings.cancel": ("POST", "/settings/reminders/sms/cancel", {}, "client"),
    "client.settings.remove": ("POST", "/settings/reminders/email/remove", {}, "client"),
    "client.settings.pin": ("POST", "/settings/pin", {"pin": "1357"}, "client"),
    "client.settings.devices": ("GET", "/settings/devices", None, "client"),
    "client.settings.end_device": ("POST", "/settings/devices/{device}/end", {}, "client"),
    "pwa.push_subscribe": ("POST", "/push/subscribe", Json(endpoint="https://fcm.googleapis.com/fcm/send/authz",
                                                           expirationTime=None, keys=phone_keys()[2]), "client"),
    "pwa.push_unsubscribe": ("POST", "/push/unsubscribe", Json(endpoint="https://fcm.googleapis.com/x"), "client"),
    "pwa.calendar_open": ("POST", "/calendar", {}, "client"),
    "pwa.calendar_revoke": ("POST", "/calendar/revoke", {}, "client"),
    "pwa.service_worker": ("GET", "/sw.js", None, "public"),
    "pwa.push_reply": ("POST", "/push/reply", Json(token="not-a-token", answer="coming"), "token"),
    "pwa.calendar_feed": ("GET", "/calendar/1-not-the-token.ics", None, "token"),
    "auth.welcome": ("GET", "/welcome", None, "public"),
    "auth.invitation": ("GET", "/i/unknown-token", None, "public"),
    "auth.language": ("GET", "/language", None, "public"),
    "auth.about": ("GET", "/about", None, "public"),
    "staff.sign_in": ("GET", "/staff/sign-in", None, "public"),
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
    "staff.end_wait": ("POST", "/staff/clients/{client}/unlock", {}, "staff_client"),
    "staff.circle": ("GET", "/staff/clients/{client}/circle", None, "staff_client"),
    "staff.suggest_goal": ("POST", "/staff/clients/{client}/suggest/goal", {"template": "bike"}, "staff_client"),
    "staff.suggest_strength": ("POST", "/staff/clients/{client}/suggest/strength", {"key": "cooking"},
                               "staff_client"),
    "staff.suggest_appointment": ("GET", "/staff/clients/{client}/suggest/appointment", None, "staff_client"),
    "static": ("GET", "/static/css/app.css", None, "public"),
    "client.people.partner_list": ("GET", "/partners", None, "client"),
    "client.phone.sync_win": ("POST", "/wins/sync", None, "queue"),
    "client.phone.sync_reply": ("POST", "/week/sync", None, "queue"),
    "client.phone.sync_goal": ("POST", "/goals/sync", None, "queue"),
    "client.phone.sync_strength": ("POST", "/strengths/sync", None, "queue"),
    "pwa.manifest": ("GET", "/manifest.webmanifest", None, "public"),
    "pwa.offline": ("GET", "/offline", None, "public"),
    "client.kept_week": ("GET", "/week/kept.json", None, "client"),  # JSON from the offline queue: test_offline.py
    "client.phone.still_here": ("POST", "/still-here", {}, "client"),  # lock.js, while the client is busy
    "client.people.partner_link": ("POST", "/partners/{org}", {}, "client"),
    "client.people.partner_unlink": ("POST", "/partners/{org}/unlink", {}, "client"),
    "partner.home": ("GET", "/partner/", None, "partner"),
    "partner.plan": ("GET", "/partner/appointments/new", None, "partner"),
    "partner.move": ("GET", "/partner/appointments/{planned}", None, "partner"),
    "partner.cancel": ("POST", "/partner/appointments/{planned}/cancel", {}, "partner"),
    "partner_api.openapi": ("GET", "/api/v1/openapi.json", None, "public"),
    "partner_api.catalogue": ("GET", "/api/v1/catalogue", None, "api"),
    "partner_api.clients": ("GET", "/api/v1/clients", None, "api"),
    "partner_api.list_appointments": ("GET", "/api/v1/appointments", None, "api"),
    "partner_api.create_appointment": ("POST", "/api/v1/appointments", "create", "api"),
    "partner_api.get_appointment": ("GET", "/api/v1/appointments/{planned}", None, "api"),
    "partner_api.move_appointment": ("PATCH", "/api/v1/appointments/{planned}", {"place": "Markt 2"}, "api"),
    "partner_api.cancel_appointment": ("POST", "/api/v1/appointments/{planned}/cancel", {}, "api"),
    "voice.phrase_index": ("GET", "/speech/nl/phrases.json", None, "public"),
    "voice.clip": ("GET", f"/speech/nl/{SEVEN}.opus", None, "public"),
    "voice.say": ("POST", "/speech", Json(lang="nl", text="7"), "speech"),
    "staff.voice.recordings": ("GET", "/staff/voice?lang=ar", None, "voice"),
    "staff.voice.record": ("POST", f"/staff/voice/nl/{SEVEN}", "recording", "voice"),
    "auth.passkeys.offer": ("GET", "/passkey/offer", None, "client"),
    "auth.passkeys.settings": ("GET", "/passkey", None, "client"),
    "auth.passkeys.turn_off": ("POST", "/passkey/off", {}, "client"),
    "auth.passkeys.register_options": ("POST", "/webauthn/register/options", Json(), "passkey"),
    "auth.passkeys.register": ("POST", "/webauthn/register", Json(id="AAAA", rawId="AAAA", type="public-key",
                                                                 response={}), "passkey"),
    "auth.passkeys.unlock_options": ("POST", "/webauthn/unlock/options", Json(), "passkey"),
    "auth.passkeys.unlock": ("POST", "/webauthn/unlock", Json(id="AAAA", rawId="AAAA", type="public-key",
                                                             response={}), "passkey"),
}
# What a client's open phone gets from each passkey route, past its door: options to make a passkey; no
# challenge to answer yet; nothing to unlock on a phone that is open.
PASSKEY_PAST_THE_DOOR = {"auth.passkeys.register_options": 200, "auth.passkeys.register": 400,
                         "auth.passkeys.unlock_options": 409, "auth.passkeys.unlock": 409}
# Placeholders naming rows that belong to one client: another client gets a 404 for them.
OWNED = ("{goal}", "{win}", "{strength}", "{appointment}", "{suggestion}", "{staff}", "{device}")

# Who may use each staff route on the client "sharer" (shares everything with their trust person and
# goals with a coordinator in their circle) and on "quiet" (shares nothing with their trust person).
VISIBLE = {"sharer": {"trust_person", "circle_coordinator"}, "quiet": {"quiet_trust_person"}}
OWN_TRUST_PERSON = {"sharer": {"trust_person"}, "quiet": {"quiet_trust_person"}}
STAFF_CLIENT_ACCESS = {
    "staff.client": VISIBLE,
    "staff.client_screen": VISIBLE,  # those without the goals share get "not shared", tested below
    "staff.react": {"sharer": {"trust_person"}, "quiet": set()},
    "staff.invite": OWN_TRUST_PERSON,
    "staff.end_wait": OWN_TRUST_PERSON,
    "staff.circle": OWN_TRUST_PERSON,
    "staff.suggest_goal": VISIBLE,
    "staff.suggest_strength": VISIBLE,
    "staff.suggest_appointment": VISIBLE,
}

STAFF_ROLES = ["trust_person", "quiet_trust_person", "circle_coordinator", "other_trust_person", "coordinator",
               "admin"]
CLIENT_ROLES = ["sharer", "quiet"]
PARTNER_ROLES = ["partner_user", "other_partner_user"]
ROLES = CLIENT_ROLES + STAFF_ROLES + PARTNER_ROLES + ["anonymous"]
SECRET = "Geheim doel van de klant"


def test_every_route_is_known(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints == set(ROUTES), "add new routes to ROUTES, with who may use them"
    assert {e for e, r in ROUTES.items() if r[3] == "staff_client"} == set(STAFF_CLIENT_ACCESS)
    assert {e for e, r in ROUTES.items() if r[3] == "passkey"} == set(PASSKEY_PAST_THE_DOOR)


@pytest.fixture
def world(app, contact_channels):
    """Two clients with a row of everything, their trust people, a circle coordinator and outsiders.

    Each client also has a second phone and a new number and address waiting for their codes; the server
    sends SMS and e-mail (to loopback receivers)."""
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
        auth.start_session(who, "device", timedelta(days=1), "Mozilla/5.0 (Linux; Android 14) Chrome/120.0")
        rows[name]["device"] = max(d.id for d in settings.live_devices(who))
        for channel, address in (("sms", "+32470000001"), ("email", f"client{who.id}@example.org")):
            settings.start_change(who, channel, address)
    partner_org, other_partner_org = factories.organisation(), factories.organisation()
    for role, org_ in (("partner_user", partner_org), ("other_partner_user", other_partner_org)):
        users[role] = factories.staff(role="partner_user")
        users[role].organisation = org_
    link = partners.link(users["sharer"], partner_org)
    partners.link(users["quiet"], other_partner_org)
    planned = partners.plan(link, "intake", utcnow() + timedelta(days=2), place="Markt 1")
    for name in CLIENT_ROLES:
        rows[name].update(org=partner_org.id, planned=planned.id, client_ref=link.client_ref)
    tokens = {"partner_user": partners.create_token(partner_org), "other_partner_user":
              partners.create_token(other_partner_org)}
    for category in CATEGORIES:
        sharing.grant(users["sharer"], users["trust_person"], category)
    sharing.add_to_circle(users["sharer"], users["circle_coordinator"], users["trust_person"])
    sharing.grant(users["sharer"], users["circle_coordinator"], "goals")
    db.session.commit()
    clients = {}
    for role in ROLES:
        clients[role] = test_client = app.test_client()
        if role != "anonymous":
            sign_in(test_client, users[role], kind="device" if role in CLIENT_ROLES else "staff")
    rows["sharer"]["tokens"] = tokens
    return clients, rows


def _request(test_client, method, path, data):
    if method == "GET":
        return test_client.get(path)
    token = csrf_token(test_client, "/staff/sign-in")
    if isinstance(data, Json):
        return test_client.post(path, json=data, headers={"X-CSRFToken": token})
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
    if any(owned in template for owned in OWNED):
        assert other.status_code == 404, "another client's row looks like a missing one"
    else:
        assert _allowed(other)  # a screen of their own
    for role in STAFF_ROLES:
        response = _request(clients[role], method, path, data)
        assert response.status_code == 302 and response.location == "/welcome", role
    anonymous = _request(clients["anonymous"], method, path, data)
    assert anonymous.status_code == 302 and anonymous.location == "/welcome"


# What each queue door reads, with {appointment} {goal} of the client under test.
QUEUE_BODIES = {
    "client.phone.sync_win": {"pick": "goal:{goal}", "text": "Gelukt"},
    "client.phone.sync_reply": {"appointment": "{appointment}", "answer": "need_help"},
    "client.phone.sync_goal": {"template": "bike", "title": "Een fiets"},
    "client.phone.sync_strength": {"own_words": "Ik kan goed luisteren"},
}


@pytest.mark.parametrize("endpoint", [e for e, r in ROUTES.items() if r[3] == "queue"])
def test_queue_doors(world, endpoint):
    """The owner's item lands (and once); another client's row looks missing; nobody else keeps anything."""
    clients, rows = world
    path = ROUTES[endpoint][1]
    body = {key: value.format(**rows["sharer"]) if isinstance(value, str) else value
            for key, value in QUEUE_BODIES[endpoint].items()}
    body["client_uuid"] = str(uuid.uuid4())
    queue = {"X-Stapstenen-Queue": "1"}
    for role in [*STAFF_ROLES, *PARTNER_ROLES, "anonymous"]:
        response = clients[role].post(path, json=body, headers=queue)
        assert response.status_code == 401 and response.get_json()["reason"] == "sign-in", role
    names_a_row = any("{" in str(value) for value in QUEUE_BODIES[endpoint].values())
    # Another client: the sharer's row looks missing; an item of their own lands as theirs (uuids are per client).
    assert clients["quiet"].post(path, json=body, headers=queue).status_code == (404 if names_a_row else 201)
    assert clients["sharer"].post(path, json=body, headers=queue).status_code == 201
    assert clients["sharer"].post(path, json=body, headers=queue).status_code == 200


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
    for role in [*CLIENT_ROLES, *PARTNER_ROLES, "anonymous"]:
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
    for role in PARTNER_ROLES:
        assert _request(clients[role], method, path, data).location.startswith("/staff/sign-in"), role
    for role in [*CLIENT_ROLES, "anonymous"]:
        response = _request(clients[role], method, path, data)
        assert response.status_code == 302 and response.location.startswith("/staff/sign-in"), role


@pytest.mark.parametrize("endpoint", [e for e, r in ROUTES.items() if r[3] == "partner"])
def test_partner_web_routes(world, endpoint):
    """Partner staff reach only their own organisation's appointments; everyone else signs in first."""
    clients, rows = world
    method, template, data, _kind = ROUTES[endpoint]
    path = template.format(**rows["sharer"])
    assert _allowed(_request(clients["partner_user"], method, path, data))
    other = _request(clients["other_partner_user"], method, path, data)
    if "{planned}" in template:
        assert other.status_code == 404
    else:
        assert _allowed(other)
    for role in [*CLIENT_ROLES, *STAFF_ROLES, "anonymous"]:
        response = _request(clients[role], method, path, data)
        assert response.status_code == 302 and response.location.startswith("/staff/sign-in"), role


@pytest.mark.parametrize("endpoint", [e for e, r in ROUTES.items() if r[3] == "api"])
def test_api_routes(app, world, endpoint):
    """Own partner: allowed; another partner: 404 for the row (or an empty list); no token: 401."""
    _clients, rows = world
    method, template, data, _kind = ROUTES[endpoint]
    path = template.format(**rows["sharer"])
    if data == "create":
        data = {"client_ref": rows["sharer"]["client_ref"], "kind": "intake",
                "starts_at": (utcnow() + timedelta(days=3)).isoformat()}

    def call(token):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if method == "POST":
            headers["Idempotency-Key"] = str(uuid.uuid4())
        return app.test_client().open(path, method=method, json=data, headers=headers)

    own = call(rows["sharer"]["tokens"]["partner_user"])
    assert own.status_code in (200, 201), own.get_json()
    other = call(rows["sharer"]["tokens"]["other_partner_user"])
    if "{planned}" in template or data and "client_ref" in data:
        assert other.status_code == 404
    else:
        assert other.status_code == 200 and rows["sharer"]["client_ref"] not in other.get_data(as_text=True)
    assert call(None).status_code == 401
    assert call("stp_not-a-token").status_code == 401


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
        assert b"client_ref" not in response.get_data() or endpoint == "partner_api.openapi"


@pytest.mark.parametrize("endpoint", [e for e, r in ROUTES.items() if r[3] == "device"])
def test_device_steps_do_nothing_for_others(world, endpoint):
    """PIN, unlock and lock act only on the requesting device; others are sent on, never shown data."""
    clients, _rows = world
    method, path, data, _kind = ROUTES[endpoint]
    for role in ("anonymous", "trust_person"):
        response = _request(clients[role], method, path, data)
        assert response.status_code == 302, role


@pytest.mark.parametrize("endpoint", [e for e, r in ROUTES.items() if r[3] == "passkey"])
def test_passkey_ceremonies_answer_only_a_clients_own_phone(world, endpoint):
    clients, _rows = world
    method, path, data, _kind = ROUTES[endpoint]
    for role in [*STAFF_ROLES, *PARTNER_ROLES, "anonymous"]:
        response = _request(clients[role], method, path, data)
        assert response.status_code == 401 and response.mimetype == "application/problem+json", role
    for role in CLIENT_ROLES:
        response = _request(clients[role], method, path, data)
        assert response.status_code == PASSKEY_PAST_THE_DOOR[endpoint], role
        assert response.mimetype == ("application/json" if response.status_code == 200 else
                                     "application/problem+json"), role


@pytest.mark.parametrize("endpoint", [e for e, r in ROUTES.items() if r[3] == "token"])
def test_token_routes_refuse_a_bad_token_to_everyone(world, endpoint):
    """A session opens nothing here: without a genuine token every role gets a 4xx, never data or a 500."""
    clients, _rows = world
    method, path, data, _kind = ROUTES[endpoint]
    for role in ROLES:
        response = _request(clients[role], method, path, data)
        assert response.status_code in (403, 404), role


@pytest.mark.parametrize("endpoint", [e for e, r in ROUTES.items() if r[3] == "speech"])
def test_speech_routes_need_someone_signed_in(world, endpoint):
    clients, _rows = world
    method, path, data, _kind = ROUTES[endpoint]
    for role in ROLES:
        response = _request(clients[role], method, path, data)
        if role == "anonymous":
            assert response.status_code == 401, role
        else:
            assert response.status_code == 200 and response.data[:4] == b"OggS", role


def _tone() -> bytes:
    """Half a second of a 440 Hz tone as a 16-bit mono WAV: what the recording page uploads."""
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(i / 16000 * 2 * math.pi * 440)))
                               for i in range(8000)))
    return out.getvalue()


@pytest.mark.parametrize("endpoint", [e for e, r in ROUTES.items() if r[3] == "voice"])
def test_voice_routes_only_for_staff_with_the_voice_permission(app, world, endpoint):
    clients, _rows = world
    method, path, data, _kind = ROUTES[endpoint]
    recorder = app.test_client()
    sign_in(recorder, factories.staff(voice=True))

    def call(test_client):
        if data != "recording":
            return _request(test_client, method, path, data)
        form = {"csrf_token": csrf_token(test_client, "/staff/sign-in"), "audio": (io.BytesIO(_tone()), "clip.wav")}
        return test_client.post(path, data=form, content_type="multipart/form-data")

    assert call(recorder).status_code == 200
    for role in STAFF_ROLES:
        assert call(clients[role]).status_code == 404, role
    for role in [*CLIENT_ROLES, *PARTNER_ROLES, "anonymous"]:
        response = call(clients[role])
        assert response.status_code == 302 and response.location.startswith("/staff/sign-in"), role
