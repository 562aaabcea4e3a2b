"""The client's own screens: home, goals, week, strengths and "I did it!", and the week the phone keeps offline.

The client's people (sharing, suggestions, partners) are a blueprint of their own, client.people
(webapp/client/people.py), nested in this one: together they are more than one module should hold.
"""

import uuid
from datetime import timedelta

from flask import Blueprint, abort, jsonify, redirect, request, url_for
from flask_login import current_user

from webapp import pictograms
from webapp.client import people, phone, settings
from webapp.client.forms import (
    AnswerForm,
    ConfirmForm,
    GoalForm,
    GoalStatusForm,
    MoodForm,
    PrivateForm,
    ReplyForm,
    StrengthForm,
    WinForm,
    parse_pick,
)
from webapp.domain import appointments, suggestions, trajectory
from webapp.domain.catalogue import LIFE_DOMAINS, MOODS, STRENGTHS, WIN_PICKS
from webapp.extensions import db
from webapp.htmx import render, swap_or_redirect, wants_fragment
from webapp.models import Appointment, Goal, Strength, Win
from webapp.security import client_required
from webapp.templating import clock_time, weekday_and_date
from webapp.views import form_status, found_or_404, valid_or_400

bp = Blueprint("client", __name__)
bp.register_blueprint(people.bp)  # client.people.*; nested here, once, as staff.voice is
bp.register_blueprint(settings.bp)  # client.settings.*, at /settings
bp.register_blueprint(phone.bp)  # client.phone.*: what the phone's scripts send by themselves

KEPT_DAYS = 7


@bp.get("/")
@client_required
def home():
    upcoming = appointments.coming(current_user, limit=1)
    return render("client/home.html", next_appointment=upcoming[0] if upcoming else None,
                  wins=trajectory.win_count(current_user), suggestions=suggestions.pending_for(current_user),
                  reactions=suggestions.unseen_reactions(current_user), answer_form=AnswerForm())


# --- goals ---------------------------------------------------------------------------------------

@bp.get("/goals")
@client_required
def goals():
    rows = trajectory.goals_with_stones(current_user)
    return render("client/goals.html", groups=trajectory.group_by_domain(rows))


@bp.route("/goals/new", methods=["GET", "POST"])
@client_required
def new_goal():
    form = GoalForm()
    if form.validate_on_submit():
        try:
            trajectory.add_goal(current_user, form.template.data, form.title.data, client_uuid=form.client_uuid.data)
        except trajectory.Conflict:
            abort(409)
        db.session.commit()
        return redirect(url_for("client.goals"))
    domain = form.template.data and next((d for d, ts in LIFE_DOMAINS.items() if form.template.data in ts), None)
    domain = request.args.get("domain", domain)
    if domain not in LIFE_DOMAINS:
        domain = None
    return render("client/new_goal.html", status=form_status(form), form=form, domain=domain, domains=LIFE_DOMAINS)


@bp.post("/goals/<int:goal_id>/status")
@client_required
def goal_status(goal_id):
    goal = found_or_404(trajectory.own(Goal, current_user, goal_id))
    form = valid_or_400(GoalStatusForm())
    trajectory.set_goal_status(goal, form.status.data)
    db.session.commit()
    return _goal_card(goal)


@bp.post("/goals/<int:goal_id>/private")
@client_required
def goal_private(goal_id):
    """Keep one goal to myself, even where goals are shared."""
    goal = found_or_404(trajectory.own(Goal, current_user, goal_id))
    form = valid_or_400(PrivateForm())
    trajectory.set_private(goal, form.private.data == "1")
    db.session.commit()
    return _goal_card(goal)


def _goal_card(goal):
    _goal, stones, total = next(r for r in trajectory.goals_with_stones(current_user) if r[0].id == goal.id)
    return swap_or_redirect("client/_goal.html", url_for("client.goals"), goal=goal, stones=stones, total=total)


# --- my week -------------------------------------------------------------------------------------

@bp.get("/week")
@client_required
def week():
    return render("client/week.html", appointments=appointments.coming(current_user))


