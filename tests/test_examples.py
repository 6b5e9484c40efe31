"""Each example runs as a user would run it, exits 0 and tells its story."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def run_example(name: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, str(EXAMPLES / name)], capture_output=True, text=True, env=env, timeout=120, check=False
    )


@pytest.mark.parametrize(
    ("name", "lines"),
    [
        (
            "citizen_onboarding.py",
            [
                "derived assurance: IAL2.3",
                "4. Verification: verified",
                "schema check: pass",
                "assurance policy (IAL2.3 required): accepted",
                "welcome, นายสมชาย ใจดี",
                "no credential (registry.rejected)",
                "บัตรหมดอายุ",
            ],
        ),
        (
            "company_profile.py",
            [
                "2. Verification: verified",
                "schema",
                "director: นายวิชัย มั่งมี",
                "signing clause: นายวิชัย มั่งมี ลงลายมือชื่อ",
                "วิชัย มั่งมี signs alone with the company seal",
                "Any two directors sign jointly with the company seal",
                "refused (authority.entity_inactive)",
            ],
        ),
    ],
)
def test_example_runs(name: str, lines: list[str]) -> None:
    done = run_example(name)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    for line in lines:
        assert line in done.stdout, line
