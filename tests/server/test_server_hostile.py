"""Hostile HTTP: oversized, slow, deep, flooded and mistyped requests are refused at a bounded cost.

The in-process tests drive the guard directly; ``test_*_over_a_socket`` start the real service with
``thaivc serve`` (uvicorn) on a loopback port, where slow bodies and header floods really happen.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from server_helpers import ISSUER_KEY, credential, free_port, issuer_headers, serve_process, write_config
from starlette.testclient import TestClient


def test_oversized_body_is_refused_before_it_is_read(client: TestClient) -> None:
    started = time.perf_counter()
    r = client.post("/credentials/verify", content=b"{" + b" " * (600 * 1024) + b"}",
                    headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert r.json()["code"] == "input.too_large"
    assert time.perf_counter() - started < 2


def test_oversized_chunked_body_is_cut_off(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(100):
            yield b" " * 10_000

    r = client.post("/credentials/verify", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413


def test_a_lying_content_length_is_refused(client: TestClient) -> None:
    r = client.post("/credentials/verify", content=b"{}", headers={"content-type": "application/json",
                                                                   "content-length": "-1"})
    assert r.status_code == 400


@pytest.mark.parametrize("depth", [65, 10_000, 200_000])
def test_deep_json_is_refused_quickly(client: TestClient, depth: int) -> None:
    body = b'{"verifiableCredential":' + b"[" * depth + b"]" * depth + b"}"
    if len(body) > 500 * 1024:
        pytest.skip("over the body cap: refused as too large (tested above)")
    started = time.perf_counter()
    r = client.post("/credentials/verify", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 400, r.text
    assert r.json()["code"] == "input.too_deep"
    assert time.perf_counter() - started < 2


def test_header_flood_is_refused(client: TestClient) -> None:
    headers = {f"x-flood-{i}": "x" for i in range(100)}
    r = client.get("/healthz", headers=headers)
    assert r.status_code == 431
    assert r.json()["code"] == "input.too_large"


def test_rate_limit_per_address(make_client: Any) -> None:
    client = make_client("", environ={"THAIVC_LIMITS__RATE_PER_IP": "5"})
    codes = [client.post("/challenges").status_code for _ in range(8)]
    assert codes[:5] == [201] * 5
    assert 429 in codes[5:]
    r = client.post("/challenges")
    assert r.json()["code"] == "service.rate_limited"
    assert int(r.headers["retry-after"]) >= 1


def test_rate_limit_per_client(make_client: Any) -> None:
    client = make_client("", environ={"THAIVC_LIMITS__RATE_PER_CLIENT": "2"})
    body = {"credential": credential(), "options": {"format": "di"}}
    codes = [client.post("/credentials/issue", json=body, headers=issuer_headers()).status_code for _ in range(4)]
    assert codes[:2] == [201, 201] and codes[2:] == [429, 429]


def test_cors_is_off_unless_configured(client: TestClient, make_client: Any) -> None:
    r = client.options("/credentials/verify", headers={"Origin": "https://evil.example",
                                                      "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in r.headers
    allowed = make_client("", environ={"THAIVC_CORS__ALLOW_ORIGINS": '["https://app.go.th"]'})
    r = allowed.options("/credentials/verify", headers={"Origin": "https://app.go.th",
                                                       "Access-Control-Request-Method": "POST"})
    assert r.headers["access-control-allow-origin"] == "https://app.go.th"
    r = allowed.options("/credentials/verify", headers={"Origin": "https://evil.example",
                                                       "Access-Control-Request-Method": "POST"})
    assert r.headers.get("access-control-allow-origin") != "https://evil.example"


# -- operations ---------------------------------------------------------------------------------------
def test_health_ready_and_metrics(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ready"}
    client.post("/credentials/verify", json={"verifiableCredential": {"type": "x"}})
    text = client.get("/metrics").text
    assert 'thaivc_http_requests_total{method="POST",route="/credentials/verify",status="422"}' in text
    assert "thaivc_http_request_seconds_bucket" in text
    assert 'thaivc_verifications_total{code="di.proof_missing",kind="credential",verdict="failed"}' in text


def test_invented_methods_do_not_grow_the_metrics(client: TestClient) -> None:
    """h11 accepts any token as a method: a label per method would let a client grow every worker's
    memory and the /metrics page without bound, one series per invented method."""
    for i in range(40):
        client.request(f"X{i:04d}INVENTED", "/credentials/verify")
    text = client.get("/metrics").text
    assert "INVENTED" not in text
    assert 'thaivc_http_requests_total{method="OTHER",route="/credentials/verify",status="405"} 40.0' in text


def test_logs_are_json_with_request_ids_and_no_claims(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    from thaivc.server.guard import JsonFormatter

    caplog.set_level("INFO", logger="thaivc.server")
    client.post("/credentials/issue", json={"credential": credential(), "options": {"format": "di"}},
                headers={**issuer_headers(), "X-Request-Id": "req-0123456789"})
    lines = [JsonFormatter().format(rec) for rec in caplog.records if rec.name == "thaivc.server"]
    assert lines
    entry = json.loads(lines[-1])
    assert entry["request_id"] == "req-0123456789"
    assert entry["route"] == "/credentials/issue" and entry["status"] == 201
    joined = "\n".join(lines)
    assert "สมชาย" not in joined and ISSUER_KEY not in joined and "did:example:somchai" not in joined


def test_readyz_fails_when_the_database_is_not_migrated(config_path: Path) -> None:
    from thaivc.server import create_app, load_config

    config = load_config(config_path, environ={"THAIVC_DATABASE__MIGRATE_ON_START": "false"})
    with TestClient(create_app(config)) as client:
        assert client.get("/healthz").status_code == 200
        r = client.get("/readyz")
        assert r.status_code == 503
        assert r.json()["code"] == "service.unavailable"
        assert "migrate" in r.json()["detail"]


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    return write_config(tmp_path)


# -- the real service on a loopback socket ----------------------------------------------------------
@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[str, int]]:
    port = free_port()
    path = write_config(tmp_path, "[limits]\nbody_timeout = 1.0\n")
    text = path.read_text().replace('public_url = "https://issuer.example.go.th"', f'public_url = "http://127.0.0.1:{port}"')
    path.write_text(text)
    base = f"http://127.0.0.1:{port}"
    args = ["serve", "--config", str(path), "--port", str(port)]
    with serve_process(args, ready_url=base + "/healthz", stderr=tmp_path / "stderr.txt", wait=30):
        yield base, port


def test_issue_and_verify_over_a_socket(live: tuple[str, int]) -> None:
    base, _ = live
    r = httpx.post(base + "/credentials/issue", json={"credential": credential(), "options": {"format": "vc+jwt"}},
                   headers=issuer_headers(), timeout=10)
    assert r.status_code == 201, r.text
    vc = r.json()["verifiableCredential"]
    status = vc["id"]
    assert status.startswith("data:application/vc+jwt,")
    r = httpx.post(base + "/credentials/verify", json={"verifiableCredential": vc}, timeout=10)
    assert r.status_code == 200, r.text
    assert httpx.get(base + "/openapi.json", timeout=5).json()["paths"]["/credentials/issue"]["post"]["requestBody"]


def test_slow_body_is_cut_off_over_a_socket(live: tuple[str, int]) -> None:
    _, port = live
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"POST /credentials/verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 1000\r\n\r\n{")
        answer = b""
        try:
            for _ in range(20):
                time.sleep(0.2)
                s.sendall(b" ")
        except OSError:
            pass
        s.settimeout(5)
        try:
            while b"\r\n\r\n" not in answer:
                chunk = s.recv(4096)
                if not chunk:
                    break
                answer += chunk
        except OSError:
            pass
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert time.monotonic() - started < 8


def test_header_flood_over_a_socket(live: tuple[str, int]) -> None:
    _, port = live
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        request = b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"".join(
            b"X-F-%d: %s\r\n" % (i, b"y" * 100) for i in range(2000)) + b"\r\n"
        try:
            s.sendall(request)
        except OSError:
            return  # the server closed the connection while we were still flooding: refused
        s.settimeout(5)
        try:
            answer = s.recv(4096)
        except OSError:
            return
    assert answer == b"" or answer.split(b" ")[1] in (b"400", b"413", b"431"), answer[:100]


def test_guessing_api_keys_is_rate_limited(make_client: Any) -> None:
    client = make_client("", environ={"THAIVC_LIMITS__RATE_PER_IP": "3"})
    codes = [client.post("/credentials/issue", json={"credential": credential()},
                         headers={"X-API-Key": f"guess-{i}-0123456789"}).status_code for i in range(6)]
    assert codes[:3] == [401, 401, 401]
    assert set(codes[3:]) == {429}


def test_an_authenticated_backend_is_not_held_to_the_address_rate(make_client: Any) -> None:
    from server_helpers import VERIFY_ONLY_KEY

    client = make_client("", environ={"THAIVC_LIMITS__RATE_PER_IP": "2"})
    headers = {"Authorization": f"Bearer {VERIFY_ONLY_KEY}"}
    codes = [client.post("/challenges", headers=headers).status_code for _ in range(5)]
    assert codes == [201] * 5
