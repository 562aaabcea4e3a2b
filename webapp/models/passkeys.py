"""Passkeys: a WebAuthn credential of one enrolled phone (its fingerprint or face unlock), and the
one-time challenges the server hands out for a ceremony."""

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from webapp.models.base import Base, utcnow


class Passkey(Base):
    """A passkey belongs to one DeviceSession: it unlocks only the phone that made it, never another one.

    Ending the device (sign-out, "end this phone", a new invitation) removes it (webapp.domain.passkeys).
    """

    __tablename__ = "passkey"

    id: Mapped[int] = mapped_column(primary_key=True)
    credential_id: Mapped[bytes] = mapped_column(LargeBinary(1023), unique=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary)  # COSE key, as the authenticator gave it
    sign_count: Mapped[int] = mapped_column(default=0)
    device_session_id: Mapped[int] = mapped_column(ForeignKey("device_session.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]


class PasskeyChallenge(Base):
    """A challenge handed to one device for one ceremony: used once (deleted as it is checked), short-lived.

    Kept on the server, not in the signed session cookie, so an old cookie sent again cannot replay one.
    """

    __tablename__ = "passkey_challenge"

    id: Mapped[int] = mapped_column(primary_key=True)
    device_session_id: Mapped[int] = mapped_column(ForeignKey("device_session.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(10))  # register | unlock
    challenge: Mapped[bytes] = mapped_column(LargeBinary(64))
    expires_at: Mapped[datetime]