@bp.post("/week/<int:appointment_id>/reply")
@client_required
def reply(appointment_id):
    appointment = found_or_404(trajectory.own(Appointment, current_user, appointment_id))
    form = valid_or_400(ReplyForm())
    if appointment.status != "planned":
        abort(400)
    appointments.reply(appointment, form.answer.data)
    db.session.commit()
    return swap_or_redirect("client/_appointment.html", url_for("client.week"), appointment=appointment)


# --- strengths -----------------------------------------------------------------------------------

@bp.route("/strengths", methods=["GET", "POST"])
@client_required
def strengths():
    form = StrengthForm()
    if form.validate_on_submit():
        try:
            trajectory.add_strength(current_user, key=form.key.data or None, own_words=form.own_words.data,
                                    client_uuid=form.client_uuid.data)
        except trajectory.Conflict:
            abort(409)
        db.session.commit()
        return _strengths_page(StrengthForm(formdata=None))
    return _strengths_page(form, form_status(form))


@bp.post("/strengths/<int:strength_id>/remove")
@client_required
def remove_strength(strength_id):
    strength = found_or_404(trajectory.own(Strength, current_user, strength_id))
    valid_or_400(ConfirmForm())
    trajectory.remove_strength(strength)
    db.session.commit()
    if wants_fragment():
        return _strengths_page(StrengthForm(formdata=None))
    return redirect(url_for("client.strengths"))


def _strengths_page(form, status=200):
    mine = trajectory.strengths_of(current_user)
    picked = {s.key for s in mine if s.key}
    return render("client/strengths.html", "client/_strengths.html", status=status, form=form,
                  strengths=mine, catalogue=[k for k in STRENGTHS if k not in picked],
                  remove_form=ConfirmForm())


# --- I did it! -----------------------------------------------------------------------------------

@bp.route("/did-it", methods=["GET", "POST"])
@client_required
def did_it():
    form = WinForm()
    if form.validate_on_submit():
        kind, value = parse_pick(form.pick.data)
        goal = found_or_404(trajectory.own(Goal, current_user, value)) if kind == "goal" else None
        pictogram = f"goal.{goal.template}" if goal else f"win.{value}"
        try:
            win, _new = trajectory.log_win(current_user, form.client_uuid.data, pictogram, goal=goal,
                                           text=form.text.data)
        except trajectory.Conflict:
            abort(409)
        db.session.commit()
        return redirect(url_for("client.celebrate", win_id=win.id))
    if not form.client_uuid.data or form.client_uuid.errors:
        form.client_uuid.data = str(uuid.uuid4())  # the phone replaces it with its own (app.js)
    return render("client/did_it.html", status=form_status(form), form=form,
                  goals=trajectory.active_goals(current_user), picks=WIN_PICKS)


@bp.get("/wins")
@client_required
def wins():
    """My small wins, newest first, with my trust person's reactions (seen from now on)."""
    recent = trajectory.recent_wins(current_user)
    page = render("client/wins.html", wins=recent, total=trajectory.win_count(current_user))
    suggestions.mark_reactions_seen(current_user)
    db.session.commit()
    return page


@bp.post("/wins/<int:win_id>/private")
@client_required
def win_private(win_id):
    win = found_or_404(trajectory.own(Win, current_user, win_id))
    form = valid_or_400(PrivateForm())
    trajectory.set_private(win, form.private.data == "1")
    db.session.commit()
    return swap_or_redirect("client/_win.html", url_for("client.wins"), win=win)


@bp.route("/wins/<int:win_id>", methods=["GET", "POST"])
@client_required
def celebrate(win_id):
    win = found_or_404(trajectory.own(Win, current_user, win_id))
    form = MoodForm()
    if form.is_submitted():
        trajectory.set_mood(win, valid_or_400(form).mood.data)
        db.session.commit()
    return render("client/celebrate.html", "client/_mood.html", win=win, form=form, moods=MOODS,
                  wins=trajectory.win_count(current_user))


# --- offline: the week the phone keeps, and the wins it queued ------------------------------------
# Small wins logged without a connection: the phone's queue sends them here when it is back online.
#
# JSON with a client_uuid made on the phone; a replay with the same content is answered like the first,
# the same uuid with other content is a conflict. Status codes tell the queue what to do with an item:
# 2xx sent, 401 keep and try after sign-in, 409/404/422 set aside for good (shown, never silently dropped).
# The kept week is only what the week screen shows (time, kind, place), and only when the client
# opted in on this phone.

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
