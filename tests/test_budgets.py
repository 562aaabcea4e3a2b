"""Budgets that count (DESIGN.md §6): SQL queries per page, constant in data size; partial weight."""

import gzip
import re
from datetime import timedelta

import brotli
import pytest
from sqlalchemy import insert

from tests import factories
from tests.conftest import count_queries, csrf_token
from webapp.extensions import db
from webapp.models import Win, utcnow

PAGES = {"/": 6, "/goals": 6, "/week": 6, "/strengths": 6, "/did-it": 6, "/settings": 6, "/settings/reminders": 6,
         "/settings/devices": 6, "/settings/pin": 6, "/settings/read-aloud": 6}


def _fill(user, wins):
    """A trajectory: goals, strengths, appointments, and `wins` wins spread over the goals."""
    goals = [factories.goal(user, template=t) for t in ("find_job", "bus_alone", "sleep_well")]
    for key in ("cooking", "hands", "friendly"):
        factories.strength(user, key=key)
    org = factories.organisation()
    for hours in (5, 30, 100):
        factories.appointment(user, org, in_hours=hours)
    _add_wins(user, goals, 0, wins)
    return goals


def _add_wins(user, goals, start, stop):
    now = utcnow()
    db.session.execute(insert(Win), [
        {"client_id": user.id, "goal_id": goals[i % 4].id if i % 4 < 3 else None, "pictogram": "win.bus",
         "client_uuid": f"00000000-0000-4000-8000-{i:012d}", "created_at": now - timedelta(minutes=i)}
        for i in range(start, stop)
    ])
    db.session.commit()


@pytest.mark.parametrize("path", PAGES)
def test_queries_per_page_are_few_and_constant(app, as_client, path):
    client, user = as_client
    counts = []
    goals = _fill(user, 3)
    for wins in (3, 3000):
        if wins == 3000:
            _add_wins(user, goals, 3, 3000)
        client.get(path)  # warm: the first request may touch the session's last-seen time
        with count_queries() as statements:
            response = client.get(path)
        assert response.status_code == 200
        counts.append(len(statements))
    print(f"{path}: {counts[0]} queries with 3 wins, {counts[1]} with 3000")
    assert counts[0] == counts[1], "queries must not grow with the data"
    assert counts[1] <= PAGES[path], statements


def test_client_home_runs_at_most_six_queries_with_3000_wins(as_client):
    client, user = as_client
    _fill(user, 3000)
    client.get("/")
    with count_queries() as statements:
        client.get("/")
    assert len(statements) <= 6, statements


def _decoded(response):
    body = response.get_data()
    encoding = response.headers.get("Content-Encoding")
    return brotli.decompress(body) if encoding == "br" else gzip.decompress(body) if encoding == "gzip" else body


def _compressed_size(response):
    body = response.get_data()
    if response.headers.get("Content-Encoding") in ("gzip", "br"):
        return len(body)
    return len(gzip.compress(body, 9))


def test_htmx_partials_weigh_at_most_10_kb_compressed(as_client):
    client, user = as_client
    _fill(user, 300)
    goal = factories.goal(user)
    appointment = factories.appointment(user)
    win = factories.win(user, goal)
    db.session.commit()
    token = csrf_token(client, "/")
    hx = {"HX-Request": "true", "Accept-Encoding": "br, gzip"}
    swaps = {
        f"/goals/{goal.id}/status": {"status": "paused"},
        f"/week/{appointment.id}/reply": {"answer": "coming"},
        "/strengths": {"key": "gardening"},
        f"/wins/{win.id}": {"mood": "good"},
    }
    for path, data in swaps.items():
        response = client.post(path, data={**data, "csrf_token": token}, headers=hx)
        assert response.status_code == 200, path
        assert response.headers.get("Content-Encoding") in ("br", "gzip"), path
        assert b"<html" not in _decoded(response), path
        size = _compressed_size(response)
        print(f"{path}: {size} bytes compressed")
        assert size <= 10_000, path
        assert "HX-Request" in response.headers.get("Vary", "")


def test_pages_are_compressed(as_client):
    client, _user = as_client
    response = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert response.headers.get("Content-Encoding") == "gzip"


def test_static_files_are_compressed_and_cached_for_good_when_versioned(client):
    page = client.get("/welcome").get_data(as_text=True)
    urls = re.findall(r'(?:href|src)="(/static/[^"]+)"', page)
    assert any(u.startswith("/static/js/htmx.min.js?v=") for u in urls)
    for url in urls:
        response = client.get(url, headers={"Accept-Encoding": "br, gzip"})
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable", url
        assert "Cookie" not in response.headers.get("Vary", "") and "Set-Cookie" not in response.headers, url
        if not url.split("?")[0].endswith(".png"):  # PNG is compressed already
            assert response.headers["Content-Encoding"] == "br", url
    htmx_js = client.get("/static/js/htmx.min.js", headers={"Accept-Encoding": "br"})
    assert len(htmx_js.get_data()) < 16_000  # brotli at its best level
    assert client.get("/static/js/htmx.min.js").headers["Cache-Control"] == "public, max-age=3600"
    assert client.get("/static/../webapp/config.py").status_code == 404
