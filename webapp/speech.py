"""Read-aloud: the UI's phrases per language and their clips — recorded > generated (espeak-ng) > none.

Plain functions, no request. A phrase is a msgstr of the language's catalogue (without placeholders), or
a digit. Generated clips of phrases are cached on disk as <root>/<lang>/<sha256>.opus; any other text (a
name, a place, a time: possibly personal) is spoken on the fly and never stored. Text reaches espeak-ng
on stdin, never through a shell or as an argument.
"""

import functools
import hashlib
import io
import os
import shutil
import subprocess  # noqa: S404 - fixed commands, text on stdin
import tempfile
import threading
import time
import wave
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from babel.messages.pofile import read_po
from sqlalchemy import delete, select
from sqlalchemy.orm import undefer

from webapp.extensions import db
from webapp.i18n import LANGUAGES
from webapp.models import ClipRecording, User

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
MAX_TEXT = 2000  # characters spoken in one request
MAX_UPLOAD = 1024 * 1024  # bytes of one recording
MAX_SECONDS = 30
# espeak-ng voice per language code; it has none for Tigrinya, Pashto or Somali.
VOICES = {"nl": "nl", "fr": "fr", "en": "en", "ar": "ar", "prs": "fa", "uk": "uk", "ru": "ru", "tr": "tr",
          "ro": "ro"}
RATE = "150"  # words per minute: a little slower than espeak-ng's 175, for people learning the language
BITRATE = "24"  # kbit/s: clear speech, ~3 KB a second
# Part of a generated clip's URL, so changing how clips are made changes their URLs (cached as immutable).
GENERATED_VERSION = "g" + hashlib.sha256(f"espeak-ng {RATE} opus {BITRATE}".encode()).hexdigest()[:8]
DIGITS = tuple("0123456789")  # the PIN keypad says each number


class SpeechUnavailable(Exception):
    """No clip, and no generator for this language (or espeak-ng/opusenc are not installed)."""


class BadAudio(ValueError):
    """An upload that is not a short WAV or Ogg/Opus recording."""


@dataclass(frozen=True)
class Phrase:
    msgid: str
    text: str  # as the screen shows it in the language
    sha: str


def normalise(text: str) -> str:
    return " ".join(text.split())


def phrase_hash(lang: str, text: str) -> str:
    return hashlib.sha256(f"{lang}\n{normalise(text)}".encode()).hexdigest()


@functools.cache
def _tool(name: str) -> str | None:
    return shutil.which(name)


def tools_missing() -> list[str]:
    return [name for name in ("espeak-ng", "opusenc") if _tool(name) is None]


def has_generator(lang: str) -> bool:
    return lang in VOICES and not tools_missing()


# --- phrases ---------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=32)
def _read_phrases(lang: str, path: Path, _mtime: float) -> dict[str, Phrase]:
    with path.open("rb") as f:
        catalogue = read_po(f, locale=LANGUAGES[lang].locale)
    found: dict[str, Phrase] = {}
    pairs = [(m.id, m.string) for m in catalogue if m.id and isinstance(m.id, str) and m.string]
    for msgid, text in [*pairs, *((d, d) for d in DIGITS)]:
        text = normalise(text)
        if "%(" in text or not text:
            continue  # filled in at run time: dynamic text
        sha = phrase_hash(lang, text)
        found.setdefault(sha, Phrase(msgid, text, sha))
    return found


def phrases(lang: str) -> dict[str, Phrase]:
    """Every phrase of the UI in one language, by hash, in catalogue order."""
    if lang not in LANGUAGES:
        return {}
    path = TRANSLATIONS / LANGUAGES[lang].locale / "LC_MESSAGES" / "messages.po"
    return _read_phrases(lang, path, path.stat().st_mtime)


def find_phrase(lang: str, text: str) -> Phrase | None:
    return phrases(lang).get(phrase_hash(lang, text))


