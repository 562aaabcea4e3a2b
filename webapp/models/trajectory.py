"""The client's own trajectory: goals, small wins and strengths."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import Base, utcnow

GOAL_STATUSES = ("active", "reached", "paused")


class Goal(Base):
    """A goal. client_uuid, when the phone made one, names the post, so a kept copy sent again never doubles it."""

    __tablename__ = "goal"
    __table_args__ = (UniqueConstraint("client_id", "client_uuid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    domain: Mapped[str] = mapped_column(String(30))
    template: Mapped[str] = mapped_column(String(40))  # also the goal's pictogram
    title: Mapped[str | None] = mapped_column(String(80))  # own words, optional
    status: Mapped[str] = mapped_column(String(10), default="active")
    # Hidden from everyone, even where goals are shared.
    private: Mapped[bool] = mapped_column(default=False, server_default=false())
    suggested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    status_changed_at: Mapped[datetime | None]
    client_uuid: Mapped[str | None] = mapped_column(String(36))


class Win(Base):
    """A small win. client_uuid is made on the phone, so a retried post never doubles it."""

    __tablename__ = "win"
    __table_args__ = (
        UniqueConstraint("client_id", "client_uuid"),
        Index("ix_win_client_created", "client_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("goal.id", ondelete="SET NULL"), index=True)
    pictogram: Mapped[str] = mapped_column(String(40))
    mood: Mapped[str | None] = mapped_column(String(10))
    text: Mapped[str | None] = mapped_column(String(140))
    client_uuid: Mapped[str] = mapped_column(String(36))
    private: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    goal: Mapped[Goal | None] = relationship()
    reactions: Mapped[list["Reaction"]] = relationship(  # noqa: F821 - webapp.models.sharing
        order_by="Reaction.created_at", viewonly=True)


class Strength(Base):
    """A strength. client_uuid as for Goal: own words kept on the phone and sent again land once."""

    __tablename__ = "strength"
    __table_args__ = (UniqueConstraint("client_id", "client_uuid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    key: Mapped[str | None] = mapped_column(String(40))  # from the catalogue, or None for own words
    own_words: Mapped[str | None] = mapped_column(String(80))
    named_by: Mapped[str] = mapped_column(String(15), default="self")  # self | trust_person
    suggested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    client_uuid: Mapped[str | None] = mapped_column(String(36))
