"""Partners without IT: the /partner web form; and the client's link that lets a partner in."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.conftest import csrf_token, sign_in
from webapp.domain import partners
from webapp.extensions import db
from webapp.models import Appointment, PartnerLink, Reminder, utcnow

ENGLISH = {"Accept-Language": "en"}


@pytest.fixture
def desk(app):
    """A partner employee signed in at /partner, with one linked client."""
    org = factories.organisation(name="Sociaal Verhuurkantoor Rivierenland", pictogram="domain.housing")
    employee = factories.staff(role="partner_user", email="desk@svk.example", password="a good pass phrase")
    employee.organisation = org
    client_user = factories.client(display_name="Nora")
    link = partners.link(client_user, org)
    db.session.commit()
    browser = app.test_client()
    sign_in(browser, employee)
    return browser, org, client_user, link


def _post(browser, path, data, **kwargs):
    return browser.post(path, data={**data, "csrf_token": csrf_token(browser, "/partner/")}, **kwargs)


def in_three_days():
    return (utcnow() + timedelta(days=3)).date().isoformat()


def test_partner_staff_sign_in_and_land_on_their_page(app):
    org = factories.organisation()
    employee = factories.staff(role="partner_user", email="p@example.org", password="pass phrase here")
    employee.organisation = org
    db.session.commit()
    browser = app.test_client()
    response = browser.post("/staff/sign-in", data={"csrf_token": csrf_token(browser, "/staff/sign-in"),
                                                    "email": "p@example.org", "password": "pass phrase here"})
    assert response.location == "/partner/"
    assert browser.get("/partner/").status_code == 200
    assert browser.get("/staff/").location.startswith("/staff/sign-in")  # not a trust person


def test_plan_an_appointment_with_pictogram_kinds(desk):
    browser, _org, client_user, link = desk
    page = browser.get("/partner/appointments/new").get_data(as_text=True)
    assert 'name="kind" value="housing_visit"' in page and "Nora" in page
    response = _post(browser, "/partner/appointments/new", {
        "client_ref": link.client_ref, "kind": "housing_visit", "day": in_three_days(), "at": "14:00",
        "minutes": "60", "place": "Kerkstraat 14", "bring": ["id_card", "letters"],
        "note": "Breng je huurcontract mee."})
    assert response.status_code == 302 and response.location == "/partner/"
    appointment = db.session.scalar(select(Appointment))
    assert (appointment.client_id, appointment.kind, appointment.bring) == (client_user.id, "housing_visit",
                                                                           "id_card,letters")
    assert appointment.ends_at - appointment.starts_at == timedelta(hours=1)
    assert db.session.scalar(select(func.count()).select_from(Reminder)) > 0
    assert "Kerkstraat 14" in browser.get("/partner/").get_data(as_text=True)


@pytest.mark.parametrize("change,message", [
    ({"kind": ""}, "Choose what the appointment is"),
    ({"day": ""}, "choose a day"),
    ({"day": "2020-01-01"}, "has passed"),
    ({"note": "x" * 281}, "at most 280"),
    ({"client_ref": "c_nobody"}, "Not a valid choice"),
    ({"bring": ["passport"]}, "not a valid choice"),
])
def test_bad_input_keeps_the_form(desk, change, message):
    browser, _org, _client, link = desk
    data = {"client_ref": link.client_ref, "kind": "intake", "day": in_three_days(), "at": "10:00", "minutes": "60",
            "place": "Kerkstraat 14", "note": "Welkom", **change}
    response = _post(browser, "/partner/appointments/new", data, headers=ENGLISH)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert message.lower() in body.lower() and "Kerkstraat 14" in body
    assert db.session.scalar(select(func.count()).select_from(Appointment)) == 0


def test_move_asks_the_client_again_and_cancel_stops_reminders(desk):
    browser, _org, _client, link = desk
    appointment = partners.plan(link, "intake", utcnow() + timedelta(days=2), place="Oud adres")
    appointment.reply, appointment.replied_at = "coming", utcnow()
    db.session.commit()
    form = browser.get(f"/partner/appointments/{appointment.id}").get_data(as_text=True)
    assert 'value="Oud adres"' in form
    _post(browser, f"/partner/appointments/{appointment.id}", {"day": in_three_days(), "at": "09:30", "minutes": "30",
                                                              "place": "Nieuw adres"})
    db.session.expire_all()
    assert appointment.place == "Nieuw adres" and appointment.reply is None
    _post(browser, f"/partner/appointments/{appointment.id}/cancel", {})
    db.session.expire_all()
    assert appointment.status == "cancelled"
    assert set(db.session.scalars(select(Reminder.status).where(Reminder.appointment_id == appointment.id))) == {
        "cancelled"}
    assert browser.get(f"/partner/appointments/{appointment.id}").status_code == 404


def test_the_client_links_a_partner_with_one_picture_and_can_unlink(app):
    org = factories.organisation(name="VDAB Willebroek", pictogram="domain.work")
    client_user = factories.client(language="en")
    db.session.commit()
    phone = app.test_client()
    sign_in(phone, client_user)
    assert "VDAB Willebroek" in phone.get("/partners").get_data(as_text=True)
    confirm = phone.get(f"/partners/{org.id}").get_data(as_text=True)
    assert "1F4BC.svg" in confirm and "May VDAB Willebroek plan appointments with you?" in confirm
    assert db.session.scalar(select(func.count()).select_from(PartnerLink)) == 0  # GET changes nothing
    phone.post(f"/partners/{org.id}", data={"csrf_token": csrf_token(phone, "/")})
    phone.post(f"/partners/{org.id}", data={"csrf_token": csrf_token(phone, "/")})  # a double tap
    links = db.session.scalars(select(PartnerLink)).all()
    assert len(links) == 1 and links[0].client_ref.startswith("c_")
    assert "VDAB Willebroek" in phone.get("/people").get_data(as_text=True)
    phone.post(f"/partners/{org.id}/unlink", data={"csrf_token": csrf_token(phone, "/")})
    db.session.expire_all()
    assert links[0].revoked_at is not None
    assert phone.get("/partners/999999").status_code == 404
    trust_team = factories.organisation(kind="care_team")
    db.session.commit()
    assert phone.get(f"/partners/{trust_team.id}").status_code == 404  # only partner organisations


def test_each_partner_gets_its_own_pseudonym(app):
    client_user = factories.client()
    one, two = factories.organisation(), factories.organisation()
    refs = {partners.link(client_user, one).client_ref, partners.link(client_user, two).client_ref}
    db.session.commit()
    assert len(refs) == 2 and all(len(ref) >= 16 and client_user.username not in ref for ref in refs)


# --- the nights the clocks change, and days at the edges of the calendar ------------------------------

SPRING, AUTUMN = "2027-03-28", "2026-10-25"  # Brussels: 02:00 -> 03:00, and 03:00 -> 02:00


@pytest.fixture
def before_the_nights(clock):
    """The clock a fortnight before the autumn night, so both nights lie ahead within a year (set before `desk`)."""
    clock.move_to(datetime(2026, 10, 11, 10, 0, tzinfo=UTC))


def _plan(browser, link, day, at, minutes="60", **extra):
    return _post(browser, "/partner/appointments/new", {
        "client_ref": link.client_ref, "kind": "intake", "day": day, "at": at, "minutes": minutes,
        "place": "Kerkstraat 14", **extra}, headers=ENGLISH)


@pytest.mark.parametrize("day,at,minutes,starts", [
    (SPRING, "01:30", 60, "2027-03-28T00:30:00+00:00"),   # ends 03:30 summer time: 60 real minutes
    (SPRING, "01:30", 90, "2027-03-28T00:30:00+00:00"),
    (SPRING, "03:00", 30, "2027-03-28T01:00:00+00:00"),
    (AUTUMN, "01:30", 120, "2026-10-24T23:30:00+00:00"),  # ends 02:30 winter time: 120 real minutes
    (AUTUMN, "03:00", 60, "2026-10-25T02:00:00+00:00"),
])
def test_durations_are_real_minutes_on_the_nights_the_clocks_change(before_the_nights, desk, day, at, minutes,
                                                                   starts):
    browser, _org, _client, link = desk
    assert _plan(browser, link, day, at, str(minutes)).status_code == 302
    appointment = db.session.scalar(select(Appointment))
    assert appointment.starts_at == datetime.fromisoformat(starts)
    assert appointment.ends_at - appointment.starts_at == timedelta(minutes=minutes)


@pytest.mark.parametrize("at", ["02:00", "02:30", "02:59"])
def test_a_time_the_spring_night_skips_is_refused_next_to_the_field(before_the_nights, desk, at):
    browser, _org, _client, link = desk
    response = _plan(browser, link, SPRING, at)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'id="at-error"' in body and "does not exist that night" in body and "Kerkstraat 14" in body
    assert db.session.scalar(select(func.count()).select_from(Appointment)) == 0


def test_a_time_the_autumn_night_has_twice_is_asked_then_kept_and_shown(before_the_nights, desk):
    browser, _org, _client, link = desk
    response = _plan(browser, link, AUTUMN, "02:30")
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "happens twice that night" in body
    assert 'name="season" value="summer"' in body and 'name="season" value="winter"' in body
    assert db.session.scalar(select(func.count()).select_from(Appointment)) == 0
    assert 'name="season"' not in _plan(browser, link, AUTUMN, "01:00", kind="").get_data(as_text=True)

    assert _plan(browser, link, AUTUMN, "02:30", season="winter").status_code == 302
    assert _plan(browser, link, AUTUMN, "02:30", season="summer").status_code == 302
    winter, summer = db.session.scalars(select(Appointment).order_by(Appointment.id)).all()
    assert winter.starts_at == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    assert summer.starts_at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    listed = browser.get("/partner/", headers=ENGLISH).get_data(as_text=True)
    assert "(summer time (the first time))" in listed and "(winter time (the second time))" in listed
    form = browser.get(f"/partner/appointments/{winter.id}", headers=ENGLISH).get_data(as_text=True)
    assert 'value="winter" checked' in form  # moving it keeps the 02:30 it was
    assert _plan(browser, link, AUTUMN, "02:30", season="spring").status_code == 422


@pytest.mark.parametrize("day,message", [
    ("0001-01-01", "has passed"), ("0001-01-02", "has passed"), ("9999-12-31", "within a year"),
    ("10000-01-01", "choose a day"), ("0000-01-01", "choose a day"), ("2026-02-30", "choose a day"),
])
@pytest.mark.parametrize("at", ["00:00", "23:59"])
def test_days_at_the_edges_of_the_calendar_get_a_message_never_an_error(desk, day, message, at):
    browser, _org, _client, link = desk
    for response in (_plan(browser, link, day, at),
                     _post(browser, f"/partner/appointments/{_planned(link).id}",
                           {"day": day, "at": at, "minutes": "60"}, headers=ENGLISH)):
        assert response.status_code == 422
        assert message in response.get_data(as_text=True).lower()


def _planned(link):
    found = db.session.scalar(select(Appointment))
    if found is None:
        found = partners.plan(link, "intake", factories.brussels(2, 10), place="Oud adres")
        db.session.commit()
    return found
