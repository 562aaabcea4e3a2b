"""The trust person's caseload: who needs attention, told only through what each client shares.

A fixed number of queries whatever the caseload size: clients with their counts (correlated
subqueries), the active shares, the appointment signals, and one insert for the access log
(a summary row per client and day, only for clients who share something).
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, case, func, or_, select

from webapp.domain import lockout, sharing
from webapp.extensions import db
from webapp.models import AccessLog, Appointment, CircleMember, Goal, Reminder, Share, Strength, User, Win, utcnow

QUIET_AFTER = timedelta(days=14)
SOON = timedelta(hours=48)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
SIGNAL_ORDER = ("locked", "help", "undelivered", "soon", "wins", "quiet")  # what needs attention first


@dataclass
class Row:
    client: User
    shared: set[str]
    goals: int | None = None
    strengths: int | None = None
    new_wins: int | None = None
    mood: str | None = None
    next_appointment: datetime | None = None
    needs_reply_help: bool = False  # "I can't come" or "I need help" on a coming appointment
    quiet: bool = False  # nothing shared has moved for 14 days
    signals: list[str] = field(default_factory=list)

    @property
    def priority(self) -> int:
        return min((SIGNAL_ORDER.index(s) for s in self.signals), default=len(SIGNAL_ORDER))


def caseload(staff: User) -> list[Row]:
    now = utcnow()
    shares_me = select(Share.client_id).where(Share.grantee_id == staff.id, *sharing._active(now))
    in_circle = select(CircleMember.client_id).where(CircleMember.staff_id == staff.id)
    last_visit = (select(func.max(AccessLog.at)).where(
        AccessLog.staff_id == staff.id, AccessLog.client_id == User.id, AccessLog.context == "client",
        AccessLog.category == "wins").correlate(User).scalar_subquery())
    public_win = and_(Win.client_id == User.id, Win.private.is_(False))
    rows = db.session.execute(
        select(
            User,
            select(func.count()).where(Goal.client_id == User.id, Goal.status == "active",
                                       Goal.private.is_(False)).scalar_subquery(),
            select(func.count()).where(Strength.client_id == User.id).scalar_subquery(),
            select(func.count()).where(public_win, Win.created_at > func.coalesce(last_visit, EPOCH))
            .scalar_subquery(),
            select(func.max(Win.created_at)).where(public_win).scalar_subquery(),
            select(Win.mood).where(public_win, Win.mood.is_not(None)).order_by(Win.created_at.desc())
            .limit(1).scalar_subquery(),
            select(func.max(Goal.created_at)).where(Goal.client_id == User.id, Goal.private.is_(False))
            .scalar_subquery(),
            lockout.waiting_clause(User.id, now),  # too many wrong PINs: the phone waits (not shared data)
        )
        .where(User.role == "client", User.active.is_(True),
               or_(User.trust_person_id == staff.id, User.id.in_(shares_me), User.id.in_(in_circle)))
        .order_by(User.display_name)
    ).all()
    if not rows:
        return []
    ids = [r[0].id for r in rows]
    shared: dict[int, set[str]] = {}
    for client_id, category in db.session.execute(
            select(Share.client_id, Share.category).where(Share.grantee_id == staff.id, Share.client_id.in_(ids),
                                                         *sharing._active(now))):
        shared.setdefault(client_id, set()).add(category)
    undelivered = (select(Reminder.id).where(Reminder.appointment_id == Appointment.id, Reminder.status == "failed")
                   .exists())
    week = {r.client_id: r for r in db.session.execute(
        select(Appointment.client_id, func.min(Appointment.starts_at).label("next"),
               func.max(case((Appointment.reply.in_(("cannot_come", "need_help")), 1), else_=0)).label("help"),
               func.max(Appointment.replied_at).label("replied"),
               func.max(case((undelivered, 1), else_=0)).label("undelivered"))
        .where(Appointment.client_id.in_(ids), Appointment.status == "planned",
               Appointment.starts_at >= now - timedelta(hours=1), Appointment.starts_at <= now + timedelta(days=14))
        .group_by(Appointment.client_id))}

    result, summaries = [], []
    for client, goals, strengths, new_wins, last_win, mood, last_goal, waiting in rows:
        row = Row(client, shared.get(client.id, set()))
        if waiting and client.trust_person_id == staff.id:  # only their own trust person can unlock
            row.signals.append("locked")
        activity = []
        if "goals" in row.shared:
            row.goals = goals
            activity.append(last_goal)
        if "strengths" in row.shared:
            row.strengths = strengths
        if "wins" in row.shared:
            row.new_wins = new_wins
            activity.append(last_win)
            if new_wins:
                row.signals.append("wins")
        if "mood" in row.shared:
            row.mood = mood
        if "week" in row.shared and client.id in week:
            signal = week[client.id]
            row.next_appointment = signal.next
            row.needs_reply_help = bool(signal.help)
            activity.append(signal.replied)
            if row.needs_reply_help:
                row.signals.append("help")
            if signal.undelivered:
                row.signals.append("undelivered")
            if signal.next and signal.next - now <= SOON:
                row.signals.append("soon")
        seen = [a for a in activity if a and a > EPOCH]
        if row.shared & {"goals", "wins", "week"} and (not seen or now - max(seen) > QUIET_AFTER):
            row.quiet = True
            row.signals.append("quiet")
        row.signals.sort(key=SIGNAL_ORDER.index)
        if row.shared:
            summaries.append(client.id)
        result.append(row)
    sharing.log_summaries(staff, summaries)
    return sorted(result, key=lambda r: (r.priority, r.client.display_name))
