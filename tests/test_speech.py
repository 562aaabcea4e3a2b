"""Read-aloud: real clips from espeak-ng and opusenc (never mocked), recordings first, dynamic text kept nowhere."""

import io
import re
import subprocess
import wave
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.conftest import csrf_token, sign_in
from webapp import speech
from webapp.extensions import db
from webapp.models import ClipRecording, User


def phrase(lang, msgid):
    return next(p for p in speech.phrases(lang).values() if p.msgid == msgid)


def files(app):
    root = Path(app.config["SPEECH_DIR"])
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def assert_ogg_opus(data, tmp_path, min_seconds=0.3):
    """Real Ogg/Opus: the magic, the Opus header, and opusdec decodes it to a clip of some length."""
    assert data[:4] == b"OggS" and b"OpusHead" in data[:80], data[:80]
    assert len(data) > 1500
    clip, out = tmp_path / "clip.opus", tmp_path / "clip.wav"
    clip.write_bytes(data)
    subprocess.run(["/usr/bin/opusdec", "--quiet", str(clip), str(out)], check=True)
    with wave.open(str(out)) as w:
        assert w.getnframes() / w.getframerate() >= min_seconds


def spoken_wav(text="zeven", lang="nl"):
    """A person's recording stands in as espeak-ng's voice, a little higher, as WAV (what the page uploads)."""
    return subprocess.run(["/usr/bin/espeak-ng", "-v", lang, "-p", "80", "--stdin", "--stdout"], input=text.encode(),
                          capture_output=True, check=True).stdout


def test_espeak_ng_and_opusenc_are_installed():
    # .ci/run installs both: without them read-aloud has no generated voice, so this fails rather than skips.
    assert speech.tools_missing() == []
    assert {code for code in speech.VOICES if speech.has_generator(code)} == {
        "nl", "fr", "en", "ar", "prs", "uk", "ru", "tr", "ro"}


def test_phrases_are_the_catalogues_words_without_placeholders():
    nl = speech.phrases("nl")
    texts = {p.text for p in nl.values()}
    assert {"Mijn doelen", "Volgende afspraak", "7"} <= texts
    assert not any("%(" in t for t in texts)
    assert all(speech.phrase_hash("nl", p.text) == sha for sha, p in nl.items())
    assert phrase("ar", "My goals").text == "أهدافي"


@pytest.mark.parametrize("lang,msgid", [("nl", "My goals"), ("ar", "Next appointment")])
def test_a_phrase_clip_is_playable_opus_cached_on_disk(app, client, tmp_path, lang, msgid):
    p = phrase(lang, msgid)
    index = client.get(f"/speech/{lang}/phrases.json")
    assert index.status_code == 200 and index.json["voice"] == "server"
    url = index.json["clips"][p.text]
    assert url.startswith(f"/speech/{lang}/{p.sha}.opus?v=")
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "audio/ogg"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert_ogg_opus(response.data, tmp_path)
    assert (Path(app.config["SPEECH_DIR"]) / lang / f"{p.sha}.opus").read_bytes() == response.data
    # Audio elements ask for ranges.
    part = client.get(url, headers={"Range": "bytes=0-99"})
    assert part.status_code == 206 and len(part.data) == 100


def test_only_known_phrases_have_clips(client):
    assert client.get(f"/speech/nl/{speech.phrase_hash('nl', 'Jan Peeters')}.opus").status_code == 404
    assert client.get(f"/speech/nl/{'x' * 64}.opus").status_code == 404
    assert client.get(f"/speech/xx/{speech.phrase_hash('nl', '7')}.opus").status_code == 404
    assert client.get("/speech/xx/phrases.json").status_code == 404


