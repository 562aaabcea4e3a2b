"""Partner organisations' reach: the client's consent link, API tokens, and idempotent API requests."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import Base, utcnow
from webapp.models.people import Organisation, User


class PartnerLink(Base):
    """The client lets one partner organisation plan appointments with them, under a pseudonym."""

    __tablename__ = "partner_link"
    __table_args__ = (
        UniqueConstraint("organisation_id", "client_ref"),
        Index("ix_partner_link_client_org", "client_id", "organisation_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    client_ref: Mapped[str] = mapped_column(String(24))  # pseudonymous, for this partner only
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    client: Mapped[User] = relationship(lazy="joined")
    organisation: Mapped[Organisation] = relationship(lazy="joined")


class ApiToken(Base):
    """A partner's bearer token: shown once, kept as SHA-256, recognisable by its prefix, revocable."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    prefix: Mapped[str] = mapped_column(String(16))  # shown in lists, never enough to use it
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[str] = mapped_column(String(200))  # space-separated
    label: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    organisation: Mapped[Organisation] = relationship(lazy="joined")

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes.split()


class IdempotencyRecord(Base):
    """The first answer to a POST with an Idempotency-Key, replayed to any retry with the same body."""

    __tablename__ = "idempotency_record"
    __table_args__ = (UniqueConstraint("organisation_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[int | None]  # None while the first request is still in flight
    body: Mapped[str | None] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
