"""What a trust person proposes (goals, strengths, appointments) and their reactions to wins.

A suggestion changes nothing in the trajectory until the client taps yes.
"""

from datetime import datetime

from sqlalchemy import select, update

from webapp.domain import appointments, trajectory, wallclock
from webapp.domain.catalogue import domain_of
from webapp.extensions import db
from webapp.models import Reaction, Suggestion, User, Win, utcnow

REACTIONS = ("high_five", "heart", "star")


def suggest(staff: User, client: User, kind: str, key: str, title: str | None = None,
            starts_at: datetime | None = None, place: str | None = None) -> Suggestion:
    suggestion = Suggestion(client_id=client.id, staff_id=staff.id, kind=kind, key=key,
                            title=(title or "").strip() or None, starts_at=starts_at,
                            place=(place or "").strip() or None)
    db.session.add(suggestion)
    db.session.flush()
    return suggestion


def pending_for(client: User) -> list[Suggestion]:
    return db.session.scalars(
        select(Suggestion).where(Suggestion.client_id == client.id, Suggestion.status == "pending")
        .order_by(Suggestion.created_at)
    ).all()


def answer(suggestion: Suggestion, accept: bool) -> None:
    """The client's yes or no. Yes puts the suggestion into the trajectory, marked as suggested."""
    suggestion.status = "accepted" if accept else "declined"
    suggestion.answered_at = utcnow()
    if accept:
        client = db.session.get(User, suggestion.client_id)
        if suggestion.kind == "goal":
            goal = trajectory.add_goal(client, suggestion.key, suggestion.title)
            goal.suggested_by_id = suggestion.staff_id
        elif suggestion.kind == "strength":
            strength = trajectory.add_strength(client, key=suggestion.key, named_by="trust_person")
            strength.suggested_by_id = suggestion.staff_id
        elif suggestion.kind == "appointment":  # met at the trust person's organisation, for an hour
            staff = db.session.get(User, suggestion.staff_id)
            appointments.create(client, staff.organisation, suggestion.key, suggestion.starts_at,
                                wallclock.later(suggestion.starts_at, 60), place=suggestion.place, reply="coming")
    db.session.flush()


def goal_template_ok(key: str) -> bool:
    return domain_of(key) is not None


# --- reactions -----------------------------------------------------------------------------------

def react(staff: User, win: Win, kind: str) -> Reaction:
    """One reaction per person per win; reacting again changes it, and the client sees it anew."""
    reaction = db.session.scalar(select(Reaction).where(Reaction.win_id == win.id, Reaction.staff_id == staff.id))
    if reaction is None:
        reaction = Reaction(win_id=win.id, client_id=win.client_id, staff_id=staff.id, kind=kind)
        db.session.add(reaction)
    else:
        reaction.kind, reaction.created_at, reaction.seen_at = kind, utcnow(), None
    db.session.flush()
    return reaction


def unseen_reactions(client: User) -> list[Reaction]:
    return db.session.scalars(
        select(Reaction).where(Reaction.client_id == client.id, Reaction.seen_at.is_(None))
        .order_by(Reaction.created_at.desc()).limit(10)
    ).all()


def mark_reactions_seen(client: User) -> None:
    db.session.execute(update(Reaction).where(Reaction.client_id == client.id, Reaction.seen_at.is_(None))
                       .values(seen_at=utcnow()))
