"""The partner web form at /partner, for partner staff without their own IT: the same rules as the API."""

from flask import Blueprint, abort, redirect, url_for
from flask_login import current_user

from webapp import pictograms
from webapp.client.forms import ConfirmForm
from webapp.domain import partners
from webapp.extensions import db
from webapp.forms import choices
from webapp.htmx import render
from webapp.partner.forms import DURATIONS, MoveForm, PlanForm
from webapp.security import partner_required
from webapp.views import form_status, found_or_404, valid_or_400

bp = Blueprint("partner", __name__)


def _durations(form):
    form.minutes.choices = choices((m, f"{m // 60}:{m % 60:02d}") for m in DURATIONS)


@bp.get("/")
@partner_required
def home():
    organisation_id = current_user.organisation_id
    rows = partners.appointments_of(organisation_id, limit=500)
    names = {link.client_ref: link.client.display_name for link in partners.linked_clients(organisation_id)}
    return render("partner/home.html", rows=sorted(rows, key=lambda r: r[0].starts_at, reverse=True), names=names,
                  cancel_form=ConfirmForm())


@bp.route("/appointments/new", methods=["GET", "POST"])
@partner_required
def plan():
    links = partners.linked_clients(current_user.organisation_id)
    form = PlanForm()
    form.client_ref.choices = choices((link.client_ref, f"{link.client.display_name} ({link.client_ref})")
                                      for link in links)
    _durations(form)
    if form.validate_on_submit():
        # None when the client unlinked between showing the form and posting it
        link = found_or_404(partners.linked_client(current_user.organisation_id, form.client_ref.data))
        partners.plan(link, form.kind.data, form.starts_at(), form.ends_at(), place=form.place.data or None,
                      bring=form.bring.data, note=form.note.data or None)
        db.session.commit()
        return redirect(url_for("partner.home"))
    return render("partner/plan.html", status=form_status(form), form=form, links=links,
                  picto=pictograms.get)


@bp.route("/appointments/<int:appointment_id>", methods=["GET", "POST"])
@partner_required
def move(appointment_id):
    appointment, client_ref = found_or_404(partners.appointment_of(current_user.organisation_id, appointment_id))
    if appointment.status == "cancelled":
        abort(404)
    form = MoveForm()
    _durations(form)
    if form.validate_on_submit():
        partners.move(appointment, starts_at=form.starts_at(), ends_at=form.ends_at(), place=form.place.data or None,
                      bring=form.bring.data, note=form.note.data or None)
        db.session.commit()
        return redirect(url_for("partner.home"))
    if not form.is_submitted():
        form.show_time(appointment.starts_at)
        if appointment.ends_at:
            minutes = int((appointment.ends_at - appointment.starts_at).total_seconds() // 60)
            form.minutes.data = minutes if minutes in DURATIONS else 60
        form.place.data, form.note.data, form.bring.data = appointment.place, appointment.note, appointment.bring_items
    return render("partner/move.html", status=form_status(form), form=form,
                  appointment=appointment, client_ref=client_ref)


@bp.post("/appointments/<int:appointment_id>/cancel")
@partner_required
def cancel(appointment_id):
    appointment, _ref = found_or_404(partners.appointment_of(current_user.organisation_id, appointment_id))
    valid_or_400(ConfirmForm())
    partners.cancel(appointment)
    db.session.commit()
    return redirect(url_for("partner.home"))
