"""Command line: demo data, invitations, staff accounts; and migrations that match the models."""

import re

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from tests import factories
from webapp.extensions import db
from webapp.models import Appointment, Base, Goal, Strength, User, Win


def test_migrations_match_the_models(app):
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == [], "a model changed without a migration: flask --app webapp db migrate"


def test_demo_load_is_idempotent_and_has_the_personas(runner):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    counts = [db.session.scalar(select(func.count()).select_from(m)) for m in (User, Goal, Win, Strength, Appointment)]
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0 and "(0 new records)" in second.output
    assert counts == [db.session.scalar(select(func.count()).select_from(m))
                      for m in (User, Goal, Win, Strength, Appointment)]
    clients = {u.username: u for u in db.session.scalars(select(User).where(User.role == "client"))}
    assert set(clients) == {"nora", "bart", "freddy", "amor", "saled"}
    assert clients["saled"].language == "ar"
    trust_people = {u.trust_person.username for u in clients.values()}
    assert len(trust_people) == 2
    for user in clients.values():
        assert db.session.scalar(select(func.count()).select_from(Goal).where(Goal.client_id == user.id)) >= 3
        assert db.session.scalar(select(func.count()).select_from(Appointment)
                                 .where(Appointment.client_id == user.id)) >= 1


def test_invite_prints_a_link_that_signs_in(app, runner):
    factories.client(username="saled", pin=None)
    db.session.commit()
    result = runner.invoke(args=["invite", "saled", "--base-url", "http://phone.test"])
    assert result.exit_code == 0
    path = re.search(r"http://phone\.test(/i/\S+)", result.output).group(1)
    assert app.test_client().get(path).status_code == 200
    assert runner.invoke(args=["invite", "nobody"]).exit_code != 0


def test_demo_links_print_one_link_per_client(runner):
    runner.invoke(args=["demo", "load"])
    result = runner.invoke(args=["demo", "links"])
    assert result.exit_code == 0
    assert len(re.findall(r"/i/[\w-]{40,}", result.output)) == 5


def test_create_staff(runner):
    result = runner.invoke(args=["users", "create-staff", "--email", "Kim@Example.org", "--name", "Kim",
                                 "--role", "coordinator"], input="a good password\na good password\n")
    assert result.exit_code == 0, result.output
    kim = db.session.scalar(select(User).where(User.email == "kim@example.org"))
    assert kim.role == "coordinator" and kim.password_hash.startswith("$argon2id$")
    again = runner.invoke(args=["users", "create-staff", "--email", "kim@example.org", "--name", "Kim"],
                          input="x\nx\n")
    assert again.exit_code != 0
