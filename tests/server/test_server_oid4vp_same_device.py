"""Same-device OpenID4VP in ``thaivc serve``: the redirect's ``response_code`` and the verdict metrics.

Attacker first: a replayed code, a code of another transaction, a code after the result expired, a
same-device result read without its code, guessing codes (bounded per transaction), a code sent to a
cross-device transaction, and a misconfigured redirect. Then the metrics each response leaves behind.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from oid4vc_helpers import PROTOCOLS, offer_body
from server_helpers import admin_headers, write_config
from starlette.testclient import TestClient

from thaivc.core.clock import FixedClock
from thaivc.oid4vc import HttpRequest, MemoryStateStore
from thaivc.server import ConfigError, Database, load_config, load_keyring
from thaivc.server.problems import ServiceError
from thaivc.server.protocols import ServicePresentationVerifier
from thaivc.server.service import Service
from thaivc.wallet import IssuanceWallet
from thaivc.wallet.present import PresentationWallet

REDIRECT = "https://app.example.go.th/done"
SAME_DEVICE = f'[oid4vp]\nredirect_uri = "{REDIRECT}"\nmax_code_attempts = 3\n' + PROTOCOLS


@pytest.fixture
def app(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client(SAME_DEVICE)


def holder(client: TestClient, http: Any = None) -> PresentationWallet:
    """A citizen's wallet holding a credential the service issued; it talks to ``http`` (default: the app)."""
    made = client.post("/admin/offers", json=offer_body(), headers=admin_headers()).json()
    stored = IssuanceWallet(client).receive(made["deepLink"], tx_code=made["txCode"])[0]
    wallet = PresentationWallet(stored.key, http=http or client)
    wallet.store(stored.credential)
    return wallet


def start(client: TestClient, same_device: bool = True) -> dict[str, Any]:
    r = client.post("/oid4vp/transactions", json={"preset": "pid", "sameDevice": same_device})
    assert r.status_code == 201, r.text
    made: dict[str, Any] = r.json()
    assert made["sameDevice"] is same_device
    return made


def code_from(answer: httpx.Response) -> str:
    assert answer.status_code == 200, answer.text
    redirect = answer.json()["redirect_uri"]
    assert redirect.startswith(REDIRECT + "#response_code=")
    return str(urlsplit(redirect).fragment.split("=", 1)[1])


def redeem(client: TestClient, tx: dict[str, Any], code: str | None) -> httpx.Response:
    params = {} if code is None else {"response_code": code}
    return client.get(
        f"/oid4vp/transactions/{tx['transactionId']}", params=params, headers={"x-poll-token": tx["pollToken"]}
    )


def refused(answer: httpx.Response, code: str = "openid.response_code_invalid") -> bool:
    return answer.status_code >= 400 and answer.json()["code"] == code


# -- configuration -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "uri",
    [
        "http://app.example.go.th/done",
        "https://app.example.go.th/done#x",
        "https://user@app.example.go.th/done",
        "app.example.go.th/done",
        "javascript:alert(1)",
    ],
)
def test_a_redirect_that_is_not_an_https_page_stops_the_start(tmp_path: Path, uri: str) -> None:
    extra = f'[oid4vp]\nredirect_uri = "{uri}"\n' + PROTOCOLS
    with pytest.raises(ConfigError) as info:
        load_config(write_config(tmp_path, extra), environ={})
    assert any(e.startswith("oid4vp.redirect_uri") for e in info.value.errors), info.value.errors


def test_same_device_needs_a_configured_redirect(make_client: Callable[..., TestClient]) -> None:
    client = make_client(PROTOCOLS)
    r = client.post("/oid4vp/transactions", json={"preset": "pid", "sameDevice": True})
    assert r.status_code == 400 and r.json()["code"] == "service.bad_request"
    r = client.post("/oid4vp/transactions", json={"preset": "pid", "sameDevice": "yes"})
    assert r.status_code == 400


# -- the flow, attacker first --------------------------------------------------------------------


def test_the_code_is_redeemed_once_for_the_result(app: TestClient) -> None:
    wallet = holder(app)
    tx = start(app)
    assert redeem(app, tx, None).json()["status"] == "pending"
    code = code_from(wallet.present(tx["link"]))
    got = redeem(app, tx, code)
    assert got.status_code == 200, got.text
    assert got.json()["status"] == "verified"
    assert got.json()["dcql"]["queries"]["pid"]["credentials"][0]["credentialSubject"]["givenNameTh"] == "สมชาย"
    assert refused(redeem(app, tx, code))  # replayed
    assert refused(redeem(app, tx, None))  # and not "pending" either: it was answered and collected


