"""Command line: demo data, invitations, staff accounts, translations."""

import subprocess  # noqa: S404 - runs pybabel, a fixed command
import sys
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import select

from webapp.domain import auth, partners
from webapp.extensions import db
from webapp.models import STAFF_ROLES, ApiToken, Organisation, User, utcnow
from webapp.reminders import cli as reminders_cli
from webapp.voice import cli as speech_cli

ROOT = Path(__file__).resolve().parent.parent


def init_app(app):
    app.cli.add_command(demo)
    app.cli.add_command(invite)
    app.cli.add_command(users)
    app.cli.add_command(translations)
    app.cli.add_command(reminders_cli.reminders)
    app.cli.add_command(reminders_cli.push)
    app.cli.add_command(partners_cli)
    app.cli.add_command(speech_cli.speech)


def _client(username: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None or not user.is_client:
        raise click.ClickException(f"no client with username {username!r}")
    return user


def invitation_link(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/i/{token}"


@click.command()
@click.argument("username")
@click.option("--base-url", default="http://127.0.0.1:5000", show_default=True)
def invite(username, base_url):
    """Print a one-time sign-in link for a client (it ends the client's other devices)."""
    token = auth.create_invitation(_client(username), current_app.config["INVITATION_LIFETIME"])
    db.session.commit()
    click.echo(invitation_link(base_url, token))


@click.group()
def demo():
    """Demo data for trying Stapstenen."""


@demo.command("load")
def demo_load():
    """Load the personas of the brief (idempotent: running it again adds nothing twice)."""
    from webapp.demo import load

    created = load()
    db.session.commit()
    click.echo(f"demo data ready ({created} new records)")


@demo.command("links")
@click.option("--base-url", default="http://127.0.0.1:5000", show_default=True)
def demo_links(base_url):
    """Print a fresh sign-in link for every demo client."""
    from webapp.demo import CLIENTS

    lifetime = current_app.config["INVITATION_LIFETIME"]
    for persona in CLIENTS:
        token = auth.create_invitation(_client(persona["username"]), lifetime)
        click.echo(f"  {persona['username']:8} {invitation_link(base_url, token)}")
    db.session.commit()


@click.group()
def users():
    """Staff accounts."""


@users.command("create-staff")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice(STAFF_ROLES), default="trust_person", show_default=True)
@click.option("--organisation")
@click.option("--voice", is_flag=True, help="May record the app's phrases (/staff/voice).")
@click.password_option()
def create_staff(email, name, role, organisation, voice, password):
    """Create a trust person, coordinator or admin who signs in with e-mail and password."""
    email = email.strip().lower()
    if db.session.scalar(select(User).where(User.email == email)):
        raise click.ClickException(f"{email} already has an account")
    org = None
    if organisation:
        org = db.session.scalar(select(Organisation).where(Organisation.name == organisation))
        if org is None:
            raise click.ClickException(f"no organisation named {organisation!r}")
    username = email.split("@")[0][:30] + "-" + auth.new_token()[0][:6]
    db.session.add(User(role=role, username=username, email=email, display_name=name,
                        password_hash=auth.hash_secret(password), organisation=org, can_record_voice=voice))
    db.session.commit()
    click.echo(f"{role} {email} created" + (" (may record voices)" if voice else ""))


@users.command("grant-voice")
@click.argument("email")
@click.option("--revoke", is_flag=True, help="Take the permission away again.")
def grant_voice(email, revoke):
    """Let a staff member record the app's phrases in their voice (/staff/voice)."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or not user.is_staff:
        raise click.ClickException(f"no staff member with e-mail {email}")
    user.can_record_voice = not revoke
    db.session.commit()
    click.echo(f"{user.email} {'may no longer' if revoke else 'may now'} record voices")


@click.group()
def translations():
    """Keep the catalogues in step with the code."""


def _pybabel(*args):
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT)  # noqa: S603


@translations.command("update")
def translations_update():
    """Extract every string and merge it into each catalogue (new ones to translate, none fuzzy)."""
    _pybabel("extract", "-F", "babel.cfg", "-k", "_l", "--no-location", "--sort-output",
             "-o", "translations/messages.pot", ".")
    _pybabel("update", "-i", "translations/messages.pot", "-d", "translations", "--no-fuzzy-matching",
             "--ignore-obsolete")


@translations.command("compile")
def translations_compile():
    _pybabel("compile", "-d", "translations")


@click.group("partners")
def partners_cli():
    """Partner organisations: API tokens and web-form accounts."""


def _organisation(name: str) -> Organisation:
    org = db.session.scalar(select(Organisation).where(Organisation.name == name, Organisation.kind == "partner"))
    if org is None:
        names = ", ".join(o.name for o in partners.partner_organisations())
        raise click.ClickException(f"no partner organisation named {name!r} (there are: {names})")
    return org


@partners_cli.command("token")
@click.argument("organisation")
@click.option("--label", help="What the token is for, e.g. the system that uses it.")
@click.option("--read-only", is_flag=True, help="Only the appointments:read scope.")
def partners_token(organisation, label, read_only):
    """Print a new API token for a partner, once. Only its hash is kept."""
    scopes = ("appointments:read",) if read_only else partners.SCOPES
    token = partners.create_token(_organisation(organisation), scopes, label)
    db.session.commit()
    click.echo(token)


@partners_cli.command("tokens")
@click.argument("organisation")
def partners_tokens(organisation):
    """List a partner's tokens by prefix (never the token itself)."""
    for token in db.session.scalars(select(ApiToken).where(ApiToken.organisation_id == _organisation(organisation).id)
                                    .order_by(ApiToken.created_at)):
        state = "revoked" if token.revoked_at else "active"
        click.echo(f"{token.prefix}…  {state:8} {token.scopes}  {token.label or ''}")


@partners_cli.command("revoke")
@click.argument("prefix")
def partners_revoke(prefix):
    """Revoke every active token starting with PREFIX (as shown by `partners tokens`)."""
    found = db.session.scalars(select(ApiToken).where(ApiToken.prefix == prefix[:12], ApiToken.revoked_at.is_(None)))
    count = 0
    for token in found:
        token.revoked_at = utcnow()
        count += 1
    db.session.commit()
    click.echo(f"{count} token(s) revoked")


@partners_cli.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--organisation", required=True)
@click.password_option()
def partners_create_user(email, name, organisation, password):
    """An account for the partner web form (/partner), signing in with e-mail and password."""
    email = email.strip().lower()
    if db.session.scalar(select(User).where(User.email == email)):
        raise click.ClickException(f"{email} already has an account")
    org = _organisation(organisation)
    db.session.add(User(role="partner_user", username=email.split("@")[0][:30] + "-" + auth.new_token()[0][:6],
                        email=email, display_name=name, password_hash=auth.hash_secret(password), organisation=org))
    db.session.commit()
    click.echo(f"partner user {email} created for {org.name}")
