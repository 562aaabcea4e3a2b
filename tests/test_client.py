"""The client's own screens: home, goals, week, strengths and small wins."""

import threading
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.conftest import csrf_token
from webapp.extensions import db
from webapp.models import Appointment, Goal, Strength, Win, utcnow


def post(test_client, path, data, htmx=False):
    headers = {"HX-Request": "true"} if htmx else {}
    return test_client.post(path, data={**data, "csrf_token": csrf_token(test_client, "/")}, headers=headers)


# --- home ----------------------------------------------------------------------------------------

def test_home_shows_the_next_appointment_with_a_clock_face(as_client):
    client, user = as_client
    org = factories.organisation(name="VDAB Willebroek")
    factories.appointment(user, org, kind="dutch_class", in_hours=72, place="Stationsstraat 52")
    factories.appointment(user, org, kind="doctor", in_hours=30)
    factories.appointment(factories.client(), org, kind="court", in_hours=2)  # someone else's
    db.session.commit()
    body = client.get("/").get_data(as_text=True)
    assert "/pictograms/1FA7A.svg" in body  # the doctor, the nearest one
    assert 'class="clock"' in body and "hand-hour" in body
    assert "/pictograms/2696.svg" not in body  # not the other client's court date
    assert 'href="/did-it"' in body


def test_home_without_appointments_says_so(as_client):
    client, _user = as_client
    body = client.get("/").get_data(as_text=True)
    assert 'class="card empty"' in body and "clock" not in body


def test_private_pages_are_never_stored(as_client):
    client, _user = as_client
    for path in ("/", "/goals", "/week", "/strengths", "/did-it"):
        response = client.get(path)
        assert response.headers["Cache-Control"] == "no-store", path
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
        assert "<script>" not in response.get_data(as_text=True)
        assert " style=" not in response.get_data(as_text=True)


def test_dates_are_in_the_clients_language_and_brussels_time(app, as_client):
    client, user = as_client
    user.language = "ar"
    appointment = factories.appointment(user, in_hours=30)
    db.session.commit()
    body = client.get("/week").get_data(as_text=True)
    assert 'dir="rtl"' in body and 'lang="ar"' in body
    from babel.dates import format_time

    local = format_time(appointment.starts_at, "short", tzinfo=__import__("zoneinfo").ZoneInfo("Europe/Brussels"),
                        locale="ar")
    assert local in body


# --- goals ---------------------------------------------------------------------------------------

def test_add_a_goal_without_typing(as_client):
    client, user = as_client
    page = client.get("/goals/new?domain=work").get_data(as_text=True)
    assert 'name="template" value="find_job"' in page
    response = post(client, "/goals/new?domain=work", {"template": "find_job"})
    assert response.status_code == 302 and response.location == "/goals"
    goal = db.session.scalar(select(Goal))
    assert (goal.client_id, goal.domain, goal.template, goal.title, goal.status) == (
        user.id, "work", "find_job", None, "active")
    assert "/pictograms/1F50D.svg" in client.get("/goals").get_data(as_text=True)


def test_goal_in_own_words(as_client):
    client, _user = as_client
    post(client, "/goals/new", {"template": "pay_debts", "title": "  Elke maand 20 euro  "})
    assert db.session.scalar(select(Goal.title)) == "Elke maand 20 euro"


@pytest.mark.parametrize("data", [{}, {"template": "no_such_template"}, {"template": "x" * 5000}])
def test_a_goal_needs_a_known_template(as_client, data):
    client, _user = as_client
    response = post(client, "/goals/new", data)
    assert response.status_code == 422
    assert 'class="error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Goal)) == 0


def test_too_long_own_words_keep_the_input(as_client):
    client, _user = as_client
    long_title = "Mijn eigen woorden " * 10
    response = post(client, "/goals/new?domain=money", {"template": "pay_debts", "title": long_title})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert long_title.strip() in body and "80" in body
    assert db.session.scalar(select(func.count()).select_from(Goal)) == 0


def test_mark_a_goal_reached_swaps_only_its_card(as_client):
    client, user = as_client
    goal = factories.goal(user)
    factories.win(user, goal)
    db.session.commit()
    response = post(client, f"/goals/{goal.id}/status", {"status": "reached"}, htmx=True)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and body.lstrip().startswith("<article")
    assert f'id="goal-{goal.id}"' in body and "<html" not in body
    db.session.expire_all()
    assert goal.status == "reached" and goal.status_changed_at is not None
    assert post(client, f"/goals/{goal.id}/status", {"status": "deleted"}).status_code == 400
    assert post(client, "/goals/999999/status", {"status": "paused"}).status_code == 404


