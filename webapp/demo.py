"""The personas of the brief as demo data (BRIEF.md): loaded by `flask demo load`, idempotently."""

import uuid
from datetime import time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from webapp.domain import appointments, auth, partners, sharing, wallclock
from webapp.domain.catalogue import domain_of
from webapp.extensions import db
from webapp.models import Appointment, Goal, Organisation, Strength, User, Win, utcnow

BRUSSELS = ZoneInfo("Europe/Brussels")
DEMO_PASSWORD = "stapstenen-demo"  # noqa: S105 - documented demo login, README

ORGANISATIONS = [
    ("VDAB Willebroek", "partner", "domain.work"),
    ("Sociale dienst Bornem", "partner", "kind.social_services"),
    ("Sociaal Verhuurkantoor Rivierenland", "partner", "domain.housing"),
    ("Therapiepraktijk De Brug", "partner", "kind.therapy"),
    ("Vertrouwenspersonen Klein-Brabant Vaartland", "care_team", "action.trust_person"),
]

TRUST_PERSONS = [
    {"email": "lotte@demo.stapstenen.be", "username": "lotte", "display_name": "Lotte Peeters",
     "phone": "+32 3 000 01 01"},
    {"email": "youssef@demo.stapstenen.be", "username": "youssef", "display_name": "Youssef El Amrani",
     "phone": "+32 3 000 01 02"},
]
# The care team's own line: called from a client's wait screen when their trust person has no number.
CARE_TEAM_PHONE = "+32 3 000 01 00"
COORDINATOR = {"email": "an@demo.stapstenen.be", "username": "an", "display_name": "An Claes"}
# Partner staff for the /partner web form, one per partner organisation.
PARTNER_USERS = [
    {"email": "vdab@demo.stapstenen.be", "username": "vdab", "display_name": "Jan (VDAB)",
     "organisation": "VDAB Willebroek"},
    {"email": "ocmw@demo.stapstenen.be", "username": "ocmw", "display_name": "Sara (Sociale dienst)",
     "organisation": "Sociale dienst Bornem"},
    {"email": "svk@demo.stapstenen.be", "username": "svk", "display_name": "Tom (SVK)",
     "organisation": "Sociaal Verhuurkantoor Rivierenland"},
    {"email": "debrug@demo.stapstenen.be", "username": "debrug", "display_name": "Ilse (De Brug)",
     "organisation": "Therapiepraktijk De Brug"},
]

# goals: (template, own words or None, wins logged on it); appointments: (days ahead, hour, kind, org, bring)
CLIENTS = [
    {"username": "nora", "display_name": "Nora", "language": "nl", "trust_person": "lotte",
     "goals": [("find_home", None, 2), ("pay_debts", "Elke maand iets afbetalen", 3),
               ("childcare", None, 1), ("dutch_class", None, 4)],
     "strengths": ["caring", "cooking", "never_give_up"], "own_strength": "Geduldig met mijn zoon",
     "shares": ["goals", "wins", "week", "mood"],
     "free_wins": ["letters", "called"],
     "appointments": [(1, 10, "social_services", "Sociale dienst Bornem", "id_card,letters"),
                      (4, 14, "housing_visit", "Sociaal Verhuurkantoor Rivierenland", "id_card"),
                      (9, 9, "dutch_class", "VDAB Willebroek", "")]},
    {"username": "bart", "display_name": "Bart", "language": "nl", "trust_person": "lotte",
     "goals": [("stay_clean", None, 5), ("find_home", None, 0), ("daily_rhythm", None, 2)],
     "strengths": ["hands", "making_people_laugh"], "own_strength": None, "shares": ["week"],
     "free_wins": ["went_out", "asked_help"],
     "appointments": [(2, 11, "doctor", "Therapiepraktijk De Brug", "medicines"),
                      (6, 15, "money_advice", "Sociale dienst Bornem", "payslip,bank_card")]},
    {"username": "freddy", "display_name": "Freddy", "language": "nl", "trust_person": "lotte",
     "goals": [("support_group", None, 3), ("meet_people", None, 1), ("walk_more", None, 2)],
     "strengths": ["gardening", "friendly"], "own_strength": None, "shares": [],
     "free_wins": ["went_out"],
     "appointments": [(3, 13, "therapy", "Therapiepraktijk De Brug", "")]},
    {"username": "amor", "display_name": "Amor", "language": "nl", "trust_person": "youssef",
     "goals": [("find_home", None, 1), ("course", None, 2), ("justice_appointments", None, 2)],
     "strengths": ["hands", "on_time", "driving"], "own_strength": None, "shares": ["goals", "strengths"],
     "free_wins": ["appointment"],
     "appointments": [(1, 9, "court", "Sociale dienst Bornem", "id_card,letters"),
                      (5, 10, "training", "VDAB Willebroek", "id_card")]},
    {"username": "saled", "display_name": "Saled", "language": "ar", "trust_person": "youssef",
     "goals": [("find_job", None, 2), ("dutch_class", None, 3), ("id_papers", None, 1), ("talk_to_someone", None, 1)],
     "strengths": ["hands", "languages", "never_give_up", "on_time"], "own_strength": None,
     "shares": ["goals", "wins", "strengths", "week", "mood"],
     "free_wins": ["bus", "letters"],
     "appointments": [(1, 14, "job_interview", "VDAB Willebroek", "id_card,payslip"),
                      (3, 9, "dutch_class", "VDAB Willebroek", ""),
                      (8, 11, "social_services", "Sociale dienst Bornem", "id_card,bank_card,letters")]},
]

