"""Every shipped language is complete: no missing, fuzzy, stale or English-copied entries."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from webapp import pictograms
from webapp.i18n import LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
# Words that are rightly the same as the English: the product name, a loanword.
SAME_EVERYWHERE = {"Stapstenen", "OK"}
SAME_IN = {"nl": {"Computers"}}


@pytest.fixture(scope="module")
def source_ids(tmp_path_factory):
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "babel.cfg",  # noqa: S603
                    "-k", "_l", "-o", str(pot), "."], cwd=ROOT, check=True)
    with pot.open("rb") as f:
        return {m.id if isinstance(m.id, str) else m.id[0]: m for m in read_po(f) if m.id}


def catalogue(code):
    with (ROOT / "translations" / LANGUAGES[code].locale / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=LANGUAGES[code].locale)


def test_every_shipped_language_has_a_catalogue_and_no_other():
    folders = {p.name for p in (ROOT / "translations").iterdir() if p.is_dir()}
    assert folders == {lang.locale for lang in LANGUAGES.values()}
    assert len(LANGUAGES) == 12


def test_right_to_left_languages():
    assert {code for code, lang in LANGUAGES.items() if lang.dir == "rtl"} == {"ar", "prs", "ps"}


@pytest.mark.parametrize("code", sorted(LANGUAGES))
def test_each_catalogue_says_whether_a_native_speaker_reviewed_it(code):
    text = (ROOT / "translations" / LANGUAGES[code].locale / "LC_MESSAGES" / "messages.po").read_text()
    first = text.splitlines()[0]
    assert code == "en" or first.startswith("# Status: ") and ("draft" in first or "reviewed" in first)


@pytest.mark.parametrize("code", sorted(LANGUAGES))
def test_catalogue_is_complete_and_current(code, source_ids):
    cat = catalogue(code)
    entries = {m.id if isinstance(m.id, str) else m.id[0]: m for m in cat if m.id}
    missing = sorted(set(source_ids) - set(entries))
    stale = sorted(set(entries) - set(source_ids))
    assert not missing, f"{code}: not in the catalogue yet (run `make catalogues`): {missing}"
    assert not stale, f"{code}: no longer in the code: {stale}"
    assert not list(cat.obsolete), f"{code}: obsolete entries"
    for msgid, message in entries.items():
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert not message.fuzzy, f"{code}: fuzzy: {msgid!r}"
        assert all(s.strip() for s in strings), f"{code}: untranslated: {msgid!r}"
        wanted = sorted(set(PLACEHOLDER.findall(msgid)))
        for s in strings:
            assert sorted(set(PLACEHOLDER.findall(s))) == wanted, f"{code}: placeholders differ in {msgid!r}: {s!r}"
        plural = isinstance(message.id, tuple)
        assert plural == isinstance(source_ids[msgid].id, tuple), f"{code}: plural form changed: {msgid!r}"
        if plural:
            assert len(strings) == cat.num_plurals, f"{code}: needs {cat.num_plurals} plural forms: {msgid!r}"


@pytest.mark.parametrize("code", sorted(set(LANGUAGES) - {"en"}))
def test_translations_are_not_english_copies(code):
    same = SAME_EVERYWHERE | SAME_IN.get(code, set())
    copied = [m.id for m in catalogue(code) if m.id and isinstance(m.id, str) and m.string == m.id
              and m.id not in same]
    assert not copied, f"{code}: these read as English: {copied}"


@pytest.mark.parametrize("code", sorted(LANGUAGES))
def test_every_pictogram_has_a_name_in_every_language(app, code):
    from flask_babel import force_locale

    with app.test_request_context(), force_locale(LANGUAGES[code].locale):
        for picto in pictograms.PICTOGRAMS.values():
            assert str(picto.label).strip(), picto.name
            if code != "en":
                with force_locale("en"):
                    english = str(picto.label)
                same = SAME_EVERYWHERE | SAME_IN.get(code, set())
                assert str(picto.label) != english or english in same, f"{code}: {picto.name}"
