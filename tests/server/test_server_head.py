"""HEAD on the publishing and health endpoints answers as GET does, without the content (RFC 9110 §9.3.2).

Load balancers health-check with HEAD, and caches revalidate status lists with it; FastAPI registers
only the methods named, so ``/healthz`` answered a HEAD with 405 and a balancer probing that way never
saw the service as ready. HEAD is added to the safe, read-only routes only — never to an endpoint
whose GET spends something (an OpenID4VP request object, a login callback).
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from server_helpers import credential, issuer_headers, serve_process, write_config
from starlette.testclient import TestClient

SAFE = ("/healthz", "/readyz")


def _status_url(client: TestClient) -> str:
    r = client.post(
        "/credentials/issue", headers=issuer_headers(), json={"credential": credential(), "options": {"format": "di"}}
    )
    assert r.status_code == 201, r.text
    url = r.json()["verifiableCredential"]["credentialStatus"]["statusListCredential"]
    return str(url).removeprefix("https://issuer.example.go.th")


def test_head_answers_like_get_on_the_read_only_routes(client: TestClient) -> None:
    paths = [*SAFE, _status_url(client)]
    for path in paths:
        got, head = client.get(path), client.head(path)
        assert head.status_code == got.status_code == 200, (path, head.status_code)
        for name in ("content-type", "etag", "cache-control"):
            assert head.headers.get(name) == got.headers.get(name), (path, name)
    etag = client.get(paths[-1]).headers["etag"]
    assert client.head(paths[-1], headers={"If-None-Match": etag}).status_code == 304


@pytest.mark.parametrize("path", ["/credentials/issue", "/challenges", "/admin/status/revoke"])
def test_head_is_not_added_where_it_could_act(client: TestClient, path: str) -> None:
    assert client.head(path).status_code == 405


def test_over_http_a_head_carries_no_content_and_the_connection_stays_usable(tmp_path: Path) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    config = write_config(tmp_path)
    with (
        serve_process(
            ["serve", "--config", str(config), "--port", str(port)],
            ready_url=f"{base}/healthz",
            stderr=tmp_path / "serve.err",
        ),
        httpx.Client(base_url=base, timeout=10) as http,
    ):
        for path in SAFE:
            head = http.head(path)
            assert head.status_code == 200 and head.content == b""
            assert http.get(path).status_code == 200  # the same keep-alive connection: framing intact
