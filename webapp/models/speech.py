"""Read-aloud: a person's recording of one UI phrase in one language (it wins over the generated voice)."""

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from webapp.models.base import Base, utcnow


class ClipRecording(Base):
    """Ogg/Opus audio, kept in the database so every app server has it (generated clips are a disk cache)."""

    __tablename__ = "clip_recording"
    __table_args__ = (UniqueConstraint("lang", "phrase_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lang: Mapped[str] = mapped_column(String(8))
    phrase_hash: Mapped[str] = mapped_column(String(64))  # webapp.speech.phrase_hash(lang, text)
    text: Mapped[str] = mapped_column(Text)  # what was read, so a clip whose phrase changed can be found
    audio: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    size: Mapped[int]
    digest: Mapped[str] = mapped_column(String(16))  # of the audio: its URL's version, new with each recording
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
