"""The client home page on a first visit stays within its budget (DESIGN.md §6), measured via CDP.

Run with `pytest -s` to see the figures.
"""

from urllib.parse import urlsplit

from tests import factories
from webapp.domain import auth
from webapp.extensions import db

TOTAL_BUDGET = 50_000  # bytes on the wire: headers and compressed bodies
JS_BUDGET = 20_000


def test_client_home_first_visit_within_budget(app, browser, browser_context_args, live_server):
    user = factories.client(language="nl")
    factories.appointment(user, kind="job_interview", in_hours=26)
    goal = factories.goal(user)
    for _ in range(3):
        factories.win(user, goal=goal)
    # A phone that has been enrolled before; the visit itself is the first one, with an empty cache.
    token = auth.start_session(user, "device", app.config["CLIENT_DEVICE_LIFETIME"], "pytest")
    db.session.commit()

    context = browser.new_context(**browser_context_args, service_workers="block")
    try:
        context.add_cookies([{"name": app.config["DEVICE_COOKIE_NAME"], "value": token, "url": live_server}])
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        requested, responses, sizes, failed = [], {}, {}, []
        cdp.on("Network.requestWillBeSent", lambda e: requested.append(e["request"]["url"]))
        cdp.on("Network.responseReceived", lambda e: responses.__setitem__(e["requestId"], e))
        cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
        cdp.on("Network.loadingFailed", lambda e: failed.append(e))

        response = page.goto("/", wait_until="networkidle")
        assert response.status == 200 and page.url == f"{live_server}/", page.url  # home, not a PIN screen
    finally:
        context.close()

    rows = []
    for request_id, size in sizes.items():
        r = responses[request_id]
        headers = {k.lower(): v for k, v in r["response"]["headers"].items()}
        rows.append((r["type"], r["response"]["url"], r["response"]["status"], size,
                     headers.get("content-encoding", "-")))
    total = sum(row[3] for row in rows)
    js = sum(row[3] for row in rows if row[0] == "Script")
    print(f"\nclient home, first visit: {total:,} bytes on the wire ({len(rows)} responses), JavaScript {js:,} bytes")
    for kind, url, status, size, encoding in sorted(rows, key=lambda row: -row[3]):
        print(f"  {size:>7,}  {status}  {kind:<10} {encoding:<5} {urlsplit(url).path}")

    assert not failed, failed
    assert {row[0] for row in rows} >= {"Document", "Stylesheet", "Script"}
    assert all(row[2] == 200 for row in rows), rows
    # Nothing leaves the server's own origin: no fonts, analytics or CDNs.
    origin = urlsplit(live_server)
    foreign = [url for url in requested
               if not url.startswith(("data:", "blob:")) and urlsplit(url)[:2] != origin[:2]]
    assert foreign == []
    # HTML, CSS and JS travel compressed.
    for kind, url, _status, _size, encoding in rows:
        if kind in ("Document", "Stylesheet", "Script"):
            assert encoding in ("br", "gzip"), (url, encoding)
    assert total <= TOTAL_BUDGET
    assert js <= JS_BUDGET
