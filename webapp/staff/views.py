"""The staff side: the caseload, and one client's shared screens in a staff frame.

Client data is reached only through webapp.domain.sharing (look / caseload), which checks the
client's shares and writes the access log.
"""

from flask import Blueprint, abort, url_for
from flask_login import current_user

from webapp.client.forms import ConfirmForm
from webapp.domain import appointments, caseload, sharing, suggestions, trajectory
from webapp.extensions import db
from webapp.htmx import render, swap_or_redirect
from webapp.models import CATEGORIES, Win
from webapp.security import staff_required
from webapp.staff.forms import ReactionForm

bp = Blueprint("staff", __name__)

SCREENS = ("goals", "week", "strengths", "wins")


@bp.get("/")
@staff_required
def home():
    rows = caseload.caseload(current_user)
    db.session.commit()  # the access log of what the list showed
    return render("staff/caseload.html", rows=rows, categories=CATEGORIES, sign_out_form=ConfirmForm())


def client_or_404(client_id):
    """A client this staff member may open: their own caseload or someone sharing with them."""
    client = sharing.visible_client(current_user, client_id)
    if client is None:
        abort(404)
    return client


@bp.get("/clients/<int:client_id>")
@staff_required
def client(client_id):
    found = client_or_404(client_id)
    return render("staff/client.html", client=found, shared=sharing.shared_categories(current_user, found.id),
                  screens=SCREENS, categories=CATEGORIES)


@bp.get("/clients/<int:client_id>/<any(goals, week, strengths, wins):screen>")
@staff_required
def client_screen(client_id, screen):
    """The client's own screen, from the same partials, only when shared; the read is logged."""
    found = client_or_404(client_id)
    wanted = (screen, "mood") if screen == "wins" else (screen,)
    allowed = sharing.look(current_user, found.id, wanted)
    db.session.commit()
    context = {"client": found, "screen": screen, "allowed": screen in allowed, "readonly": True,
               "show_mood": "mood" in allowed, "shared": sharing.shared_categories(current_user, found.id),
               "screens": SCREENS}
    if screen not in allowed:
        return render("staff/screen.html", **context)
    if screen == "goals":
        rows = [r for r in trajectory.goals_with_stones(found) if not r[0].private]
        context["groups"] = trajectory.group_by_domain(rows)
    elif screen == "week":
        context["appointments"] = appointments.coming(found)
    elif screen == "strengths":
        context["strengths"] = trajectory.strengths_of(found)
    else:
        context["wins"] = trajectory.recent_wins(found, public_only=True)
        context["react_url"] = _react_url(found)
    return render("staff/screen.html", **context)


@bp.post("/clients/<int:client_id>/wins/<int:win_id>/react")
@staff_required
def react(client_id, win_id):
    """A high five, heart or star on a shared win: the client sees it on their phone."""
    found = client_or_404(client_id)
    if "wins" not in sharing.look(current_user, found.id, ("wins",)):
        abort(404)
    win = db.session.get(Win, win_id)
    if win is None or win.client_id != found.id or win.private:
        abort(404)
    form = ReactionForm()
    if not form.validate_on_submit():
        abort(400)
    suggestions.react(current_user, win, form.kind.data)
    db.session.commit()
    db.session.refresh(win)
    return swap_or_redirect("client/_win.html", url_for("staff.client_screen", client_id=found.id, screen="wins"),
                            win=win, readonly=True, react_url=_react_url(found),
                            show_mood="mood" in sharing.shared_categories(current_user, found.id))


def _react_url(found):
    return lambda win: url_for("staff.react", client_id=found.id, win_id=win.id)