def test_each_goal_shows_its_wins_as_stepping_stones(as_client):
    client, user = as_client
    goal = factories.goal(user, template="bus_alone")
    other_goal = factories.goal(user, template="sleep_well")
    for _ in range(15):
        factories.win(user, goal)
    factories.win(user, other_goal)
    db.session.commit()
    body = client.get("/goals").get_data(as_text=True)
    card = body.split(f'id="goal-{goal.id}"')[1].split("</article>")[0]
    assert card.count("1FAA8.svg") == 12 and "+3" in card
    other = body.split(f'id="goal-{other_goal.id}"')[1].split("</article>")[0]
    assert other.count("1FAA8.svg") == 1


# --- my week -------------------------------------------------------------------------------------

def test_week_shows_the_coming_fourteen_days_only(as_client):
    client, user = as_client
    org = factories.organisation()
    inside = factories.appointment(user, org, in_hours=24 * 13)
    beyond = factories.appointment(user, org, in_hours=24 * 15)
    past = factories.appointment(user, org, in_hours=-5)
    cancelled = factories.appointment(user, org, in_hours=5)
    cancelled.status = "cancelled"
    db.session.commit()
    body = client.get("/week").get_data(as_text=True)
    assert f'id="appointment-{inside.id}"' in body
    for hidden in (beyond, past, cancelled):
        assert f'id="appointment-{hidden.id}"' not in body


def test_week_shows_what_to_bring_and_a_map_link(as_client):
    client, user = as_client
    factories.appointment(user, bring="id_card,bank_card", place="Boomsestraat 2, Bornem")
    db.session.commit()
    body = client.get("/week").get_data(as_text=True)
    assert "1FAAA.svg" in body and "1F4B3.svg" in body
    assert "openstreetmap.org/search?query=Boomsestraat%202%2C%20Bornem" in body


@pytest.mark.parametrize("answer", ["coming", "cannot_come", "need_help"])
def test_reply_to_an_appointment_is_stored_with_its_time(as_client, answer):
    client, user = as_client
    appointment = factories.appointment(user)
    db.session.commit()
    before = utcnow()
    response = post(client, f"/week/{appointment.id}/reply", {"answer": answer}, htmx=True)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith("<article") and 'aria-pressed="true"' in body
    db.session.expire_all()
    assert appointment.reply == answer and before - timedelta(seconds=1) <= appointment.replied_at <= utcnow()


def test_reply_without_htmx_returns_to_the_week(as_client):
    client, user = as_client
    appointment = factories.appointment(user)
    db.session.commit()
    response = post(client, f"/week/{appointment.id}/reply", {"answer": "coming"})
    assert response.status_code == 302 and response.location == "/week"


@pytest.mark.parametrize("answer", ["", "maybe", "coming" * 100])
def test_a_bad_reply_changes_nothing(as_client, answer):
    client, user = as_client
    appointment = factories.appointment(user)
    db.session.commit()
    assert post(client, f"/week/{appointment.id}/reply", {"answer": answer}).status_code == 400
    db.session.expire_all()
    assert appointment.reply is None


def test_no_reply_to_a_cancelled_appointment(as_client):
    client, user = as_client
    appointment = factories.appointment(user)
    appointment.status = "cancelled"
    db.session.commit()
    assert post(client, f"/week/{appointment.id}/reply", {"answer": "coming"}).status_code == 400


# --- strengths -----------------------------------------------------------------------------------

def test_pick_a_strength_from_the_catalogue_once(as_client):
    client, user = as_client
    for _ in range(2):
        response = post(client, "/strengths", {"key": "cooking"}, htmx=True)
        assert response.status_code == 200 and 'id="strengths"' in response.get_data(as_text=True)
    assert db.session.scalars(select(Strength.key)).all() == ["cooking"]
    body = client.get("/strengths").get_data(as_text=True)
    assert body.count('value="cooking"') == 0  # no longer offered once picked


def test_a_strength_in_own_words_and_its_errors(as_client):
    client, _user = as_client
    assert post(client, "/strengths", {"own_words": "Geduldig"}).status_code == 200
    empty = post(client, "/strengths", {"own_words": "   "})
    assert empty.status_code == 422
    too_long = post(client, "/strengths", {"own_words": "x" * 81})
    assert too_long.status_code == 422 and "x" * 81 in too_long.get_data(as_text=True)
    unknown = post(client, "/strengths", {"key": "flying"})
    assert unknown.status_code == 422
    assert db.session.scalars(select(Strength.own_words)).all() == ["Geduldig"]


def test_remove_a_strength(as_client):
    client, user = as_client
    strength = factories.strength(user)
    db.session.commit()
    response = post(client, f"/strengths/{strength.id}/remove", {}, htmx=True)
    assert response.status_code == 200
    assert db.session.scalar(select(func.count()).select_from(Strength)) == 0


# --- I did it! -----------------------------------------------------------------------------------

