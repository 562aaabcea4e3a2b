"""Who may see what of a client, and the one guarded door staff go through to see it.

Staff reach client data only through `look` (one category) or the caseload's batched reads;
both check active shares and write the access log in the same unit of work (the caseload at most one
summary row per client and day: `log_summaries`).
"""

from dataclasses import dataclass, field
from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, literal, or_, select
from sqlalchemy.orm import selectinload

from webapp.extensions import db
from webapp.models import CATEGORIES, AccessLog, CircleMember, Share, User, utcnow

BRUSSELS = ZoneInfo("Europe/Brussels")
# What a staff member opened, besides the shared categories: the client's page in the staff area (which
# shows the client's name and what they share), and the caseload's one-line summary.
FILE = "file"
SUMMARY = "summary"


def _active(now: datetime):
    return (Share.revoked_at.is_(None), or_(Share.ends_at.is_(None), Share.ends_at > now))


# --- the client's side ---------------------------------------------------------------------------

@dataclass
class Person:
    """Someone around the client, with the categories the client currently shares with them."""

    user: User
    is_trust_person: bool
    shares: dict[str, Share] = field(default_factory=dict)


def people_of(client: User) -> list[Person]:
    """The trust person first, then the others in the client's circle: two queries."""
    members = db.session.scalars(
        select(User).join(CircleMember, CircleMember.staff_id == User.id)
        .where(CircleMember.client_id == client.id, User.active.is_(True)).order_by(CircleMember.added_at)
    ).all()
    people = [Person(client.trust_person, True)] if client.trust_person else []
    people += [Person(member, False) for member in members if member.id != client.trust_person_id]
    by_id = {p.user.id: p for p in people}
    shares = db.session.scalars(select(Share).where(Share.client_id == client.id, *_active(utcnow()))
                                .options(selectinload(Share.grantee))).all()
    for share in shares:
        if share.grantee_id not in by_id:
            # Whoever can still see something is listed, so the client can always close that eye.
            by_id[share.grantee_id] = Person(share.grantee, False)
            people.append(by_id[share.grantee_id])
        by_id[share.grantee_id].shares[share.category] = share
    return people


def person_of(client: User, staff_id: int) -> Person | None:
    return next((p for p in people_of(client) if p.user.id == staff_id), None)


def grant(client: User, grantee: User, category: str, ends_at: datetime | None = None) -> Share:
    """Share a category with a person; one tap. A running share is replaced, so its end date can change."""
    revoke(client, grantee, category)
    share = Share(client_id=client.id, grantee_id=grantee.id, category=category, ends_at=ends_at)
    db.session.add(share)
    db.session.flush()
    return share


def revoke(client: User, grantee: User, category: str) -> None:
    now = utcnow()
    for share in db.session.scalars(select(Share).where(
            Share.client_id == client.id, Share.grantee_id == grantee.id, Share.category == category,
            *_active(now))):
        share.revoked_at = now
    db.session.flush()


@dataclass
class Look:
    """One person's looks at one client on one Brussels day: what they opened, and when they last did."""

    staff: User
    at: datetime
    categories: list[str] = field(default_factory=list)


def looks_at(client: User, limit: int = 100) -> list[Look]:
    """Who opened what, newest first: one line per person and day, with everything they opened that day.

    Only real looks count: the client's page or one of its screens (context "client"). The caseload's
    summary row is not a look at any category; `summaries_of` tells about it apart.
    """
    rows = db.session.scalars(
        select(AccessLog).where(AccessLog.client_id == client.id, AccessLog.context == "client")
        .order_by(AccessLog.at.desc(), AccessLog.id.desc()).limit(limit * 10).options(selectinload(AccessLog.staff))
    ).all()
    looks: dict[tuple[int, object], Look] = {}
    for row in rows:
        key = (row.staff_id, row.at.astimezone(BRUSSELS).date())
        look = looks.get(key)
        if look is None:
            if len(looks) == limit:
                break
            look = looks[key] = Look(row.staff, row.at)
        if row.category not in look.categories:
            look.categories.append(row.category)
    order = (FILE, *CATEGORIES)
    for look in looks.values():
        look.categories.sort(key=lambda c: order.index(c) if c in order else len(order))
    return list(looks.values())


