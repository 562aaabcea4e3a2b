"""Appointments partners plan with a client, and the client's reply."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import Base, utcnow
from webapp.models.people import Organisation

REPLIES = ("coming", "cannot_come", "need_help")


class Appointment(Base):
    __tablename__ = "appointment"
    __table_args__ = (
        Index("ix_appointment_client_starts", "client_id", "starts_at"),
        Index("ix_appointment_org_updated", "organisation_id", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime | None]
    place: Mapped[str | None] = mapped_column(String(200))
    bring: Mapped[str] = mapped_column(String(200), default="")  # comma-separated catalogue keys
    note: Mapped[str | None] = mapped_column(String(280))  # plain Dutch, from the partner
    # Minutes before the start, comma-separated; empty means the defaults (evening before, two hours before).
    reminder_offsets: Mapped[str | None] = mapped_column(String(100))
    partner_ref: Mapped[str | None] = mapped_column(String(64))  # the partner's own id, if they send one
    status: Mapped[str] = mapped_column(String(10), default="planned")  # planned | cancelled
    reply: Mapped[str | None] = mapped_column(String(12))
    replied_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    reminders: Mapped[list["Reminder"]] = relationship(  # noqa: F821 - webapp.models.reminders
        order_by="Reminder.due_at", viewonly=True)

    @property
    def bring_items(self) -> list[str]:
        return [item for item in self.bring.split(",") if item]
