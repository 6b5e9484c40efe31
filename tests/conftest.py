"""Shared test configuration: where the pinned W3C vectors live."""

from __future__ import annotations

from pathlib import Path

import pytest

#: Our own fixtures, the way an agency's suite opts in (``-p thaivc.testing.plugin`` works too).
pytest_plugins = ("thaivc.testing.plugin", "postgres_server")

VECTORS = Path(__file__).parent / "vectors"


@pytest.fixture(scope="session")
def vectors() -> Path:
    """Root of the normative test vectors (provenance in ``tests/vectors/SOURCES.md``)."""
    return VECTORS
