"""The installable app and the phone side of reminders: the service worker, the manifest, the offline
page, push subscriptions, a notification's answer, and the calendar feed with the client's buttons to
make and stop it.

The offline page holds no one's data (the service worker may keep it). The week a client keeps offline
is the client's /week/kept.json (webapp/client/views.py).
"""

import hashlib
import json
from pathlib import Path

from flask import Blueprint, abort, current_app, jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.client.forms import ConfirmForm
from webapp.client.phone import queue_doors
from webapp.domain import appointments
from webapp.domain.catalogue import WIN_PICKS
from webapp.extensions import csrf, db
from webapp.htmx import render
from webapp.i18n import current_language
from webapp.models import REPLIES, Appointment, utcnow
from webapp.reminders import calendar, subscriptions, tokens
from webapp.security import client_required
from webapp.views import found_or_404, valid_or_400

bp = Blueprint("pwa", __name__)

NOTIFICATION_ANSWERS = ("coming", "cannot_come")


@bp.get("/sw.js")
def service_worker():
    """From the root, so it controls the whole app; its version changes with every file of the shell."""
    source, version = shell_worker()
    response = current_app.response_class(source.replace("__VERSION__", version), mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = "/"
    # Checked for a new version at most hourly (the page registers with updateViaCache "all"), so a
    # repeat visit sends only the HTML document; a new version then waits for the person's tap.
    response.headers["Cache-Control"] = "max-age=3600"
    return response


@bp.get("/manifest.webmanifest")
def manifest():
    language = current_language()
    icon = lambda size, purpose: {  # noqa: E731 - a table of four rows
        "src": url_for("static", filename=f"icons/icon-{size}{'-maskable' if purpose == 'maskable' else ''}.png"),
        "sizes": f"{size}x{size}", "type": "image/png", "purpose": purpose}
    response = jsonify({
        "name": "Stapstenen", "short_name": "Stapstenen", "id": "/", "start_url": "/", "scope": "/",
        "display": "standalone", "orientation": "portrait", "lang": language.html_lang, "dir": language.dir,
        "description": _("Your own stepping stones: goals, appointments, strengths and small wins."),
        "background_color": "#fffdf8", "theme_color": "#0b6e4f",
        "icons": [icon(192, "any"), icon(512, "any"), icon(192, "maskable"), icon(512, "maskable")],
    })
    response.mimetype = "application/manifest+json"
    return response


@bp.get("/offline")
def offline():
    """Shown by the service worker when the connection is gone; a win can still be logged from here."""
    return render("pwa/offline.html", picks=WIN_PICKS, public_page=True)


SHELL_FOLDERS = ("css", "js", "pictograms", "icons")


def shell_worker() -> tuple[str, str]:
    """sw.js with the versioned URLs of the shell and the app URLs it needs filled in, and a version that
    changes when any of them does."""
    static = Path(current_app.static_folder)
    files = sorted(str(path.relative_to(static)) for folder in SHELL_FOLDERS
                   for path in (static / folder).iterdir() if path.suffix in (".css", ".js", ".svg", ".png"))
    # Not the code only some pages need: push (week screen) and recording (voice staff).
    urls = [url_for("static", filename=name) for name in files if name not in ("js/push.js", "js/voice.js")]
    source = (static / "sw.js").read_text()
    app_urls = {"offline": url_for("pwa.offline"), "manifest": url_for("pwa.manifest"),
                "did_it": url_for("client.did_it"), "static": request.script_root + current_app.static_url_path + "/",
                "week": url_for("client.week"), "sync": queue_doors()}
    source = source.replace("__SHELL__", json.dumps(urls)).replace(
        "__QUEUE__", url_for("static", filename="js/queue.js")).replace("__URLS__", json.dumps(app_urls))
    return source, hashlib.sha256(source.encode()).hexdigest()[:12]


def _json_body() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        abort(400)
    return data


@bp.post("/push/subscribe")
@client_required
def push_subscribe():
    """The bell: this phone gets the signed-in client's reminders (body: PushSubscription.toJSON())."""
    fields = subscriptions.parse(_json_body())
    if fields is None:
        abort(400)
    subscriptions.subscribe(current_user, **fields)
    db.session.commit()
    return "", 204


@bp.post("/push/unsubscribe")
@client_required
def push_unsubscribe():
    subscriptions.unsubscribe(current_user, _json_body().get("endpoint"))
    db.session.commit()
    return "", 204


@bp.post("/push/reply")
@csrf.exempt  # a notification's button has no page and no session; the signed token is the proof
def push_reply():
    """"I'm coming" / "I can't come" from the notification, without opening the app."""
    data = _json_body()
    now = utcnow()
    claim = tokens.read_reply_token(data.get("token"), now)
    if claim is None:
        abort(403)
    answer = data.get("answer")
    if answer not in NOTIFICATION_ANSWERS or answer not in REPLIES:
        abort(400)
    appointment = db.session.get(Appointment, claim.appointment_id)
    if appointment is None or appointment.client_id != claim.client_id:
        abort(403)
    if appointment.status != "planned" or int(appointment.starts_at.timestamp()) != claim.starts_at:
        abort(409)  # cancelled or moved since the reminder: the new time asks again
    appointments.reply(appointment, answer)
    db.session.commit()
    return "", 204


@bp.get("/calendar/<token>.ics")
def calendar_feed(token):
    feed = found_or_404(calendar.live_feed(token))
    response = current_app.response_class(calendar.ics(feed), mimetype="text/calendar")
    response.charset = "utf-8"
    response.headers["Content-Disposition"] = "inline; filename=stapstenen.ics"
    return response


def _calendar_box(feed):
    link = None
    if feed is not None and feed.revoked_at is None:
        link = url_for("pwa.calendar_feed", token=tokens.calendar_token(feed), _external=True)
    # htmx swaps the box on the week screen; without JavaScript the box comes on a page of its own.
    return render("client/calendar.html", "client/_calendar.html", calendar_link=link,
                  webcal_link=link and "webcal://" + link.split("://", 1)[1], form=ConfirmForm(formdata=None))


@bp.post("/calendar")
@client_required
def calendar_open():
    """"Add to my calendar": make the client's feed (or show the one they have)."""
    valid_or_400(ConfirmForm())
    feed = calendar.open_feed(current_user)
    db.session.commit()
    return _calendar_box(feed)


@bp.post("/calendar/revoke")
@client_required
def calendar_revoke():
    """Stop the link: a calendar that has it gets nothing more."""
    valid_or_400(ConfirmForm())
    feed = calendar.feed_of(current_user)
    if feed is not None and feed.revoked_at is None:
        calendar.revoke(feed)
        db.session.commit()
    return _calendar_box(None)