# --- generated speech ------------------------------------------------------------------------------

def _run(command: list[str], data: bytes) -> bytes:
    done = subprocess.run(command, input=data, capture_output=True, timeout=30, check=False)  # noqa: S603
    if done.returncode != 0 or not done.stdout:
        raise SpeechUnavailable(f"{Path(command[0]).name} failed: {done.stderr.decode(errors='replace')[:200]}")
    return done.stdout


def encode_opus(wav: bytes) -> bytes:
    """WAV in, Ogg/Opus out (mono, tuned for speech, no metadata)."""
    if tools_missing():
        raise SpeechUnavailable(f"not installed: {', '.join(tools_missing())}")
    return _run([_tool("opusenc"), "--quiet", "--speech", "--bitrate", BITRATE, "--downmix-mono",
                 "--discard-comments", "-", "-"], wav)


def synthesise(lang: str, text: str) -> bytes:
    """Ogg/Opus of text spoken by espeak-ng; kept nowhere."""
    text = normalise(text)
    if not text or len(text) > MAX_TEXT:
        raise ValueError("text empty or too long")
    if not has_generator(lang):
        raise SpeechUnavailable(f"no generated voice for {lang}")
    wav = _run([_tool("espeak-ng"), "-v", VOICES[lang], "-s", RATE, "-b", "1", "--stdin", "--stdout"],
               text.encode())
    return encode_opus(wav)


def generated_path(root: Path, lang: str, sha: str) -> Path:
    return Path(root) / lang / f"{sha}.opus"


def generated_clip(root: Path, lang: str, sha: str) -> Path | None:
    """The cached clip of a phrase, made now if it is missing; None when it cannot be made."""
    phrase = phrases(lang).get(sha)
    if phrase is None or not has_generator(lang):
        return None
    path = generated_path(root, lang, sha)
    if not path.exists():
        audio = synthesise(lang, phrase.text)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed: a reader never sees half a file, two writers never mix theirs.
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".part")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(audio)
            os.replace(tmp, path)
        finally:
            Path(tmp).unlink(missing_ok=True)
    return path


def build(root: Path, lang: str) -> tuple[int, int]:
    """Generate every missing phrase clip of a language, one per core at a time: (made, already there)."""
    missing = [sha for sha in phrases(lang) if not generated_path(root, lang, sha).exists()]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        made = sum(1 for path in pool.map(lambda sha: generated_clip(root, lang, sha), missing) if path)
    return made, len(phrases(lang)) - len(missing)


# --- recorded speech -------------------------------------------------------------------------------

_recorded_langs = {"at": -1e9, "langs": frozenset()}
_recorded_lock = threading.Lock()


def languages_with_recordings(max_age: float = 60) -> frozenset[str]:
    """Languages with at least one recording; asked of the database at most once a minute per process."""
    with _recorded_lock:
        if time.monotonic() - _recorded_langs["at"] > max_age:
            _recorded_langs["langs"] = frozenset(db.session.scalars(select(ClipRecording.lang).distinct()))
            _recorded_langs["at"] = time.monotonic()
        return _recorded_langs["langs"]


def forget_recorded_languages() -> None:
    """The next languages_with_recordings() asks the database again."""
    with _recorded_lock:
        _recorded_langs["at"] = -1e9


def voice_kind(lang: str) -> str:
    """What the server can say in a language: "server" (anything), "recorded" (some phrases) or ""."""
    if has_generator(lang):
        return "server"
    return "recorded" if lang in languages_with_recordings() else ""


def recorded(lang: str) -> dict[str, str]:
    """Hash -> version ("r" + digest) of the language's recordings of current phrases (no audio loaded)."""
    current = phrases(lang)
    rows = db.session.execute(select(ClipRecording.phrase_hash, ClipRecording.digest)
                              .where(ClipRecording.lang == lang))
    return {sha: f"r{digest}" for sha, digest in rows if sha in current}


