"""Bytes on the wire of client screens on a first visit (no cache, no service worker), via Chromium's CDP.

Usage, with the app running (`make run`) and a fresh sign-in link for a demo client:
    .venv/bin/python bench/page_weight.py "$(.venv/bin/flask --app webapp invite saled)"
"""

import sys
from urllib.parse import urlsplit

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENS = ["/", "/goals", "/week", "/strengths", "/did-it"]


def measure(context, page, url):
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    sizes, kinds, urls = {}, {}, {}

    def received(event):
        urls[event["requestId"]] = event["response"]["url"]
        kinds[event["requestId"]] = event["type"]

    cdp.on("Network.responseReceived", received)
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
    page.goto(url, wait_until="networkidle")
    cdp.detach()
    script = sum(size for rid, size in sizes.items() if kinds.get(rid) == "Script")
    origin = urlsplit(url).netloc
    foreign = [u for u in urls.values() if urlsplit(u).netloc != origin]
    return sum(sizes.values()), script, len(sizes), foreign


def main(link):
    base = f"{urlsplit(link).scheme}://{urlsplit(link).netloc}"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(**p.devices["Pixel 7"], service_workers="block")
        page = context.new_page()
        page.goto(link)
        page.click("form button[type=submit]")
        for _round in range(2):
            page.wait_for_selector("[data-pin-form]")
            for digit in "2580":
                page.click(f"[data-digit='{digit}']")
            page.wait_for_load_state("networkidle")
        print(f"{'screen':12} {'bytes':>8} {'JS bytes':>9} {'requests':>9} other-origin")  # noqa: T201
        for screen in SCREENS:
            fresh = context.new_page()
            total, script, requests, foreign = measure(context, fresh, base + screen)
            print(f"{screen:12} {total:8,} {script:9,} {requests:9} {len(foreign)}")  # noqa: T201
            fresh.close()
        repeat_visit(browser, p, context.cookies(), base)
        browser.close()


def repeat_visit(browser, p, cookies, base):
    """With the service worker warm: which requests still go past it, and how big the document is."""
    context = browser.new_context(**p.devices["Pixel 7"])
    context.add_cookies(cookies)
    page = context.new_page()
    page.goto(base + "/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload(wait_until="networkidle")
    past_worker, document = [], 0

    def finished(request):
        nonlocal document
        response = request.response()
        size = request.sizes()["responseBodySize"] + request.sizes()["responseHeadersSize"]
        if request.resource_type == "document":
            document = size
        elif not response.from_service_worker:
            past_worker.append(request.url)

    page.on("requestfinished", finished)
    for screen in SCREENS:
        page.goto(base + screen, wait_until="networkidle")
    print(f"repeat visits with the service worker warm: document ~{document:,} bytes, "  # noqa: T201
          f"other requests past the worker: {len(past_worker)} {past_worker[:3]}")
    context.close()


if __name__ == "__main__":
    main(sys.argv[1])
