"""Static files, compressed once at the highest level and kept in memory, cached for good when versioned.

Pages link static files with ?v=<content hash> (templating.versioned_static), so a versioned URL never
changes meaning and may be cached as immutable; an unversioned one is revalidated after an hour.
"""

import functools
import gzip
import mimetypes
from pathlib import Path

import brotli
from flask import Response, abort, current_app, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.security import safe_join

YEAR = 365 * 24 * 3600
COMPRESSIBLE = ("text/", "application/javascript", "image/svg+xml", "application/json",
                "application/manifest+json")


@functools.lru_cache(maxsize=512)
def _encoded(path: str, mtime: float, encoding: str | None) -> bytes:
    raw = Path(path).read_bytes()
    if encoding == "br":
        return brotli.compress(raw, quality=11)
    if encoding == "gzip":
        return gzip.compress(raw, compresslevel=9, mtime=0)
    return raw


def serve_static(filename: str):
    path = safe_join(current_app.static_folder, filename)
    if path is None or not Path(path).is_file():
        abort(404)
    mimetype = mimetypes.guess_type(path)[0] or "application/octet-stream"
    encoding = None
    if mimetype.startswith(COMPRESSIBLE):
        accepted = request.accept_encodings
        encoding = "br" if accepted["br"] else "gzip" if accepted["gzip"] else None
    body = _encoded(path, Path(path).stat().st_mtime, encoding)
    response = Response(body, mimetype=mimetype)
    if mimetype.startswith("text/"):
        response.charset = "utf-8"
    if encoding:
        response.headers["Content-Encoding"] = encoding
    response.vary.add("Accept-Encoding")
    if request.args.get("v"):
        response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    else:
        response.headers["Cache-Control"] = "public, max-age=3600"
    return response


class SessionOffStatic(SecureCookieSessionInterface):
    """Static files never depend on the session: no Set-Cookie and no Vary: Cookie that would stop caching."""

    def save_session(self, app, session, response):
        if request.endpoint == "static":
            return
        super().save_session(app, session, response)


def init_app(app):
    app.session_interface = SessionOffStatic()
    mimetypes.add_type("image/svg+xml", ".svg")
    mimetypes.add_type("text/javascript", ".js")
    app.view_functions["static"] = serve_static