def test_tigrinya_has_no_generated_voice_and_the_button_stays_hidden(app, client):
    assert not speech.has_generator("ti") and speech.voice_kind("ti") == ""
    index = client.get("/speech/ti/phrases.json").json
    assert index["voice"] == "" and index["clips"] == {}
    assert client.get(f"/speech/ti/{phrase('ti', 'My goals').sha}.opus").status_code == 404
    user = factories.client(language="ti")
    sign_in(client, user)
    home = client.get("/").get_data(as_text=True)
    assert re.search(r'<meta name="stap-speech" content="/static/js/speech.js\?v=\w+" data-lang="ti" data-voice=""[ >]',
                     home)
    assert re.search(r'<button type="button" class="icon-button" data-speak="#main" hidden>', home)
    response = client.post("/speech", json={"lang": "ti", "text": "ሰላም"}, headers={"X-CSRFToken": csrf_token(client)})
    assert response.status_code == 404  # the phone's own voice may take over; the server pretends nothing


def test_dutch_pages_say_the_server_has_a_voice(as_client):
    client, _user = as_client
    home = client.get("/").get_data(as_text=True)
    assert 'data-lang="nl" data-voice="server"' in home


def test_dynamic_text_is_spoken_and_never_stored(app, as_client, tmp_path):
    client, _user = as_client
    token = csrf_token(client)
    p = phrase("nl", "My goals")
    cached = Path(app.config["SPEECH_DIR"]) / "nl" / f"{p.sha}.opus"
    cached.unlink(missing_ok=True)
    before = files(app)
    text = "Vrijdag 28 november, 10:30, bij Jan Peeters, Markt 1, Bornem"
    response = client.post("/speech", json={"lang": "nl", "text": text}, headers={"X-CSRFToken": token})
    assert response.status_code == 200 and response.mimetype == "audio/ogg"
    assert response.headers["Cache-Control"] == "no-store"
    assert_ogg_opus(response.data, tmp_path, min_seconds=2)
    assert files(app) == before, "a name or place must not land on disk"
    assert db.session.scalar(select(func.count()).select_from(ClipRecording)) == 0
    # A phrase of the app, though, is the cached clip.
    response = client.post("/speech", json={"lang": "nl", "text": f"  {p.text} "}, headers={"X-CSRFToken": token})
    assert response.status_code == 200
    assert files(app) - before == {cached}


def test_text_goes_to_espeak_ng_as_text_not_as_options(as_client, tmp_path):
    client, _user = as_client
    token = csrf_token(client)
    owned = tmp_path / "owned"
    for text in ("--help", f"-w {owned}.wav", f"$(touch {owned}) ; rm -rf /", "[[h@'loU]] <speak>hoi</speak>"):
        response = client.post("/speech", json={"lang": "nl", "text": text}, headers={"X-CSRFToken": token})
        assert response.status_code == 200 and response.data[:4] == b"OggS", text
    assert list(tmp_path.iterdir()) == []


def test_speaking_needs_sign_in_csrf_and_sane_text(app, client):
    body = {"lang": "nl", "text": "Hallo"}
    assert client.post("/speech", json=body, headers={"X-CSRFToken": csrf_token(client, "/welcome")}).status_code == 401
    sign_in(client, factories.client())
    assert client.post("/speech", json=body).status_code == 400  # no CSRF token
    token = csrf_token(client)
    post = lambda data: client.post("/speech", json=data, headers={"X-CSRFToken": token})  # noqa: E731
    assert post({"lang": "nl", "text": "a" * (speech.MAX_TEXT + 1)}).status_code == 413
    assert post({"lang": "nl", "text": "   "}).status_code == 400
    assert post({"lang": "xx", "text": "Hallo"}).status_code == 400
    assert post({"lang": "nl", "text": ["Hallo"]}).status_code == 400
    assert post({"lang": "nl", "text": "a " * 999}).status_code == 200  # at the cap is fine


def test_speaking_is_rate_limited_per_user(as_client):
    client, _user = as_client
    token = csrf_token(client)
    codes = [client.post("/speech", json={"lang": "ti", "text": "ሰላም"}, headers={"X-CSRFToken": token}).status_code
             for _ in range(61)]
    assert codes[:60] == [404] * 60 and codes[60] == 429


def test_staff_works_too(client):
    sign_in(client, factories.staff())
    token = csrf_token(client, "/staff/")
    response = client.post("/speech", json={"lang": "nl", "text": "Client 7"}, headers={"X-CSRFToken": token})
    assert response.status_code == 200 and response.data[:4] == b"OggS"


