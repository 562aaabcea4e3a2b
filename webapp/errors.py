"""Friendly, translated error pages with a pictogram; never a stack trace, never a bare 500."""

from flask import request
from flask.json.provider import DefaultJSONProvider
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from webapp.htmx import render
from webapp.partner_api import problems

MESSAGES = {
    400: _l("Something went wrong with this page. Please go back and try again."),
    403: _l("This page is not for you."),
    404: _l("We cannot find this page."),
    405: _l("This does not work this way. Please go back and try again."),
    413: _l("That is too much at once."),
    429: _l("Too many tries. Please wait a moment and try again."),
    500: _l("Something went wrong on our side. Please try again later."),
}


# JSON for scripts and partners: errors there are problem documents (RFC 9457), not pages.
PROBLEM_PATHS = ("/api/", "/webauthn/")


class JSONProvider(DefaultJSONProvider):
    """JSON nested too deep for the parser is malformed JSON like any other: a 400, not a RecursionError."""

    def loads(self, s, **kwargs):
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None


def init_app(app):
    app.json = JSONProvider(app)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        if request.path.startswith(PROBLEM_PATHS):
            return problems.for_http_error(error)
        return render("errors/error.html", status=400, code=400,
                      message=_l("This page was open too long. Please go back, reload and try again."))

    @app.errorhandler(HTTPException)
    def http_error(error):
        if request.path.startswith(PROBLEM_PATHS):
            return problems.for_http_error(error)
        code = error.code or 500
        return render("errors/error.html", status=code, code=code,
                      message=MESSAGES.get(code, MESSAGES[400 if code < 500 else 500]))

    if app.testing:
        return  # let the tests see the real exception

    @app.errorhandler(Exception)
    def unexpected_error(error):
        app.logger.exception("unexpected error")
        from webapp.extensions import db

        db.session.rollback()
        if request.path.startswith(PROBLEM_PATHS):
            return problems.problem_response(500, "Something went wrong on our side. Please try again later.")
        return render("errors/error.html", status=500, code=500, message=MESSAGES[500])
