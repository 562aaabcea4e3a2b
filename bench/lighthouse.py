"""Lighthouse 12 (mobile) on client screens, signed in as a demo client, against gunicorn with 2 workers.

Usage (from the project root, after `npm i -E lighthouse@12.8.2` in bench/):
    .venv/bin/python bench/lighthouse.py            # prints scores and bytes, writes bench/results/*.json
Needs a migrated database with the demo data (make run once, or flask db upgrade + flask demo load).
"""

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("BENCH_PORT", "8811"))
BASE = f"http://127.0.0.1:{PORT}"
SCREENS = {"home": "/", "week": "/week", "did-it": "/did-it", "goals": "/goals"}
CHROME_FLAGS = ("--headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
                "--disable-background-networking --disable-component-update --disable-sync")


def enrol(link: str) -> str:
    """Redeem an invitation and choose a PIN over plain HTTP; return the device cookie."""
    session = requests.Session()
    page = session.get(link).text
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    session.post(link, data={"csrf_token": token})
    for _ in range(2):
        session.post(f"{BASE}/pin/new", data={"csrf_token": token, "pin": "2580"})
    return session.cookies.get("stap_device")


def main():
    env = {**os.environ, "COOKIE_SECURE": "0"}
    server = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "-w", "2", "-b", f"127.0.0.1:{PORT}",
                               "webapp:create_app()"], cwd=ROOT, env=env)
    try:
        time.sleep(2)
        link = subprocess.run([str(ROOT / ".venv/bin/flask"), "--app", "webapp", "invite", "nora", "--base-url", BASE],
                              cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout.strip()
        cookie = enrol(link)
        out = ROOT / "bench" / "results"
        out.mkdir(exist_ok=True)
        for name, path in SCREENS.items():
            report = out / f"lighthouse-{name}.json"
            subprocess.run(["npx", "lighthouse", BASE + path, "--quiet", "--form-factor=mobile",
                            "--only-categories=performance,accessibility,best-practices", "--output=json",
                            f"--output-path={report}", f"--chrome-flags={CHROME_FLAGS}",
                            f"--extra-headers={json.dumps({'Cookie': f'stap_device={cookie}'})}"],
                           cwd=ROOT / "bench", env={**env, "CHROME_PATH": "/usr/bin/chromium"}, check=True)
            result = json.loads(report.read_text())
            scores = {k: c["score"] for k, c in result["categories"].items()}
            weight = result["audits"]["total-byte-weight"]["numericValue"]
            final = result.get("finalDisplayedUrl", "")
            print(f"{name:8} {scores}  bytes={int(weight)}  url={final}")  # noqa: T201
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    sys.exit(main())
