"""Fixtures the interop modules share."""

from __future__ import annotations

from typing import Any

import pytest

from thaivc.contexts import ContextRegistry

from .node import require


@pytest.fixture(scope="session")
def bundled_contexts() -> dict[str, Any]:
    """thaivc's bundled JSON-LD contexts by URL, loaded once."""
    registry = ContextRegistry.default()
    return {url: registry.load(url) for url in registry}


@pytest.fixture(scope="module")
def contexts(request: pytest.FixtureRequest, bundled_contexts: dict[str, Any]) -> dict[str, Any]:
    """The bundled contexts for node's document loader (``interop/loader.mjs`` serves only these).

    Every test of a Data Integrity interop module needs them, so this is where they skip without
    node, and fail when node is there but the package the module names in ``NODE_PACKAGE`` is not.
    """
    require(request.module.NODE_PACKAGE)
    return bundled_contexts
