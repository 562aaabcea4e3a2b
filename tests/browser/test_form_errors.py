"""With JavaScript on, a form htmx sends and the server refuses comes back in place: the message next to
the field, what was typed still in it. (htmx 2 swaps no 4xx by itself: invalid forms answer 422, and
base.html's htmx-config swaps a 422.)"""

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from tests import factories
from tests.browser.conftest import Words, fresh, signed_in
from webapp.extensions import db
from webapp.models import Strength

LONG = "Goed in luisteren, ook als het moeilijk wordt, en geduldig blijven met mijn kinderen thuis"


@pytest.mark.parametrize("typed,message", [
    ("   ", "Tap a picture, or write your strength here."),
    # maxlength stops a keyboard at 80 letters; where more gets through (an IME mid-word, a paste in an
    # older browser) the server's rule answers. The test takes the attribute away to stand in for that.
    (LONG, "Please use at most %(max)d letters."),
])
def test_an_invalid_own_words_strength_shows_its_message_beside_the_field(page, app, live_server, typed, message):
    assert len(LONG) > 80
    user = factories.client(language="nl")
    db.session.commit()
    signed_in(page.context, app, live_server, user)
    t = Words("nl")
    page.goto("/strengths")
    field = page.locator("#own_words")
    field.evaluate("input => input.removeAttribute('maxlength')")
    page.evaluate("window.stillThisPage = true")  # gone if the browser navigated instead of htmx swapping
    field.fill(typed)
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/strengths")) as sent:
        page.locator("form.own-words").get_by_role("button", name=t.picto("action.add")).tap()
    assert sent.value.status == 422 and sent.value.request.headers.get("hx-request") == "true"
    error = page.locator("form.own-words .field #own_words-error")  # in the field's own box, under the input
    expect(error).to_contain_text(t(message, max=80))
    expect(field).to_have_attribute("aria-describedby", "own_words-error")
    expect(field).to_have_value(typed)
    assert page.evaluate("window.stillThisPage") is True
    fresh()
    assert db.session.scalar(select(func.count()).select_from(Strength)) == 0
