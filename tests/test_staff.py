"""The trust person's side: a new client with a QR code, recovery, suggestions, reactions, the circle."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.conftest import csrf_token, sign_in
from tests.factories import BRUSSELS
from webapp.domain import sharing
from webapp.extensions import db
from webapp.models import (
    CHANNELS,
    Appointment,
    DeviceSession,
    Goal,
    Reaction,
    Reminder,
    Strength,
    Suggestion,
    User,
    utcnow,
)

ENGLISH = {"Accept-Language": "en"}


@pytest.fixture
def laptop(app):
    org = factories.organisation(name="Vertrouwenspersonen", kind="care_team")
    trust_person = factories.staff(display_name="Lotte Peeters")
    trust_person.organisation = org
    db.session.commit()
    test_client = app.test_client()
    sign_in(test_client, trust_person)
    return test_client, trust_person


def post(test_client, path, data, **kwargs):
    return test_client.post(path, data={**data, "csrf_token": csrf_token(test_client, "/staff/")}, **kwargs)


def test_a_new_client_gets_a_qr_code_that_signs_in_once(app, laptop):
    test_client, trust_person = laptop
    response = post(test_client, "/staff/clients/new", {"display_name": "Saled", "language": "ar", "phone": "",
                                                        "email": ""})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    body = response.get_data(as_text=True)
    assert "<svg" in body and "<path" in body  # the QR code, drawn by the server
    link = re.search(r'href="(http://localhost/i/[\w-]+)"', body).group(1)
    client_user = db.session.scalar(select(User).where(User.display_name == "Saled"))
    assert (client_user.role, client_user.language, client_user.trust_person_id) == ("client", "ar", trust_person.id)
    phone = app.test_client()
    path = link.removeprefix("http://localhost")
    assert phone.get(path).status_code == 200
    assert phone.post(path, data={"csrf_token": csrf_token(phone, path)}).location == "/pin/new"
    assert app.test_client().get(path).status_code == 404


@pytest.mark.parametrize("data,message", [
    ({"display_name": "", "language": "nl"}, "fill in a name"),
    ({"display_name": "x" * 81, "language": "nl"}, "at most 80"),
    ({"display_name": "Nora", "language": "klingon"}, "Not a valid choice"),
    ({"display_name": "Nora", "language": "nl", "phone": "call me"}, "not a phone number"),
    ({"display_name": "Nora", "language": "nl", "email": "nora@"}, "not an e-mail address"),
])
def test_a_new_client_with_bad_input_keeps_the_form(laptop, data, message):
    test_client, _tp = laptop
    response = post(test_client, "/staff/clients/new", data, headers=ENGLISH)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert message in body
    if data["display_name"]:
        assert data["display_name"] in body
    assert db.session.scalar(select(func.count()).select_from(User).where(User.role == "client")) == 0


def test_a_taken_email_address_is_refused(laptop):
    test_client, _tp = laptop
    factories.staff(email="taken@example.org")
    db.session.commit()
    response = post(test_client, "/staff/clients/new", {"display_name": "Amor", "language": "nl",
                                                        "email": "Taken@example.org"}, headers=ENGLISH)
    assert response.status_code == 422 and "already has an account" in response.get_data(as_text=True)


def test_a_new_sign_in_link_ends_the_old_phone_at_once(app, laptop):
    test_client, trust_person = laptop
    client_user = factories.client(trust_person=trust_person)
    db.session.commit()
    phone = app.test_client()
    sign_in(phone, client_user)
    assert phone.get("/").status_code == 200
    response = post(test_client, f"/staff/clients/{client_user.id}/invite", {})
    assert response.status_code == 200 and "/i/" in response.get_data(as_text=True)
    assert phone.get("/").location == "/welcome"
    assert db.session.scalar(select(func.count()).select_from(DeviceSession)
                             .where(DeviceSession.revoked_at.is_(None), DeviceSession.user_id == client_user.id)) == 0


def test_a_suggested_goal_lands_only_when_the_client_taps_yes(app, laptop):
    test_client, trust_person = laptop
    client_user = factories.client(trust_person=trust_person)
    db.session.commit()
    response = post(test_client, f"/staff/clients/{client_user.id}/suggest/goal?domain=getting_around",
                    {"template": "bike", "title": "Met de fiets naar de les"})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Goal)) == 0  # nothing lands by itself
    phone = app.test_client()
    sign_in(phone, client_user)
    home = phone.get("/").get_data(as_text=True)
    assert "Met de fiets naar de les" in home and "Lotte Peeters" in home
    suggestion = db.session.scalar(select(Suggestion))
    answer = phone.post(f"/suggestions/{suggestion.id}", data={"answer": "yes", "csrf_token": csrf_token(phone, "/")},
                        headers={"HX-Request": "true"})
    assert answer.status_code == 200 and f'id="suggestion-{suggestion.id}"' in answer.get_data(as_text=True)
    goal = db.session.scalar(select(Goal))
    assert (goal.template, goal.title, goal.suggested_by_id) == ("bike", "Met de fiets naar de les", trust_person.id)
    again = phone.post(f"/suggestions/{suggestion.id}", data={"answer": "no", "csrf_token": csrf_token(phone, "/")})
    assert again.status_code == 400


def test_a_declined_strength_changes_nothing(app, laptop):
    test_client, trust_person = laptop
    client_user = factories.client(trust_person=trust_person)
    db.session.commit()
    post(test_client, f"/staff/clients/{client_user.id}/suggest/strength", {"key": "listening"})
    phone = app.test_client()
    sign_in(phone, client_user)
    suggestion = db.session.scalar(select(Suggestion))
    phone.post(f"/suggestions/{suggestion.id}", data={"answer": "no", "csrf_token": csrf_token(phone, "/")})
    assert db.session.scalar(select(func.count()).select_from(Strength)) == 0
    db.session.expire_all()
    assert suggestion.status == "declined" and suggestion.answered_at is not None


def test_an_accepted_appointment_is_in_the_week_as_coming(app, laptop):
    test_client, trust_person = laptop
    client_user = factories.client(trust_person=trust_person)
    db.session.commit()
    day = (utcnow() + timedelta(days=3)).date().isoformat()
    response = post(test_client, f"/staff/clients/{client_user.id}/suggest/appointment",
                    {"kind": "meeting", "day": day, "at": "10:30", "place": "Café De Zon, Bornem"})
    assert response.status_code == 302
    phone = app.test_client()
    sign_in(phone, client_user)
    suggestion = db.session.scalar(select(Suggestion))
    phone.post(f"/suggestions/{suggestion.id}", data={"answer": "yes", "csrf_token": csrf_token(phone, "/")})
    appointment = db.session.scalar(select(Appointment))
    assert appointment.kind == "meeting" and appointment.reply == "coming"
    assert appointment.organisation_id == trust_person.organisation_id
    assert "Café De Zon" in phone.get("/week").get_data(as_text=True)


def test_an_accepted_appointment_gets_its_reminders_like_any_other(app, laptop):
    """Made by the same domain function as a partner's: the evening before at 18:00 and two hours before."""
    test_client, trust_person = laptop
    client_user = factories.client(trust_person=trust_person)
    db.session.commit()
    starts = factories.brussels(3, 10, 30)
    post(test_client, f"/staff/clients/{client_user.id}/suggest/appointment",
         {"kind": "meeting", "day": starts.astimezone(BRUSSELS).date().isoformat(), "at": "10:30"})
    phone = app.test_client()
    sign_in(phone, client_user)
    suggestion = db.session.scalar(select(Suggestion))
    phone.post(f"/suggestions/{suggestion.id}", data={"answer": "yes", "csrf_token": csrf_token(phone, "/")})
    appointment = db.session.scalar(select(Appointment))
    assert appointment.starts_at == starts and appointment.ends_at - appointment.starts_at == timedelta(minutes=60)
    rows = db.session.scalars(select(Reminder).where(Reminder.appointment_id == appointment.id)).all()
    evening = factories.brussels(2, 18)
    assert {(r.channel, r.due_at, r.status) for r in rows} == {
        (channel, due, "pending") for channel in CHANNELS for due in (evening, starts - timedelta(hours=2))}


