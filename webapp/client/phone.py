"""What the phone's own scripts send, not the client's taps: "still here" while the client is busy on one
page (static/js/lock.js), and the doors of the offline queue (static/js/queue.js), one per kind of item.

The queue keeps on the phone what the client did while offline or just as the app locked: a small win, a
reply to an appointment, a goal or a strength in their own words. Each item carries a client_uuid made on
the phone; sent twice, it lands once (a replay with the same content is answered like the first, with
other content it is a conflict; a reply is a state, so the same answer again changes nothing). Status
codes tell the queue what to do: 201 arrived now (the phone says so), 200 was there already, 401 keep and
try after the PIN, 404/409/422 set aside for good (shown, never silently dropped).
"""

from functools import wraps

from flask import Blueprint, abort, jsonify, request, url_for
from flask_login import current_user

from webapp.client.forms import TEMPLATES, parse_pick
from webapp.database import database_id, storable
from webapp.domain import appointments, trajectory
from webapp.domain.catalogue import MOODS, STRENGTHS
from webapp.extensions import csrf, db
from webapp.models import REPLIES, Appointment, Goal, Strength
from webapp.security import client_required, signed_in_device

# Nested in the client blueprint (webapp/client/views.py), so its endpoints read client.phone.*
bp = Blueprint("phone", __name__)

QUEUE_HEADER = "X-Stapstenen-Queue"
KINDS = ("win", "reply", "goal", "strength")


@bp.app_template_global()
def queue_doors() -> dict[str, str]:
    """Where the queue sends each kind of item, for queue.js: in the page (base.html) and in sw.js."""
    return {kind: url_for(f"client.phone.sync_{kind}") for kind in KINDS}


@bp.post("/still-here")
@client_required
def still_here():
    """Nothing to do: being signed in has recorded the device as seen (webapp/bookkeeping.py, once a minute).

    A phone the server already counts idle gets the usual redirect to the PIN, and locks itself (lock.js).
    """
    return "", 204


def _problem(status: int, reason: str):
    return jsonify({"status": status, "reason": reason}), status


def _read(data, **rules):
    """The fields a door reads, each checked by its rule: (values, None), or (None, the refusal of the first)."""
    values = {}
    for name, ok in rules.items():
        values[name] = data.get(name)
        if not ok(values[name]):
            return None, _problem(422, name)
    return values, None


def _one_of(allowed, optional=False):
    return lambda value: (value is None and optional) or (isinstance(value, str) and value in allowed)


def _words(longest: int):
    """Optional own words, as long as the column holds, and storable."""
    return lambda value: value is None or (isinstance(value, str) and len(value) <= longest and storable(value))


def queue_door(view):
    """JSON from this site's own queue (CSRF-exempt: the queue outlives the page and its session, so a custom
    header, JSON and the same origin instead), for a signed-in client, with the phone's client_uuid."""

    @csrf.exempt
    @wraps(view)
    def wrapped():
        if request.headers.get(QUEUE_HEADER) != "1" or not request.is_json:
            abort(400)
        origin = request.headers.get("Origin")
        if origin and origin.rstrip("/") != request.host_url.rstrip("/"):
            abort(403)
        signed_in_device()
        if not (current_user.is_authenticated and current_user.is_client):
            return _problem(401, "sign-in")
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            return _problem(422, "body")
        if not trajectory.valid_uuid(data.get("client_uuid")):
            return _problem(422, "client_uuid")
        try:
            return view(data)
        except trajectory.Conflict:
            return _problem(409, "conflict")

    return wrapped


def _landed(row, new: bool, url: str):
    db.session.commit()
    return jsonify({"id": row.id, "url": url}), 201 if new else 200


@bp.post("/wins/sync")
@queue_door
def sync_win(data):
    fields, refused = _read(data, pick=lambda pick: parse_pick(pick) is not None, mood=_one_of(MOODS, optional=True),
                            text=_words(140))
    if refused:
        return refused
    kind, value = parse_pick(fields["pick"])
    goal = trajectory.own(Goal, current_user, value) if kind == "goal" else None
    if kind == "goal" and goal is None:
        return _problem(404, "goal")
    pictogram = f"goal.{goal.template}" if goal else f"win.{value}"
    win, new = trajectory.log_win(current_user, data["client_uuid"], pictogram, goal=goal, text=fields["text"],
                                  mood=fields["mood"])
    return _landed(win, new, url_for("client.celebrate", win_id=win.id))


@bp.post("/goals/sync")
@queue_door
def sync_goal(data):
    fields, refused = _read(data, template=_one_of(TEMPLATES), title=_words(80))
    if refused:
        return refused
    new = not trajectory.sent_before(Goal, current_user, data["client_uuid"])
    goal = trajectory.add_goal(current_user, fields["template"], fields["title"], client_uuid=data["client_uuid"])
    return _landed(goal, new, url_for("client.goals"))


@bp.post("/strengths/sync")
@queue_door
def sync_strength(data):
    fields, refused = _read(data, key=_one_of(STRENGTHS, optional=True), own_words=_words(80))
    if refused:
        return refused
    if not fields["key"] and not (fields["own_words"] or "").strip():
        return _problem(422, "own_words")
    new = not trajectory.sent_before(Strength, current_user, data["client_uuid"])
    strength = trajectory.add_strength(current_user, client_uuid=data["client_uuid"], **fields)
    return _landed(strength, new and strength.client_uuid == data["client_uuid"], url_for("client.strengths"))


@bp.post("/week/sync")
@queue_door
def sync_reply(data):
    fields, refused = _read(data, answer=_one_of(REPLIES))
    if refused:
        return refused
    answer = fields["answer"]
    given = data.get("appointment")  # its id, as a number (or digits)
    appointment_id = database_id(str(given)) if isinstance(given, int | str) and not isinstance(given, bool) else None
    appointment = appointment_id and trajectory.own(Appointment, current_user, appointment_id)
    if not appointment:
        return _problem(404, "appointment")
    if appointment.status != "planned":
        return _problem(409, "appointment")  # cancelled or over meanwhile: the answer no longer applies
    new = appointment.reply != answer  # the same answer again changes nothing, not even its time
    if new:
        appointments.reply(appointment, answer)
    return _landed(appointment, new, url_for("client.week", _anchor=f"appointment-{appointment.id}"))
