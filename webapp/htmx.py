"""The same URL serves a whole page or, to htmx, only the fragment it swaps."""

from flask import make_response, redirect, render_template

from webapp.extensions import htmx


def wants_fragment() -> bool:
    # A boosted navigation or a history restore wants the whole page, not the fragment.
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render(page: str, partial: str | None = None, status: int = 200, **context):
    template = partial if partial and wants_fragment() else page
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response


def swap_or_redirect(partial: str, url: str, **context):
    """After a POST: htmx gets the fragment to swap; a plain form post goes back to the page (PRG)."""
    if wants_fragment():
        return render(partial, partial, **context)
    return redirect(url)
