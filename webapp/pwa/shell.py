"""The installable app's shell: the manifest, the offline page, and the week a client chose to keep offline.

The offline page holds no one's data (the service worker may keep it); the kept week is only what the
week screen shows — time, kind, place — and only when the client opted in on this phone.
"""

from datetime import timedelta

from flask import jsonify, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp import pictograms
from webapp.domain import appointments
from webapp.domain.catalogue import WIN_PICKS
from webapp.htmx import render
from webapp.i18n import current_language
from webapp.pwa.views import bp
from webapp.security import client_required
from webapp.templating import clock_time, weekday_and_date

KEPT_DAYS = 7


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


@bp.get("/week/kept.json")
@client_required
def kept_week():
    """The next seven days, as the phone keeps them when the client chose "keep my week on this phone"."""
    rows = appointments.coming(current_user, within=timedelta(days=KEPT_DAYS))
    return jsonify({"appointments": [{
        "id": a.id, "day": weekday_and_date(a.starts_at), "time": clock_time(a.starts_at),
        "kind": str(pictograms.get(f"kind.{a.kind}").label),
        "pictogram": url_for("static", filename=pictograms.get(f"kind.{a.kind}").filename),
        "place": a.place,
    } for a in rows]})