def test_a_same_device_result_is_not_released_without_its_code(app: TestClient) -> None:
    wallet = holder(app)
    tx = start(app)
    code_from(wallet.present(tx["link"]))
    assert refused(redeem(app, tx, None))
    assert refused(redeem(app, tx, ""))


def test_the_code_of_another_transaction_is_refused(app: TestClient) -> None:
    wallet = holder(app)
    first, second = start(app), start(app)
    code_one = code_from(wallet.present(first["link"]))
    code_from(wallet.present(second["link"]))
    assert refused(redeem(app, second, code_one))
    # the other transaction's poll token with this transaction's id: not found, no oracle
    r = app.get(
        f"/oid4vp/transactions/{first['transactionId']}",
        params={"response_code": code_one},
        headers={"x-poll-token": second["pollToken"]},
    )
    assert r.status_code == 404
    assert redeem(app, first, code_one).json()["status"] == "verified"


def test_guessing_codes_is_bounded_per_transaction(app: TestClient) -> None:
    wallet = holder(app)
    tx = start(app)
    code = code_from(wallet.present(tx["link"]))
    for guess in ("a", "b" * 32, code + "x"):
        assert refused(redeem(app, tx, guess))
    # the attempts are spent: even the right code no longer releases the result
    answer = redeem(app, tx, code)
    assert refused(answer) and "too many" in answer.json()["detail"]


def test_a_code_for_a_cross_device_transaction_is_refused(app: TestClient) -> None:
    wallet = holder(app)
    tx = start(app, same_device=False)
    answer = wallet.present(tx["link"])
    assert answer.status_code == 200 and "redirect_uri" not in answer.json()
    assert refused(redeem(app, tx, "anything"), "service.bad_request")
    assert redeem(app, tx, None).json()["status"] == "verified"


def test_a_code_after_the_result_expired_is_refused(app: TestClient, tmp_path: Path) -> None:
    """Expiry on a store whose clock the test moves: the service's verifier over a MemoryStateStore."""
    config = load_config(tmp_path / "thaivc-server.toml", environ={})
    assert config.oid4vp is not None
    clock = FixedClock(time.time())
    store = MemoryStateStore(clock=clock)
    service = Service(config, load_keyring(config), Database(config.database.url))
    vp = ServicePresentationVerifier(config, config.oid4vp, service, store)

    def route(request: httpx.Request) -> httpx.Response:
        http = HttpRequest(
            method=request.method,
            path=request.url.path,
            headers=dict(request.headers),
            body=request.content,
            url=str(request.url),
        )
        if "/request/" in request.url.path:
            answer = vp.verifier.handle_request_uri(http, request.url.path.rsplit("/", 1)[1])
        else:
            answer = vp.handle_response(http)
        return httpx.Response(answer.status, headers=dict(answer.headers), content=answer.body)

    wallet = holder(app, httpx.Client(transport=httpx.MockTransport(route)))
    tx = vp.create({"preset": "pid", "sameDevice": True}, _Anonymous())
    code = code_from(wallet.present(tx["link"]))
    assert vp.verifier.result(tx["transactionId"]) is not None
    clock.advance(config.oid4vp.result_ttl + 1)
    with pytest.raises(ServiceError) as info:
        vp.poll(tx["transactionId"], tx["pollToken"], code)
    assert info.value.code == "openid.response_code_invalid"


class _Anonymous:
    id = "anonymous"


# -- metrics -------------------------------------------------------------------------------------


def test_responses_are_counted_by_verdict_and_code(app: TestClient) -> None:
    wallet = holder(app)
    tx = start(app, same_device=False)
    request = wallet.read_request(tx["link"])
    response = wallet.respond(request)
    assert wallet.post(request, response).status_code == 200
    assert wallet.post(request, response).status_code == 400  # replay: refused before judging
    failed = start(app, same_device=False)
    other = wallet.read_request(failed["link"])
    wallet.post(other, {**response, "state": other.state})  # mis-bound presentations: judged, failed
    text = app.get("/metrics").text
    assert 'thaivc_oid4vp_responses_total{code="-",verdict="verified"} 1.0' in text, text
    assert 'thaivc_oid4vp_responses_total{code="openid.transaction_finished",verdict="refused"} 1.0' in text
    assert 'verdict="failed"' in text
    assert "citizen" not in "".join(line for line in text.splitlines() if "oid4vp" in line)