def test_a_win_on_a_goal_then_a_mood(as_client):
    client, user = as_client
    goal = factories.goal(user, template="bus_alone")
    db.session.commit()
    page = client.get("/did-it").get_data(as_text=True)
    assert f'value="goal:{goal.id}"' in page and 'value="win:bus"' in page
    win_uuid = str(uuid.uuid4())
    response = post(client, "/did-it", {"pick": f"goal:{goal.id}", "client_uuid": win_uuid})
    win = db.session.scalar(select(Win))
    assert response.location == f"/wins/{win.id}"
    assert (win.goal_id, win.pictogram, win.client_uuid) == (goal.id, "goal.bus_alone", win_uuid)
    mood = post(client, f"/wins/{win.id}", {"mood": "great"}, htmx=True)
    assert mood.status_code == 200 and mood.get_data(as_text=True).lstrip().startswith('<form id="mood"')
    db.session.expire_all()
    assert win.mood == "great"
    assert post(client, f"/wins/{win.id}", {"mood": "ecstatic"}).status_code == 400


def test_a_retried_win_is_kept_once(as_client):
    client, _user = as_client
    data = {"pick": "win:letters", "client_uuid": str(uuid.uuid4())}
    first = post(client, "/did-it", data)
    second = post(client, "/did-it", data)
    assert first.location == second.location
    assert db.session.scalar(select(func.count()).select_from(Win)) == 1


def test_the_same_win_uuid_with_other_content_is_a_conflict(as_client):
    client, _user = as_client
    win_uuid = str(uuid.uuid4())
    post(client, "/did-it", {"pick": "win:letters", "client_uuid": win_uuid})
    conflict = post(client, "/did-it", {"pick": "win:bus", "client_uuid": win_uuid})
    assert conflict.status_code == 409
    assert db.session.scalar(select(Win.pictogram)) == "win.letters"


def test_two_clients_may_use_the_same_uuid(app, as_client):
    client, _user = as_client
    other = app.test_client()
    from tests.conftest import sign_in

    sign_in(other, factories.client())
    win_uuid = str(uuid.uuid4())
    post(client, "/did-it", {"pick": "win:bus", "client_uuid": win_uuid})
    post(other, "/did-it", {"pick": "win:cooked", "client_uuid": win_uuid})
    assert db.session.scalar(select(func.count()).select_from(Win)) == 2


def test_concurrent_replays_of_one_win_keep_one_row(app, as_client):
    client, _user = as_client
    data = {"pick": "win:called", "client_uuid": str(uuid.uuid4()), "csrf_token": csrf_token(client, "/")}
    cookies = {c.key: c.value for c in client._cookies.values()}
    results = []

    def replay():
        own = app.test_client()
        for key, value in cookies.items():
            own.set_cookie(key, value)
        results.append(own.post("/did-it", data=data).status_code)

    threads = [threading.Thread(target=replay) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [302] * 10
    assert db.session.scalar(select(func.count()).select_from(Win)) == 1


@pytest.mark.parametrize("data", [
    {"pick": "win:bus", "client_uuid": "not-a-uuid"},
    {"pick": "win:teleported", "client_uuid": "0d6f2b34-93d3-4c47-9a0e-0a2f2c4b9d11"},
    {"pick": "goal:abc", "client_uuid": "0d6f2b34-93d3-4c47-9a0e-0a2f2c4b9d11"},
    {"pick": "", "client_uuid": "0d6f2b34-93d3-4c47-9a0e-0a2f2c4b9d11"},
    {"pick": "win:bus", "client_uuid": "0d6f2b34-93d3-4c47-9a0e-0a2f2c4b9d11", "text": "z" * 141},
])
def test_bad_win_input_keeps_the_form_and_logs_nothing(as_client, data):
    client, _user = as_client
    response = post(client, "/did-it", data)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'name="client_uuid"' in body
    if "text" in data:
        assert data["text"] in body
    assert db.session.scalar(select(func.count()).select_from(Win)) == 0


def test_unknown_goal_for_a_win_is_not_found(as_client):
    client, _user = as_client
    response = post(client, "/did-it", {"pick": "goal:424242", "client_uuid": str(uuid.uuid4())})
    assert response.status_code == 404


def test_unknown_pages_and_ids_are_friendly_404s(as_client):
    client, _user = as_client
    for path in ("/wins/99999", "/nowhere", "/goals/1/status"):
        response = client.get(path)
        assert response.status_code in (404, 405)
        assert "<html" in response.get_data(as_text=True)


def test_appointment_rows_stay_untouched_by_reads(as_client):
    client, user = as_client
    factories.appointment(user)
    db.session.commit()
    client.get("/week")
    assert db.session.scalar(select(Appointment.reply)) is None


def test_huge_ids_are_not_found_rather_than_an_error(as_client):
    client, _user = as_client
    for path in ("/wins/99999999999999999999999", "/wins/2147483648"):
        assert client.get(path).status_code == 404
