"""A pytest plugin with thaivc fixtures for agencies' own test suites.

Registered through the ``pytest11`` entry point (named ``thaivc.testing.plugin``, after this module, so
``-p thaivc.testing.plugin`` and ``pytest_plugins`` load it once where it is autoloaded too) but inert
until asked for: every fixture is named ``thaivc_*`` and nothing runs unless a test requests one.
Material is deterministic (seeded keys, a fixed clock) and synthetic (the fake registries' people and
companies are not real). ``docs/testing.md`` lists the fixtures with an agency's test using them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from thaivc.core.clock import FixedClock
from thaivc.keys import PrivateKey
from thaivc.registries.dbd import FakeDbd
from thaivc.registries.dopa import FakeDopa
from thaivc.testing.gdx_server import GdxTestServer

__all__ = ["seeded_key", "thaivc_clock", "thaivc_fake_dbd", "thaivc_fake_dopa", "thaivc_gdx_server"]

#: The instant every thaivc fixture lives at unless a test moves the clock.
FIXED_NOW = "2026-06-01T00:00:00Z"

_CURVES = {"P-256": (ec.SECP256R1(), 2**256), "P-384": (ec.SECP384R1(), 2**384)}


def seeded_key(seed: str, key_type: str = "Ed25519") -> PrivateKey:
    """The same key for the same seed, every run: for fixtures only, never for production."""
    digest = hashlib.sha512(seed.encode("utf-8")).digest()
    if key_type == "Ed25519":
        return PrivateKey(ed25519.Ed25519PrivateKey.from_private_bytes(digest[:32]))
    if key_type not in _CURVES:
        raise ValueError(f"unsupported key type {key_type!r}")
    curve, _ = _CURVES[key_type]
    scalar = int.from_bytes(digest, "big") % (2**255) + 1
    return PrivateKey(ec.derive_private_key(scalar, curve))


@pytest.fixture
def thaivc_clock() -> FixedClock:
    """A clock standing at :data:`FIXED_NOW`; ``advance()`` it to test expiry."""
    return FixedClock.at(FIXED_NOW)


@pytest.fixture
def thaivc_fake_dopa() -> FakeDopa:
    """The in-memory DOPA fake loaded with the synthetic citizens shipped with thaivc."""
    return FakeDopa()


@pytest.fixture
def thaivc_fake_dbd() -> FakeDbd:
    """The in-memory DBD fake loaded with the synthetic juristic persons shipped with thaivc."""
    return FakeDbd()


@pytest.fixture
def thaivc_gdx_server() -> Iterator[GdxTestServer]:
    """A real GDX-shaped HTTP server on 127.0.0.1 backed by the fakes (for client tests)."""
    server = GdxTestServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()
