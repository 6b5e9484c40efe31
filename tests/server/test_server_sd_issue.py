"""``ecdsa-sd-2023`` issuance through ``/credentials/issue``: ``options.mandatoryPointers``.

The vc-di-ecdsa suite sends ``options.mandatoryPointers`` (RFC 6901 JSON Pointers) with
``cryptosuite: ecdsa-sd-2023``. Attacker's cases first: the option on any other suite or format, a
pointer list that is not a list, malformed, selecting nothing, too many or too long, must each be a
problem response with a stable code, and never a credential.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from server_helpers import credential, issuer_headers
from starlette.testclient import TestClient

from thaivc import generate_key
from thaivc.core.errors import CODES
from thaivc.di import derive
from thaivc.di.sd.proof_value import parse_base
from thaivc.server.sd_options import MAX_MANDATORY_POINTERS, MAX_POINTER_CHARS

SD = "ecdsa-sd-2023"


@pytest.fixture
def p256(tmp_path: Path, make_client: Callable[..., TestClient]) -> TestClient:
    """A service signing with P-256, the key ``ecdsa-sd-2023`` needs."""
    generate_key("P-256").save(tmp_path / "issuer.jwk.json")
    return make_client()


def post(client: TestClient, options: dict[str, Any], cred: dict[str, Any] | None = None) -> Any:
    return client.post(
        "/credentials/issue", json={"credential": cred or credential(), "options": options}, headers=issuer_headers()
    )


def assert_refused(r: Any, status: int, code: str) -> None:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["code"] == code, body
    assert code in CODES
    assert "verifiableCredential" not in body


# -- attacker first ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "options",
    [
        {"format": "di", "cryptosuite": "ecdsa-rdfc-2019", "mandatoryPointers": ["/credentialSubject/name"]},
        {"format": "di", "cryptosuite": "ecdsa-jcs-2019", "mandatoryPointers": []},
        {"format": "di", "mandatoryPointers": ["/credentialSubject/name"]},  # the key's default suite is not SD
        {"format": "vc+jwt", "mandatoryPointers": ["/credentialSubject/name"]},
        {"format": "dc+sd-jwt", "mandatoryPointers": ["/credentialSubject/name"]},
    ],
)
def test_mandatory_pointers_only_with_ecdsa_sd_2023(p256: TestClient, options: dict[str, Any]) -> None:
    assert_refused(post(p256, options), 400, "service.option_not_applicable")


@pytest.mark.parametrize(
    "pointers",
    [
        "/credentialSubject/name",  # one string, not a list
        None,
        {"0": "/credentialSubject/name"},
        [1],
        [None],
        ["credentialSubject/name"],  # no leading '/'
        [""],  # the whole document is not a pointer here
        ["/credentialSubject/na~2me"],  # an escape RFC 6901 does not define
        ["/credentialSubject/name~"],
    ],
)
def test_malformed_mandatory_pointers_are_refused(p256: TestClient, pointers: Any) -> None:
    r = post(p256, {"format": "di", "cryptosuite": SD, "mandatoryPointers": pointers})
    assert_refused(r, 422, "di.sd_pointer")


@pytest.mark.parametrize(
    "pointer",
    [
        "/credentialSubject/invalidPointer",  # the vc-di-ecdsa suite's negative case
        "/credentialSubject/name/0",
        "/type/7",
        "/type/01",
    ],
)
def test_a_pointer_that_selects_nothing_is_refused(p256: TestClient, pointer: str) -> None:
    r = post(p256, {"format": "di", "cryptosuite": SD, "mandatoryPointers": [pointer]})
    assert_refused(r, 422, "di.sd_pointer")


def test_too_many_pointers_are_refused(p256: TestClient) -> None:
    pointers = ["/credentialSubject/name"] * (MAX_MANDATORY_POINTERS + 1)
    r = post(p256, {"format": "di", "cryptosuite": SD, "mandatoryPointers": pointers})
    assert_refused(r, 413, "input.too_large")


def test_an_oversized_pointer_is_refused(p256: TestClient) -> None:
    pointer = "/credentialSubject/" + "a" * MAX_POINTER_CHARS
    r = post(p256, {"format": "di", "cryptosuite": SD, "mandatoryPointers": [pointer]})
    assert_refused(r, 413, "input.too_large")


def test_ecdsa_sd_2023_on_an_ed25519_service_is_refused(client: TestClient) -> None:
    r = post(client, {"format": "di", "cryptosuite": SD, "mandatoryPointers": ["/credentialSubject/name"]})
    assert 400 <= r.status_code < 500, r.text
    assert r.json()["code"] in CODES


# -- the working path ---------------------------------------------------------------------------------
def test_mandatory_pointers_are_signed_into_the_base_proof(p256: TestClient) -> None:
    r = post(p256, {"format": "di", "cryptosuite": SD, "mandatoryPointers": ["/credentialSubject/name"]})
    assert r.status_code == 201, r.text
    vc = r.json()["verifiableCredential"]
    assert vc["proof"]["cryptosuite"] == SD
    base = parse_base(vc["proof"]["proofValue"])
    assert "/credentialSubject/name" in base.mandatory_pointers
    assert "/issuer" in base.mandatory_pointers  # the library's own table is still added
    assert len(base.hmac_key) == 32

    # a holder who reveals only the subject's id still shows the name the issuer made mandatory
    shown = derive(vc, ["/credentialSubject/id"])
    assert shown["credentialSubject"]["name"] == "สมชาย ใจดี"
    v = p256.post("/credentials/verify", json={"verifiableCredential": shown})
    assert v.status_code == 200, v.text
    assert v.json()["verified"] is True

    # and a derived credential with the mandatory claim altered does not verify
    forged = {**shown, "credentialSubject": {**shown["credentialSubject"], "name": "someone else"}}
    v = p256.post("/credentials/verify", json={"verifiableCredential": forged})
    assert v.status_code >= 400
    assert v.json()["code"] in CODES


def test_without_mandatory_pointers_the_defaults_are_signed(p256: TestClient) -> None:
    for options in ({"format": "di", "cryptosuite": SD}, {"format": "di", "cryptosuite": SD, "mandatoryPointers": []}):
        r = post(p256, options)
        assert r.status_code == 201, r.text
        base = parse_base(r.json()["verifiableCredential"]["proof"]["proofValue"])
        assert "/issuer" in base.mandatory_pointers
        assert "/credentialSubject/name" not in base.mandatory_pointers


def test_a_refused_pointer_leaves_no_register_row(p256: TestClient) -> None:
    from server_helpers import admin_headers

    cred = credential(id="urn:uuid:5d0c1e6a-0000-4000-8000-000000000001")
    r = post(p256, {"format": "di", "cryptosuite": SD, "mandatoryPointers": ["/nope"]}, cred)
    assert_refused(r, 422, "di.sd_pointer")
    listed = p256.get("/admin/credentials", headers=admin_headers())
    assert listed.status_code == 200, listed.text
    assert cred["id"] not in listed.text
