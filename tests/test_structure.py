"""The shape the code keeps: blueprints beside their views, one CSRF source for scripts, no URL written
into a script."""

import re
from pathlib import Path

from tests import factories
from tests.conftest import sign_in

STATIC = Path(__file__).resolve().parent.parent / "static"
SCRIPTS = sorted(p for p in [*STATIC.glob("js/*.js"), STATIC / "sw.js"] if p.name != "htmx.min.js")


def test_every_view_lives_beside_its_blueprint(app):
    """No module attaches routes to a blueprint defined elsewhere (which only an import for its side
    effect would make work): each view function is in the module that defines its blueprint."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        name = rule.endpoint.rsplit(".", 1)[0]
        blueprint = app.blueprints[name]
        assert app.view_functions[rule.endpoint].__module__ == blueprint.import_name, rule.endpoint


def test_routes_live_in_the_blueprint_of_their_prefix(app):
    owners = {"/staff": "staff", "/partner": "partner", "/api/v1": "partner_api", "/week": "client",
              "/wins": "client", "/goals": "client", "/strengths": "client", "/people": "client.people",
              "/speech": "voice", "/push": "pwa", "/calendar": "pwa", "/passkey": "auth.passkeys",
              "/webauthn": "auth.passkeys", "/settings": "client.settings"}
    for rule in app.url_map.iter_rules():
        first = "/" + rule.rule.split("/")[1]
        prefix = "/api/v1" if rule.rule.startswith("/api/v1") else first
        if prefix in owners:
            assert rule.endpoint.startswith(owners[prefix] + "."), (rule.rule, rule.endpoint)


def test_scripts_take_the_csrf_token_from_one_meta_and_one_helper():
    for script in SCRIPTS:
        source = script.read_text()
        assert "hx-headers" not in source, script.name
        if script.name != "app.js":
            assert 'meta[name=csrf-token]' not in source, f"{script.name}: use StapCsrf (app.js)"
    assert "htmx:configRequest" in (STATIC / "js" / "app.js").read_text()


def test_the_page_carries_the_token_in_a_meta_and_nowhere_else(app, client):
    sign_in(client, factories.client())
    page = client.get("/").get_data(as_text=True)
    assert len(re.findall(r'<meta name="csrf-token" content="[^"]+">', page)) == 1
    assert "hx-headers" not in page


def test_no_app_url_is_written_into_a_script():
    """URLs reach scripts in data- attributes (sw.js: filled in by the server), so a moved route
    cannot leave a script calling the old one."""
    for script in SCRIPTS:
        paths = re.findall(r"""["'](/[\w.-][^"']*)["']""", script.read_text())
        assert paths == [], f"{script.name}: {paths}"


def test_each_repeated_view_idiom_has_one_helper():
    """Find-or-404, validate-or-400 and a form's status are webapp/views.py's, written once."""
    package = Path(__file__).resolve().parent.parent / "webapp"
    for module in package.rglob("*.py"):
        if module == package / "views.py":
            continue
        source = module.read_text()
        where = module.relative_to(package)
        assert not re.search(r"def \w*_or_40[04]\(", source), f"{where}: use found_or_404 / valid_or_400"
        assert not re.search(r"validate_on_submit\(\)[^\n]*:\n\s+abort\(400\)", source), f"{where}: valid_or_400"
        assert "if form.is_submitted() else 200" not in source, f"{where}: form_status"
