"""Goals, small wins and strengths of one client. Functions flush; the view commits."""

import uuid

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, selectinload

from webapp.domain.catalogue import LIFE_DOMAINS, STRENGTHS, domain_of
from webapp.extensions import db
from webapp.models import Goal, Strength, User, Win, utcnow

STONES_SHOWN = 12  # a goal shows its latest wins as stepping stones; older ones are counted


class Conflict(Exception):
    """The same uuid (made on the phone) was sent before with something else in it."""


def own(model, client: User, object_id: int):
    """One of this client's own rows, or None: another client's row looks exactly like a missing one."""
    return db.session.scalar(select(model).where(model.id == object_id, model.client_id == client.id))


# --- goals ---------------------------------------------------------------------------------------

def add_goal(client: User, template: str, title: str | None = None, client_uuid: str | None = None) -> Goal:
    """Add a goal; with the phone's uuid only once: a replay returns the first goal (other content: Conflict)."""
    wanted = {"domain": domain_of(template), "template": template, "title": (title or "").strip() or None}
    return _once(Goal, client, client_uuid, wanted)[0]


def set_goal_status(goal: Goal, status: str) -> None:
    goal.status = status
    goal.status_changed_at = utcnow()
    db.session.flush()


def goals_with_stones(client: User) -> list[tuple[Goal, list[Win], int]]:
    """Each goal with its latest wins and how many it has: two queries whatever the numbers."""
    goals = db.session.scalars(
        select(Goal).where(Goal.client_id == client.id).order_by(Goal.status, Goal.created_at)
    ).all()
    ranked = (
        select(Win, func.row_number().over(partition_by=Win.goal_id, order_by=Win.created_at.desc())
               .label("rank"), func.count().over(partition_by=Win.goal_id).label("total"))
        .where(Win.client_id == client.id, Win.goal_id.is_not(None))
        .subquery()
    )
    win = aliased(Win, ranked)
    rows = db.session.execute(
        select(win, ranked.c.total).where(ranked.c.rank <= STONES_SHOWN).order_by(ranked.c.created_at)
    ).all()
    stones: dict[int, list[Win]] = {}
    totals: dict[int, int] = {}
    for w, total in rows:
        stones.setdefault(w.goal_id, []).append(w)
        totals[w.goal_id] = total
    return [(g, stones.get(g.id, []), totals.get(g.id, 0)) for g in goals]


def group_by_domain(items):
    """Goal rows grouped under their life domain, in the catalogue's order."""
    order = {domain: i for i, domain in enumerate(LIFE_DOMAINS)}
    groups: dict[str, list] = {}
    for item in sorted(items, key=lambda row: order.get(row[0].domain, 99)):
        groups.setdefault(item[0].domain, []).append(item)
    return groups


def set_private(item: Goal | Win, private: bool) -> None:
    item.private = private
    db.session.flush()


def active_goals(client: User) -> list[Goal]:
    return db.session.scalars(
        select(Goal).where(Goal.client_id == client.id, Goal.status == "active").order_by(Goal.created_at)
    ).all()


# --- wins ----------------------------------------------------------------------------------------

def log_win(client: User, client_uuid: str, pictogram: str, goal: Goal | None = None,
            mood: str | None = None, text: str | None = None) -> tuple[Win, bool]:
    """Log a win once per client_uuid. Returns the win and whether it is new.

    A replay with the same content returns the first win; with other content it is a Conflict.
    """
    text = (text or "").strip() or None
    wanted = {"goal_id": goal.id if goal else None, "pictogram": pictogram, "text": text}
    return _once(Win, client, client_uuid, wanted, mood=mood)


def _once(model, client: User, client_uuid: str | None, wanted: dict, **extra):
    """The row a post made on the phone names by its uuid: new, or the one a replay made before.

    Without a uuid (a phone without scripts) every post makes a row. `extra` is set on a new row only
    (a win's mood), `wanted` must also match on a replay, else Conflict.
    """
    existing = _by_uuid(model, client, client_uuid) if client_uuid else None
    if existing is None:
        row = model(client_id=client.id, client_uuid=client_uuid, **wanted, **extra)
        try:
            with db.session.begin_nested():  # a savepoint: a racing replay may insert first
                db.session.add(row)
            return row, True
        except IntegrityError:
            existing = _by_uuid(model, client, client_uuid)
    if any(getattr(existing, k) != v for k, v in wanted.items()):
        raise Conflict(client_uuid)
    return existing, False


def valid_uuid(value) -> bool:
    try:
        return isinstance(value, str) and len(value) == 36 and str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False


def sent_before(model, client: User, client_uuid: str) -> bool:
    """Whether a post the phone named with this uuid has landed already (a Goal, Strength or Win)."""
    return _by_uuid(model, client, client_uuid) is not None


def _by_uuid(model, client: User, client_uuid: str):
    return db.session.scalar(select(model).where(model.client_id == client.id, model.client_uuid == client_uuid))


def recent_wins(client: User, limit: int = 60, public_only: bool = False) -> list[Win]:
    """The latest wins with their goal and reactions loaded: three queries, however many there are."""
    query = (select(Win).where(Win.client_id == client.id).order_by(Win.created_at.desc()).limit(limit)
             .options(selectinload(Win.goal), selectinload(Win.reactions)))
    if public_only:
        query = query.where(Win.private.is_(False))
    return db.session.scalars(query).all()


def set_mood(win: Win, mood: str | None) -> None:
    win.mood = mood
    db.session.flush()


def win_count(client: User) -> int:
    return db.session.scalar(select(func.count()).select_from(Win).where(Win.client_id == client.id))


# --- strengths -----------------------------------------------------------------------------------

def strengths_of(client: User) -> list[Strength]:
    return db.session.scalars(
        select(Strength).where(Strength.client_id == client.id).order_by(Strength.created_at)
    ).all()


def add_strength(client: User, key: str | None = None, own_words: str | None = None,
                 named_by: str = "self", client_uuid: str | None = None) -> Strength:
    """Add a strength; picking a catalogue strength twice keeps one card, and a replay of the phone's uuid
    returns the first (other content: Conflict).

    A key is one of the catalogue's (its pictogram is shown) or None; a strength has a key or own words.
    """
    key = (key or "").strip() or None
    own_words = (own_words or "").strip() or None
    if key is not None and key not in STRENGTHS:
        raise ValueError(f"not a strength of the catalogue: {key!r}")
    if key is None and own_words is None:
        raise ValueError("a strength needs a key or own words")
    if key and (client_uuid is None or _by_uuid(Strength, client, client_uuid) is None):
        existing = db.session.scalar(select(Strength).where(Strength.client_id == client.id,
                                                            Strength.key == key))
        if existing:
            return existing
    return _once(Strength, client, client_uuid, {"key": key, "own_words": own_words}, named_by=named_by)[0]


def remove_strength(strength: Strength) -> None:
    db.session.delete(strength)
    db.session.flush()
