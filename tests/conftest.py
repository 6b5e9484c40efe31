"""Shared test configuration: where the pinned W3C vectors live, and what ran beside Python.

thaivc's fixtures come from ``thaivc.testing.plugin``, which the ``pytest11`` entry point loads where
thaivc is installed; ``pytest_plugins`` below names it too, so the suite also runs from a checkout that
is only on ``sys.path`` (pytest registers the module once either way).

PostgreSQL (the status-store tests) and Node.js (the interop tests) come from the ``dev`` extra's
wheels, else from the machine. The header says which; tests that could not run for want of either are
skipped, and the run ends with one loud line counting them.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Generator
from pathlib import Path

import pytest

from thaivc.testing.binaries import node_executable, postgres_bindir

#: Our own fixtures, the way an agency's suite opts in (``-p thaivc.testing.plugin`` works too).
pytest_plugins = ("thaivc.testing.plugin", "postgres_server")

VECTORS = Path(__file__).parent / "vectors"
#: Where the interop matrix cells' outcomes of the last run are written (tools/gen_interop_matrix.py reads it).
MATRIX_RESULTS = Path(__file__).parent.parent / "interop" / "matrix-results.json"
_MATRIX_PROPERTY = "interop_matrix_cell"

#: Markers of the tests that need a program beside Python, and what that program is.
NEEDS = {"postgres": "PostgreSQL", "interop": "Node.js", "browser": "Chromium"}


@pytest.fixture(scope="session")
def vectors() -> Path:
    """Root of the normative test vectors (provenance in ``tests/vectors/SOURCES.md``)."""
    return VECTORS


def pytest_report_header(config: pytest.Config) -> list[str]:
    if os.environ.get("THAIVC_SKIP_POSTGRES") == "1":
        postgres = "SKIPPED (THAIVC_SKIP_POSTGRES=1)"
    elif os.environ.get("THAIVC_TEST_PG_DSN"):
        postgres = "the server at THAIVC_TEST_PG_DSN"
    else:
        found = postgres_bindir()
        postgres = f"started from {found[1]} ({found[0]})" if found else "NONE FOUND: its tests are skipped"
    node = node_executable()
    return [
        f"PostgreSQL: {postgres}",
        f"Node.js: {f'{node[0]} (from {node[1]})' if node else 'NONE FOUND: the interop tests are skipped'}",
    ]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Tests skipped for want of a program are reported where the skip was decided, not each at its own
    line, so ``-ra`` folds them into one line per program."""
    report = yield
    needs = any(item.get_closest_marker(marker) for marker in NEEDS)
    if needs and report.skipped and call.excinfo is not None and isinstance(report.longrepr, tuple):
        shown = [entry for entry in call.excinfo.traceback if not entry.ishidden(call.excinfo)]
        if shown:
            report.longrepr = (str(shown[-1].path), shown[-1].lineno + 1, report.longrepr[2])
    return report


@pytest.fixture(autouse=True)
def _interop_matrix_cell(request: pytest.FixtureRequest) -> None:
    """Tag a test's reports with the interop matrix cell it covers (its ``matrix`` marker), so the
    outcome reaches the controlling process under xdist as well."""
    marker = request.node.get_closest_marker("matrix")
    if marker is not None:
        request.node.user_properties.append((_MATRIX_PROPERTY, list(marker.args)))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Count each matrix cell's outcomes (the call phase, or a skip decided during setup)."""
    cells = [value for name, value in report.user_properties if name == _MATRIX_PROPERTY]
    if not cells or not (report.when == "call" or (report.when == "setup" and report.skipped)):
        return
    outcomes = _MATRIX_OUTCOMES.setdefault(" | ".join(cells[0]), Counter())
    outcomes[report.outcome] += 1


_MATRIX_OUTCOMES: dict[str, Counter[str]] = {}


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Write the matrix outcomes of this run for docs/interop.md (only in the controlling process)."""
    if hasattr(session.config, "workerinput") or not _MATRIX_OUTCOMES:
        return
    results = {cell: dict(sorted(counts.items())) for cell, counts in sorted(_MATRIX_OUTCOMES.items())}
    MATRIX_RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> Generator[None]:
    """After the short summary, one loud line when tests were skipped for want of PostgreSQL or Node.js."""
    yield
    skipped: Counter[str] = Counter()
    for report in terminalreporter.stats.get("skipped", []):
        keywords = getattr(report, "keywords", {})
        for marker, program in NEEDS.items():
            if marker in keywords:
                skipped[program] += 1
    if skipped:
        counts = ", ".join(f"{count} tests needing {program}" for program, count in skipped.items())
        terminalreporter.write_line(
            f"!!! NOT RUN: {counts} (why: the SKIPPED lines above; how to run them: docs/testing.md) !!!",
            red=True,
            bold=True,
        )
