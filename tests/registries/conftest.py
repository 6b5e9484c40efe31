"""Fixtures for registry tests: a real GDX server on loopback and client factories."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from thaivc.registries.dbd import FakeDbd, GdxDbdClient
from thaivc.registries.dopa import FakeDopa, GdxDopaClient
from thaivc.testing.gdx_server import GdxTestServer

#: The officer's citizen ID GDX wants as AgentID (synthetic block 9999).
AGENT_ID = "1999900000994"


@pytest.fixture(scope="session")
def agent_id() -> str:
    return AGENT_ID


@pytest.fixture(scope="session")
def fake_dopa() -> FakeDopa:
    return FakeDopa()


@pytest.fixture(scope="session")
def fake_dbd() -> FakeDbd:
    return FakeDbd()


@pytest.fixture
def gdx_server(fake_dopa: FakeDopa, fake_dbd: FakeDbd) -> Iterator[GdxTestServer]:
    with GdxTestServer(dopa=fake_dopa, dbd=fake_dbd) as server:
        yield server


@pytest.fixture
def dopa_client(gdx_server: GdxTestServer) -> Callable[..., GdxDopaClient]:
    def make(**kwargs: Any) -> GdxDopaClient:
        options: dict[str, Any] = {"timeout": 2.0, "retries": 2, "backoff": 0.01, "insecure": True}
        options.update(kwargs)
        base = options.pop("base_url", gdx_server.base_url)
        return GdxDopaClient(base, gdx_server.consumer_key, gdx_server.consumer_secret, AGENT_ID, **options)

    return make


@pytest.fixture
def dbd_client(gdx_server: GdxTestServer) -> Callable[..., GdxDbdClient]:
    def make(**kwargs: Any) -> GdxDbdClient:
        options: dict[str, Any] = {"timeout": 2.0, "retries": 2, "backoff": 0.01, "insecure": True}
        options.update(kwargs)
        return GdxDbdClient(
            gdx_server.base_url, gdx_server.consumer_key, gdx_server.consumer_secret, AGENT_ID, **options
        )

    return make
