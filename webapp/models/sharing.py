"""Sharing on the client's terms: consent records, the circle of people, and who looked.

Deny by default: without an active Share row a staff member sees nothing of that category.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import Base, utcnow
from webapp.models.people import User

CATEGORIES = ("goals", "wins", "strengths", "week", "mood")
CONSENT_TEXT_VERSION = "share-2026-11"  # bump when the words shown beside the eye toggles change


class Share(Base):
    """One consent: the client lets one person see one category. Revoking ends it; a new grant is a new row."""

    __tablename__ = "share"
    __table_args__ = (Index("ix_share_grantee_client", "grantee_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    grantee_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    category: Mapped[str] = mapped_column(String(12))
    purpose: Mapped[str] = mapped_column(String(30), default="support")
    consent_text: Mapped[str] = mapped_column(String(30), default=CONSENT_TEXT_VERSION)
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
    ends_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    grantee: Mapped[User] = relationship(foreign_keys=[grantee_id])

    def active(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.ends_at is None or self.ends_at > now)


class CircleMember(Base):
    """A staff member around the client besides their trust person, added so the client can share with them."""

    __tablename__ = "circle_member"
    __table_args__ = (UniqueConstraint("client_id", "staff_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    staff: Mapped[User] = relationship(foreign_keys=[staff_id])


class AccessLog(Base):
    """Every staff read of client data. Append-only: rows are written, never changed or deleted."""

    __tablename__ = "access_log"
    __table_args__ = (
        Index("ix_access_log_client_at", "client_id", "at"),
        Index("ix_access_log_staff_client_at", "staff_id", "client_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    client_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    category: Mapped[str] = mapped_column(String(12))
    context: Mapped[str] = mapped_column(String(10))  # caseload | client
    at: Mapped[datetime] = mapped_column(default=utcnow)

    staff: Mapped[User] = relationship(foreign_keys=[staff_id])


class Suggestion(Base):
    """A goal, strength or appointment a trust person proposes; it lands only when the client taps yes."""

    __tablename__ = "suggestion"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    kind: Mapped[str] = mapped_column(String(12))  # goal | strength | appointment
    key: Mapped[str] = mapped_column(String(40))  # goal template, strength key or appointment kind
    title: Mapped[str | None] = mapped_column(String(80))
    starts_at: Mapped[datetime | None]
    place: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending | accepted | declined
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[datetime | None]

    staff: Mapped[User] = relationship(foreign_keys=[staff_id], lazy="joined")


class Reaction(Base):
    """A trust person's pictogram on a win: high five, heart or star."""

    __tablename__ = "reaction"
    __table_args__ = (UniqueConstraint("win_id", "staff_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    win_id: Mapped[int] = mapped_column(ForeignKey("win.id", ondelete="CASCADE"), index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    kind: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    seen_at: Mapped[datetime | None]

    staff: Mapped[User] = relationship(foreign_keys=[staff_id], lazy="joined")
