"""The staff side at /staff: sign-in, the caseload, one client's shared screens in a staff frame, and what a
trust person does for a client: invite (QR), suggest, and add colleagues to the circle.

Client data is reached only through webapp.domain.sharing (look / caseload), which checks the
client's shares and writes the access log.
"""

import io

import qrcode
import qrcode.image.svg
from flask import Blueprint, abort, current_app, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from webapp import pictograms
from webapp.auth.forms import StaffSignInForm
from webapp.auth.views import home_of
from webapp.client.forms import ConfirmForm
from webapp.domain import appointments, auth, caseload, lockout, sharing, suggestions, trajectory
from webapp.domain.catalogue import APPOINTMENT_KINDS, LIFE_DOMAINS, STRENGTHS
from webapp.extensions import db, limiter
from webapp.forms import choices
from webapp.htmx import render, swap_or_redirect
from webapp.i18n import LANGUAGES
from webapp.models import CATEGORIES, User, Win
from webapp.security import set_device_cookie, staff_required
from webapp.staff import voice
from webapp.staff.forms import (
    CircleForm,
    NewClientForm,
    ReactionForm,
    SuggestAppointmentForm,
    SuggestGoalForm,
    SuggestStrengthForm,
)
from webapp.views import form_status, found_or_404, valid_or_400

bp = Blueprint("staff", __name__)
# The voice recording pages are the staff area's (staff.voice.*, /staff/voice). Nested here, once, where the
# blueprint is made: a blueprint takes no children after its first registration, and a process may make
# more than one app (tests, bench).
bp.register_blueprint(voice.bp, url_prefix="/voice")

SCREENS = ("goals", "week", "strengths", "wins")


@bp.get("/")
@staff_required
def home():
    rows = caseload.caseload(current_user)
    db.session.commit()  # the access log of what the list showed
    return render("staff/caseload.html", rows=rows, categories=CATEGORIES, sign_out_form=ConfirmForm())


@bp.get("/clients/<int:client_id>")
@staff_required
def client(client_id):
    found = found_or_404(sharing.visible_client(current_user, client_id))
    sharing.open_file(current_user, found)
    db.session.commit()
    own = found.trust_person_id == current_user.id
    return render("staff/client.html", client=found, shared=sharing.shared_categories(current_user, found.id),
                  screens=SCREENS, categories=CATEGORIES, waiting=own and lockout.is_waiting(found))


@bp.get("/clients/<int:client_id>/<any(goals, week, strengths, wins):screen>")
@staff_required
def client_screen(client_id, screen):
    """The client's own screen, from the same partials, only when shared; the read is logged."""
    found = found_or_404(sharing.visible_client(current_user, client_id))
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
    found = found_or_404(sharing.visible_client(current_user, client_id))
    if "wins" not in sharing.look(current_user, found.id, ("wins",)):
        abort(404)
    win = db.session.get(Win, win_id)
    if win is None or win.client_id != found.id or win.private:
        abort(404)
    form = valid_or_400(ReactionForm())
    suggestions.react(current_user, win, form.kind.data)
    db.session.commit()
    db.session.refresh(win)
    return swap_or_redirect("client/_win.html", url_for("staff.client_screen", client_id=found.id, screen="wins"),
                            win=win, readonly=True, react_url=_react_url(found),
                            show_mood="mood" in sharing.shared_categories(current_user, found.id))


def _react_url(found):
    return lambda win: url_for("staff.react", client_id=found.id, win_id=win.id)


# --- what a trust person does for a client ------------------------------------------------------

def _own_client(client_id):
    """The client, for their own trust person only: only they invite, recover and add to the circle."""
    client = sharing.visible_client(current_user, client_id)
    return client if client is not None and client.trust_person_id == current_user.id else None


def qr_svg(text: str) -> Markup:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    out = io.BytesIO()
    image.save(out)
    svg = out.getvalue().decode()
    return Markup(svg[svg.index("<svg"):])  # noqa: S704 - generated by qrcode from our own link


