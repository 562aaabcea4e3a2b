"""Each language's own name, spoken, for the language picker (static/audio/lang-<code>.ogg).

Where espeak-ng has no voice for a language (Tigrinya, Pashto, Somali) there is no clip, and the picker
shows the name only: nothing pretends to speak. Run by a developer: .venv/bin/python tools/make_language_clips.py
"""

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from webapp.i18n import LANGUAGES  # noqa: E402

VOICES = {"nl": "nl", "fr": "fr-fr", "en": "en-gb", "ar": "ar", "prs": "fa", "uk": "uk", "ru": "ru", "tr": "tr",
          "ro": "ro"}
TARGET = Path(__file__).resolve().parent.parent / "static" / "audio"


def main():
    TARGET.mkdir(parents=True, exist_ok=True)
    for code, voice in VOICES.items():
        wav = subprocess.run(["espeak-ng", "-v", voice, "-s", "140", "--stdout", LANGUAGES[code].native_name],
                             check=True, capture_output=True).stdout
        subprocess.run(["opusenc", "--quiet", "--bitrate", "24", "-", str(TARGET / f"lang-{code}.ogg")],
                       input=wav, check=True)
    print(f"{len(VOICES)} language names spoken into {TARGET}")  # noqa: T201


if __name__ == "__main__":
    main()
