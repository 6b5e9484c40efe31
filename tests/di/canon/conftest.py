"""A document loader over the bundled context files (URL map from ``tests/vectors/SOURCES.md``)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from thaivc.core.errors import InputError
from thaivc.core.jsonutil import loads_strict

VECTORS = Path(__file__).parents[2] / "vectors"

CONTEXT_FILES = {
    "https://www.w3.org/ns/credentials/v2": "contexts/credentials/v2.jsonld",
    "https://www.w3.org/2018/credentials/v1": "contexts/credentials/v1.jsonld",
    "https://www.w3.org/ns/credentials/examples/v2": "contexts/credentials/examples/v2.jsonld",
    "https://www.w3.org/2018/credentials/examples/v1": "contexts/credentials/examples/v1.jsonld",
    "https://w3id.org/security/data-integrity/v1": "contexts/data-integrity/v1.jsonld",
    "https://w3id.org/security/data-integrity/v2": "contexts/data-integrity/v2.jsonld",
    "https://w3id.org/security/multikey/v1": "contexts/multikey/v1.jsonld",
    "https://w3id.org/security/jwk/v1": "contexts/jwk/v1.jsonld",
    "https://www.w3.org/ns/credentials/status/v1": "contexts/bitstring-status-list/v1.jsonld",
    "https://w3id.org/citizenship/v4rc1": "contexts/citizenship/v4rc1.jsonld",
    "https://w3id.org/security/suites/ed25519-2020/v1": "vc-di-eddsa/lds-ed25519-2020-v1.json",
}


class FileContextLoader:
    """Serves the bundled contexts and refuses every other URL, as a verifier's loader must."""

    def __init__(self) -> None:
        self.cache: dict[str, Mapping[str, Any]] = {}
        self.requests: list[str] = []

    def __call__(self, url: str) -> Mapping[str, Any]:
        self.requests.append(url)
        if url not in CONTEXT_FILES:
            raise InputError("di.context_not_allowed", f"context not bundled: {url}")
        if url not in self.cache:
            doc = loads_strict((VECTORS / CONTEXT_FILES[url]).read_bytes(), max_bytes=1 << 20, max_depth=64)
            self.cache[url] = doc
        return self.cache[url]


@pytest.fixture(scope="session")
def context_loader() -> FileContextLoader:
    return FileContextLoader()


@pytest.fixture
def fresh_loader() -> FileContextLoader:
    """A loader with no history: nothing cached for it yet (contexts, templates)."""
    return FileContextLoader()
