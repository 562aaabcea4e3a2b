"""Switching language without reading: native names, each spoken where a voice exists, no flags."""

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import fresh, signed_in
from webapp.extensions import db
from webapp.i18n import LANGUAGES
from webapp.models import User


@pytest.mark.parametrize("target", ["ti", "ar", "prs"])
def test_a_client_switches_language_with_one_tap(context, page, app, live_server, target):
    user = factories.client(language="nl")
    db.session.commit()
    signed_in(context, app, live_server, user)
    page.goto("/")
    page.locator("header a[href^='/language']").tap()  # the globe, on every screen
    buttons = page.locator("form.language-list button[name=language]")
    expect(buttons).to_have_count(12)
    assert page.locator("form.language-list img[src*='flag']").count() == 0
    for code, language in LANGUAGES.items():
        button = page.locator(f"button[value='{code}']")
        expect(button).to_have_attribute("lang", language.html_lang)
        expect(button).to_contain_text(language.native_name)
        # Spoken on tap where a voice exists for the name; nothing pretends where none does.
        assert (button.get_attribute("data-say-first") is not None) == (code not in ("ti", "ps", "so"))
    page.locator(f"button[value='{target}']").tap()
    expect(page).to_have_url(f"{live_server}/")
    language = LANGUAGES[target]
    expect(page.locator("html")).to_have_attribute("lang", language.html_lang)
    expect(page.locator("html")).to_have_attribute("dir", language.dir)
    fresh()
    assert db.session.get(User, user.id).language == target  # kept on the user, for every device


def test_the_language_is_chosen_before_sign_in_too(page, live_server):
    page.goto("/welcome")
    page.locator("header a[href^='/language']").tap()
    page.locator("button[value='uk']").tap()
    expect(page.locator("html")).to_have_attribute("lang", "uk")
    page.goto("/staff/sign-in")
    expect(page.locator("html")).to_have_attribute("lang", "uk")  # kept on this device
