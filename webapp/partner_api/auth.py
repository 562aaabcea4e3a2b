"""Bearer tokens: every API request names its partner; scopes say what it may do."""

from functools import wraps

from flask import g, request

from webapp import bookkeeping
from webapp.domain import partners
from webapp.extensions import db
from webapp.partner_api.problems import Problem


def current_token():
    """The request's token, looked up once per request (the rate-limit key needs it too)."""
    if "stapstenen.api_token" not in request.environ:
        scheme, _sep, raw = request.headers.get("Authorization", "").partition(" ")
        request.environ["stapstenen.api_token"] = (partners.find_token(raw.strip()) if scheme.lower() == "bearer"
                                                   else None)
    return request.environ["stapstenen.api_token"]


def rate_limit_key() -> str:
    token = current_token()
    return f"api-token:{token.id}" if token else f"api-ip:{request.remote_addr}"


def require(scope: str):
    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            token = current_token()
            if token is None:
                raise Problem(401, "Send a valid partner token: Authorization: Bearer stp_…", "unauthorised",
                          headers={"WWW-Authenticate": 'Bearer realm="stapstenen"'})
            if not token.has_scope(scope):
                raise Problem(403, f"This token lacks the scope {scope}.", "scope")
            bookkeeping.token_used(token)
            g.organisation_id = token.organisation_id
            response = view(*args, **kwargs)
            db.session.commit()
            return response

        return wrapped

    return decorate
