"""Recording the app's phrases at /staff/voice: staff with the voice permission record, listen back, save.

A blueprint nested in the staff one (webapp/staff/views.py): its pages are the staff area's, under its
prefix; the speaking itself (clips, /speech) is the voice blueprint's (webapp/voice/views.py).
"""

from functools import wraps

from flask import Blueprint, abort, jsonify, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from webapp import pictograms, speech
from webapp.extensions import csrf, db
from webapp.htmx import render
from webapp.i18n import LANGUAGES
from webapp.security import staff_required
from webapp.views import found_or_404
from webapp.voice.views import clip_url

bp = Blueprint("voice", __name__)


def voice_required(view):
    """Staff with the voice permission; other staff get a 404, everyone else the staff sign-in."""

    @staff_required
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.can_record_voice:
            abort(404)
        return view(*args, **kwargs)

    return wrapped


def _picture_names(lang: str) -> dict[str, str]:
    """Phrase text -> the pictogram it names, in that language."""
    names: dict[str, str] = {}
    with force_locale(LANGUAGES[lang].locale):
        for picto in pictograms.PICTOGRAMS.values():
            names.setdefault(speech.normalise(str(picto.label)), picto.name)
    return names


@bp.get("")  # /staff/voice, as before: no trailing slash
@voice_required
def recordings():
    chosen = request.args.get("lang") or (current_user.language if current_user.language in LANGUAGES else "nl")
    lang = found_or_404(LANGUAGES.get(chosen)).code
    done = speech.recorded(lang)
    generated = speech.has_generator(lang)
    pictures = _picture_names(lang)
    rows = []
    for sha, phrase in speech.phrases(lang).items():
        state = "recorded" if sha in done else "generated" if generated else "none"
        version = done.get(sha, speech.GENERATED_VERSION)
        rows.append({"phrase": phrase, "picto": pictures.get(phrase.text), "state": state,
                     "url": clip_url(lang, sha, version) if state != "none" else None,
                     "upload": url_for("staff.voice.record", lang=lang, sha=sha)})
    response = render("voice/recordings.html", language=LANGUAGES[lang], rows=rows, recorded=len(done))
    response.headers["Permissions-Policy"] = "camera=(), geolocation=(), microphone=(self)"
    return response


@bp.post("/<lang>/<string(length=64):sha>")
@csrf.exempt  # checked below, once the larger body limit for a recording is set
@voice_required
def record(lang, sha):
    request.max_content_length = speech.MAX_UPLOAD + 64 * 1024
    csrf.protect()
    lang = found_or_404(LANGUAGES.get(lang)).code
    if sha not in speech.phrases(lang):
        abort(404)
    upload = request.files.get("audio")
    try:
        audio = speech.to_opus(upload.read(speech.MAX_UPLOAD + 1) if upload else b"")
    except speech.BadAudio:
        return jsonify(error=_("This recording does not work. Please try again.")), 400
    row = speech.save_recording(lang, sha, audio, current_user)
    db.session.commit()
    return jsonify(state="recorded", url=clip_url(lang, sha, f"r{row.digest}"))
