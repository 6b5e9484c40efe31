"""A newcomer's day one, scripted (issue 15, "done means"): README and quickstart followed literally.

Each page is followed from top to bottom in a fresh temporary directory, as a person pasting its
blocks would: every ``python`` block in one interpreter session, every ``sh`` block in a real
``bash`` (heredocs, ``VAR=$(…)`` and all), checking each command's exit status against the ``# exit N``
the page promises (0 when it says nothing).

One departure, on purpose: the bootstrap (``make demo``/``make test``/``make shell`` and
``. .venv/bin/activate``) is not run. It would create a second virtual environment and install from
the package index inside the test; instead ``thaivc`` on ``PATH`` is a two-line shim that runs this
interpreter with this checkout's ``src`` (``.venv/bin/thaivc`` is rewritten to ``thaivc``). What the
bootstrap itself does is tested by ``make test`` running at all.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from test_docs import EXIT_NOTE, HEREDOC, ROOT, blocks

PAGES = [ROOT / "README.md", ROOT / "docs" / "quickstart.md"]
#: Lines that set up the environment the shim already provides.
BOOTSTRAP = re.compile(r"^(make\b|\. \.venv/bin/activate\b|source \.venv/bin/activate\b)")

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash to run the shell blocks")


def _environment(tmp: Path) -> dict[str, str]:
    bindir = tmp / ".shim"
    bindir.mkdir()
    shim = bindir / "thaivc"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m thaivc "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith("THAIVC_GDX")}
    env["PATH"] = f"{bindir}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = str(ROOT / "src")
    return env


def _script(text: str, label: str) -> str:
    """The block as a bash script that stops at the first command whose exit status is not the promised one."""
    out = ["set -u"]
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i].rstrip()
        i += 1
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or BOOTSTRAP.match(stripped):
            continue
        line = line.replace(".venv/bin/thaivc", "thaivc")
        if HEREDOC.match(stripped):
            out.append(line)
            while i < len(lines):
                out.append(lines[i])
                i += 1
                if lines[i - 1].strip() == "EOF":
                    break
            continue
        while line.endswith("\\") and i < len(lines):
            line = line[:-1] + " " + lines[i].strip()
            i += 1
        note = EXIT_NOTE.search(line)
        expected = int(note.group(1)) if note else 0
        command = line.split(" #", 1)[0] if " #" in line else line
        quoted = command.replace("'", "'\\''")
        out.append(f"{command}\nrc=$?\nif [ $rc -ne {expected} ]; then echo '{label}: {quoted} exited '$rc', "
                   f"not {expected}' >&2; exit 1; fi")
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_a_newcomer_follows_the_page_literally(page: Path, tmp_path: Path) -> None:
    env = _environment(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    python = [b for b in blocks(page) if b.lang == "python"]
    if python:
        program = "\n".join(b.text for b in python)
        done = subprocess.run([sys.executable, "-c", program], cwd=work, env=env, capture_output=True, text=True,
                              timeout=600)
        assert done.returncode == 0, f"{page.name} python blocks failed:\n{done.stderr[-3000:]}"
    ran = 0
    for block in blocks(page):
        if block.lang not in {"sh", "bash"}:
            continue
        script = _script(block.text, block.label)
        done = subprocess.run(["bash", "-c", script], cwd=work, env=env, capture_output=True, text=True,
                              timeout=600)
        assert done.returncode == 0, f"{block.label}:\n{done.stderr[-3000:]}"
        ran += script.count("rc=$?")
    assert ran >= 5, f"{page.name}: only {ran} commands ran"


def test_the_shim_is_the_program_under_test(tmp_path: Path) -> None:
    env = _environment(tmp_path)
    done = subprocess.run(["thaivc", "--version"], env=env, capture_output=True, text=True, check=True)
    assert done.stdout.startswith("thaivc ")


def test_the_runner_notices_a_broken_promise(tmp_path: Path) -> None:
    env = _environment(tmp_path)
    wrong = _script("thaivc id check 1234567890123\n", "example")  # exits 1, the page would promise 0
    done = subprocess.run(["bash", "-c", wrong], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 1 and "exited 1, not 0" in done.stderr
    kept = _script("thaivc id check 1234567890123   # exit 1: wrong check digit\n", "example")
    assert subprocess.run(["bash", "-c", kept], cwd=tmp_path, env=env, capture_output=True).returncode == 0
