"""docs/interop.md lists exactly the pairs the interop tests declare, with the pinned versions.

The outcomes column comes from the last run (``tools/gen_interop_matrix.py``); this test pins the rest:
no row without a test, no test without a row, no version other than the pinned one.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
from pathlib import Path

from .matrix import CELLS, Cell

ROOT = Path(__file__).resolve().parents[2]
SPEC = importlib.util.spec_from_file_location("gen_interop_matrix", ROOT / "tools" / "gen_interop_matrix.py")
assert SPEC and SPEC.loader
GEN = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(GEN)


def _rows(text: str) -> list[list[str]]:
    rows = [line.strip("|").split(" | ") for line in text.splitlines() if line.startswith("| ")]
    return [[cell.strip() for cell in row] for row in rows[1:]]  # without the header


def _declared() -> set[Cell]:
    found: set[Cell] = set()
    for path in sorted(Path(__file__).parent.glob("test_*.py")):
        module = importlib.import_module(f"{__package__}.{path.stem}")
        for _, function in inspect.getmembers(module, inspect.isfunction):
            for mark in getattr(function, "pytestmark", []):
                if mark.name == "matrix":
                    found.add(Cell(*mark.args))
    return found


def test_every_cell_has_a_test_and_every_test_a_cell() -> None:
    assert _declared() == set(CELLS)


def test_the_committed_page_lists_the_declared_cells_with_pinned_versions() -> None:
    committed = _rows((ROOT / "docs" / "interop.md").read_text(encoding="utf-8"))
    expected = _rows(GEN.render({}))
    assert [row[:4] for row in committed] == [row[:4] for row in expected], "run the interop tests, then " \
        "python tools/gen_interop_matrix.py"


def test_the_page_head_is_current() -> None:
    assert (ROOT / "docs" / "interop.md").read_text(encoding="utf-8").startswith(GEN.HEAD)
