"""All models, importable from one place (Alembic and the app see the same metadata)."""

from webapp.models.appointments import REPLIES, Appointment
from webapp.models.base import Base, utcnow
from webapp.models.partners import ApiToken, IdempotencyRecord, PartnerLink
from webapp.models.passkeys import Passkey, PasskeyChallenge
from webapp.models.people import ROLES, STAFF_ROLES, DeviceSession, Invitation, Organisation, User
from webapp.models.reminders import CHANNELS, CalendarFeed, PushSubscription, Reminder
from webapp.models.settings import CONTACT_CHANNELS, ContactChange
from webapp.models.sharing import (
    CATEGORIES,
    CONSENT_TEXT_VERSION,
    AccessLog,
    CircleMember,
    Reaction,
    Share,
    Suggestion,
)
from webapp.models.speech import ClipRecording
from webapp.models.trajectory import GOAL_STATUSES, Goal, Strength, Win

__all__ = [
    "CHANNELS", "CONTACT_CHANNELS", "ApiToken", "ContactChange",
    "CalendarFeed", "IdempotencyRecord", "PartnerLink", "PushSubscription", "Reminder",
    "CATEGORIES", "CONSENT_TEXT_VERSION", "GOAL_STATUSES", "REPLIES", "ROLES", "STAFF_ROLES",
    "AccessLog", "Appointment", "Base", "CircleMember", "ClipRecording", "DeviceSession", "Goal", "Invitation",
    "Organisation", "Passkey", "PasskeyChallenge", "Reaction", "Share", "Strength", "Suggestion", "User", "Win",
    "utcnow",
]