@pytest.mark.parametrize("data", [
    {"kind": "meeting", "day": "2020-01-01", "at": "10:00"},
    {"kind": "meeting", "day": "not a day", "at": "10:00"},
    {"kind": "party", "day": "2099-01-01", "at": "10:00"},
    {"kind": "meeting", "day": "2099-01-01", "at": "25:99"},
])
def test_a_bad_appointment_suggestion_keeps_the_form(laptop, data):
    test_client, trust_person = laptop
    client_user = factories.client(trust_person=trust_person)
    db.session.commit()
    response = post(test_client, f"/staff/clients/{client_user.id}/suggest/appointment", {**data, "place": "Markt 3"})
    assert response.status_code == 422 and "Markt 3" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Suggestion)) == 0


def test_a_reaction_reaches_the_client_once(app, laptop):
    test_client, trust_person = laptop
    client_user = factories.client(trust_person=trust_person, language="en")
    win = factories.win(client_user)
    sharing.grant(client_user, trust_person, "wins")
    db.session.commit()
    response = post(test_client, f"/staff/clients/{client_user.id}/wins/{win.id}/react", {"kind": "star"},
                    headers={"HX-Request": "true"})
    assert response.status_code == 200 and f'id="win-{win.id}"' in response.get_data(as_text=True)
    post(test_client, f"/staff/clients/{client_user.id}/wins/{win.id}/react", {"kind": "heart"})
    assert db.session.scalars(select(Reaction.kind)).all() == ["heart"]  # one per person, changed
    bad = post(test_client, f"/staff/clients/{client_user.id}/wins/{win.id}/react", {"kind": "bomb"})
    assert bad.status_code == 400
    phone = app.test_client()
    sign_in(phone, client_user)
    assert "reacted to your small win" in phone.get("/").get_data(as_text=True)
    phone.get("/wins")
    assert "reacted to your small win" not in phone.get("/").get_data(as_text=True)


