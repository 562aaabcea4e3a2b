"""My settings: language, read-aloud, where reminders go, my PIN, my phones, signing out.

A blueprint nested in the client's (client.settings.*), as client.people is. Every screen is reached
from home in one tap (the gear), every action is a pictogram with its name, and every result is said
in a role=status line at the top of the screen.
"""

from flask import Blueprint, abort, current_app, g, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer

from webapp.client.forms import ConfirmForm
from webapp.client.settings_forms import CodeForm, EmailForm, NewPinForm, PhoneForm, ReadAloudForm
from webapp.domain import auth, lockout, settings
from webapp.extensions import db, limiter
from webapp.htmx import render, swap_or_redirect
from webapp.reminders import channels, codes
from webapp.security import client_required, leave_for
from webapp.views import form_status, found_or_404, valid_or_400

# Nested in the client blueprint (webapp/client/views.py): its endpoints read client.settings.*
bp = Blueprint("settings", __name__, url_prefix="/settings")

CHANNEL = "<any(sms, email):channel>"
PROOF_MAX_AGE = 600  # seconds between typing the current PIN and finishing the new one
DONE = {  # ?done=… after a change: what the status line says
    "sms": _l("Reminders now also come by text message to this number."),
    "email": _l("Reminders now also come by e-mail to this address."),
    "removed": _l("Removed. No more reminders this way."),
    "cancelled": _l("Stopped. Nothing has changed."),
}


# What a phone is called in my list: its kind and browser, from the user agent it enrolled with.
_KINDS = (("iPhone", "device.phone", "iPhone"), ("iPad", "device.phone", "iPad"),  # names, not words
          ("Android", "device.phone", _l("Android phone")), ("Windows", "device.computer", _l("Computer or laptop")),
          ("Macintosh", "device.computer", _l("Computer or laptop")),
          ("CrOS", "device.computer", _l("Computer or laptop")), ("Linux", "device.computer", _l("Computer or laptop")))
_BROWSERS = (("SamsungBrowser", "Samsung Internet"), ("EdgA", "Edge"), ("Edg/", "Edge"), ("OPR/", "Opera"),
             ("Firefox", "Firefox"), ("FxiOS", "Firefox"), ("CriOS", "Chrome"), ("Chrome", "Chrome"),
             ("Safari", "Safari"))


def describe_device(user_agent: str | None) -> tuple[str, str]:
    """The pictogram and a readable name, e.g. ("device.phone", "Android phone · Chrome")."""
    agent = user_agent or ""
    picto, kind = next(((p, label) for key, p, label in _KINDS if key in agent), ("device.phone", _l("Phone")))
    browser = next((name for key, name in _BROWSERS if key in agent), None)
    return picto, f"{kind} · {browser}" if browser else str(kind)


@bp.context_processor
def _helpers():
    return {"describe_device": describe_device}


def _device_key():
    """PIN tries counted per phone, as on the unlock screen."""
    return f"device:{g.device.id}" if g.get("device") else request.remote_addr or "unknown"


def _client_key():
    return f"client:{current_user.id}" if current_user.is_authenticated else request.remote_addr or "unknown"


@bp.get("")
@client_required
def index():
    return render("client/settings/index.html")


# --- read-aloud ----------------------------------------------------------------------------------

@bp.route("/read-aloud", methods=["GET", "POST"])
@client_required
def read_aloud():
    """On or off, slow or normal: a full page each time, so the new choice is heard at once."""
    form = ReadAloudForm()
    if form.is_submitted():
        valid_or_400(form)
        settings.set_read_aloud(current_user, on=form.auto.data == "1" if form.auto.data else None,
                                rate=form.rate.data or None)
        db.session.commit()
        return redirect(url_for(".read_aloud", saved=1))
    return render("client/settings/read_aloud.html", saved=request.args.get("saved") == "1",
                  rates=settings.SPEECH_RATES)


# --- reminders: push on this phone, SMS and e-mail to a number or address confirmed by a code ------

def _ready(channel) -> bool:
    return channels.set_up(current_app.config, channel)


@bp.get("/reminders")
@client_required
def reminders():
    done = request.args.get("done")
    return render("client/settings/reminders.html", pending=settings.pending_changes(current_user),
                  sms_ready=_ready("sms"), email_ready=_ready("email"), done=DONE.get(done))


