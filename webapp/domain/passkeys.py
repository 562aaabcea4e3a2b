"""Passkeys (WebAuthn): the phone's fingerprint or face unlocks the one enrolled device that made it.

A passkey is a second way past the unlock screen, never a way in: it works only together with the device
session it was made on (the cookie is the "something you have", the phone's own check of finger or face the
"something you are"). Ending the device ends its passkeys. Functions flush; the view commits.

Challenges are rows, one per device and ceremony: a new one replaces the old, checking one deletes it
(whatever the outcome), and each lives CHALLENGE_LIFETIME. So an answer can be used once, and an old answer
sent again finds no challenge.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from sqlalchemy import delete, select
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import parse_authentication_credential_json, parse_registration_credential_json
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorAttachment,
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from webapp.domain import lockout
from webapp.extensions import db
from webapp.models import DeviceSession, Passkey, PasskeyChallenge, User, utcnow

CHALLENGE_LIFETIME = timedelta(minutes=2)
TIMEOUT_MS = 60_000  # how long the phone waits for the finger or face
MAX_CREDENTIAL_ID = 1023  # bytes, the WebAuthn maximum
# What a made-up or damaged answer can raise on its way through py_webauthn's parsers (base64, CBOR, COSE, JSON).
BAD_ANSWER = (WebAuthnException, ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError)


class PasskeyRefused(Exception):
    """Why a ceremony was refused: `code` names it for the phone's script, `status` is the HTTP status."""

    def __init__(self, code: str, status: int = 400):
        super().__init__(code)
        self.code, self.status = code, status


def of_device(device: DeviceSession) -> list[Passkey]:
    return list(db.session.scalars(select(Passkey).where(Passkey.device_session_id == device.id)
                                   .order_by(Passkey.id)))


def has_passkey(device: DeviceSession) -> bool:
    return db.session.scalar(select(Passkey.id).where(Passkey.device_session_id == device.id).limit(1)) is not None


def user_handle(user: User, secret: str) -> bytes:
    """The WebAuthn user id: stable per client (a new passkey on the same phone replaces the old one there),
    and says nothing about them (not their database id)."""
    return hmac.new(secret.encode(), f"passkey-user:{user.id}".encode(), hashlib.sha256).digest()


# --- challenges ----------------------------------------------------------------------------------------

def _new_challenge(device: DeviceSession, purpose: str) -> bytes:
    db.session.execute(delete(PasskeyChallenge).where(PasskeyChallenge.device_session_id == device.id,
                                                      PasskeyChallenge.purpose == purpose))
    challenge = secrets.token_bytes(32)
    db.session.add(PasskeyChallenge(device_session_id=device.id, purpose=purpose, challenge=challenge,
                                    expires_at=utcnow() + CHALLENGE_LIFETIME))
    db.session.flush()
    return challenge


def _take_challenge(device: DeviceSession, purpose: str) -> bytes:
    """The device's live challenge for this ceremony, deleted in the same statement: two answers racing for
    one challenge get it once."""
    taken = db.session.execute(
        delete(PasskeyChallenge)
        .where(PasskeyChallenge.device_session_id == device.id, PasskeyChallenge.purpose == purpose)
        .returning(PasskeyChallenge.challenge, PasskeyChallenge.expires_at)
    ).all()
    now = utcnow()
    live = [challenge for challenge, expires_at in taken if expires_at > now]
    if not live:
        raise PasskeyRefused("no-challenge")  # never asked, already used, or too late
    return live[-1]


# --- making a passkey ------------------------------------------------------------------------------------

def registration_options(device: DeviceSession, rp_id: str, handle: bytes) -> str:
    """What navigator.credentials.create() needs (JSON): the phone's own authenticator, with finger or face."""
    user = device.user
    options = generate_registration_options(
        rp_id=rp_id, rp_name="Stapstenen", user_id=handle, user_name=user.display_name,
        user_display_name=user.display_name, challenge=_new_challenge(device, "register"), timeout=TIMEOUT_MS,
        authenticator_selection=AuthenticatorSelectionCriteria(
            authenticator_attachment=AuthenticatorAttachment.PLATFORM,
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.REQUIRED),
    )
    return options_to_json(options)


