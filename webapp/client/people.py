"""The client's people: what each may see (eye toggles), for how long, who looked; and linked partners."""

from flask import Blueprint, abort, redirect, url_for
from flask_login import current_user

from webapp.client.forms import AnswerForm, ConfirmForm, ShareForm, UntilForm
from webapp.domain import partners, sharing, suggestions, trajectory, wallclock
from webapp.domain.catalogue import SHARE_PERIODS
from webapp.extensions import db
from webapp.htmx import render, swap_or_redirect
from webapp.models import CATEGORIES, Suggestion, utcnow
from webapp.security import client_required
from webapp.views import found_or_404, valid_or_400

# Nested in the client blueprint (webapp/client/views.py), so its endpoints read client.people.*
bp = Blueprint("people", __name__)


@bp.get("/people")
@client_required
def people():
    return render("client/people.html", people=sharing.people_of(current_user), categories=CATEGORIES,
                  periods=SHARE_PERIODS, links=partners.links_of(current_user))


def _person_card(staff_id):
    return swap_or_redirect("client/_person.html", url_for("client.people.people"),
                            person=found_or_404(sharing.person_of(current_user, staff_id)),
                            categories=CATEGORIES, periods=SHARE_PERIODS)


@bp.post("/people/<int:staff_id>/share")
@client_required
def share(staff_id):
    """One tap opens or closes the eye on one category for one person."""
    person = found_or_404(sharing.person_of(current_user, staff_id))
    form = valid_or_400(ShareForm())
    if form.shared and form.category not in person.shares:
        ends = {s.ends_at for s in person.shares.values()}  # a new eye lasts as long as the others
        sharing.grant(current_user, person.user, form.category, ends.pop() if len(ends) == 1 else None)
    elif not form.shared:
        sharing.revoke(current_user, person.user, form.category)
    db.session.commit()
    return _person_card(staff_id)


@bp.post("/people/<int:staff_id>/until")
@client_required
def share_until(staff_id):
    """An end date for everything shared with this person: after it, they see nothing by themselves."""
    person = found_or_404(sharing.person_of(current_user, staff_id))
    form = valid_or_400(UntilForm())
    days = SHARE_PERIODS[form.period.data]
    ends_at = wallclock.same_time_after(utcnow(), days) if days else None  # same Brussels time, N days on
    for category in list(person.shares):
        sharing.grant(current_user, person.user, category, ends_at)
    db.session.commit()
    return _person_card(staff_id)


@bp.get("/looked")
@client_required
def looked():
    return render("client/looked.html", looks=sharing.looks_at(current_user),
                  summaries=sharing.summaries_of(current_user))


@bp.post("/suggestions/<int:suggestion_id>")
@client_required
def answer_suggestion(suggestion_id):
    suggestion = found_or_404(trajectory.own(Suggestion, current_user, suggestion_id))
    form = valid_or_400(AnswerForm())
    if suggestion.status != "pending":
        abort(400)
    suggestions.answer(suggestion, form.answer.data == "yes")
    db.session.commit()
    return swap_or_redirect("client/_suggestion.html", url_for("client.home"), suggestion=suggestion)


# --- partner organisations: they plan appointments only with the client's consent ---------------

@bp.get("/partners")
@client_required
def partner_list():
    linked = {link.organisation_id for link in partners.links_of(current_user)}
    return render("client/partners.html",
                  organisations=[o for o in partners.partner_organisations() if o.id not in linked])


@bp.route("/partners/<int:organisation_id>", methods=["GET", "POST"])
@client_required
def partner_link(organisation_id):
    """One big picture of the organisation, and yes: they may plan appointments and remind me."""
    organisation = found_or_404(next((o for o in partners.partner_organisations() if o.id == organisation_id),
                                     None))
    form = ConfirmForm()
    if form.validate_on_submit():
        partners.link(current_user, organisation)
        db.session.commit()
        return redirect(url_for("client.people.people"))
    return render("client/partner_confirm.html", organisation=organisation, form=form)


@bp.post("/partners/<int:organisation_id>/unlink")
@client_required
def partner_unlink(organisation_id):
    valid_or_400(ConfirmForm())
    for partner_link in partners.links_of(current_user):
        if partner_link.organisation_id == organisation_id:
            partners.unlink(partner_link)
    db.session.commit()
    return redirect(url_for("client.people.people"))
