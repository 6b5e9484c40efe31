"""OpenID4VC in ``thaivc serve`` over real sockets: uvicorn on loopback, and a DOPA that does not answer."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from oid4vc_helpers import PROTOCOLS, offer_body
from server_helpers import ADMIN_KEY, admin_headers, free_port, serve_process, write_config
from starlette.testclient import TestClient

from thaivc.oid4vc import ErrorResponse
from thaivc.registries.dopa import DOPA_VERIFY_PATH
from thaivc.testing.gdx_server import Fault, GdxTestServer
from thaivc.wallet import IssuanceWallet
from thaivc.wallet.present import PresentationWallet

AGENT = "1999900001010"


@pytest.fixture
def live(tmp_path: Path) -> Iterator[str]:
    """``thaivc serve`` in its own process on a loopback port; its base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    config = write_config(tmp_path, PROTOCOLS)
    text = config.read_text(encoding="utf-8").replace('public_url = "https://issuer.example.go.th"',
                                                     f'public_url = "{base}"')
    config.write_text(text, encoding="utf-8")
    args = ["serve", "--config", str(config), "--port", str(port)]
    with serve_process(args, ready_url=base + "/readyz", stderr=tmp_path / "stderr.txt"):
        yield base


def test_a_wallet_over_real_http_collects_and_presents(live: str) -> None:
    with httpx.Client(timeout=10) as http:
        r = http.post(live + "/admin/offers", json=offer_body(), headers={"X-API-Key": ADMIN_KEY})
        assert r.status_code == 201, r.text
        made = r.json()
        got = IssuanceWallet(http, allow_insecure_http=True).receive(made["deepLink"], tx_code=made["txCode"])
        assert isinstance(got, list) and len(got) == 1
        holder = PresentationWallet(got[0].key, http=http, allow_insecure_loopback=True)
        holder.store(got[0].credential)
        tx = http.post(live + "/oid4vp/transactions", json={"preset": "pid"}).json()
        assert holder.present(tx["link"]).status_code == 200
        result = http.get(f"{live}/oid4vp/transactions/{tx['transactionId']}",
                          headers={"x-poll-token": tx["pollToken"]}).json()
        assert result["status"] == "verified", result
        items = http.get(live + "/admin/credentials", headers={"X-API-Key": ADMIN_KEY}).json()["items"]
        assert len(items) == 1 and items[0]["status"] == {"revocation": "valid"}


# -- a DOPA that does not answer -----------------------------------------------------------------------
@pytest.fixture
def slow_dopa(make_client: Callable[..., TestClient]) -> Iterator[tuple[TestClient, GdxTestServer]]:
    with GdxTestServer() as gdx:
        registries = (
            f'kind = "gdx"\nbase_url = "{gdx.base_url}"\nconsumer_key = "{gdx.consumer_key}"\n'
            f'consumer_secret = "{gdx.consumer_secret}"\nagent_id = "{AGENT}"\ntimeout = 1.0\nretries = 0\n'
            "insecure = true\n"
        )
        yield make_client(PROTOCOLS.replace('kind = "fake"\n', registries)), gdx


def test_a_dopa_timeout_is_a_quick_503_with_a_code_and_nothing_issued(
    slow_dopa: tuple[TestClient, GdxTestServer],
) -> None:
    client, gdx = slow_dopa
    made = client.post("/admin/offers", json=offer_body(), headers=admin_headers()).json()
    gdx.add_fault(Fault("delay", path=DOPA_VERIFY_PATH, seconds=5.0))
    started = time.monotonic()
    with pytest.raises(ErrorResponse) as caught:
        IssuanceWallet(client).receive(made["deepLink"], tx_code=made["txCode"])
    assert time.monotonic() - started < 4.0  # the 1 s budget, not the registry's 5 s
    assert caught.value.status == 503 and caught.value.error == "temporarily_unavailable"
    assert "registry.unavailable" in caught.value.description
    assert client.get("/admin/credentials", headers=admin_headers()).json()["items"] == []
    entries = client.get("/admin/audit", headers=admin_headers()).json()["items"]
    assert any(e["action"] == "issue" and e["outcome"] == "unavailable" and e["detail"] == "registry.unavailable"
               for e in entries)


def test_after_the_registry_recovers_the_same_token_collects(slow_dopa: tuple[TestClient, GdxTestServer]) -> None:
    client, gdx = slow_dopa
    made = client.post("/admin/offers", json=offer_body(), headers=admin_headers()).json()
    wallet = IssuanceWallet(client)
    grant = wallet.redeem_pre_authorized(wallet.resolve_offer(made["deepLink"]), tx_code=made["txCode"])
    gdx.add_fault(Fault("delay", path=DOPA_VERIFY_PATH, seconds=5.0))
    with pytest.raises(ErrorResponse):
        wallet.request_credentials(grant)
    got = wallet.request_credentials(grant)  # a fresh nonce and key: the registry answers now
    assert isinstance(got, list) and len(got) == 1
    items = client.get("/admin/credentials", headers=admin_headers()).json()["items"]
    assert len(items) == 1 and items[0]["status"] == {"revocation": "valid"}