def recording(lang: str, sha: str) -> ClipRecording | None:
    return db.session.scalar(select(ClipRecording).options(undefer(ClipRecording.audio))
                             .where(ClipRecording.lang == lang, ClipRecording.phrase_hash == sha))


def _seconds(wav: bytes) -> float:
    """Length of a 16-bit WAV of 1-2 channels at 8-48 kHz, from the samples there are (a streamed WAV's
    header may give no true length); raises BadAudio for anything else."""
    try:
        with wave.open(io.BytesIO(wav)) as w:
            channels, width, rate = w.getnchannels(), w.getsampwidth(), w.getframerate()
            if channels not in (1, 2) or width != 2 or not 8000 <= rate <= 48000:
                raise BadAudio("WAV must be 16-bit, 8-48 kHz, mono or stereo")
            return len(w.readframes(len(wav))) / (channels * width * rate)
    except (wave.Error, EOFError) as error:
        raise BadAudio(str(error)) from error


def to_opus(upload: bytes) -> bytes:
    """A recording as Ogg/Opus of 0.2-30 s: Ogg/Opus that decodes is kept as sent, WAV is encoded."""
    if not upload or len(upload) > MAX_UPLOAD:
        raise BadAudio("empty or larger than 1 MB")
    ogg = upload[:4] == b"OggS" and b"OpusHead" in upload[:80]
    if not ogg and (upload[:4] != b"RIFF" or upload[8:12] != b"WAVE"):
        raise BadAudio("not WAV or Ogg/Opus")
    if tools_missing() or _tool("opusdec") is None:
        raise BadAudio("opus-tools are not installed")
    try:
        wav = _run([_tool("opusdec"), "--quiet", "--rate", "48000", "--force-wav", "-", "-"], upload) if ogg else upload
        if not 0.2 <= _seconds(wav) <= MAX_SECONDS:
            raise BadAudio(f"a recording is 0.2 to {MAX_SECONDS} seconds")
        return upload if ogg else encode_opus(upload)
    except SpeechUnavailable as error:
        raise BadAudio(str(error)) from error


def save_recording(lang: str, sha: str, audio: bytes, by: User | None) -> ClipRecording:
    """Keep a person's clip of a phrase, replacing an older one (its digest changes its URL). Flushes."""
    phrase = phrases(lang)[sha]
    db.session.execute(delete(ClipRecording).where(ClipRecording.lang == lang, ClipRecording.phrase_hash == sha))
    row = ClipRecording(lang=lang, phrase_hash=sha, text=phrase.text, audio=audio, size=len(audio),
                        digest=hashlib.sha256(audio).hexdigest()[:16], recorded_by_id=by.id if by else None)
    db.session.add(row)
    db.session.flush()
    forget_recorded_languages()  # this process sees the new language at once
    return row


# --- what can be heard -----------------------------------------------------------------------------

def clip_versions(lang: str) -> dict[str, str]:
    """Hash -> version of every phrase that has a clip (recorded "r<digest>", else generated), for URLs."""
    versions = {sha: GENERATED_VERSION for sha in phrases(lang)} if has_generator(lang) else {}
    versions.update(recorded(lang))
    return versions


def coverage(root: Path) -> list[dict]:
    """Per language: phrases, and how many are recorded, generated (on disk), generated on demand, or silent."""
    rows = []
    for lang in LANGUAGES:
        current = phrases(lang)
        done = recorded(lang)
        on_disk = sum(1 for sha in current if sha not in done and generated_path(root, lang, sha).exists())
        can = has_generator(lang)
        rest = len(current) - len(done) - on_disk
        rows.append({"lang": lang, "voice": VOICES.get(lang, "-") if can else "-", "phrases": len(current),
                     "recorded": len(done), "generated": on_disk, "on_demand": rest if can else 0,
                     "none": 0 if can else rest})
    return rows
