"""One vocabulary: every problem code used in the source is catalogued and documented."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

from thaivc.core.errors import CODES

ROOT = Path(__file__).resolve().parent.parent
SPEC = importlib.util.spec_from_file_location("gen_problem_codes", ROOT / "tools" / "gen_problem_codes.py")
assert SPEC and SPEC.loader
GEN = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(GEN)


def _string_literals(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}


def test_every_code_in_source_is_catalogued() -> None:
    areas = set(GEN.AREAS)
    unknown: dict[str, str] = {}
    for path in (ROOT / "src" / "thaivc").rglob("*.py"):
        for literal in _string_literals(path):
            area, dot, reason = literal.partition(".")
            plausible = dot and area in areas and reason.replace("_", "").isalnum() and reason.islower()
            if plausible and literal not in CODES:
                unknown[literal] = str(path.relative_to(ROOT))
    assert not unknown, f"codes used but not catalogued in thaivc.core.errors.CODES: {unknown}"


def test_problem_codes_page_is_current() -> None:
    page = (ROOT / "docs" / "problem-codes.md").read_text(encoding="utf-8")
    assert page == GEN.render(), "run: python tools/gen_problem_codes.py"
