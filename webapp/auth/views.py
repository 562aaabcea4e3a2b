"""Signing in without reading: invitation link, picture-keypad PIN, lock and sign-out; language and about.

Staff sign in at /staff/sign-in, in the staff blueprint (webapp/staff/views.py): their URL, their area.
"""

import math
from pathlib import Path

from flask import Blueprint, current_app, g, redirect, request, session, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from webapp.auth import passkeys
from webapp.auth.forms import LanguageForm, PinForm
from webapp.client.forms import ConfirmForm
from webapp.domain import auth, lockout
from webapp.extensions import db, limiter
from webapp.htmx import render
from webapp.i18n import LANGUAGES, locale_of
from webapp.models import utcnow
from webapp.security import clear_device_cookie, set_device_cookie
from webapp.views import form_status, valid_or_400

bp = Blueprint("auth", __name__)
bp.register_blueprint(passkeys.bp)  # auth.passkeys.*: finger or face instead of the PIN


def spoken_language_names() -> set[str]:
    """Languages whose own name has a clip (tools/make_language_clips.py): the picker speaks those."""
    folder = Path(current_app.static_folder) / "audio"
    return {code for code in LANGUAGES if (folder / f"lang-{code}.ogg").exists()}


def home_of(user) -> str:
    return "staff.home" if user.is_staff else "partner.home" if user.is_partner else "client.home"


def _device():
    current_user._get_current_object()  # resolves g.device from the cookie (the limiter runs before the view)
    device = g.get("device")
    return device if device is not None and device.kind == "device" else None


def _device_key():
    """Rate-limit PIN tries per enrolled device, never per network address: one wifi or one proxy is shared
    by many clients. Per client is counted in the database (webapp.domain.lockout)."""
    return f"device:{_device().id}"


def _no_device():
    return _device() is None  # nothing to try a PIN on: the view only sends it on


@bp.get("/welcome")
def welcome():
    current_user._get_current_object()
    if current_user.is_authenticated:
        return redirect(url_for(home_of(current_user)))
    return render("auth/welcome.html")


@bp.route("/i/<token>", methods=["GET", "POST"])
@limiter.limit("30 per minute")
def invitation(token):
    """GET only shows the button; the POST redeems, so a link preview can never use it up."""
    found = auth.find_invitation(token)
    if found is None:
        return render("auth/invitation_gone.html", status=404)
    form = ConfirmForm()
    if form.validate_on_submit():
        config = current_app.config
        device_token = auth.redeem_invitation(found, config["CLIENT_DEVICE_LIFETIME"], request.user_agent.string)
        if device_token is None:
            return render("auth/invitation_gone.html", status=404)
        session["lang"] = found.user.language
        db.session.commit()
        response = redirect(url_for("auth.choose_pin"))
        set_device_cookie(response, device_token, config["CLIENT_DEVICE_LIFETIME"])
        return response
    with force_locale(locale_of(found.user.language)):
        return render("auth/invitation.html", form=form, client=found.user)


def _device_in(*states):
    current_user._get_current_object()
    device = g.get("device")
    if device is None or device.kind != "device":
        return None
    return device if g.device_state in states else None


@bp.route("/pin/new", methods=["GET", "POST"])
def choose_pin():
    device = _device_in("choose_pin")
    if device is None:
        return redirect(url_for("client.home"))
    form = PinForm()
    if form.validate_on_submit():
        outcome = auth.choose_pin(device, form.pin.data)
        db.session.commit()
        if outcome == "chosen":  # passkey.js says whether this phone can unlock with a finger or face
            return redirect(url_for("auth.passkeys.offer" if request.form.get("passkey") == "1" else "client.home"))
        return render("auth/choose_pin.html", status=200 if outcome == "again" else 422,
                      form=PinForm(formdata=None), again=outcome == "again", mismatch=outcome == "mismatch")
    return render("auth/choose_pin.html", status=form_status(form), form=form,
                  again=device.pending_pin_hash is not None)


@bp.route("/unlock", methods=["GET", "POST"])
@limiter.limit("10 per minute", key_func=_device_key, methods=["POST"], exempt_when=_no_device)
def unlock():
    device = _device_in("unlock", "locked")
    if device is None:
        return redirect(url_for("client.home"))
    if device.locked_at:
        return redirect(url_for("auth.locked"))
    rules = lockout.Rules.from_config(current_app.config)
    form = PinForm()
    wrong = False
    if form.validate_on_submit():
        claimed = lockout.claim_try(device, rules)
        db.session.commit()  # counted before the slow check, so a try sent alongside sees this one
        ok = lockout.settle_try(device, claimed, form.pin.data, auth.check_secret)
        db.session.commit()
        if ok:
            return redirect(url_for("client.home"))
        wrong = claimed.checkable
    wait = lockout.wait_of(device)
    if wait is not None:
        return _wait_page(device, wait, wrong, status=429 if request.method == "POST" else 200)
    return render("auth/unlock.html", status=form_status(form), form=PinForm(formdata=None),
                  wrong=wrong, tries_left=lockout.tries_left(device, rules), client=device.user,
                  ended_by=device.wait_ended_by)


def _wait_page(device, wait, wrong, status):
    """How long to wait, and the trust person who can help, with a call button when there is a number."""
    seconds = max(1, math.ceil((wait - utcnow()).total_seconds()))
    response = render("auth/wait.html", status=status, client=device.user, wait=wait, wrong=wrong,
                      minutes=math.ceil(seconds / 60), refresh=seconds, phone=lockout.trust_phone(device.user))
    response.headers["Retry-After"] = str(seconds)
    return response


@bp.get("/locked")
def locked():
    """Locked for good (not a wait): only a new invitation from the trust person helps."""
    device = _device_in("locked")
    if device is None:
        return redirect(url_for("client.home"))
    return render("auth/locked.html", status=403, client=device.user)


@bp.post("/lock")
def lock():
    """Lock the app on a shared phone: the next visit asks for the PIN, the device stays enrolled."""
    valid_or_400(ConfirmForm())
    current_user._get_current_object()
    if g.get("device") is not None and g.device.kind == "device":
        auth.lock(g.device)
        db.session.commit()
        return redirect(url_for("auth.unlock"))
    return redirect(url_for("auth.welcome"))


@bp.post("/sign-out")
def sign_out():
    valid_or_400(ConfirmForm())
    current_user._get_current_object()
    if g.get("device") is not None:
        auth.end_session(g.device)
        db.session.commit()
    response = redirect(url_for("auth.welcome"))
    clear_device_cookie(response)
    # A shared phone keeps nothing: caches, IndexedDB, localStorage and the service worker go too.
    # (app.js sends the offline queue before it lets this form through.)
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


@bp.get("/about")
def about():
    """What Stapstenen is, who made the pictures and the code it stands on (licences and attribution)."""
    return render("auth/about.html")


@bp.route("/language", methods=["GET", "POST"])
def language():
    form = LanguageForm()
    if form.validate_on_submit():
        code = form.language.data
        if code not in LANGUAGES:
            return render("auth/language.html", status=422, form=form, spoken=spoken_language_names(),
                          error=_("Tap one of the languages."))
        session["lang"] = code
        if current_user.is_authenticated:
            current_user.language = code
            db.session.commit()
        back = request.args.get("next", "")
        return redirect(back if back.startswith("/") and not back.startswith("//") else url_for("auth.welcome"))
    return render("auth/language.html", form=form, spoken=spoken_language_names())