def summaries_of(client: User) -> list[Look]:
    """Whose caseload list showed this client's summary, and on which day last: one line per person."""
    rows = db.session.execute(
        select(AccessLog.staff_id, func.max(AccessLog.at).label("at"))
        .where(AccessLog.client_id == client.id, AccessLog.context == "caseload")
        .group_by(AccessLog.staff_id).order_by(func.max(AccessLog.at).desc())
    ).all()
    if not rows:
        return []
    staff = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_([r.staff_id for r in rows])))}
    return [Look(staff[r.staff_id], r.at, [SUMMARY]) for r in rows]


def add_to_circle(client: User, staff: User, added_by: User) -> None:
    if staff.id == client.trust_person_id or not staff.is_staff:
        return
    exists = db.session.scalar(select(CircleMember.id).where(CircleMember.client_id == client.id,
                                                             CircleMember.staff_id == staff.id))
    if not exists:
        db.session.add(CircleMember(client_id=client.id, staff_id=staff.id, added_by_id=added_by.id))
        db.session.flush()


# --- the staff side ------------------------------------------------------------------------------

def shared_categories(staff: User, client_id: int) -> set[str]:
    return set(db.session.scalars(select(Share.category).where(
        Share.grantee_id == staff.id, Share.client_id == client_id, *_active(utcnow()))))


def look(staff: User, client_id: int, categories: tuple[str, ...] = CATEGORIES) -> set[str]:
    """The guarded door: which of `categories` this staff member may see of this client now.

    Every category it lets through is written to the access log, so the client sees the look.
    """
    allowed = shared_categories(staff, client_id) & set(categories)
    if allowed:
        log(staff, [(client_id, category) for category in sorted(allowed)], "client")
    return allowed


def open_file(staff: User, client: User) -> None:
    """Opening a client's page in the staff area is a look, shown to the client like one at a screen."""
    log(staff, [(client.id, FILE)], "client")


def log_summaries(staff: User, client_ids: list[int]) -> None:
    """The caseload's reads: one statement, and at most one row per client per Brussels day.

    A caseload opened twenty times a day would otherwise write twenty rows per client: the audit keeps
    that the summary was seen that day, which is what it can honestly tell.
    """
    if not client_ids:
        return
    now = utcnow()
    day_start = datetime.combine(now.astimezone(BRUSSELS).date(), time(), BRUSSELS)
    seen_today = select(AccessLog.id).where(
        AccessLog.staff_id == staff.id, AccessLog.client_id == User.id, AccessLog.context == "caseload",
        AccessLog.at >= day_start).exists()
    db.session.execute(insert(AccessLog).from_select(
        ["staff_id", "client_id", "category", "context", "at"],
        select(literal(staff.id), User.id, literal(SUMMARY), literal("caseload"),
               literal(now, AccessLog.at.type)).where(User.id.in_(client_ids), ~seen_today),
    ))


def log(staff: User, reads: list[tuple[int, str]], context: str) -> None:
    """One insert for any number of reads."""
    if reads:
        now = utcnow()
        db.session.execute(insert(AccessLog), [
            {"staff_id": staff.id, "client_id": client_id, "category": category, "context": context, "at": now}
            for client_id, category in reads
        ])


def visible_client(staff: User, client_id: int) -> User | None:
    """A client this staff member may open: their caseload, their circle, or anyone sharing with them."""
    client = db.session.get(User, client_id)
    if client is None or not client.is_client or not client.active:
        return None
    in_circle = db.session.scalar(select(CircleMember.id).where(CircleMember.client_id == client_id,
                                                                CircleMember.staff_id == staff.id))
    if client.trust_person_id == staff.id or in_circle or shared_categories(staff, client_id):
        return client
    return None
