"""The idioms every blueprint's views repeat, one helper each: find or 404, valid or 400, a form's status."""

from typing import TypeVar

from flask import abort
from flask_wtf import FlaskForm

Found = TypeVar("Found")
Form = TypeVar("Form", bound=FlaskForm)


def found_or_404(found: Found | None) -> Found:
    """What a lookup found, or a 404. Lookups return None for another person's row too, so it looks
    exactly like a missing one."""
    if found is None:
        abort(404)
    return found


def valid_or_400(form: Form) -> Form:
    """A posted form the person cannot get wrong (a button's fixed value, a hidden field, only the CSRF
    token), or a 400: invalid means tampered with or stale, and there is nothing to show again."""
    if not form.validate_on_submit():
        abort(400)
    return form


def form_status(form: FlaskForm) -> int:
    """The status of a page that shows a form: 422 once it was posted and comes back with what to fix
    (htmx is configured to swap a 422: base.html's htmx-config), else 200."""
    return 422 if form.is_submitted() else 200
