"""Partner organisations: the client's link (consent), API tokens, and appointments planned by partners.

A partner reaches a client only through an active PartnerLink; anything else looks like it does not exist.
"""

import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.domain import appointments, auth, reminders
from webapp.extensions import db
from webapp.models import ApiToken, Appointment, Organisation, PartnerLink, User, utcnow

TOKEN_PREFIX = "stp_"  # noqa: S105 - a public marker, not a secret
SCOPES = ("appointments:read", "appointments:write")


# --- links: the client's consent -----------------------------------------------------------------

def partner_organisations() -> list[Organisation]:
    return db.session.scalars(select(Organisation).where(Organisation.kind == "partner")
                              .order_by(Organisation.name)).all()


def links_of(client: User) -> list[PartnerLink]:
    return db.session.scalars(select(PartnerLink).where(PartnerLink.client_id == client.id,
                                                        PartnerLink.revoked_at.is_(None))
                              .order_by(PartnerLink.created_at)).all()


def link(client: User, organisation: Organisation) -> PartnerLink:
    """Let this partner plan appointments with the client. Linking again keeps the same link."""
    existing = db.session.scalar(select(PartnerLink).where(
        PartnerLink.client_id == client.id, PartnerLink.organisation_id == organisation.id,
        PartnerLink.revoked_at.is_(None)))
    if existing:
        return existing
    new = PartnerLink(client_id=client.id, organisation_id=organisation.id,
                      client_ref="c_" + secrets.token_urlsafe(12))
    db.session.add(new)
    db.session.flush()
    return new


def unlink(partner_link: PartnerLink) -> None:
    """The partner loses the client on its next request; its planned appointments stay on the phone."""
    partner_link.revoked_at = utcnow()
    db.session.flush()


def linked_client(organisation_id: int, client_ref: str) -> PartnerLink | None:
    return db.session.scalar(select(PartnerLink).where(
        PartnerLink.organisation_id == organisation_id, PartnerLink.client_ref == client_ref,
        PartnerLink.revoked_at.is_(None)))


def linked_clients(organisation_id: int) -> list[PartnerLink]:
    return db.session.scalars(select(PartnerLink).join(PartnerLink.client).where(
        PartnerLink.organisation_id == organisation_id, PartnerLink.revoked_at.is_(None))
        .order_by(User.display_name)).all()


# --- API tokens ----------------------------------------------------------------------------------

def create_token(organisation: Organisation, scopes=SCOPES, label: str | None = None) -> str:
    """A new bearer token, returned once: only its SHA-256 and a short prefix are kept."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.session.add(ApiToken(organisation_id=organisation.id, prefix=token[:12], token_hash=auth.hash_token(token),
                            scopes=" ".join(scopes), label=label))
    db.session.flush()
    return token


def find_token(raw: str) -> ApiToken | None:
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == auth.hash_token(raw)))
    if token is None or token.revoked_at is not None:
        return None
    return token


# --- appointments a partner plans ----------------------------------------------------------------

def plan(partner_link: PartnerLink, kind: str, starts_at: datetime, ends_at: datetime | None = None, **details
         ) -> Appointment:
    """A partner's appointment with a linked client (details: place, bring, note, offsets, partner_ref as lists)."""
    return appointments.create(partner_link.client, partner_link.organisation, kind, starts_at, ends_at, **details)


move = appointments.change  # a partner moves or changes its own appointment (lists for bring and offsets)


def cancel(appointment: Appointment) -> None:
    appointment.status = "cancelled"
    appointment.updated_at = utcnow()
    reminders.cancel(appointment)
    db.session.flush()


def _with_ref(organisation_id: int):
    """This partner's appointments with clients still linked to it, with the pseudonym it knows them by."""
    return (select(Appointment, PartnerLink.client_ref)
            .join(PartnerLink, (PartnerLink.client_id == Appointment.client_id)
                  & (PartnerLink.organisation_id == Appointment.organisation_id))
            .where(Appointment.organisation_id == organisation_id, PartnerLink.revoked_at.is_(None))
            .options(selectinload(Appointment.reminders)))


def appointments_of(organisation_id: int, updated_since: datetime | None = None, limit: int = 200
                    ) -> list[tuple[Appointment, str]]:
    """Oldest change first, so a partner can page with the last updated_at it saw."""
    query = _with_ref(organisation_id).order_by(Appointment.updated_at, Appointment.id).limit(limit)
    if updated_since:
        query = query.where(Appointment.updated_at > updated_since)
    return [tuple(row) for row in db.session.execute(query)]


def appointment_of(organisation_id: int, appointment_id: int) -> tuple[Appointment, str] | None:
    row = db.session.execute(_with_ref(organisation_id).where(Appointment.id == appointment_id)).first()
    return tuple(row) if row else None
