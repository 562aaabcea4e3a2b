"""Response headers, and who is signed in: the device-session cookie behind Flask-Login."""

from functools import wraps

from flask import current_app, g, make_response, redirect, request, url_for
from flask_login import current_user

from webapp import bookkeeping
from webapp.domain import auth
from webapp.extensions import htmx, login_manager

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "media-src 'self' blob:",
    "connect-src 'self'",
    "font-src 'self'",
    "manifest-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

CACHEABLE = ("pwa.service_worker", "voice.phrase_index", "voice.clip")  # set their own Cache-Control


def init_app(app):
    login_manager.request_loader(load_user_from_device)
    login_manager.user_loader(lambda _id: None)  # never from the Flask session: only device sessions
    app.after_request(set_headers)


def load_user_from_device(_request):
    """Signs the request in when its device session is live and needs nothing (PIN, unlock) first."""
    g.device = None
    g.device_state = None
    token = request.cookies.get(current_app.config["DEVICE_COOKIE_NAME"])
    if not token:
        return None
    device = auth.find_session(token)
    if device is None:
        return None
    idle = current_app.config["CLIENT_IDLE" if device.kind == "device" else "STAFF_IDLE"]
    g.device = device
    g.device_state = auth.device_state(device, idle)
    if g.device_state != "ok":
        return None
    bookkeeping.device_seen(device)  # its own small transaction: read-only requests keep it
    return device.user


def set_device_cookie(response, token: str, lifetime) -> None:
    response.set_cookie(
        current_app.config["DEVICE_COOKIE_NAME"], token, max_age=int(lifetime.total_seconds()),
        httponly=True, samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"],
    )


def clear_device_cookie(response) -> None:
    response.delete_cookie(current_app.config["DEVICE_COOKIE_NAME"], httponly=True, samesite="Lax",
                           secure=current_app.config["SESSION_COOKIE_SECURE"])


def leave_for(url: str):
    """Send the browser elsewhere; an htmx swap is told to load the whole page, not swap it in."""
    if htmx:
        response = make_response("", 204)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url)


def signed_in_device():
    """Resolve who is signed in now (the loader sets g.device and g.device_state as it goes)."""
    current_user._get_current_object()
    return g.get("device"), g.get("device_state")


def client_required(view):
    """Private client page: sends a locked, idle or new device to the step it needs first."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        device, state = signed_in_device()
        if current_user.is_authenticated and current_user.is_client:
            return view(*args, **kwargs)
        if device is not None and device.kind == "device":
            return leave_for(url_for({"choose_pin": "auth.choose_pin", "unlock": "auth.unlock",
                                      "locked": "auth.locked"}[state]))
        return leave_for(url_for("auth.welcome"))

    return wrapped


def _signed_in_as(allowed):
    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            signed_in_device()
            if current_user.is_authenticated and allowed(current_user):
                return view(*args, **kwargs)
            return leave_for(url_for("staff.sign_in", next=request.path))

        return wrapped

    return decorate


staff_required = _signed_in_as(lambda user: user.is_staff)
partner_required = _signed_in_as(lambda user: user.is_partner and user.organisation_id is not None)


def set_headers(response):
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    if request.endpoint == "static":
        # Few bytes per pictogram: a page loads many. An SVG opened on its own may still run nothing.
        headers.setdefault("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
        return response
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), geolocation=(), microphone=()")
    # Every page may carry someone's trajectory; a shared phone's back button must not show it.
    # The exceptions are public and say so themselves: the service worker script (revalidated on every
    # update check) and read-aloud's phrase clips and their index (UI words only, never anyone's data).
    if request.endpoint not in CACHEABLE or response.status_code >= 400:
        headers["Cache-Control"] = "no-store"
    return response