def _invitation_page(client):
    token = auth.create_invitation(client, current_app.config["INVITATION_LIFETIME"], created_by=current_user)
    db.session.commit()
    link = url_for("auth.invitation", token=token, _external=True)
    return render("staff/invitation.html", client=client, link=link, qr=qr_svg(link),
                  hours=int(current_app.config["INVITATION_LIFETIME"].total_seconds() // 3600))


@bp.route("/clients/new", methods=["GET", "POST"])
@staff_required
def new_client():
    form = NewClientForm()
    form.language.choices = choices((code, lang.native_name) for code, lang in LANGUAGES.items())
    if form.validate_on_submit():
        if form.email.data and db.session.scalar(select(User.id).where(User.email == form.email.data)):
            form.email.errors.append(_("This e-mail address already has an account."))
        else:
            client = User(role="client", username=f"c-{auth.new_token()[0][:12]}", display_name=form.display_name.data,
                          language=form.language.data, phone=form.phone.data or None, email=form.email.data,
                          trust_person=current_user)
            db.session.add(client)
            db.session.flush()
            return _invitation_page(client)
    return render("staff/new_client.html", status=form_status(form), form=form)


@bp.post("/clients/<int:client_id>/invite")
@staff_required
def invite(client_id):
    """A new sign-in link: for a new phone or a forgotten PIN. The client's old devices stop at once."""
    client = found_or_404(_own_client(client_id))
    valid_or_400(ConfirmForm())
    return _invitation_page(client)


@bp.post("/clients/<int:client_id>/unlock")
@staff_required
def end_wait(client_id):
    """End the wait after wrong PINs on the client's phones. Opens nothing: the client still needs the PIN."""
    client = found_or_404(_own_client(client_id))
    valid_or_400(ConfirmForm())
    lockout.end_wait(client, current_user)
    db.session.commit()
    return redirect(url_for("staff.client", client_id=client.id, unlocked=1))


@bp.route("/clients/<int:client_id>/suggest/goal", methods=["GET", "POST"])
@staff_required
def suggest_goal(client_id):
    client = found_or_404(sharing.visible_client(current_user, client_id))
    form = SuggestGoalForm()
    if form.validate_on_submit():
        suggestions.suggest(current_user, client, "goal", form.template.data, title=form.title.data)
        db.session.commit()
        return redirect(url_for("staff.client", client_id=client.id, suggested="goal"))
    domain = request.args.get("domain")
    return render("staff/suggest_goal.html", status=form_status(form), form=form, client=client,
                  domains=LIFE_DOMAINS, domain=domain if domain in LIFE_DOMAINS else None)


@bp.route("/clients/<int:client_id>/suggest/strength", methods=["GET", "POST"])
@staff_required
def suggest_strength(client_id):
    client = found_or_404(sharing.visible_client(current_user, client_id))
    form = SuggestStrengthForm()
    if form.validate_on_submit():
        suggestions.suggest(current_user, client, "strength", form.key.data)
        db.session.commit()
        return redirect(url_for("staff.client", client_id=client.id, suggested="strength"))
    return render("staff/suggest_strength.html", status=form_status(form), form=form,
                  client=client, strengths=STRENGTHS)


@bp.route("/clients/<int:client_id>/suggest/appointment", methods=["GET", "POST"])
@staff_required
def suggest_appointment(client_id):
    client = found_or_404(sharing.visible_client(current_user, client_id))
    if current_user.organisation_id is None:
        abort(404)  # an appointment needs an organisation to meet at
    form = SuggestAppointmentForm()
    form.kind.choices = choices((k, pictograms.get(f"kind.{k}").label) for k in APPOINTMENT_KINDS)
    if form.validate_on_submit():
        suggestions.suggest(current_user, client, "appointment", form.kind.data, starts_at=form.starts_at(),
                            place=form.place.data)
        db.session.commit()
        return redirect(url_for("staff.client", client_id=client.id, suggested="appointment"))
    return render("staff/suggest_appointment.html", status=form_status(form), form=form,
                  client=client)


@bp.route("/clients/<int:client_id>/circle", methods=["GET", "POST"])
@staff_required
def circle(client_id):
    """Add a colleague (a coordinator, a stand-in) so the client can choose to share with them too."""
    client = found_or_404(_own_client(client_id))
    colleagues = db.session.scalars(
        select(User).where(User.role.in_(("trust_person", "coordinator")), User.active.is_(True),
                           User.id != current_user.id).order_by(User.display_name)).all()
    form = CircleForm()
    form.staff_id.choices = choices((c.id, c.display_name) for c in colleagues)
    if form.validate_on_submit():
        sharing.add_to_circle(client, db.session.get(User, form.staff_id.data), current_user)
        db.session.commit()
        return redirect(url_for("staff.client", client_id=client.id))
    return render("staff/circle.html", status=form_status(form), form=form, client=client,
                  people=sharing.people_of(client))


# --- sign-in (staff and partner staff) -----------------------------------------------------------

@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def sign_in():
    form = StaffSignInForm()
    failed = False
    if form.validate_on_submit():
        user = auth.staff_by_credentials(form.email.data, form.password.data)
        if user:
            config = current_app.config
            token = auth.start_session(user, "staff", config["STAFF_LIFETIME"], request.user_agent.string)
            db.session.commit()
            target = request.args.get("next", "")
            area = "/partner" if user.is_partner else "/staff"
            # Only a path in the user's own area of this site: never an open redirect.
            if not (target.startswith(area) and "//" not in target and "\\" not in target):
                target = url_for(home_of(user))
            response = redirect(target)
            set_device_cookie(response, token, config["STAFF_LIFETIME"])
            return response
        failed = True
        form.password.data = ""
    status = form_status(form)
    return render("auth/staff_sign_in.html", status=status, form=form, failed=failed)
