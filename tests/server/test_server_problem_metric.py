"""``thaivc_problems_total{route,code}``: refusals and outages counted by catalogue code, so an operator can alert.

``thaivc_http_requests_total`` shows an outage only as a 503 on a route: a signing service that stopped
answering (``key.signer_unavailable``) looks like a registry that did not (``registry.unavailable``)
or a status store that is down (``status.store``). The attacker's side: the code is read from the
response body, which on some routes echoes what the client sent, so a code outside the catalogue must
never become a label, and however many invented codes and paths arrive, the series stay bounded.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import kms_helpers
import pytest
from oid4vc_helpers import AGENCY, PROTOCOLS, offer_body
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families
from server_helpers import admin_headers, credential, issuer_headers, write_config
from starlette.testclient import TestClient

from thaivc.core.errors import CODES
from thaivc.oid4vc import ErrorResponse
from thaivc.server import create_app, load_config
from thaivc.server.guard import Guard, Metrics
from thaivc.wallet import IssuanceWallet

URL = "https://issuer.example.go.th"


def _problems(text: str) -> dict[tuple[str, str], float]:
    """``{(route, code): count}`` of ``thaivc_problems_total`` on a /metrics page."""
    out: dict[tuple[str, str], float] = {}
    for family in text_string_to_metric_families(text):
        if family.name != "thaivc_problems":
            continue
        for sample in family.samples:
            if sample.name == "thaivc_problems_total":
                out[(sample.labels["route"], sample.labels["code"])] = sample.value
    return out


@pytest.fixture
def kms_client(tmp_path: Path) -> Iterator[TestClient]:
    kms_helpers.MODE[0] = "ok"
    keys = '[[issuer.keys]]\nid = "kms-1"\nsigner = "kms_helpers:callback_signer"\n'
    config = load_config(write_config(tmp_path, keys=keys), environ={})
    with TestClient(create_app(config), base_url=URL, raise_server_exceptions=False) as c:
        yield c
    kms_helpers.MODE[0] = "ok"


def test_a_signer_outage_is_counted_under_its_code(kms_client: TestClient) -> None:
    kms_helpers.MODE[0] = "timeout"
    body = {"credential": credential(id="urn:uuid:kms-metric"), "options": {"format": "vc+jwt"}}
    for _ in range(2):
        r = kms_client.post("/credentials/issue", headers=issuer_headers(), json=body)
        assert r.status_code == 503 and r.json()["code"] == "key.signer_unavailable"
    assert _problems(kms_client.get("/metrics").text) == {("/credentials/issue", "key.signer_unavailable"): 2.0}
    kms_helpers.MODE[0] = "ok"
    assert kms_client.post("/credentials/issue", headers=issuer_headers(), json=body).status_code == 201
    unauthorised = kms_client.post("/credentials/issue", json=body)  # a refusal is counted too, under its own code
    code = unauthorised.json()["code"]
    assert _problems(kms_client.get("/metrics").text) == {
        ("/credentials/issue", "key.signer_unavailable"): 2.0,
        ("/credentials/issue", code): 1.0,
    }


@pytest.fixture
def oid4vci(make_client: Callable[..., TestClient]) -> Iterator[TestClient]:
    AGENCY["down"], AGENCY["raises"] = False, None
    yield make_client(PROTOCOLS.replace("thaivc.server.sample_callback:citizen", "oid4vc_helpers:agency_callback"))
    AGENCY["down"], AGENCY["raises"] = False, None


def test_an_oauth_shaped_outage_on_the_wallet_endpoints_is_counted_under_its_thaivc_code(oid4vci: TestClient) -> None:
    """OpenID4VCI answers ``{"error": "temporarily_unavailable", "thaivc_code": …}``, not problem details."""
    made = oid4vci.post("/admin/offers", json=offer_body(), headers=admin_headers()).json()
    wallet = IssuanceWallet(oid4vci)
    grant = wallet.redeem_pre_authorized(wallet.resolve_offer(made["deepLink"]), tx_code=made["txCode"])
    AGENCY["down"] = True
    with pytest.raises(ErrorResponse):
        wallet.request_credentials(grant)
    AGENCY["down"], AGENCY["raises"] = False, RuntimeError
    with pytest.raises(ErrorResponse):
        wallet.request_credentials(grant)
    AGENCY["raises"] = None
    counted = _problems(oid4vci.get("/metrics").text)
    (route,) = {r for r, _ in counted}
    assert route.endswith("/credential")
    assert counted == {(route, "service.unavailable"): 1.0, (route, "registry.unavailable"): 1.0}


# -- hostile codes: never a label, series bounded ----------------------------------------------------------
async def _echo(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """A route that puts the caller's path into its error body as the code (the worst a handler could do)."""
    code = scope["path"].strip("/")
    oauth = code.startswith("oauth.")
    body = {"thaivc_code": code.removeprefix("oauth."), "error": "x"} if oauth else {"code": code}
    ctype = b"application/json" if oauth else b"application/problem+json"
    await send({"type": "http.response.start", "status": 400 if oauth else 503, "headers": [(b"content-type", ctype)]})
    await send({"type": "http.response.body", "body": json.dumps(body).encode()})


def test_a_code_outside_the_catalogue_never_becomes_a_label_and_series_stay_bounded() -> None:
    metrics = Metrics()
    guarded = Guard(_echo, metrics=metrics, cap_for=lambda _: 1024, body_timeout=5, max_headers=64)  # type: ignore[arg-type]
    invented = [f"evil.code{i}" for i in range(40)] + [f"oauth.x{i}.y" for i in range(40)]
    known = ["status.store", "oauth.key.signer_unavailable", "service.unavailable"]
    client = TestClient(guarded, base_url=URL)  # type: ignore[arg-type]  # no lifespan: a bare ASGI app
    for code in [*invented, *known, *known]:
        client.get("/" + code)
    page = metrics.registry
    counted = _problems(generate_latest(page).decode())
    assert counted == {
        ("unmatched", "status.store"): 2.0,
        ("unmatched", "key.signer_unavailable"): 2.0,
        ("unmatched", "service.unavailable"): 2.0,
    }
    assert all(code in CODES for _, code in counted)
    metrics.observe_problem("unmatched", "not.in.catalogue")  # the metric's own guard, whoever calls it
    assert _problems(generate_latest(page).decode()) == counted
