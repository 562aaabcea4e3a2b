"""The staff side. The caseload and the shared client view come with sharing (issue 3)."""

from flask import Blueprint
from flask_login import current_user

from webapp.client.forms import ConfirmForm
from webapp.htmx import render
from webapp.security import staff_required

bp = Blueprint("staff", __name__)


@bp.get("/")
@staff_required
def home():
    return render("staff/home.html", user=current_user, sign_out_form=ConfirmForm())