PLACES = {
    "VDAB Willebroek": "Stationsstraat 52, 2830 Willebroek",
    "Sociale dienst Bornem": "Boomsestraat 2, 2880 Bornem",
    "Sociaal Verhuurkantoor Rivierenland": "Kerkstraat 14, 2870 Puurs-Sint-Amands",
    "Therapiepraktijk De Brug": "Dendermondsesteenweg 31, 2830 Willebroek",
}


def _get_or_add(model, lookup: dict, **values):
    found = db.session.scalar(select(model).filter_by(**lookup))
    if found:
        return found, 0
    found = model(**lookup, **values)
    db.session.add(found)
    db.session.flush()
    return found, 1


def load() -> int:
    created = 0
    orgs = {}
    for name, kind, pictogram in ORGANISATIONS:
        orgs[name], n = _get_or_add(Organisation, {"name": name}, kind=kind, pictogram=pictogram)
        created += n
    care_team = orgs[ORGANISATIONS[-1][0]]
    care_team.phone = care_team.phone or CARE_TEAM_PHONE
    staff = {}
    password_hash = auth.hash_secret(DEMO_PASSWORD)
    for person, role in [*((p, "trust_person") for p in TRUST_PERSONS), (COORDINATOR, "coordinator")]:
        staff[person["username"]], n = _get_or_add(
            User, {"username": person["username"]}, role=role, email=person["email"],
            display_name=person["display_name"], password_hash=password_hash, organisation=care_team)
        staff[person["username"]].phone = staff[person["username"]].phone or person.get("phone")
        created += n
    for person in PARTNER_USERS:
        _user, n = _get_or_add(User, {"username": person["username"]}, role="partner_user", email=person["email"],
                               display_name=person["display_name"], password_hash=password_hash,
                               organisation=orgs[person["organisation"]])
        created += n
    for persona in CLIENTS:
        client, n = _get_or_add(User, {"username": persona["username"]}, role="client",
                                display_name=persona["display_name"], language=persona["language"],
                                trust_person=staff[persona["trust_person"]])
        created += n
        if n:
            created += _trajectory(client, persona)
            for org in {appointment[3] for appointment in persona["appointments"]}:
                partners.link(client, orgs[org])  # the partners who plan this persona's appointments
                created += 1
        created += _upcoming_appointments(client, persona, orgs)
    return created


def _demo_uuid(client: User, what: str, n: int) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"stapstenen-demo/{client.username}/{what}/{n}"))


def _trajectory(client: User, persona: dict) -> int:
    now = utcnow()
    count = 0
    for i, (template, title, wins) in enumerate(persona["goals"]):
        goal = Goal(client_id=client.id, domain=domain_of(template), template=template, title=title,
                    created_at=now - timedelta(days=40 - i))
        db.session.add(goal)
        db.session.flush()
        for w in range(wins):
            db.session.add(Win(client_id=client.id, goal_id=goal.id, pictogram=f"goal.{template}",
                               mood="good", client_uuid=_demo_uuid(client, template, w),
                               created_at=now - timedelta(days=30 - 7 * w, hours=i)))
        count += 1 + wins
    for i, pick in enumerate(persona["free_wins"]):
        db.session.add(Win(client_id=client.id, pictogram=f"win.{pick}", mood="okay",
                           client_uuid=_demo_uuid(client, pick, i),
                           created_at=now - timedelta(days=2 + i)))
        count += 1
    for key in persona["strengths"]:
        db.session.add(Strength(client_id=client.id, key=key))
        count += 1
    if persona["own_strength"]:
        db.session.add(Strength(client_id=client.id, own_words=persona["own_strength"]))
        count += 1
    for category in persona["shares"]:  # what this persona chose to share with their trust person
        sharing.grant(client, client.trust_person, category)
        count += 1
    db.session.flush()
    return count


def _upcoming_appointments(client: User, persona: dict, orgs: dict) -> int:
    """A demo needs a coming week: add the persona's appointments when none lie ahead any more."""
    now = utcnow()
    ahead = db.session.scalar(select(Appointment.id).where(Appointment.client_id == client.id,
                                                           Appointment.starts_at > now).limit(1))
    if ahead:
        return 0
    today = now.astimezone(BRUSSELS).date()
    for days, hour, kind, org, bring in persona["appointments"]:
        starts = wallclock.instant(today + timedelta(days=days), time(hour))  # daytime hours: never skipped or doubled
        appointments.create(client, orgs[org], kind, starts, wallclock.later(starts, 60), place=PLACES[org],
                            bring=[item for item in bring.split(",") if item])
    return len(persona["appointments"])
