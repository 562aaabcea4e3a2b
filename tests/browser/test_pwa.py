"""The installed app: installable, offline page, small wins queued offline exactly once, a calm update,
a repeat visit that fetches only the HTML, and a sign-out that leaves nothing private on the phone."""

import tempfile
import time

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from tests import factories
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE, fresh, signed_in
from webapp.extensions import db
from webapp.models import Win

CONTROLLED = "() => navigator.serviceWorker.controller !== null"


def until(page, script, timeout=10.0):
    """Poll a page-side async check (wait_for_function would eval a string, which the CSP forbids)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(script):
        assert time.monotonic() < deadline, f"still not true: {script}"
        page.wait_for_timeout(100)


def wins_of(user):
    fresh()
    return db.session.scalar(select(func.count()).select_from(Win).where(Win.client_id == user.id))


def controlled(page, path="/"):
    """Open a page and wait until the service worker controls it (first visit installs it)."""
    page.goto(path)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    until(page, CONTROLLED)


@pytest.fixture
def client_user():
    user = factories.client(language="nl")
    factories.appointment(user, in_hours=30, place="Markt 1, Bornem")
    db.session.commit()
    return user


def test_the_app_installs_without_errors(context, page, app, live_server, client_user):
    signed_in(context, app, live_server, client_user)
    for path in ("/", "/week", "/did-it"):
        controlled(page, path)
        cdp = context.new_cdp_session(page)
        errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
        assert [e["errorId"] for e in errors if e["errorId"] != "in-incognito"] == [], path


def test_offline_reload_shows_the_offline_page_not_a_browser_error(context, page, app, live_server, client_user):
    signed_in(context, app, live_server, client_user)
    controlled(page, "/week")
    context.set_offline(True)
    try:
        page.reload()
        expect(page.locator("[data-offline-page]")).to_be_visible()
        expect(page.locator("html")).to_have_attribute("lang", "nl")
        assert "Markt 1" not in page.content()  # the week itself was not kept: nobody asked for it
    finally:
        context.set_offline(False)


def test_a_repeat_visit_fetches_only_the_html_document(context, page, app, live_server, client_user, served):
    signed_in(context, app, live_server, client_user)
    controlled(page, "/")
    page.reload(wait_until="networkidle")
    served.clear()
    page.goto("/", wait_until="networkidle")
    assert served == ["GET /"], served


def test_private_pages_never_enter_the_cache(context, page, app, live_server, client_user):
    signed_in(context, app, live_server, client_user)
    controlled(page, "/")
    for path in ("/week", "/goals", "/people"):
        page.goto(path)
    cached = page.evaluate("""async () => {
        const urls = [];
        for (const key of await caches.keys()) {
            for (const request of await (await caches.open(key)).keys()) urls.push(new URL(request.url).pathname);
        }
        return urls;
    }""")
    assert cached and all(p.startswith("/static/") or p in ("/offline", "/manifest.webmanifest") for p in cached)


def persistent(playwright, folder, live_server):
    phone = {k: v for k, v in playwright.devices[PHONE].items() if k != "default_browser_type"}
    return playwright.chromium.launch_persistent_context(
        folder, executable_path=CHROMIUM, args=CHROMIUM_ARGS, base_url=live_server,
        timezone_id="Europe/Brussels", **phone)


def test_twenty_wins_logged_offline_arrive_exactly_once(playwright, app, live_server, client_user):
    folder = tempfile.mkdtemp(prefix="stapstenen-phone-")
    phone = persistent(playwright, folder, live_server)
    signed_in(phone, app, live_server, client_user)
    page = phone.new_page()
    controlled(page, "/")
    phone.set_offline(True)
    page.goto("/did-it")  # without a connection: the offline page, where "I did it!" still works
    expect(page.locator("[data-offline-page]")).to_be_visible()
    for _ in range(20):
        page.locator('[data-offline-win="win:bus"]').tap()
    expect(page.locator("[data-waiting-count]")).to_contain_text("20")
    expect(page.locator("[data-waiting-stones] img")).to_have_count(20)
    queued = page.evaluate("StapQueue.all()")
    assert len(queued) == 20 and len({w["client_uuid"] for w in queued}) == 20
    assert wins_of(client_user) == 0
    phone.close()

    phone = persistent(playwright, folder, live_server)  # the phone, later, with a connection again
    page = phone.new_page()
    page.goto("/")
    until(page, "() => localStorage.getItem('stap-waiting') === null", timeout=15)
    assert wins_of(client_user) == 20
    assert page.evaluate("StapQueue.all()") == []
    for _ in range(3):  # the whole queue replayed, three times: still 20
        counts = page.evaluate("""async (items) => {
            for (const item of items) await StapQueue.add({client_uuid: item.client_uuid, pick: item.pick});
            return StapQueue.flush();
        }""", queued)
        assert counts == {"waiting": 0, "aside": 0}
    assert wins_of(client_user) == 20
    phone.close()


def test_a_win_refused_for_good_is_set_aside_and_blocks_nothing(context, page, app, live_server, client_user):
    signed_in(context, app, live_server, client_user)
    controlled(page, "/offline")
    counts = page.evaluate("""async () => {
        await StapQueue.add({client_uuid: crypto.randomUUID(), pick: "goal:999999"});
        await StapQueue.add({client_uuid: crypto.randomUUID(), pick: "win:cooked"});
        return StapQueue.flush();
    }""")
    assert counts == {"waiting": 0, "aside": 1}
    assert wins_of(client_user) == 1
    page.reload()
    expect(page.locator("[data-set-aside]")).to_be_visible()  # shown, never silently dropped


def test_the_kept_week_is_offline_and_goes_at_the_pin_lock(context, page, app, live_server, client_user):
    signed_in(context, app, live_server, client_user)
    controlled(page, "/week")
    page.locator("[data-keep-week]").tap()
    expect(page.locator("[data-keep-week]")).to_have_attribute("aria-pressed", "true")
    until(page, "async () => !!self.StapQueue && !!(await StapQueue.keptWeek())?.appointments?.length")
    context.set_offline(True)
    try:
        page.reload()
        expect(page.locator("[data-kept-week]")).to_contain_text("Markt 1")
    finally:
        context.set_offline(False)
    page.goto("/")
    page.locator("form[action='/lock'] button").tap()
    expect(page).to_have_url(f"{live_server}/unlock")
    until(page, "async () => !!self.StapQueue && (await StapQueue.keptWeek()) === undefined")


def test_after_sign_out_the_phone_holds_nothing_private(context, page, app, live_server, client_user):
    signed_in(context, app, live_server, client_user)
    controlled(page, "/week")
    page.locator("[data-keep-week]").tap()
    until(page, "async () => !!self.StapQueue && !!(await StapQueue.keptWeek())")
    page.evaluate("StapQueue.add({client_uuid: crypto.randomUUID(), pick: 'win:went_out'})"
                  ".then(() => localStorage.setItem('stap-waiting', '1'))")
    page.goto("/settings")  # sign-out lives in my settings
    page.locator("form[data-sign-out] button").tap()
    expect(page).to_have_url(f"{live_server}/welcome")
    assert wins_of(client_user) == 1  # the waiting win was sent before anything was cleared
    left = page.evaluate("""async () => {
        const urls = [];
        for (const key of await caches.keys()) {
            for (const request of await (await caches.open(key)).keys()) urls.push(new URL(request.url).pathname);
        }
        const dbs = (await indexedDB.databases()).map(d => d.name);
        const session = Object.keys(sessionStorage).map(k => [k, sessionStorage.getItem(k)]);
        return {urls, dbs, local: localStorage.length, session};
    }""")
    assert "stapstenen" not in left["dbs"] and left["local"] == 0
    # htmx notes the path of the page now open (the public welcome page) for its history handling.
    assert left["session"] in ([], [["htmx-current-path-for-history", "/welcome"]])
    assert all(p.startswith("/static/") or p in ("/offline", "/manifest.webmanifest") for p in left["urls"])


def test_a_new_version_asks_calmly_before_it_takes_over(context, page, app, live_server, client_user, monkeypatch):
    from webapp.pwa import views

    signed_in(context, app, live_server, client_user)
    controlled(page, "/")
    old = page.evaluate("navigator.serviceWorker.controller.scriptURL")
    original = views.shell_worker

    def newer():
        source, version = original()
        return source + "\n// a newer version\n", version[:-1] + "x"

    monkeypatch.setattr(views, "shell_worker", newer)
    context.new_cdp_session(page).send("Network.clearBrowserCache")
    page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.update())")
    prompt = page.locator("[data-update]")
    expect(prompt).to_be_visible(timeout=10000)
    expect(page.locator("#main")).to_be_visible()  # the page itself carries on until the tap
    with page.expect_navigation():
        prompt.tap()
    until(page, CONTROLLED)
    assert page.evaluate("navigator.serviceWorker.controller.scriptURL") == old  # same URL, new version
    assert page.evaluate("caches.keys()").__len__() == 1  # the old version's cache is gone
