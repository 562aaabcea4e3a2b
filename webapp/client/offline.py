"""Small wins logged without a connection: the phone's queue sends them here when it is back online.

JSON with a client_uuid made on the phone; a replay with the same content is answered like the first,
the same uuid with other content is a conflict. Status codes tell the queue what to do with an item:
2xx sent, 401 keep and try after sign-in, 409/404/422 set aside for good (shown, never silently dropped).
"""

from flask import abort, jsonify, request, url_for
from flask_login import current_user

from webapp.client import bp
from webapp.domain import trajectory
from webapp.domain.catalogue import MOODS, WIN_PICKS
from webapp.extensions import csrf, db
from webapp.models import Goal
from webapp.security import signed_in_device

QUEUE_HEADER = "X-Stapstenen-Queue"


def _problem(status: int, reason: str):
    return jsonify({"status": status, "reason": reason}), status


@bp.post("/wins/sync")
@csrf.exempt  # the queue outlives the page and its session: JSON + a custom header + same origin instead
def sync_win():
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
    client_uuid, pick = data.get("client_uuid"), data.get("pick")
    mood, text = data.get("mood"), data.get("text")
    if not trajectory.valid_uuid(client_uuid):
        return _problem(422, "client_uuid")
    kind, _sep, value = pick.partition(":") if isinstance(pick, str) else ("", "", "")
    if not ((kind == "goal" and value.isdigit()) or (kind == "win" and value in WIN_PICKS)):
        return _problem(422, "pick")
    if mood is not None and mood not in MOODS:
        return _problem(422, "mood")
    if text is not None and (not isinstance(text, str) or len(text) > 140):
        return _problem(422, "text")
    goal = trajectory.own(Goal, current_user, int(value)) if kind == "goal" else None
    if kind == "goal" and goal is None:
        return _problem(404, "goal")
    pictogram = f"goal.{goal.template}" if goal else f"win.{value}"
    try:
        win, new = trajectory.log_win(current_user, client_uuid, pictogram, goal=goal, text=text, mood=mood)
    except trajectory.WinConflict:
        return _problem(409, "conflict")
    db.session.commit()
    return jsonify({"id": win.id, "url": url_for("client.celebrate", win_id=win.id)}), 201 if new else 200
