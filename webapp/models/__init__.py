"""All models, importable from one place (Alembic and the app see the same metadata)."""

from webapp.models.appointments import REPLIES, Appointment
from webapp.models.base import Base, utcnow
from webapp.models.people import ROLES, STAFF_ROLES, DeviceSession, Invitation, Organisation, User
from webapp.models.trajectory import GOAL_STATUSES, Goal, Strength, Win

__all__ = [
    "GOAL_STATUSES", "REPLIES", "ROLES", "STAFF_ROLES",
    "Appointment", "Base", "DeviceSession", "Goal", "Invitation", "Organisation",
    "Strength", "User", "Win", "utcnow",
]
