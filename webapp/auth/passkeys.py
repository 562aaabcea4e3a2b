"""Finger or face: the phone's passkey (WebAuthn) opens the app instead of the PIN, on the phone that made it.

Nested in the auth blueprint (webapp/auth/views.py), so its endpoints read auth.passkeys.*. Screens: the
offer right after the PIN is chosen, and the on/off page the client's settings link to. The JSON under
/webauthn/ is for static/js/passkey.js only; every refusal there is an application/problem+json with a
`code` the script can tell apart, never a redirect (webapp/errors.py answers those paths the same way).

A passkey with user verification unlocks a device that is waiting after wrong PINs: the wait is there to
slow down guessing a four-digit PIN, and a finger or face cannot be guessed from this screen (the phone
itself limits its tries and falls back to its own lock). So a housemate's wrong PINs cannot lock the owner
out. It never opens a device that is ended (revoked, expired, signed out, re-invited), locked for good, or
still choosing its PIN.
"""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, g, redirect, request, url_for
from flask_login import current_user

from webapp.client.forms import ConfirmForm
from webapp.domain import passkeys
from webapp.extensions import db, limiter
from webapp.htmx import render
from webapp.partner_api.problems import problem_response
from webapp.security import client_required, signed_in_device
from webapp.views import valid_or_400

bp = Blueprint("passkeys", __name__)

DETAILS = {
    "not-signed-in": "This phone is not signed in, or it is locked.",
    "not-locked": "This phone is not waiting to be unlocked.",
    "bad-json": "Send the credential as a JSON object.",
    "no-challenge": "No open challenge for this phone: ask for new options (each can be used once, briefly).",
    "not-verified": "The passkey's answer could not be verified.",
    "unknown-passkey": "This passkey does not belong to this phone.",
    "no-passkey": "This phone has no passkey.",
    "credential-taken": "This passkey is already kept for another phone.",
}


def _problem(code: str, status: int):
    return problem_response(status, DETAILS[code], kind=f"passkey-{code}", code=code)


def _device_key():
    device = g.get("device")
    return f"passkey-device:{device.id}" if device else request.remote_addr or "unknown"


def _relying_party() -> tuple[str, str]:
    """The RP ID and origin: from the request (ProxyFix makes it the public host), or configured."""
    config = current_app.config
    origin = config.get("WEBAUTHN_ORIGIN") or request.host_url.rstrip("/")
    return config.get("WEBAUTHN_RP_ID") or urlsplit(origin).hostname or "", origin


def _answer():
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else None


@bp.app_context_processor
def _unlock_screen():
    """The unlock screen shows the finger-or-face button only on a device that has a passkey."""

    def device_has_passkey() -> bool:
        device = g.get("device")
        return device is not None and device.kind == "device" and passkeys.has_passkey(device)

    return {"device_has_passkey": device_has_passkey}


# --- screens ---------------------------------------------------------------------------------------------

@bp.get("/passkey/offer")
@client_required
def offer():
    """Right after the PIN: "Next time, your finger or face?" (passkey.js skips it on a phone that cannot)."""
    if passkeys.has_passkey(g.device):
        return redirect(url_for("client.home"))
    return render("auth/passkey_offer.html")


@bp.get("/passkey")
@client_required
def settings():
    """Turn it on or off for this phone: the client's settings link here."""
    return render("auth/passkey_settings.html", on=passkeys.has_passkey(g.device))


@bp.post("/passkey/off")
@client_required
def turn_off():
    valid_or_400(ConfirmForm())
    passkeys.remove_for_devices([g.device.id])
    db.session.commit()
    return render("auth/passkey_settings.html", on=False, turned_off=True)


# --- the ceremonies (JSON for passkey.js) -----------------------------------------------------------------

def _client_device():
    """The signed-in client's enrolled phone, or None."""
    device, _state = signed_in_device()
    if current_user.is_authenticated and current_user.is_client and device is not None and device.kind == "device":
        return device
    return None


def _waiting_device():
    """The device on the unlock screen, or a problem: only an enrolled phone waiting for its PIN."""
    device, state = signed_in_device()
    if device is None or device.kind != "device":
        return None, _problem("not-signed-in", 401)
    if state != "unlock" or device.locked_at is not None:
        return None, _problem("not-locked", 409)
    return device, None


def _ceremony(work):
    """Run one step and keep what it did. A refusal changed nothing but the challenge it used up, and that
    stays used up: an answer that failed cannot be sent again."""
    try:
        result = work()
    except passkeys.PasskeyRefused as refused:
        result = _problem(refused.code, refused.status)
    db.session.commit()
    return result


def _json(text: str):
    return current_app.response_class(text, mimetype="application/json")


@bp.post("/webauthn/register/options")
@limiter.limit("20 per minute", key_func=_device_key)
def register_options():
    device = _client_device()
    if device is None:
        return _problem("not-signed-in", 401)
    rp_id, _origin = _relying_party()
    handle = passkeys.user_handle(device.user, current_app.config["SECRET_KEY"])
    return _ceremony(lambda: _json(passkeys.registration_options(device, rp_id, handle)))


@bp.post("/webauthn/register")
@limiter.limit("20 per minute", key_func=_device_key)
def register():
    device = _client_device()
    if device is None:
        return _problem("not-signed-in", 401)
    answer = _answer()
    if answer is None:
        return _problem("bad-json", 400)
    rp_id, origin = _relying_party()

    def made():
        passkeys.register(device, answer, rp_id, origin)
        return {"on": True}, 201

    return _ceremony(made)


@bp.post("/webauthn/unlock/options")
@limiter.limit("20 per minute", key_func=_device_key)
def unlock_options():
    device, problem = _waiting_device()
    if problem:
        return problem
    rp_id, _origin = _relying_party()
    return _ceremony(lambda: _json(passkeys.unlock_options(device, rp_id)))


@bp.post("/webauthn/unlock")
@limiter.limit("20 per minute", key_func=_device_key)
def unlock():
    device, problem = _waiting_device()
    if problem:
        return problem
    answer = _answer()
    if answer is None:
        return _problem("bad-json", 400)
    rp_id, origin = _relying_party()

    def unlocked():
        passkeys.unlock(device, answer, rp_id, origin)
        return {"unlocked": True}

    return _ceremony(unlocked)
