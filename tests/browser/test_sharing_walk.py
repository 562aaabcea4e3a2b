"""Sharing on the client's terms, walked by two people at once: the trust person at a laptop, the client
on a Pixel 7, in Dutch and in Arabic (the client's language; the trust person's browser asks for Dutch).

The trust person makes the client and shows the QR; the phone redeems the link and adds a goal; the
client opens one eye (goals) and not another (wins); the trust person sees exactly that, and nothing
more; the client sees who looked, closes the eye, and the very next staff request sees nothing; a
suggested strength lands only when the client taps yes.
"""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests import factories
from tests.browser.conftest import Words, fresh, redeem, signed_in
from webapp.domain import sharing
from webapp.extensions import db
from webapp.i18n import LANGUAGES
from webapp.models import AccessLog, Goal, Share, Strength, Suggestion, User
from webapp.staff.views import qr_svg

PASSWORD = "stapstenen-test-wachtwoord"


def same_document(page):
    """Marks the page; `still_same_document(page)` is true only if nothing reloaded it since."""
    page.evaluate("window.sameDocument = true")


def still_same_document(page) -> bool:
    return page.evaluate("window.sameDocument === true")


def cell(table, row, header_name):
    """The cell of `row` in the column whose header pictogram is called `header_name`."""
    index = table.evaluate(
        "(t, name) => Array.from(t.tHead.rows[0].cells).findIndex(c => c.querySelector('img')?.alt === name)",
        header_name)
    assert index >= 0, f"no column headed {header_name!r}"
    return row.locator(":scope > th, :scope > td").nth(index)


def qr_paths(svg_html: str) -> list[str]:
    return re.findall(r'<path[^>]* d="([^"]+)"', svg_html)


