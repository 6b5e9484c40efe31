"""Fixtures for the HTTP service: a configured app on a throwaway SQLite file, driven in-process."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")

from server_helpers import write_config
from starlette.testclient import TestClient

from thaivc.server import create_app, load_config


@pytest.fixture
def make_client(tmp_path: Path) -> Iterator[Callable[..., TestClient]]:
    clients: list[TestClient] = []

    def make(extra: str = "", *, environ: dict[str, str] | None = None, **kwargs: Any) -> TestClient:
        path = write_config(tmp_path, extra, **kwargs)
        config = load_config(path, environ=environ or {})
        client = TestClient(create_app(config), base_url="https://issuer.example.go.th")
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client()