def _send(change, code) -> bool:
    minutes = int(settings.CODE_LIFETIME.total_seconds() // 60)
    return codes.send_code(current_app.config, change, code, minutes, current_user.language)


@bp.route(f"/reminders/{CHANNEL}", methods=["GET", "POST"])
@client_required
@limiter.limit("10 per hour", key_func=_client_key, methods=["POST"])
def contact(channel):
    """Type a new number (picture keypad) or address (the phone's keyboard); a code goes there."""
    if not _ready(channel):
        abort(404)
    form = PhoneForm() if channel == "sms" else EmailForm()
    if form.validate_on_submit():
        address = settings.normal_phone(form.phone.data) if channel == "sms" else form.email.data
        change, code = settings.start_change(current_user, channel, address)
        db.session.commit()
        sent = code is not None and _send(change, code)
        return redirect(url_for(".confirm", channel=channel, sent=int(sent)))
    return render("client/settings/contact.html", status=form_status(form), form=form, channel=channel,
                  current=settings.contact_of(current_user, channel))


def _pending(channel):
    if not _ready(channel):
        abort(404)
    return settings.pending_change(current_user, channel)


@bp.route(f"/reminders/{CHANNEL}/confirm", methods=["GET", "POST"])
@client_required
@limiter.limit("20 per hour", key_func=_client_key, methods=["POST"])
def confirm(channel):
    """The code from the message, on the picture keypad. Right: the new number or address works from now on."""
    change = _pending(channel)
    if change is None:
        return redirect(url_for(".reminders"))
    form = CodeForm()
    outcome = None
    if form.validate_on_submit():
        outcome = settings.confirm(change, form.code.data)
        db.session.commit()
        if outcome == "confirmed":
            return redirect(url_for(".reminders", done=channel))
    sent = request.args.get("sent")
    return render("client/settings/confirm.html", status=422 if outcome or form.is_submitted() else 200,
                  form=CodeForm(formdata=None), change=change, channel=channel, outcome=outcome,
                  unsent=sent == "0", resent=sent == "again", spent=settings.spent(change),
                  tries_left=settings.tries_left(change), can_resend=settings.can_resend(change))


@bp.post(f"/reminders/{CHANNEL}/resend")
@client_required
@limiter.limit("10 per hour", key_func=_client_key)
def resend(channel):
    change = found_or_404(_pending(channel))
    valid_or_400(ConfirmForm())
    code = settings.resend(change)
    db.session.commit()
    if code is None:
        return redirect(url_for(".confirm", channel=channel, sent="wait"))
    return redirect(url_for(".confirm", channel=channel, sent="again" if _send(change, code) else "0"))


@bp.post(f"/reminders/{CHANNEL}/cancel")
@client_required
def cancel(channel):
    """Stop a change before it is confirmed: the number or address that works stays."""
    valid_or_400(ConfirmForm())
    change = _pending(channel)
    if change is not None:
        settings.cancel(change)
        db.session.commit()
    return redirect(url_for(".reminders", done="cancelled"))


@bp.post(f"/reminders/{CHANNEL}/remove")
@client_required
def remove(channel):
    valid_or_400(ConfirmForm())
    settings.remove_contact(current_user, channel)
    db.session.commit()
    return redirect(url_for(".reminders", done="removed"))


# --- my PIN: the current one (counted like unlocking), then the new one twice ---------------------

def _proofs():
    return URLSafeTimedSerializer(current_app.secret_key, salt="stapstenen-pin-change")


def _proof_for(device) -> str:
    # Bound to this phone and to the PIN as it is now: once the PIN changes, the proof is spent.
    return _proofs().dumps([device.id, (device.user.pin_hash or "")[-16:]])


def _proof_ok(device, proof) -> bool:
    try:
        device_id, pin_tail = _proofs().loads(proof or "", max_age=PROOF_MAX_AGE)
    except (BadSignature, ValueError, TypeError):
        return False
    return device_id == device.id and pin_tail == (device.user.pin_hash or "")[-16:]


@bp.route("/pin", methods=["GET", "POST"])
@client_required
@limiter.limit("10 per minute", key_func=_device_key, methods=["POST"])
def pin():
    device = g.device
    form = NewPinForm()
    typed = form.validate_on_submit()
    context = {"step": "current", "proof": None, "wrong": False, "mismatch": False, "tries_left": None,
               "again_later": False}
    status = form_status(form)
    if form.proof.data and not _proof_ok(device, form.proof.data):
        # Too long ago (or another phone's): start again, and never take a new PIN for the current one.
        context["again_later"] = True
    elif form.proof.data and typed:
        outcome = auth.choose_pin(device, form.pin.data)
        db.session.commit()
        if outcome == "chosen":
            return render("client/settings/pin.html", step="done", form=None)
        context.update(step="again" if outcome == "again" else "new", proof=form.proof.data,
                       mismatch=outcome == "mismatch")
        status = 200 if outcome == "again" else 422
    elif form.proof.data:
        context.update(step="again" if device.pending_pin_hash else "new", proof=form.proof.data)
    elif typed:
        rules = lockout.Rules.from_config(current_app.config)
        if auth.check_pin(device, form.pin.data, rules):  # counted like unlocking (webapp.domain.lockout)
            settings.start_pin_change(device)
            db.session.commit()
            context.update(step="new", proof=_proof_for(device))
            status = 200
        else:
            if lockout.wait_of(device) is not None:  # too many wrong PINs: the phone locks and waits
                auth.lock(device)
                db.session.commit()
                return leave_for(url_for("auth.unlock"))
            db.session.commit()
            context.update(wrong=True, tries_left=lockout.tries_left(device, rules))
    return render("client/settings/pin.html", status=status, form=NewPinForm(formdata=None), **context)


# --- my phones -----------------------------------------------------------------------------------

def _devices(**context):
    return render("client/settings/devices.html", "client/settings/_devices.html",
                  devices=settings.live_devices(current_user), this=g.device.id, **context)


@bp.get("/devices")
@client_required
def devices():
    return _devices(ended=request.args.get("ended") == "1")


@bp.post("/devices/<int:device_id>/end")
@client_required
def end_device(device_id):
    """Sign another phone out at once. This phone signs out with the sign-out button (it also clears the phone)."""
    device = found_or_404(settings.own_device(current_user, device_id))
    valid_or_400(ConfirmForm())
    if device.id == g.device.id:
        abort(400)
    settings.end_device(device)
    db.session.commit()
    return swap_or_redirect("client/settings/_devices.html", url_for(".devices", ended=1),
                            devices=settings.live_devices(current_user), this=g.device.id, ended=True)
