"""Errors as RFC 9457 problem details (application/problem+json), for every error the API can give."""

from flask import current_app, json, request
from werkzeug.exceptions import HTTPException

TYPES = "https://stapstenen.be/problems/"
TITLES = {
    400: "Bad request", 401: "Not signed in", 403: "Not allowed", 404: "Not found", 405: "Method not allowed",
    409: "Conflict", 413: "Request too large", 415: "Unsupported media type", 422: "Unprocessable content",
    429: "Too many requests", 500: "Server error",
}


class Problem(Exception):
    """Raised anywhere in the API to answer with a problem document."""

    def __init__(self, status: int, detail: str, kind: str | None = None, headers=None, **extra):
        super().__init__(detail)
        self.status, self.detail, self.kind, self.headers, self.extra = status, detail, kind, headers, extra


def problem_response(status: int, detail: str, kind: str | None = None, headers=None, **extra):
    body = {"type": TYPES + (kind or str(status)), "title": TITLES.get(status, "Error"), "status": status,
            "detail": detail, "instance": request.path, **extra}
    response = current_app.response_class(json.dumps(body), status=status, mimetype="application/problem+json")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def for_http_error(error: HTTPException):
    """Any HTTP error under /api/ (unknown route, wrong method, rate limit) as a problem document."""
    keep = {k: v for k, v in error.get_response().headers.items() if k in ("Retry-After", "Allow")}
    return problem_response(error.code or 500, error.description or TITLES.get(error.code, "Error"), headers=keep)
