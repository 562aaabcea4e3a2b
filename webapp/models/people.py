"""Who uses Stapstenen: organisations, users, their device sessions and invitations."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import Base, utcnow

ROLES = ("client", "trust_person", "coordinator", "partner_user", "admin")
STAFF_ROLES = ("trust_person", "coordinator", "admin")


class Organisation(Base):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # partner | care_team
    pictogram: Mapped[str] = mapped_column(String(40))
    # Called when a client's trust person has no number of their own (the unlock screen's call button).
    phone: Mapped[str | None] = mapped_column(String(32))


class User(UserMixin, Base):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    role: Mapped[str] = mapped_column(String(20))
    username: Mapped[str] = mapped_column(String(40), unique=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    phone: Mapped[str | None] = mapped_column(String(32))
    display_name: Mapped[str] = mapped_column(String(80))
    language: Mapped[str | None] = mapped_column(String(8))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    pin_hash: Mapped[str | None] = mapped_column(String(200))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    # The client's trust person: the one who invites, recovers and (with consent) follows.
    trust_person_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    # Staff who may record the app's phrases in their voice (webapp.speech; `flask users grant-voice`).
    can_record_voice: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Read-aloud (settings): read each screen aloud when it opens, and how fast (normal | slow).
    read_aloud: Mapped[bool] = mapped_column(default=False, server_default=false())
    speech_rate: Mapped[str] = mapped_column(String(8), default="normal", server_default="normal")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Wrong PINs on all of a client's devices together (webapp.domain.lockout), and the wait they caused.
    failed_pins: Mapped[int] = mapped_column(default=0, server_default="0")
    pin_wait_until: Mapped[datetime | None]

    organisation: Mapped[Organisation | None] = relationship()
    trust_person: Mapped["User | None"] = relationship(remote_side=[id])

    @property
    def is_client(self) -> bool:
        return self.role == "client"

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_partner(self) -> bool:
        return self.role == "partner_user"

    @property
    def is_active(self) -> bool:  # Flask-Login: a disabled account is signed out everywhere
        return self.active


class DeviceSession(Base):
    """One signed-in browser: a client's enrolled phone or a staff member's sign-in.

    Only the SHA-256 of the cookie token is stored, so a database leak signs no one in.
    """

    __tablename__ = "device_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(10))  # device | staff
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    needs_new_pin: Mapped[bool] = mapped_column(default=False)
    # The first round of a new PIN, hashed: the confirming round is checked against it, so no PIN sits in a page.
    pending_pin_hash: Mapped[str | None] = mapped_column(String(200))
    # PIN tries on this device since its last right PIN, counted before each is checked, and the wait
    # they caused (webapp.domain.lockout). locked_at: locked for good, only a new invitation helps.
    failed_pins: Mapped[int] = mapped_column(default=0)
    wait_until: Mapped[datetime | None]
    locked_at: Mapped[datetime | None]
    # The trust person who ended this device's wait: the unlock screen says so once.
    wait_ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    user_agent: Mapped[str | None] = mapped_column(String(200))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    wait_ended_by: Mapped[User | None] = relationship(foreign_keys=[wait_ended_by_id])


class Invitation(Base):
    """A one-time, short-lived link that enrols a client's phone (shown as a QR code)."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    redeemed_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id])
