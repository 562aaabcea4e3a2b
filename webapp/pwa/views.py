"""The phone side of reminders: the service worker, push subscriptions, a notification's answer,
and the calendar feed with the client's buttons to make and stop it."""

from flask import Blueprint, abort, current_app, request, send_from_directory, url_for
from flask_login import current_user

from webapp.client.forms import ConfirmForm
from webapp.domain import appointments
from webapp.extensions import csrf, db
from webapp.htmx import render
from webapp.models import REPLIES, Appointment, utcnow
from webapp.reminders import calendar, subscriptions, tokens
from webapp.security import client_required

bp = Blueprint("pwa", __name__)

NOTIFICATION_ANSWERS = ("coming", "cannot_come")


@bp.get("/sw.js")
def service_worker():
    """From the root, so it may control the whole app; never cached, so a new version is picked up at once."""
    response = send_from_directory(current_app.static_folder, "sw.js", mimetype="text/javascript", max_age=0)
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Cache-Control"] = "no-cache"
    return response


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
    feed = calendar.live_feed(token)
    if feed is None:
        abort(404)
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
    if not ConfirmForm().validate_on_submit():
        abort(400)
    feed = calendar.open_feed(current_user)
    db.session.commit()
    return _calendar_box(feed)


@bp.post("/calendar/revoke")
@client_required
def calendar_revoke():
    """Stop the link: a calendar that has it gets nothing more."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    feed = calendar.feed_of(current_user)
    if feed is not None and feed.revoked_at is None:
        calendar.revoke(feed)
        db.session.commit()
    return _calendar_box(None)
