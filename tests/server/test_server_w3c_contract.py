"""The W3C VC-API contract the vc-data-model-2.0 suite drives, replayed with its own inputs.

The suite posts each input to ``/credentials/issue`` (with the implementation's issuer filled in, as
its harness does) and expects ``*-ok`` inputs to be issued (201) and ``*-fail`` ones refused (4xx);
each issued credential must then verify at ``/credentials/verify``. The inputs are the pinned copies
in ``tests/vectors/vc-data-model-2.0-test-suite`` (provenance in ``tests/vectors/SOURCES.md``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from server_helpers import admin_headers, credential, issuer_headers
from starlette.testclient import TestClient

from thaivc.core.errors import CODES

SUITE = Path(__file__).parent.parent / "vectors" / "vc-data-model-2.0-test-suite"
CREDENTIALS = sorted(
    p.relative_to(SUITE).as_posix() for p in SUITE.rglob("*.json")
    if p.name.startswith(("credential-", "issuer-")) or "names-and-descriptions" in p.parts
)
PAST, FUTURE = "2020-01-01T00:00:00Z", "2035-01-01T00:00:00Z"

#: ``-ok`` inputs thaivc issues but whose credential does not verify today, with the code it reports:
#: the suite only checks issuance; a verifier must still refuse these.
VERIFY_FAILS: dict[str, str] = {
    "credential-validuntil-ok.json": "time.expired",  # the suite's fixed validUntil is in 2023
    "credential-validuntil-ms-ok.json": "time.expired",
    "credential-validuntil-tz-ok.json": "time.expired",
    "credential-status-ok.json": "status.not_checked",  # its status entry has a type no checker knows
    "credential-status-missing-id-ok.json": "status.not_checked",
}
#: format -> input -> code: inputs where thaivc's issuer deliberately departs from the suite's verdict.
DEPARTS: dict[str, dict[str, str]] = {
    "di": {
        # the input's own proof (without a verificationMethod) is kept in the proof set and fails verification
        "credential-proof-ok.json": "verify:di.proof_invalid",
        "credential-validfrom-far-future-ok.json": "time.implausible_year",  # a Buddhist-Era year guard (4023)
    },
    "vc+jwt": {
        "credential-validfrom-far-future-ok.json": "time.implausible_year",
    },
}


def prepare(name: str, issuer: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((SUITE / name).read_text(encoding="utf-8"))
    if Path(name).name != "credential-no-issuer-fail.json":
        if "issuer" not in document:
            document["issuer"] = issuer
        elif isinstance(document["issuer"], dict) and "id" not in document["issuer"]:
            document["issuer"]["id"] = issuer
        elif isinstance(document["issuer"], str) and document["issuer"].startswith("did:example"):
            document["issuer"] = issuer
        elif isinstance(document["issuer"], dict) and str(document["issuer"].get("id", "")).startswith("did:example"):
            document["issuer"]["id"] = issuer
    for key in ("validFrom", "validUntil"):
        if document.get(key) == "PAST DATE":
            document[key] = PAST
        elif document.get(key) == "FUTURE DATE":
            document[key] = FUTURE
    return document


@pytest.fixture(scope="module")
def suite_client(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from server_helpers import write_config

    from thaivc.server import create_app, load_config

    config = load_config(write_config(tmp_path_factory.mktemp("suite")), environ={"THAIVC_LIMITS__RATE_PER_CLIENT": "100000",
                                                                                   "THAIVC_LIMITS__RATE_PER_IP": "100000"})
    with TestClient(create_app(config), base_url="https://issuer.example.go.th") as client:
        did = client.post("/credentials/issue", json={"credential": {
            "@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"],
            "credentialSubject": {"id": "did:example:x"}}, "options": {"format": "di"}},
            headers=issuer_headers()).json()["verifiableCredential"]["issuer"]
        yield client, did


def test_the_suite_is_where_expected() -> None:
    assert len(CREDENTIALS) >= 60


@pytest.mark.parametrize("name", CREDENTIALS)
@pytest.mark.parametrize("fmt", ["di", "vc+jwt"])
def test_issue_contract(suite_client: Any, name: str, fmt: str) -> None:
    client, issuer = suite_client
    document = prepare(name, issuer)
    r = client.post("/credentials/issue", json={"credential": document, "options": {"format": fmt}},
                    headers=issuer_headers())
    departs = DEPARTS[fmt].get(Path(name).name)
    if departs == "issued":
        assert r.status_code == 201, (name, r.text)
    elif departs is not None and not departs.startswith("verify:"):
        assert r.status_code == 422 and r.json()["code"] == departs, (name, r.text)
    elif name.endswith("-ok.json"):
        assert r.status_code == 201, (name, r.text)
        vc = r.json()["verifiableCredential"]
        verdict = client.post("/credentials/verify", json={"verifiableCredential": vc})
        expected = departs.removeprefix("verify:") if departs else VERIFY_FAILS.get(Path(name).name)
        if expected is None:
            assert verdict.status_code == 200, (name, verdict.text)
        else:
            assert verdict.status_code == 422 and verdict.json()["code"] == expected, (name, verdict.text)
    else:
        assert r.status_code in (400, 422), (name, r.status_code, r.text)
        problem = r.json()
        assert r.headers["content-type"].startswith("application/problem+json")
        assert problem["code"] in CODES


# -- contract points the W3C suites found when run against ``thaivc serve`` (docs/conformance.md) ------------


def _issued(client: Any, fmt: str) -> Any:
    r = client.post("/credentials/issue", json={"credential": credential(), "options": {"format": fmt}},
                    headers=issuer_headers())
    assert r.status_code == 201, r.text
    return r.json()["verifiableCredential"]


@pytest.mark.parametrize("prefix", ["", "  \n", "\ufeff"])
def test_a_credential_as_json_text_in_a_string_is_refused(make_client: Any, prefix: str) -> None:
    """vc-di-*: "If securedDocument is not a map … an error MUST be raised" (VC-DI 1.0 verify algorithm; VC-API).

    ``verifiableCredential`` is a JSON object, or a compact token in a string; a document serialised
    into a string is not a map and must not verify, however genuine the document inside it is.
    """
    client = make_client()
    vc = _issued(client, "di")
    assert client.post("/credentials/verify", json={"verifiableCredential": vc}).status_code == 200
    r = client.post("/credentials/verify", json={"verifiableCredential": prefix + json.dumps(vc)})
    assert r.status_code == 400, r.text
    assert r.json()["code"] == "service.bad_request"
    assert r.json().get("verified") is not True


def test_a_presentation_as_json_text_in_a_string_is_refused(make_client: Any) -> None:
    client = make_client()
    vp = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"]}
    r = client.post("/presentations/verify", json={"verifiablePresentation": json.dumps(vp),
                                                    "options": {"challenge": "c"}})
    assert r.status_code == 400, r.text
    assert r.json()["code"] == "service.bad_request"


def test_a_compact_token_in_a_string_still_verifies(make_client: Any) -> None:
    """The refusal above is for JSON text only: a vc+jwt compact JWS is a string by nature."""
    client = make_client()
    enveloped = _issued(client, "vc+jwt")
    token = enveloped["id"].split(",", 1)[1]
    r = client.post("/credentials/verify", json={"verifiableCredential": token})
    assert r.status_code == 200, r.text
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert client.post("/credentials/verify", json={"verifiableCredential": forged}).status_code == 422


JSON_ACCEPT = "application/ld+json, application/json"  # what the suites' HTTP client asks for


def _list_url(vc: dict[str, Any]) -> str:
    url = vc["credentialStatus"]["statusListCredential"]
    assert isinstance(url, str)
    return url.removeprefix("https://issuer.example.go.th")


def test_a_di_issuer_publishes_its_status_list_as_data_integrity(make_client: Any) -> None:
    """vc-bitstring-status-list: a service issuing Data Integrity credentials serves a JSON list
    credential (secured the same way), so a JSON-LD verifier can read it; labelled with a JSON media
    type when the client accepts only those (VCDM 2.0, Media Type Precision), ``application/vc`` otherwise."""
    client = make_client(environ={"THAIVC_ISSUER__DEFAULT_FORMAT": "di"})
    vc = _issued(client, "di")
    url = _list_url(vc)
    r = client.get(url, headers={"Accept": JSON_ACCEPT})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/ld+json")
    listed = r.json()
    assert "BitstringStatusListCredential" in listed["type"]
    assert listed["proof"]["type"] == "DataIntegrityProof"
    assert client.post("/credentials/verify", json={"verifiableCredential": listed}).status_code == 200
    precise = client.get(url, headers={"Accept": "application/vc"})
    assert precise.headers["content-type"].startswith("application/vc")
    assert precise.json() == listed
    assert client.get(url).headers["content-type"].startswith("application/vc")
    # the credential's own status check reads the same list: still verifies, and a revocation counts
    assert client.post("/credentials/verify", json={"verifiableCredential": vc}).status_code == 200
    revoked = client.post("/admin/status/revoke", json={"ids": [vc["id"]]}, headers=admin_headers())
    assert revoked.status_code == 200, revoked.text
    verdict = client.post("/credentials/verify", json={"verifiableCredential": vc})
    assert verdict.status_code == 422 and verdict.json()["code"] == "status.revoked", verdict.text


def test_a_jwt_issuer_keeps_its_status_list_a_jwt(make_client: Any) -> None:
    """The default (vc+jwt) service is unchanged: a compact JWS, whatever the client accepts."""
    client = make_client()
    url = _list_url(_issued(client, "di"))
    r = client.get(url, headers={"Accept": JSON_ACCEPT})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/vc+jwt")
    assert r.text.count(".") == 2
