"""tools/system-packages: what `make run` and `make test` install on a fresh Debian machine, or ask for."""

import os
import stat
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "tools" / "system-packages"


def _fake(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


@pytest.fixture
def debian(tmp_path):
    """A PATH with fake dpkg-query, id and apt-get: `installed` lists the packages the machine has."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "apt.log"

    def run(target, installed, uid=0):
        (tmp_path / "installed").write_text("\n".join(installed) + "\n")
        _fake(bin_dir, "dpkg-query", f'pkg=$(eval echo \\${{$#}}); grep -qx "$pkg" {tmp_path}/installed '
                                     '&& printf installed || exit 1')
        _fake(bin_dir, "id", f"echo {uid}")
        _fake(bin_dir, "apt-get", f'echo "$@" >> {log}')
        env = {**os.environ, "PATH": f"{bin_dir}:/usr/bin:/bin"}
        done = subprocess.run([str(SCRIPT), target], env=env, capture_output=True, text=True, timeout=30)
        return done, log.read_text() if log.exists() else ""

    return run


ALL = ["espeak-ng", "opus-tools", "chromium", "fonts-noto-core"]


def test_nothing_happens_when_everything_is_there(debian):
    done, apt = debian("test", ALL)
    assert done.returncode == 0 and apt == "" and done.stdout == done.stderr == ""


def test_root_installs_only_what_is_missing(debian):
    done, apt = debian("test", ["opus-tools", "fonts-noto-core"])
    assert done.returncode == 0, done.stderr
    update, install = apt.splitlines()
    assert update.startswith("update")
    assert install.startswith("install") and install.split()[-2:] == ["espeak-ng", "chromium"]


def test_make_run_needs_only_the_speech_packages(debian):
    done, apt = debian("run", ["espeak-ng", "opus-tools"])
    assert done.returncode == 0 and apt == ""


def test_a_python_without_venv_asks_for_python3_venv(debian, tmp_path, monkeypatch):
    _fake(tmp_path / "bin", "python-without-venv", "exit 1")
    monkeypatch.setenv("PYTHON", "python-without-venv")
    done, apt = debian("run", ["espeak-ng", "opus-tools"])
    assert done.returncode == 0 and apt.splitlines()[-1].split()[-1] == "python3-venv"


def test_without_root_it_stops_with_one_line_naming_the_packages(debian):
    done, apt = debian("test", ["espeak-ng"], uid=1000)
    assert done.returncode == 1 and apt == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "apt-get install opus-tools chromium fonts-noto-core" in lines[0]
