"""Appointments partners plan with a client, and the client's reply."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import Base, utcnow
from webapp.models.people import Organisation

REPLIES = ("coming", "cannot_come", "need_help")


class Appointment(Base):
    __tablename__ = "appointment"
    __table_args__ = (Index("ix_appointment_client_starts", "client_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime | None]
    place: Mapped[str | None] = mapped_column(String(200))
    bring: Mapped[str] = mapped_column(String(200), default="")  # comma-separated catalogue keys
    note: Mapped[str | None] = mapped_column(String(280))  # plain Dutch, from the partner
    status: Mapped[str] = mapped_column(String(10), default="planned")  # planned | cancelled
    reply: Mapped[str | None] = mapped_column(String(12))
    replied_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    organisation: Mapped[Organisation] = relationship(lazy="joined")

    @property
    def bring_items(self) -> list[str]:
        return [item for item in self.bring.split(",") if item]
