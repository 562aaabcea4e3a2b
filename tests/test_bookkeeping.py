"""Bookkeeping writes outside a view (a device seen, a token used) commit on their own (DESIGN.md §5)."""

from datetime import timedelta

from sqlalchemy import select

from tests import factories
from webapp import bookkeeping
from webapp.domain import partners
from webapp.extensions import db
from webapp.models import ApiToken, DeviceSession, User, utcnow


def _device_of(user):
    db.session.expire_all()
    return db.session.scalar(select(DeviceSession).where(DeviceSession.user_id == user.id))


def test_a_client_who_only_browses_is_not_asked_for_the_pin(as_client, clock):
    """Ten minutes on read-only pages, then ten more: never fifteen idle minutes, so no PIN."""
    client, user = as_client
    clock.shift(timedelta(minutes=10))
    assert client.get("/goals").status_code == 200  # a read: the view commits nothing itself
    assert _device_of(user).last_seen_at == utcnow()
    clock.shift(timedelta(minutes=10))  # twenty minutes since sign-in, ten since that read
    assert client.get("/week").status_code == 200, "the read before must have counted as being seen"


def test_bookkeeping_commits_only_itself_never_the_views_pending_changes(as_client):
    _client, user = as_client
    device = _device_of(user)
    device.last_seen_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    device = _device_of(user)
    device.user.display_name = "not saved"  # a view's change it may still roll back
    bookkeeping.device_seen(device)
    assert device not in db.session.dirty, "the device's own copy must not become a pending change"
    db.session.rollback()
    assert db.session.get(User, user.id).display_name != "not saved"
    assert _device_of(user).last_seen_at == utcnow()


def test_at_most_one_write_a_minute(as_client):
    _client, user = as_client
    device = _device_of(user)
    seen = device.last_seen_at = utcnow() - timedelta(seconds=30)
    db.session.commit()
    bookkeeping.device_seen(_device_of(user))
    assert _device_of(user).last_seen_at == seen


def test_a_partner_token_counts_as_used_even_when_the_request_fails(app):
    org = factories.organisation()
    token = partners.create_token(org)
    db.session.commit()
    response = app.test_client().get("/api/v1/appointments/424242", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 404
    db.session.expire_all()
    used = db.session.scalar(select(ApiToken.last_used_at))
    assert used == utcnow()
