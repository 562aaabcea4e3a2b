"""The client's own settings that need a row of their own: a new phone number or e-mail address waiting
for the code sent there.

The confirmed number and address live on the user (User.phone, User.email): the one place reminders read
them. A change waits here until its code is typed, so the old one keeps working until then.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import Base, utcnow

CONTACT_CHANNELS = ("sms", "email")


class ContactChange(Base):
    """A number or address the client typed, not yet confirmed: one per client and channel."""

    __tablename__ = "contact_change"
    __table_args__ = (UniqueConstraint("user_id", "channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(8))  # sms | email
    address: Mapped[str] = mapped_column(String(254))
    # argon2 of the code that was sent; the code itself is never stored.
    code_hash: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime]
    tries: Mapped[int] = mapped_column(default=0)  # wrong codes typed for the code now valid
    sends: Mapped[int] = mapped_column(default=0)  # codes sent for this change (first one and resends)
    last_sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped["User"] = relationship()  # noqa: F821 - webapp.models.people