def register(device: DeviceSession, answer: object, rp_id: str, origin: str) -> Passkey:
    """Keep the passkey the phone made, if it answers this device's challenge with the user verified.
    One passkey per device: a new one replaces the device's old one."""
    challenge = _take_challenge(device, "register")
    try:
        credential = parse_registration_credential_json(answer)
        verified = verify_registration_response(credential=credential, expected_challenge=challenge,
                                                expected_rp_id=rp_id, expected_origin=origin,
                                                require_user_verification=True)
    except BAD_ANSWER:
        raise PasskeyRefused("not-verified") from None
    if len(verified.credential_id) > MAX_CREDENTIAL_ID:
        raise PasskeyRefused("not-verified")
    owner = db.session.scalar(select(Passkey.device_session_id).where(
        Passkey.credential_id == verified.credential_id))
    if owner is not None and owner != device.id:
        raise PasskeyRefused("credential-taken", 409)
    remove_for_devices([device.id], challenges=False)
    passkey = Passkey(credential_id=verified.credential_id, public_key=verified.credential_public_key,
                      sign_count=verified.sign_count, device_session_id=device.id, user_id=device.user_id)
    db.session.add(passkey)
    db.session.flush()
    return passkey


# --- unlocking with it --------------------------------------------------------------------------------------

def unlock_options(device: DeviceSession, rp_id: str) -> str:
    """What navigator.credentials.get() needs (JSON): only this device's own passkeys are asked for."""
    keys = of_device(device)
    if not keys:
        raise PasskeyRefused("no-passkey", 404)
    options = generate_authentication_options(
        rp_id=rp_id, challenge=_new_challenge(device, "unlock"), timeout=TIMEOUT_MS,
        allow_credentials=[PublicKeyCredentialDescriptor(id=k.credential_id,
                                                         transports=[AuthenticatorTransport.INTERNAL])
                           for k in keys],
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    return options_to_json(options)


def unlock(device: DeviceSession, answer: object, rp_id: str, origin: str) -> Passkey:
    """Unlock the device when its own passkey signed this device's challenge with the user verified.

    The signature count must grow (when the authenticator counts at all), so a copied passkey shows.
    """
    challenge = _take_challenge(device, "unlock")
    try:
        credential = parse_authentication_credential_json(answer)
    except BAD_ANSWER:
        raise PasskeyRefused("not-verified") from None
    passkey = db.session.scalar(select(Passkey).where(Passkey.credential_id == credential.raw_id,
                                                      Passkey.device_session_id == device.id))
    if passkey is None:
        raise PasskeyRefused("unknown-passkey", 403)  # another phone's, or removed with its device
    try:
        verified = verify_authentication_response(
            credential=credential, expected_challenge=challenge, expected_rp_id=rp_id, expected_origin=origin,
            credential_public_key=passkey.public_key, credential_current_sign_count=passkey.sign_count,
            require_user_verification=True)
    except BAD_ANSWER:
        raise PasskeyRefused("not-verified") from None
    now = utcnow()
    passkey.sign_count, passkey.last_used_at = verified.new_sign_count, now
    # As a right PIN does (webapp.domain.lockout.settle_try): the device is in use again, its wrong tries and
    # waits (and its client's) forgotten.
    lockout.reset(device)
    device.last_seen_at = now
    db.session.flush()
    return passkey


# --- removing them ----------------------------------------------------------------------------------------

def remove_for_devices(device_ids, challenges: bool = True) -> None:
    """Forget the passkeys (and open challenges) of these devices: they were ended, or the client turned
    the passkey off. `device_ids` may be a subquery."""
    db.session.execute(delete(Passkey).where(Passkey.device_session_id.in_(device_ids)))
    if challenges:
        db.session.execute(delete(PasskeyChallenge).where(PasskeyChallenge.device_session_id.in_(device_ids)))
    db.session.flush()
