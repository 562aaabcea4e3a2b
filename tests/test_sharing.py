"""Sharing on the client's terms: eye toggles as consent records, end dates, who looked, private items."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.conftest import count_queries, csrf_token, sign_in
from webapp.domain import caseload, sharing, wallclock
from webapp.extensions import db
from webapp.models import CONSENT_TEXT_VERSION, AccessLog, Share, utcnow


@pytest.fixture
def pair(app):
    """A client signed in on their phone and their trust person signed in on a laptop."""
    trust_person = factories.staff(display_name="Lotte Peeters")
    client_user = factories.client(trust_person=trust_person, language="en")
    goal = factories.goal(client_user, title="Find work in a kitchen")
    factories.win(client_user, goal)
    db.session.commit()
    phone, laptop = app.test_client(), app.test_client()
    sign_in(phone, client_user)
    sign_in(laptop, trust_person)
    return phone, laptop, client_user, trust_person


def tap(test_client, path, data, htmx=True):
    headers = {"HX-Request": "true"} if htmx else {}
    return test_client.post(path, data={**data, "csrf_token": csrf_token(test_client, "/")}, headers=headers)


def test_nothing_is_shared_by_default(pair):
    _phone, laptop, client_user, _tp = pair
    body = laptop.get(f"/staff/clients/{client_user.id}/goals").get_data(as_text=True)
    assert "Find work in a kitchen" not in body
    caseload = laptop.get("/staff/").get_data(as_text=True)
    assert caseload.count("not shared") + caseload.count("niet gedeeld") >= 5
    assert db.session.scalar(select(func.count()).select_from(AccessLog)) == 0  # nothing seen, nothing logged


def test_the_walk_share_look_see_who_looked_revoke(pair):
    phone, laptop, client_user, trust_person = pair
    response = tap(phone, f"/people/{trust_person.id}/share", {"toggle": "goals:1"})
    assert response.status_code == 200 and 'aria-pressed="true"' in response.get_data(as_text=True)
    share = db.session.scalar(select(Share))
    assert (share.category, share.purpose, share.consent_text, share.revoked_at) == (
        "goals", "support", CONSENT_TEXT_VERSION, None)

    goals = laptop.get(f"/staff/clients/{client_user.id}/goals").get_data(as_text=True)
    assert "Find work in a kitchen" in goals
    wins = laptop.get(f"/staff/clients/{client_user.id}/wins").get_data(as_text=True)
    assert "does not share this" in wins or "deelt dit niet" in wins
    logged = db.session.scalars(select(AccessLog)).all()
    assert [(r.staff_id, r.category, r.context) for r in logged] == [(trust_person.id, "goals", "client")]

    looked = phone.get("/looked").get_data(as_text=True)
    assert "Lotte Peeters" in looked and "1F3AF.svg" in looked  # the face, and the goals pictogram

    tap(phone, f"/people/{trust_person.id}/share", {"toggle": "goals:0"})
    after = laptop.get(f"/staff/clients/{client_user.id}/goals").get_data(as_text=True)
    assert "Find work in a kitchen" not in after  # revocation holds on the very next request
    db.session.expire_all()
    assert db.session.scalar(select(Share.revoked_at)) is not None  # the consent record stays, ended


def test_every_change_is_a_new_consent_record_and_replays_change_nothing(pair):
    phone, _laptop, _client, trust_person = pair
    for toggle in ("wins:1", "wins:1", "wins:0", "wins:0", "wins:1"):
        tap(phone, f"/people/{trust_person.id}/share", {"toggle": toggle})
    rows = db.session.scalars(select(Share).order_by(Share.id)).all()
    assert len(rows) == 2 and rows[0].revoked_at is not None and rows[1].revoked_at is None


@pytest.mark.parametrize("toggle", ["", "goals", "goals:2", "secrets:1", "goals:1" * 50])
def test_bad_toggles_change_nothing(pair, toggle):
    phone, _laptop, _client, trust_person = pair
    assert tap(phone, f"/people/{trust_person.id}/share", {"toggle": toggle}).status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Share)) == 0


def test_an_end_date_ends_the_share_by_itself(pair):
    phone, laptop, client_user, trust_person = pair
    tap(phone, f"/people/{trust_person.id}/share", {"toggle": "goals:1"})
    tap(phone, f"/people/{trust_person.id}/share", {"toggle": "strengths:1"})
    response = tap(phone, f"/people/{trust_person.id}/until", {"period": "week"})
    assert response.status_code == 200
    active = db.session.scalars(select(Share).where(Share.revoked_at.is_(None))).all()
    assert {s.category for s in active} == {"goals", "strengths"}
    for share in active:  # the same Brussels wall-clock time a week on (tests/test_clocks.py: across DST nights)
        assert share.ends_at == wallclock.same_time_after(utcnow(), 7)
        assert timedelta(days=6, hours=22) < share.ends_at - utcnow() < timedelta(days=7, hours=2)
    # a newly opened eye lasts as long as the others
    tap(phone, f"/people/{trust_person.id}/share", {"toggle": "week:1"})
    week = db.session.scalar(select(Share).where(Share.category == "week"))
    assert week.ends_at == active[0].ends_at
    assert "Find work in a kitchen" in laptop.get(f"/staff/clients/{client_user.id}/goals").get_data(as_text=True)
    for share in db.session.scalars(select(Share)):
        share.ends_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert "Find work in a kitchen" not in laptop.get(f"/staff/clients/{client_user.id}/goals").get_data(as_text=True)
    assert tap(phone, f"/people/{trust_person.id}/until", {"period": "forever"}).status_code == 400


def test_a_private_goal_and_win_stay_hidden_where_goals_and_wins_are_shared(pair):
    phone, laptop, client_user, trust_person = pair
    hidden_goal = factories.goal(client_user, title="Only for me goal")
    hidden_win = factories.win(client_user, hidden_goal)
    db.session.commit()
    for category in ("goals", "wins"):
        tap(phone, f"/people/{trust_person.id}/share", {"toggle": f"{category}:1"})
    tap(phone, f"/goals/{hidden_goal.id}/private", {"private": "1"})
    tap(phone, f"/wins/{hidden_win.id}/private", {"private": "1"})
    goals = laptop.get(f"/staff/clients/{client_user.id}/goals").get_data(as_text=True)
    assert "Find work in a kitchen" in goals and "Only for me goal" not in goals
    wins = laptop.get(f"/staff/clients/{client_user.id}/wins").get_data(as_text=True)
    assert f'id="win-{hidden_win.id}"' not in wins
    react = laptop.post(f"/staff/clients/{client_user.id}/wins/{hidden_win.id}/react",
                        data={"kind": "heart", "csrf_token": csrf_token(laptop, "/staff/")})
    assert react.status_code == 404


def test_the_client_sees_their_people_with_spoken_eye_toggles(pair):
    phone, _laptop, _client, _tp = pair
    body = phone.get("/people").get_data(as_text=True)
    assert "Lotte Peeters" in body
    assert body.count('name="toggle"') == 5 and body.count('aria-pressed="false"') == 5
    section = body.split('class="card person"')[1]
    assert 'aria-labelledby="person-' in section and "Lotte Peeters" in section  # toggles sit under the name
    assert '<span class="label">Goals</span>' in section


def test_who_looked_shows_one_line_per_person_and_day(pair):
    phone, laptop, client_user, trust_person = pair
    tap(phone, f"/people/{trust_person.id}/share", {"toggle": "goals:1"})
    for _ in range(3):
        laptop.get(f"/staff/clients/{client_user.id}/goals")
    assert db.session.scalar(select(func.count()).select_from(AccessLog)) == 3  # the audit keeps every read
    body = phone.get("/looked").get_data(as_text=True)
    assert body.count('class="card look"') == 1


def look_lines(phone) -> list[str]:
    body = phone.get("/looked").get_data(as_text=True)
    return body.split('class="card look"')[1:]


def test_opening_the_caseload_twice_adds_no_look_and_one_summary_row_a_day(pair, clock):
    phone, laptop, client_user, trust_person = pair
    for category in ("goals", "wins", "strengths", "week", "mood"):
        tap(phone, f"/people/{trust_person.id}/share", {"toggle": f"{category}:1"})
    other = factories.client(trust_person=trust_person, display_name="Saled")
    sharing.grant(other, trust_person, "wins")
    quiet = factories.client(trust_person=trust_person, display_name="Nothing shared")
    db.session.commit()
    assert look_lines(phone) == []
    for _ in range(2):
        assert laptop.get("/staff/").status_code == 200
    assert look_lines(phone) == []
    assert sharing.looks_at(client_user) == [] and sharing.looks_at(other) == []
    rows = db.session.execute(select(AccessLog.client_id, AccessLog.category, AccessLog.context)).all()
    # One summary row per client who shares something, however often the list was opened that day.
    assert sorted(rows) == sorted([(client_user.id, "summary", "caseload"), (other.id, "summary", "caseload")])
    assert quiet.id not in {r.client_id for r in rows}
    body = phone.get("/looked").get_data(as_text=True)
    assert body.count('class="card summary"') == 1 and "Lotte Peeters saw your summary in their list." in body

    clock.shift(timedelta(days=1))  # a new day in Brussels: one more row each, still no look
    sign_in(phone, client_user)
    sign_in(laptop, trust_person)  # both were idle all night
    laptop.get("/staff/")
    laptop.get("/staff/")
    assert db.session.scalar(select(func.count()).select_from(AccessLog)) == 4
    assert look_lines(phone) == []
    assert phone.get("/looked").get_data(as_text=True).count('class="card summary"') == 1


def test_opening_one_clients_goals_adds_exactly_one_look(pair):
    phone, laptop, client_user, trust_person = pair
    tap(phone, f"/people/{trust_person.id}/share", {"toggle": "goals:1"})
    tap(phone, f"/people/{trust_person.id}/share", {"toggle": "wins:1"})
    laptop.get("/staff/")
    assert look_lines(phone) == []
    laptop.get(f"/staff/clients/{client_user.id}/goals")
    lines = look_lines(phone)
    assert len(lines) == 1 and "Lotte Peeters" in lines[0] and "1F3AF.svg" in lines[0] and "1F31F.svg" not in lines[0]


def test_a_file_and_its_screens_opened_on_one_day_are_one_line_with_all_they_opened(pair, clock):
    phone, laptop, client_user, trust_person = pair
    for category in ("goals", "wins", "mood"):
        tap(phone, f"/people/{trust_person.id}/share", {"toggle": f"{category}:1"})
    laptop.get(f"/staff/clients/{client_user.id}")
    laptop.get(f"/staff/clients/{client_user.id}/goals")
    laptop.get(f"/staff/clients/{client_user.id}/wins")  # the wins screen shows the mood too
    lines = look_lines(phone)
    assert len(lines) == 1
    line = lines[0].split("</li>")[0]
    # the page, goals, wins and mood, in that order, each a pictogram with its name
    assert [code for code in ("1F4C2", "1F3AF", "1F31F", "1F642") if f"{code}.svg" in line] == [
        "1F4C2", "1F3AF", "1F31F", "1F642"]
    assert line.index("1F4C2.svg") < line.index("1F3AF.svg") < line.index("1F31F.svg") < line.index("1F642.svg")
    assert 'alt="Your page"' in line

    clock.shift(timedelta(days=1))
    sign_in(phone, client_user)
    sign_in(laptop, trust_person)
    laptop.get(f"/staff/clients/{client_user.id}")
    lines = look_lines(phone)
    assert len(lines) == 2 and "1F3AF.svg" not in lines[0].split("</li>")[0]  # today: only the page


def test_opening_a_clients_page_is_a_look_even_when_nothing_is_shared(pair):
    phone, laptop, client_user, _trust_person = pair
    assert laptop.get(f"/staff/clients/{client_user.id}").status_code == 200
    logged = db.session.scalars(select(AccessLog)).all()
    assert [(r.category, r.context) for r in logged] == [("file", "client")]
    assert len(look_lines(phone)) == 1


def test_the_access_log_is_append_only_in_the_code():
    """No code path updates or deletes access-log rows."""
    from pathlib import Path

    source = "\n".join(p.read_text() for p in Path("webapp").rglob("*.py"))
    assert "update(AccessLog" not in source and "delete(AccessLog" not in source


def test_caseload_queries_stay_constant_from_5_to_500_clients(app):
    trust_person = factories.staff()
    laptop = app.test_client()
    sign_in(laptop, trust_person)

    def add_clients(n):
        for _ in range(n):
            who = factories.client(trust_person=trust_person, pin=None)
            goal = factories.goal(who)
            factories.win(who, goal)
            factories.appointment(who, in_hours=30)
            for category in ("goals", "wins", "week", "mood"):
                sharing.grant(who, trust_person, category)
        db.session.commit()

    counts = []
    for n in (5, 495):
        add_clients(n)
        laptop.get("/staff/")
        with count_queries() as statements:
            response = laptop.get("/staff/")
        assert response.status_code == 200
        counts.append(len(statements))
    print(f"caseload: {counts[0]} queries for 5 clients, {counts[1]} for 500")
    assert counts[0] == counts[1] <= 8


def test_caseload_puts_who_needs_attention_first(app):
    trust_person = factories.staff()
    people = {name: factories.client(display_name=name, trust_person=trust_person)
              for name in ("Anna", "Bram", "Chloe", "Dirk", "Eva")}
    for who in people.values():
        for category in ("goals", "wins", "week"):
            sharing.grant(who, trust_person, category)
    factories.appointment(people["Eva"], in_hours=100).reply = "need_help"
    factories.appointment(people["Dirk"], in_hours=20)
    factories.win(people["Chloe"])
    quiet_goal = factories.goal(people["Bram"])
    quiet_goal.created_at = utcnow() - timedelta(days=20)
    factories.goal(people["Anna"])
    db.session.commit()
    laptop = app.test_client()
    sign_in(laptop, trust_person)
    body = laptop.get("/staff/").get_data(as_text=True)
    order = sorted(people, key=lambda name: body.index(f">{name}</a>"))
    assert order == ["Eva", "Dirk", "Chloe", "Bram", "Anna"]


def test_opening_one_clients_wins_leaves_the_others_new(app):
    trust_person = factories.staff()
    one, two = factories.client(display_name="Amal"), factories.client(display_name="Bram")
    for who in (one, two):
        who.trust_person = trust_person
        factories.win(who)
        sharing.grant(who, trust_person, "wins")
    db.session.commit()
    laptop = app.test_client()
    sign_in(laptop, trust_person)
    laptop.get(f"/staff/clients/{one.id}/wins")
    rows = {row.client.display_name: row for row in caseload.caseload(trust_person)}
    assert rows["Amal"].new_wins == 0 and rows["Bram"].new_wins == 1