# --- recordings --------------------------------------------------------------------------------------

@pytest.fixture
def recorder(client):
    user = factories.staff(voice=True)
    sign_in(client, user)
    return client, user


def upload(client, lang, sha, data, name="clip.wav"):
    token = csrf_token(client, "/staff/voice")
    return client.post(f"/staff/voice/{lang}/{sha}", data={"csrf_token": token, "audio": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_a_recording_takes_precedence_over_the_generated_clip(app, recorder, tmp_path):
    client, user = recorder
    p = phrase("nl", "Next appointment")
    generated = client.get(client.get("/speech/nl/phrases.json").json["clips"][p.text]).data
    response = upload(client, "nl", p.sha, spoken_wav(p.text))
    assert response.status_code == 200, response.get_data(as_text=True)
    row = db.session.scalar(select(ClipRecording))
    assert (row.lang, row.phrase_hash, row.text, row.recorded_by_id) == ("nl", p.sha, p.text, user.id)
    assert response.json == {"state": "recorded", "url": f"/speech/nl/{p.sha}.opus?v=r{row.digest}"}
    # From now on the index, the clip and POST /speech all give the recording.
    url = client.get("/speech/nl/phrases.json").json["clips"][p.text]
    assert url == response.json["url"]
    heard = client.get(url).data
    assert heard == row.audio != generated
    assert_ogg_opus(heard, tmp_path)
    token = csrf_token(client, "/staff/")
    said = client.post("/speech", json={"lang": "nl", "text": p.text}, headers={"X-CSRFToken": token})
    assert said.data == row.audio
    # An old URL of the generated clip still works, but is no longer cached for good.
    assert client.get(f"/speech/nl/{p.sha}.opus?v={speech.GENERATED_VERSION}").headers["Cache-Control"] == \
        "public, no-cache"
    # Recording again replaces it, under a new URL.
    again = upload(client, "nl", p.sha, spoken_wav(p.text + "!"))
    assert again.status_code == 200 and again.json["url"] != url
    assert db.session.scalar(select(func.count()).select_from(ClipRecording)) == 1


def test_a_recording_gives_tigrinya_a_voice_for_that_phrase(app, recorder, tmp_path):
    client, _user = recorder
    p = phrase("ti", "My goals")
    ogg = speech.encode_opus(spoken_wav("ti", "en"))
    assert upload(client, "ti", p.sha, ogg, "clip.ogg").status_code == 200  # Ogg/Opus (Firefox) is kept as sent
    index = client.get("/speech/ti/phrases.json").json
    assert index["voice"] == "recorded" and list(index["clips"]) == [p.text]
    assert client.get(index["clips"][p.text]).data == ogg
    ti_client = factories.client(language="ti")
    db.session.commit()
    sign_in(client, ti_client)
    assert 'data-lang="ti" data-voice="recorded"' in client.get("/").get_data(as_text=True)


def silence(seconds, rate=8000):
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"\x00\x00" * int(seconds * rate))
    return out.getvalue()


@pytest.mark.parametrize("data,name", [
    (b"not audio at all", "clip.wav"),
    (b"RIFF\x00\x00\x00\x00WAVEjunk", "clip.wav"),
    (b"\x1aE\xdf\xa3" + b"\x00" * 2000, "clip.webm"),  # the page sends WebM as WAV; raw WebM is refused
    (b"OggS\x00\x02" + b"\x00" * 22 + b"OpusHead" + b"\x01" * 3000, "clip.ogg"),  # looks like Opus, is not
    (silence(31), "clip.wav"),  # longer than any phrase
    (silence(0.1), "clip.wav"),
])
def test_a_recording_must_be_audio(recorder, data, name):
    client, _user = recorder
    response = upload(client, "nl", phrase("nl", "My goals").sha, data, name)
    assert response.status_code == 400 and response.json["error"]
    assert db.session.scalar(select(func.count()).select_from(ClipRecording)) == 0


def test_a_recording_is_at_most_1_mb(recorder):
    client, _user = recorder
    response = upload(client, "nl", phrase("nl", "My goals").sha, b"RIFF" + b"\x00" * (speech.MAX_UPLOAD + 70_000))
    assert response.status_code == 413


def test_recording_needs_a_csrf_token_and_a_known_phrase(recorder):
    client, _user = recorder
    sha = phrase("nl", "My goals").sha
    no_token = client.post(f"/staff/voice/nl/{sha}", data={"audio": (io.BytesIO(spoken_wav()), "clip.wav")},
                           content_type="multipart/form-data")
    assert no_token.status_code == 400
    assert upload(client, "nl", speech.phrase_hash("nl", "Jan Peeters"), spoken_wav()).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(ClipRecording)) == 0