@pytest.mark.parametrize("lang", ["nl", "ar"])
def test_trust_person_and_client_share_step_by_step(app, laptop, new_context, lang):
    t = Words(lang)       # the client's phone
    s = Words("nl")       # the trust person's laptop (browser asks for Dutch)
    care_team = factories.organisation(name="Sociaal Huis Bornem", kind="care_team")
    els = factories.staff(email="els@example.org", password=PASSWORD, display_name="Els")
    els.organisation_id = care_team.id
    db.session.commit()
    els_id = els.id

    desk = laptop.new_page()
    phone = new_context(locale=lang).new_page()

    # --- 1. The trust person signs in, makes a new client and shows the QR code -------------------
    desk.goto("/staff/sign-in")
    desk.get_by_label(s("E-mail address"), exact=True).fill("els@example.org")
    desk.get_by_label(s("Password"), exact=True).fill(PASSWORD)
    desk.get_by_role("button", name=s("Sign in"), exact=True).click()
    expect(desk).to_have_url(re.compile(r"/staff/$"))
    expect(desk.get_by_role("heading", level=1)).to_have_text(s("My caseload"))
    expect(desk.locator("table.caseload")).to_have_count(0)  # nobody yet

    desk.get_by_role("link", name=s("New client"), exact=True).click()
    expect(desk).to_have_url(re.compile(r"/staff/clients/new$"))
    desk.get_by_label(s("First name (or the name the client wants)"), exact=True).fill("Samira")
    desk.get_by_label(s("Language"), exact=True).select_option(label=LANGUAGES[lang].native_name)
    desk.get_by_role("button", name=s("Create and show the code"), exact=True).click()

    expect(desk.get_by_role("heading", level=1)).to_have_text(s("Sign-in code for %(name)s", name="Samira"))
    qr = desk.get_by_role("img", name=s("QR code with the sign-in link"), exact=True)
    expect(qr.locator("svg")).to_have_count(1)
    link = desk.locator("main p.link").get_by_role("link")
    href = link.get_attribute("href")
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/i/[^/]+", href), href
    expect(link).to_have_text(href)  # the link beneath the code, written out
    assert qr_paths(qr.inner_html()) == qr_paths(str(qr_svg(href)))  # the code is of that very link
    fresh()
    client = db.session.scalars(select(User).where(User.display_name == "Samira")).one()
    assert (client.role, client.language, client.trust_person_id) == ("client", lang, els_id)
    client_id = client.id

    # --- 2. The phone opens the link, taps Start, chooses a PIN; then a goal without typing ----------
    redeem(phone, href, "Samira", lang, pin="2468")
    phone.get_by_role("link", name=t.picto("action.goals"), exact=True).tap()
    phone.get_by_role("link", name=t("New goal"), exact=True).tap()
    phone.get_by_role("navigation", name=t("Life domains")).get_by_role(
        "link", name=t.picto("domain.work"), exact=True).tap()
    phone.get_by_role("button", name=t.picto("goal.find_job"), exact=True).tap()
    expect(phone).to_have_url(re.compile(r"/goals$"))
    own_card = phone.locator("article.goal")
    expect(own_card).to_have_count(1)
    fresh()
    goal_id = db.session.scalars(select(Goal.id).where(Goal.client_id == client_id)).one()
    expect(own_card).to_have_attribute("id", f"goal-{goal_id}")
    own_class = own_card.get_attribute("class")

    # --- 3. My people: the trust person is there; one eye opens (goals), another stays shut (wins) ---
    phone.get_by_role("banner").get_by_role("link", name=t("Home"), exact=True).tap()
    phone.get_by_role("link", name=t.picto("action.people"), exact=True).tap()
    expect(phone).to_have_url(re.compile(r"/people$"))
    person = phone.locator(f"#person-{els_id}")
    expect(person.get_by_role("heading", level=2)).to_contain_text("Els")
    expect(person.get_by_role("heading", level=2)).to_contain_text(t("your trust person"))

    def eye(category, shared):
        """The eye toggle: named by its category, its state in aria-pressed (the person names the section)."""
        return person.get_by_role("button", exact=True, pressed=shared, name=t.picto(f"category.{category}"))

    expect(person.get_by_role("button", pressed=True)).to_have_count(0)  # deny by default: all shut
    goals_eye = eye("goals", shared=False)
    expect(goals_eye).to_have_attribute("aria-pressed", "false")
    expect(goals_eye).to_have_attribute("name", "toggle")
    expect(goals_eye).to_have_attribute("value", "goals:1")
    same_document(phone)
    with phone.expect_response(lambda r: r.request.method == "POST" and r.url.endswith(f"/people/{els_id}/share")) \
            as posted:
        goals_eye.tap()
    assert posted.value.status == 200 and posted.value.request.headers.get("hx-request") == "true"
    goals_open = eye("goals", shared=True)
    expect(goals_open).to_have_attribute("aria-pressed", "true")
    expect(goals_open).to_have_attribute("value", "goals:0")
    expect(eye("wins", shared=False)).to_have_attribute("aria-pressed", "false")
    expect(person.get_by_role("button", pressed=True)).to_have_count(1)
    expect(person.locator(".until-now")).to_be_visible()  # how long: shown once something is shared
    assert still_same_document(phone)  # swapped in place by htmx, not a reload
    fresh()
    shares = db.session.scalars(select(Share).where(Share.client_id == client_id, Share.revoked_at.is_(None))).all()
    assert [(x.grantee_id, x.category, x.ends_at) for x in shares] == [(els_id, "goals", None)]

    # --- 4. The caseload shows exactly what is shared; goals open, wins say "not shared" -------------
    desk.goto("/staff/")
    table = desk.locator("table.caseload")
    row = desk.locator(f"tr#client-{client_id}")
    expect(row.get_by_role("rowheader")).to_have_text("Samira")
    expect(cell(table, row, s.picto("category.goals"))).to_have_text(
        s.plural("%(num)d goal", "%(num)d goals", 1))
    for category in ("wins", "strengths", "week", "mood"):
        expect(cell(table, row, s.picto(f"category.{category}"))).to_have_text(s("not shared"))

    row.get_by_role("link", name="Samira", exact=True).click()
    expect(desk).to_have_url(re.compile(rf"/staff/clients/{client_id}$"))
    tabs = desk.get_by_role("navigation", name=s("Screens of %(name)s", name="Samira"))
    tabs.get_by_role("link", name=s.picto("category.goals"), exact=True).click()
    expect(desk).to_have_url(re.compile(rf"/staff/clients/{client_id}/goals$"))
    staff_card = desk.locator(f"article.goal#goal-{goal_id}")
    expect(staff_card.get_by_role("heading", level=3)).to_have_text(s.picto("goal.find_job"))
    assert staff_card.get_attribute("class") == own_class  # the client's own card markup ...
    expect(staff_card.get_by_role("list", name=s.plural("%(num)d small win", "%(num)d small wins", 0))).to_have_count(1)
    expect(staff_card.locator("form, button")).to_have_count(0)  # to look at, not to change
    fresh()
    # The trust person opened Samira's page, then her goals: two looks, one line on her phone (below).
    assert sorted(db.session.scalars(select(AccessLog.category).where(
        AccessLog.client_id == client_id, AccessLog.context == "client")).all()) == ["file", "goals"]

    tabs.locator(f'a[href="/staff/clients/{client_id}/wins"]').click()
    expect(desk).to_have_url(re.compile(rf"/staff/clients/{client_id}/wins$"))
    mirror = desk.get_by_role("region", name=s("What %(name)s sees", name="Samira"))
    expect(mirror).to_have_text(s("%(name)s does not share this with you.", name="Samira"))
    expect(mirror.locator(".win, .win-list, article.goal")).to_have_count(0)
    fresh()
    assert db.session.scalar(select(AccessLog.id).where(
        AccessLog.client_id == client_id, AccessLog.category.in_(("wins", "mood")))) is None

    # --- 5. Who looked: the trust person, at the goals ------------------------------------------------
    phone.get_by_role("link", name=t.picto("action.looked"), exact=True).tap()
    expect(phone).to_have_url(re.compile(r"/looked$"))
    looks = phone.locator("ol.looks > li")
    expect(looks).to_have_count(1)  # the caseload and the goals screen: one look that day
    expect(looks.locator(".who")).to_have_text("Els")
    expect(looks.get_by_role("img", name=t.picto("category.goals"), exact=True)).to_be_visible()
    expect(looks.get_by_role("img", name=t.picto("category.wins"), exact=True)).to_have_count(0)

    # --- 6. The client closes the eye; the trust person's very next request sees nothing -----------
    phone.get_by_role("link", name=t.picto("action.people"), exact=True).tap()
    expect(phone).to_have_url(re.compile(r"/people$"))
    same_document(phone)
    eye("goals", shared=True).tap()
    expect(eye("goals", shared=False)).to_have_attribute("aria-pressed", "false")
    expect(person.get_by_role("button", pressed=True)).to_have_count(0)
    assert still_same_document(phone)
    desk.goto(f"/staff/clients/{client_id}/goals")
    expect(mirror).to_have_text(s("%(name)s does not share this with you.", name="Samira"))
    expect(desk.locator("article.goal")).to_have_count(0)
    expect(tabs.get_by_role("link", name=s.picto("category.goals"), exact=True)).to_have_count(0)  # "(not shared)"

    # --- 7. A suggested strength lands only when the client taps yes ----------------------------------
    desk.goto(f"/staff/clients/{client_id}/suggest/strength")
    desk.get_by_role("button", name=s.picto("strength.cooking"), exact=True).click()
    expect(desk).to_have_url(re.compile(rf"/staff/clients/{client_id}\?suggested=strength$"))
    expect(desk.get_by_role("status")).to_contain_text("Samira")  # "sent; it lands when Samira taps yes"
    fresh()
    suggestion = db.session.scalars(select(Suggestion).where(Suggestion.client_id == client_id)).one()
    assert (suggestion.kind, suggestion.key, suggestion.status) == ("strength", "cooking", "pending")
    assert db.session.scalar(select(Strength.id).where(Strength.client_id == client_id)) is None

    phone.get_by_role("banner").get_by_role("link", name=t("Home"), exact=True).tap()
    expect(phone).to_have_url(re.compile(r"/$"))
    news = phone.get_by_role("region", name=t("News from your people"))
    card = news.locator(f"#suggestion-{suggestion.id}")
    expect(card).to_contain_text(t("%(name)s suggests:", name="Els"))
    expect(card.locator(".suggestion-item .label")).to_have_text(t.picto("strength.cooking"))
    yes = card.get_by_role("button", name=t.picto("action.yes"), exact=True)
    expect(yes).to_have_attribute("value", "yes")
    same_document(phone)
    with phone.expect_response(lambda r: r.request.method == "POST" and "/suggestions/" in r.url) as posted:
        yes.tap()
    assert posted.value.status == 200 and posted.value.request.headers.get("hx-request") == "true"
    expect(card.get_by_role("status")).to_have_text(re.compile(re.escape(t("Added."))))
    expect(card.get_by_role("button")).to_have_count(0)
    assert still_same_document(phone)

    phone.get_by_role("link", name=t.picto("action.strengths"), exact=True).tap()
    expect(phone).to_have_url(re.compile(r"/strengths$"))
    strength = phone.locator("li.strength")
    expect(strength).to_have_count(1)
    expect(strength.locator(".label")).to_have_text(t.picto("strength.cooking"))
    expect(strength.get_by_role("img", name=t.picto("action.trust_person"), exact=True)).to_be_visible()
    fresh()
    assert db.session.get(Suggestion, suggestion.id).status == "accepted"
    assert db.session.scalars(select(Strength.key).where(Strength.client_id == client_id)).all() == ["cooking"]


def test_opening_one_clients_wins_leaves_the_others_new(app, laptop, live_server):
    s = Words("nl")
    els = factories.staff(display_name="Els")
    clients = [factories.client(display_name=name, trust_person=els) for name in ("Amal", "Bram")]
    for client in clients:
        factories.win(client)
        sharing.grant(client, els, "wins")
    db.session.commit()
    signed_in(laptop, app, live_server, els)
    desk = laptop.new_page()
    desk.goto("/staff/")
    new_wins = {c.id: cell(desk.locator("table.caseload"), desk.locator(f"tr#client-{c.id}"), s.picto("category.wins"))
                for c in clients}
    one, none = re.compile(r"^\s*1\D"), re.compile(r"^\s*0\D")  # "1 new ..." / "0 new ..."
    for client in clients:
        expect(new_wins[client.id]).to_have_text(one)
    desk.goto(f"/staff/clients/{clients[0].id}/wins")  # Els looks at Amal's wins only
    desk.goto("/staff/")
    expect(new_wins[clients[0].id]).to_have_text(none)
    expect(new_wins[clients[1].id]).to_have_text(one, timeout=1000)
