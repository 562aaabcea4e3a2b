"""The installable app's server side: manifest, offline page, the kept week, and sign-out that clears."""

import json
import re
from pathlib import Path

from tests import factories
from tests.conftest import csrf_token, sign_in
from webapp.extensions import db


def test_the_manifest_makes_the_app_installable_in_the_users_language(app, as_client):
    client, user = as_client
    user.language = "ar"
    db.session.commit()
    response = client.get("/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"
    manifest = response.get_json()
    assert (manifest["lang"], manifest["dir"], manifest["display"], manifest["start_url"]) == ("ar", "rtl",
                                                                                             "standalone", "/")
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200
    assert 'rel="manifest"' in client.get("/").get_data(as_text=True)


def test_the_offline_page_holds_no_ones_data(as_client):
    client, user = as_client
    goal = factories.goal(user, title="Mijn geheime doel")
    db.session.commit()
    body = client.get("/offline").get_data(as_text=True)
    assert "csrf-token" not in body and "csrf_token" not in body
    assert goal.title not in body and user.display_name not in body
    assert 'data-offline-win="win:bus"' in body


def test_the_kept_week_is_seven_days_of_time_kind_and_place_only(as_client):
    client, user = as_client
    near = factories.appointment(user, kind="doctor", in_hours=30, place="Markt 1", note="Geheime notitie")
    far = factories.appointment(user, in_hours=24 * 9)
    db.session.commit()
    response = client.get("/week/kept.json")
    assert response.headers["Cache-Control"] == "no-store"
    kept = response.get_json()["appointments"]
    assert [a["id"] for a in kept] == [near.id] and far.id not in [a["id"] for a in kept]
    assert set(kept[0]) == {"id", "day", "time", "kind", "pictogram", "place"}
    assert "Geheime notitie" not in response.get_data(as_text=True)


def test_sign_out_tells_the_browser_to_clear_everything(app):
    phone = app.test_client()
    sign_in(phone, factories.client())
    response = phone.post("/sign-out", data={"csrf_token": csrf_token(phone, "/people")})
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
    assert phone.get("/").location == "/welcome"


def test_the_service_worker_precaches_the_versioned_shell_and_changes_with_it(app, client):
    body = client.get("/sw.js").get_data(as_text=True)
    assert "__SHELL__" not in body and "__VERSION__" not in body
    shell = json.loads(re.search(r"var SHELL = (\[.*?\]);", body).group(1))
    assert any(url.startswith("/static/js/htmx.min.js?v=") for url in shell)
    assert any(url.startswith("/static/css/app.css?v=") for url in shell)
    assert sum(url.startswith("/static/pictograms/") for url in shell) >= 90
    assert all("?v=" in url for url in shell)
    for url in shell[:5]:
        assert client.get(url).status_code == 200
    version = re.search(r'var VERSION = "(\w+)"', body).group(1)
    from webapp.pwa import views

    with app.test_request_context():
        source, again = views.shell_worker()
    assert again == version and len(version) == 12


def test_the_service_worker_never_caches_pages():
    """Navigations go to the network; only /static/ files and the manifest are answered from the cache."""
    source = (Path(__file__).parent.parent / "static" / "sw.js").read_text()
    fetch_handler = source.split('addEventListener("fetch"')[1].split('addEventListener("sync"')[0]
    assert 'request.mode === "navigate"' in fetch_handler and "fetch(request).catch(offlinePage)" in fetch_handler
    assert fetch_handler.count("cache.put") == 1 and 'url.searchParams.has("v")' in fetch_handler