def test_the_recording_page_lists_every_phrase_with_its_pictogram(recorder):
    client, _user = recorder
    response = client.get("/staff/voice?lang=ar")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "microphone=(self)" in response.headers["Permissions-Policy"]
    assert page.count('class="card phrase"') == len(speech.phrases("ar"))
    p = phrase("ar", "My goals")
    row = page[page.index(f'data-upload="/staff/voice/ar/{p.sha}"'):]
    row = row[:row.index("</li>")]
    assert "pictograms/1F3AF.svg" in row and f'lang="ar" dir="rtl">{p.text}</span>' in row
    assert "My goals" in row  # the English original, for the person reading
    assert "Stemmen opnemen" in page  # a staff page: in Dutch by default
    assert 'href="/staff/voice"' in client.get("/staff/").get_data(as_text=True)


def test_without_the_permission_there_is_no_recording_page(client):
    sha = phrase("nl", "My goals").sha
    sign_in(client, factories.staff())
    assert client.get("/staff/voice").status_code == 404
    assert upload(client, "nl", sha, spoken_wav()).status_code == 404
    assert 'href="/staff/voice"' not in client.get("/staff/").get_data(as_text=True)
    other = client.application.test_client()
    sign_in(other, factories.client())
    assert other.get("/staff/voice").location.startswith("/staff/sign-in")


# --- command line -------------------------------------------------------------------------------------

def test_speech_coverage_and_build(app, runner):
    db.session.add(ClipRecording(lang="ti", phrase_hash=phrase("ti", "My goals").sha, text="x", audio=b"OggS",
                                 size=4, digest="0"))
    db.session.commit()
    built = runner.invoke(args=["speech", "build", "--lang", "ti"])
    assert built.exit_code == 0 and "no generated voice" in built.output
    result = runner.invoke(args=["speech", "coverage"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["language", "espeak-ng", "phrases", "recorded", "generated", "on", "demand", "none"]
    rows = {line.split()[0]: line.split() for line in lines[1:13]}
    assert set(rows) == {"nl", "fr", "en", "ar", "prs", "ps", "ti", "uk", "ru", "tr", "ro", "so"}
    total = len(speech.phrases("ti"))
    assert rows["ti"] == ["ti", "-", str(total), "1", "0", "0", str(total - 1)]
    assert rows["prs"][1] == "fa" and rows["so"][1] == "-"
    nl = [int(n) for n in rows["nl"][2:]]
    assert nl[0] == sum(nl[1:]) and nl[4] == 0  # Dutch: every phrase can be heard


def test_staff_get_the_voice_permission_from_the_command_line(runner):
    created = runner.invoke(args=["users", "create-staff", "--email", "Voice@Example.org", "--name", "Amina",
                                  "--voice", "--password", "long enough secret"])
    assert created.exit_code == 0, created.output
    assert db.session.scalar(select(User).where(User.email == "voice@example.org")).can_record_voice
    factories.staff(email="staff@example.org")
    db.session.commit()
    assert runner.invoke(args=["users", "grant-voice", "staff@example.org"]).exit_code == 0
    db.session.expire_all()
    assert db.session.scalar(select(User).where(User.email == "staff@example.org")).can_record_voice
    assert runner.invoke(args=["users", "grant-voice", "staff@example.org", "--revoke"]).exit_code == 0
    db.session.expire_all()
    assert not db.session.scalar(select(User).where(User.email == "staff@example.org")).can_record_voice
    assert runner.invoke(args=["users", "grant-voice", "nobody@example.org"]).exit_code != 0
