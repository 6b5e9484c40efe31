"""``thaivc serve`` adds status, register and audit to OpenID4VCI through the library's public seams.

The service no longer replaces the issuer's internals; these pin what it must still do through the
seams: an outage the agency's callback reports is a 503 with one ``unavailable`` audit row and no
register row, the retry issues once, and a credential the data model refuses is a ``refused`` row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from oid4vc_helpers import AGENCY, PROTOCOLS, offer_body
from server_helpers import admin_headers
from starlette.testclient import TestClient

from thaivc.oid4vc import ErrorResponse
from thaivc.wallet import IssuanceWallet


@pytest.fixture
def app(make_client: Callable[..., TestClient]) -> Iterator[TestClient]:
    AGENCY["down"] = False
    yield make_client(PROTOCOLS.replace("thaivc.server.sample_callback:citizen", "oid4vc_helpers:agency_callback"))
    AGENCY["down"] = False


def _items(client: TestClient, what: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = client.get(f"/admin/{what}", headers=admin_headers()).json()["items"]
    return items


def _issue_rows(client: TestClient) -> list[tuple[str, str, str]]:
    rows = [e for e in _items(client, "audit") if e["action"] == "issue"]
    return sorted((e["actor"], e["outcome"], e["detail"]) for e in rows)


def test_an_outage_the_callback_reports_is_a_503_one_audit_row_and_the_retry_issues_once(app: TestClient) -> None:
    made = app.post("/admin/offers", json=offer_body(), headers=admin_headers()).json()
    wallet = IssuanceWallet(app)
    grant = wallet.redeem_pre_authorized(wallet.resolve_offer(made["deepLink"]), tx_code=made["txCode"])
    AGENCY["down"] = True
    with pytest.raises(ErrorResponse) as caught:
        wallet.request_credentials(grant)
    assert caught.value.status == 503 and caught.value.error == "temporarily_unavailable"
    assert caught.value.description.startswith("service.unavailable: ")
    assert _items(app, "credentials") == []
    assert _issue_rows(app) == [("oid4vci:registrar", "unavailable", "service.unavailable")]
    (row,) = [e for e in _items(app, "audit") if e["outcome"] == "unavailable"]
    assert len(row["target"]) == 16 and row["target"] != made["offer"]  # a hash of the offer id, never the id
    AGENCY["down"] = False
    got = wallet.request_credentials(grant)
    assert isinstance(got, list) and len(got) == 1
    (registered,) = _items(app, "credentials")
    assert registered["status"] == {"revocation": "valid"}
    assert _issue_rows(app) == [
        ("oid4vci:registrar", "issued", "oid4vci dc+sd-jwt"),
        ("oid4vci:registrar", "unavailable", "service.unavailable"),
    ]


def test_a_credential_the_data_model_refuses_is_a_refused_row_and_nothing_registered(app: TestClient) -> None:
    made = app.post("/admin/offers", json=offer_body(subject={"unissuable": True}), headers=admin_headers()).json()
    with pytest.raises(ErrorResponse) as caught:
        IssuanceWallet(app).receive(made["deepLink"], tx_code=made["txCode"])
    assert caught.value.status == 400 and caught.value.error == "credential_request_denied"
    assert _items(app, "credentials") == []
    rows = _issue_rows(app)
    assert len(rows) == 1 and rows[0][:2] == ("oid4vci:registrar", "refused")
    assert rows[0][2] == caught.value.description  # the same problem code the wallet was told


@pytest.mark.parametrize("raised", [ConnectionResetError, TimeoutError, RuntimeError, KeyError])
def test_a_registry_adapter_raising_its_own_exception_is_a_503_never_a_500(
    app: TestClient, raised: type[Exception]
) -> None:
    """A DOPA or DBD adapter that raises what its HTTP client or parser raises (not a thaivc error).

    It was a 500 ``server_error`` with no audit row: the wallet could not tell an outage from a bug
    in its own request, and the operator had nothing to count. Now it is the registry's outage:
    503 ``registry.unavailable``, one ``unavailable`` row, the adapter's message (which may carry a
    citizen id) in neither the answer nor the audit.
    """
    made = app.post("/admin/offers", json=offer_body(), headers=admin_headers()).json()
    wallet = IssuanceWallet(app)
    grant = wallet.redeem_pre_authorized(wallet.resolve_offer(made["deepLink"]), tx_code=made["txCode"])
    AGENCY["raises"] = raised
    try:
        with pytest.raises(ErrorResponse) as caught:
            wallet.request_credentials(grant)
    finally:
        AGENCY["raises"] = None
    assert caught.value.status == 503 and caught.value.error == "temporarily_unavailable"
    assert caught.value.description.startswith("registry.unavailable")
    assert "1999900001010" not in caught.value.description
    assert _items(app, "credentials") == []
    assert _issue_rows(app) == [("oid4vci:registrar", "unavailable", "registry.unavailable")]
    got = wallet.request_credentials(grant)  # the registry back: the same grant issues once
    assert isinstance(got, list) and len(got) == 1
