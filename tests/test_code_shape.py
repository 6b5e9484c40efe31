"""The shape of the code: the complexity offenders list only shrinks, the formatted list only grows."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
FORMATTED = ROOT / "tools" / "formatted.txt"
#: The function-shape rules turned on in pyproject.toml, with per-file offenders.
SHAPE_RULES = frozenset({"C901", "PLR0911", "PLR0912", "PLR0913", "PLR0915"})


def _ruff(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True, check=False)


def _offenders() -> dict[str, set[str]]:
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    per_file: dict[str, list[str]] = config["tool"]["ruff"]["lint"]["per-file-ignores"]
    return {path: set(codes) & SHAPE_RULES for path, codes in per_file.items() if set(codes) & SHAPE_RULES}


def test_shape_offenders_are_sorted_and_each_has_a_reason() -> None:
    offenders = list(_offenders())
    assert offenders == sorted(offenders)
    lines = PYPROJECT.read_text(encoding="utf-8").splitlines()
    for path in offenders:
        (index,) = [i for i, line in enumerate(lines) if line.startswith(f'"{path}" =')]
        assert lines[index - 1].startswith("# "), f"{path}: say why on the line above its entry"


def test_every_shape_offender_still_needs_its_ignore() -> None:
    """An entry whose function was split must go: the list only shrinks."""
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["ruff"]["lint"]
    offenders = _offenders()
    result = _ruff(
        "check",
        "--isolated",
        "--exit-zero",
        "--output-format",
        "json",
        "--select",
        ",".join(sorted(SHAPE_RULES)),
        "--config",
        f"lint.mccabe.max-complexity={config['mccabe']['max-complexity']}",
        "--config",
        f"lint.pylint.max-args={config['pylint']['max-args']}",
        *offenders,
    )
    fired: dict[str, set[str]] = {}
    for violation in json.loads(result.stdout):
        path = Path(violation["filename"]).resolve().relative_to(ROOT).as_posix()
        fired.setdefault(path, set()).add(violation["code"])
    stale = {path: sorted(codes - fired.get(path, set())) for path, codes in offenders.items()}
    assert not {path: codes for path, codes in stale.items() if codes}, "remove these ignores: the code passes"


def _formatted_list() -> list[str]:
    return [line for line in FORMATTED.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]


def test_formatted_list_is_sorted_and_exists() -> None:
    listed = _formatted_list()
    assert listed == sorted(set(listed))
    assert all((ROOT / path).is_file() for path in listed)


def test_every_formatted_file_is_listed() -> None:
    """A file that is formatted stays formatted: `make lint` checks only the listed ones."""
    tracked = subprocess.run(
        ["git", "ls-files", "src", "tests", "bench", "examples", "tools"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if tracked.returncode != 0:  # not a git checkout (an sdist): nothing to compare with
        return
    files = sorted(p for p in tracked.stdout.split() if p.endswith(".py") and (ROOT / p).is_file())
    result = _ruff("format", "--check", "--output-format", "concise", *files)
    unformatted = {line.split(":", 1)[0] for line in result.stdout.splitlines() if "unformatted" in line}
    missing = sorted(set(files) - unformatted - set(_formatted_list()))
    assert not missing, f"formatted but not in tools/formatted.txt (add them): {missing}"


#: A citation a reader cannot open: notes outside the repository, numbered cases without the page.
_UNOPENABLE = re.compile(r"domain\.md|\.\./shared|(?<![/\w])security\.md (?:case )?[A-L]?\.?\d|\bSEC-\d|DESIGN §")


def test_source_cites_only_what_a_reader_can_open() -> None:
    """Comments cite spec sections and the project's own docs/ pages (docs/security.md groups, #l1 …)."""
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted((ROOT / "src").rglob("*"))
        if path.suffix in {".py", ".md"}
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if _UNOPENABLE.search(line)
    ]
    assert not found, "\n".join(found)