def test_a_colleague_in_the_circle_sees_nothing_until_the_client_shares(app, laptop):
    test_client, trust_person = laptop
    coordinator = factories.staff(role="coordinator", display_name="An Claes")
    client_user = factories.client(trust_person=trust_person)
    factories.goal(client_user, title="Samen koken")
    db.session.commit()
    form = test_client.get(f"/staff/clients/{client_user.id}/circle").get_data(as_text=True)
    assert "An Claes" in form
    assert post(test_client, f"/staff/clients/{client_user.id}/circle", {"staff_id": coordinator.id}).status_code == 302
    assert post(test_client, f"/staff/clients/{client_user.id}/circle", {"staff_id": 999999}).status_code == 422
    other = app.test_client()
    sign_in(other, coordinator)
    assert other.get(f"/staff/clients/{client_user.id}").status_code == 200  # in the circle: a name only
    assert "Samen koken" not in other.get(f"/staff/clients/{client_user.id}/goals").get_data(as_text=True)
    phone = app.test_client()
    sign_in(phone, client_user)
    assert "An Claes" in phone.get("/people").get_data(as_text=True)
    phone.post(f"/people/{coordinator.id}/share", data={"toggle": "goals:1", "csrf_token": csrf_token(phone, "/")})
    assert "Samen koken" in other.get(f"/staff/clients/{client_user.id}/goals").get_data(as_text=True)
    assert f">{client_user.display_name}</a>" in other.get("/staff/").get_data(as_text=True)


# --- the nights the clocks change, and days at the edges of the calendar ------------------------------

@pytest.fixture
def before_the_nights(clock):
    """A fortnight before the autumn night: both nights lie ahead within a year (requested before `laptop`)."""
    clock.move_to(datetime(2026, 10, 11, 10, 0, tzinfo=UTC))


def _suggest(laptop, day, at, **extra):
    test_client, trust_person = laptop
    client_user = factories.client(trust_person=trust_person)
    db.session.commit()
    return post(test_client, f"/staff/clients/{client_user.id}/suggest/appointment",
                {"kind": "meeting", "day": day, "at": at, "place": "Markt 3", **extra}, headers=ENGLISH)


def test_a_suggestion_at_a_time_the_spring_night_skips_is_refused(before_the_nights, laptop):
    response = _suggest(laptop, "2027-03-28", "02:30")
    assert response.status_code == 422 and "does not exist that night" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Suggestion)) == 0


def test_a_suggestion_at_a_time_the_autumn_night_has_twice_asks_which(before_the_nights, laptop):
    response = _suggest(laptop, "2026-10-25", "02:30")
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "happens twice that night" in body and 'value="winter"' in body
    assert _suggest(laptop, "2026-10-25", "02:30", season="winter").status_code == 302
    assert db.session.scalar(select(Suggestion.starts_at)) == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)


@pytest.mark.parametrize("day,message", [("0001-01-01", "has passed"), ("9999-12-31", "within a year"),
                                         ("10000-01-01", "choose a day")])
def test_a_suggestion_on_a_day_at_the_edges_gets_a_message_never_an_error(laptop, day, message):
    response = _suggest(laptop, day, "00:00")
    assert response.status_code == 422 and message in response.get_data(as_text=True).lower()
