"""Read-aloud in a real browser: the server's voice plays in Dutch, nothing pretends in Tigrinya, and a long
press on a pictogram tile says its name instead of opening it. Headless Chromium has no voices of its own,
so whatever is heard here comes from the server."""

import re
import time

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from sqlalchemy import select

from tests import factories
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, LAPTOP, Words, fresh, signed_in
from webapp import speech
from webapp.extensions import db
from webapp.models import ClipRecording

# Every media element that starts playing is noted: its URL (a phrase clip, or a blob: of spoken text).
HEAR = """
window.__heard = [];
const play = HTMLMediaElement.prototype.play;
HTMLMediaElement.prototype.play = function () {
  this.addEventListener("playing", () => window.__heard.push(this.currentSrc), {once: true});
  return play.apply(this, arguments);
};
"""


def heard(page, done, timeout=20.0):
    """What has played once done(list of URLs) holds (polled: the CSP forbids wait_for_function)."""
    deadline = time.monotonic() + timeout
    while not done(played := page.evaluate("() => window.__heard")):
        assert time.monotonic() < deadline, played
        page.wait_for_timeout(100)
    return played


def _home(page, app, live_server, lang, **appointment):
    user = factories.client(language=lang)
    if appointment:
        factories.appointment(user, **appointment)
    db.session.commit()
    page.add_init_script(HEAR)
    signed_in(page.context, app, live_server, user)
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/$"))
    return Words(lang)


def test_the_speaker_button_reads_home_in_dutch_with_the_servers_voice(app, live_server, page):
    t = _home(page, app, live_server, "nl", place="Markt 1, Bornem", in_hours=26)
    button = page.locator("header [data-speak]")
    expect(button).to_be_visible()
    expect(button).to_have_accessible_name(t("Read aloud"))
    with page.expect_response(lambda r: r.url.endswith("/speech") and r.request.method == "POST") as spoken:
        button.tap()
    assert spoken.value.status == 200 and spoken.value.header_value("content-type") == "audio/ogg"
    played = heard(page, lambda urls: any(url.startswith("blob:") for url in urls))
    # Phrases of the app ("Home", "Next appointment", "Tomorrow") are clips; the time and place between
    # them are spoken on the fly (a blob: of the POST's audio).
    assert all(re.search(r"/speech/nl/[0-9a-f]{64}\.opus\?v=", url) for url in played[:-1]), played
    assert len(played) >= 3, played
    expect(button).to_have_attribute("aria-pressed", "true")
    button.tap()  # a second tap stops it
    expect(button).to_have_attribute("aria-pressed", "false")


def test_in_tigrinya_without_any_voice_the_button_stays_hidden(app, live_server, page):
    _home(page, app, live_server, "ti")
    page.wait_for_timeout(300)  # past app.js's start and any voiceschanged
    expect(page.locator("header [data-speak]")).to_be_hidden()
    assert page.evaluate("() => document.querySelector('meta[name=stap-speech]').dataset.voice") == ""


def test_a_long_press_on_a_tile_says_its_name_and_does_not_open_it(app, live_server, page, served):
    t = _home(page, app, live_server, "nl")
    label = t.picto("action.goals")
    tile = page.get_by_role("link", name=label, exact=True)
    box = tile.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    with page.expect_request(re.compile(rf"/speech/nl/{speech.phrase_hash('nl', label)}\.opus")):
        page.mouse.down()
        page.wait_for_timeout(800)
        page.mouse.up()
    heard(page, len)
    page.wait_for_timeout(300)
    expect(page).to_have_url(re.compile(r"/$"))
    assert not any(line.startswith("GET /goals") for line in served)
    # A short tap still opens it.
    tile.click()
    expect(page).to_have_url(re.compile(r"/goals$"))


def test_staff_record_a_phrase_listen_back_and_save_it(app, live_server, playwright, browser_context_args):
    """Chromium's fake microphone (a beep) stands in for the voice; the page sends it, the server keeps Ogg/Opus."""
    user = factories.staff(voice=True)
    db.session.commit()
    sha = speech.phrase_hash("nl", "7")
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
        *CHROMIUM_ARGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"])
    try:
        desk = {k: v for k, v in playwright.devices[LAPTOP].items() if k != "default_browser_type"}
        context = browser.new_context(**{**browser_context_args, **desk, "locale": "nl"})
        context.grant_permissions(["microphone"], origin=live_server)
        signed_in(context, app, live_server, user)
        page = context.new_page()
        page.goto("/staff/voice?lang=nl")
        t = Words("nl")
        row = page.locator(f'[data-upload="/staff/voice/nl/{sha}"]')
        expect(row.locator("[data-state]")).to_have_text(t("Computer voice"))
        axe = Axe().run(page, context={"exclude": [[".phrases > li:nth-child(n+9)"]]},  # 8 rows of ~330 are enough
                        options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]})
        assert axe.violations_count == 0, axe.generate_report()
        row.get_by_role("button", name=t("Record")).click()
        page.wait_for_timeout(1200)
        row.get_by_role("button", name=t("Stop recording")).click()
        expect(row.locator("audio[data-preview]")).to_be_visible()  # listen back before saving
        with page.expect_response(f"**/staff/voice/nl/{sha}") as saved:
            row.get_by_role("button", name=t("Save")).click()
        assert saved.value.status == 200, saved.value.text()
        expect(row.locator("[data-state]")).to_have_text(t("Recorded"))
        context.close()
    finally:
        browser.close()
    fresh()
    clip = db.session.scalar(select(ClipRecording).where(ClipRecording.phrase_hash == sha))
    assert clip.recorded_by_id == user.id and clip.audio[:4] == b"OggS" and clip.size > 1000
