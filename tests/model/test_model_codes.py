"""Every problem code the model and context modules can raise is in the catalogue."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from thaivc.core.errors import is_known_code

SRC = Path(__file__).parent.parent.parent / "src" / "thaivc"
FILES = sorted([*SRC.joinpath("model").glob("*.py"), *SRC.joinpath("contexts").glob("*.py")])
CODE = re.compile(r'"([a-z]+\.[a-z0-9_]+)"')


def test_sources_were_found() -> None:
    assert len(FILES) >= 8


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_codes_are_catalogued(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    raised = {
        code
        for code in CODE.findall(text)
        if code.split(".")[0] in {"vc", "vp", "di", "time", "input", "usage", "json", "status"}
    }
    assert {code for code in raised if not is_known_code(code)} == set()
