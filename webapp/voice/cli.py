"""`flask speech build` makes the phrase clips ahead of time; `flask speech coverage` shows what can be heard."""

import click

from webapp import speech as clips
from webapp.i18n import LANGUAGES


def _root():
    from webapp.voice.views import speech_root

    return speech_root()


@click.group()
def speech():
    """Read-aloud: generated and recorded clips of the app's phrases."""


@speech.command("build")
@click.option("--lang", type=click.Choice(list(LANGUAGES)), help="One language (default: every one with a voice).")
def build(lang):
    """Generate every missing phrase clip where espeak-ng has the language."""
    missing = clips.tools_missing()
    if missing:
        raise click.ClickException(f"not installed: {', '.join(missing)} (apt-get install espeak-ng opus-tools)")
    for code in [lang] if lang else list(LANGUAGES):
        if not clips.has_generator(code):
            click.echo(f"{code:4} no generated voice (espeak-ng has none): recordings only")
            continue
        made, kept = clips.build(_root(), code)
        click.echo(f"{code:4} {made} made, {kept} already there")


COLUMNS = ("lang", "voice", "phrases", "recorded", "generated", "on_demand", "none")


@speech.command("coverage")
def coverage():
    """Per language: how many phrases have a recorded clip, a generated clip, or none."""
    rows = clips.coverage(_root())
    click.echo(f"{'language':<9}{'espeak-ng':<11}" + "".join(f"{c.replace('_', ' '):>11}" for c in COLUMNS[2:]))
    for row in rows:
        click.echo(f"{row['lang']:<9}{row['voice']:<11}" + "".join(f"{row[c]:>11}" for c in COLUMNS[2:]))
    if any(row["on_demand"] for row in rows):
        click.echo("on demand: made on first use, or now with `flask --app webapp speech build`")
    if clips.tools_missing():
        click.echo(f"not installed: {', '.join(clips.tools_missing())}: no generated voice at all")
