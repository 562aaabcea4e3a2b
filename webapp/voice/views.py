"""Read-aloud over HTTP (webapp.speech does the work).

GET /speech/<lang>/phrases.json     which phrases have a clip, and their URLs (public: UI words only)
GET /speech/<lang>/<sha>.opus       a phrase's clip, recorded > generated; immutable when versioned
POST /speech {lang, text}           any text of the screen, spoken on the fly and kept nowhere

Staff with the voice permission record the phrases at /staff/voice, in the staff area
(webapp/staff/voice.py).
"""

from pathlib import Path

from flask import Blueprint, abort, current_app, jsonify, request, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user

from webapp import speech
from webapp.database import storable
from webapp.extensions import limiter
from webapp.i18n import LANGUAGES
from webapp.views import found_or_404

bp = Blueprint("voice", __name__)

YEAR = 365 * 24 * 3600
OGG = "audio/ogg"


def speech_root() -> Path:
    return Path(current_app.config.get("SPEECH_DIR") or Path(current_app.instance_path) / "speech")


def _audio(data: bytes, cache: str, etag: str | None = None):
    response = current_app.response_class(data, mimetype=OGG)
    response.headers["Cache-Control"] = cache
    if etag:
        response.set_etag(etag)
    return response.make_conditional(request, accept_ranges=True, complete_length=len(data))


def _phrase_audio(lang: str, sha: str) -> tuple[bytes, str] | None:
    """A phrase's clip and its version: the person's recording if there is one, else the generated one."""
    row = speech.recording(lang, sha)
    if row is not None:
        return row.audio, f"r{row.digest}"
    try:
        path = speech.generated_clip(speech_root(), lang, sha)
    except speech.SpeechUnavailable:
        current_app.logger.exception("could not generate a clip")
        return None
    return (path.read_bytes(), speech.GENERATED_VERSION) if path else None


def clip_url(lang: str, sha: str, version: str) -> str:
    return url_for("voice.clip", lang=lang, sha=sha, v=version)


@bp.get("/speech/<lang>/phrases.json")
def phrase_index(lang):
    """Text -> clip URL for the phrases that can be heard now; the page speaks the rest via POST /speech."""
    lang = found_or_404(LANGUAGES.get(lang)).code
    found = speech.phrases(lang)
    clips = {found[sha].text: clip_url(lang, sha, version) for sha, version in speech.clip_versions(lang).items()}
    response = jsonify(lang=lang, voice=speech.voice_kind(lang), clips=clips)
    response.headers["Cache-Control"] = "public, no-cache"  # a new recording changes it: revalidate (ETag)
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/speech/<lang>/<string(length=64):sha>.opus")
def clip(lang, sha):
    lang = found_or_404(LANGUAGES.get(lang)).code
    data, version = found_or_404(_phrase_audio(lang, sha) if sha in speech.phrases(lang) else None)
    cache = f"public, max-age={YEAR}, immutable" if request.args.get("v") == version else "public, no-cache"
    return _audio(data, cache, etag=f"{sha[:16]}-{version}")


def _speaker_key() -> str:
    return f"user:{current_user.get_id()}" if current_user.is_authenticated else get_remote_address()


@bp.post("/speech")
@limiter.limit("60 per minute", key_func=_speaker_key)
def say():
    """Speak one piece of the current screen. Names and places may be in it: nothing is stored."""
    if not current_user.is_authenticated:
        abort(401)
    data = request.get_json(silent=True)
    if not isinstance(data, dict) or not isinstance(data.get("lang"), str) or data["lang"] not in LANGUAGES \
            or not isinstance(data.get("text"), str) or not storable(data["text"]):
        abort(400)
    lang, text = data["lang"], speech.normalise(data["text"])
    if not text:
        abort(400)
    if len(text) > speech.MAX_TEXT:
        abort(413)
    phrase = speech.find_phrase(lang, text)
    found = _phrase_audio(lang, phrase.sha) if phrase else None
    if found is None:
        try:
            found = speech.synthesise(lang, text), ""
        except speech.SpeechUnavailable:
            abort(404)  # no voice for this language: the phone's own voice, if any, takes over
    return _audio(found[0], "no-store")
