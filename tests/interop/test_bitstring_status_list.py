"""Bitstring Status List across implementations: lists thaivc publishes read by Digital Bazaar's
``@digitalbazaar/vc-bitstring-status-list``, and lists that library encodes read by thaivc's status
checker end to end (a revoked credential fails, the others verify). Bit order, GZIP and multibase
base64url must agree exactly: one bit off and the wrong citizen is revoked."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from thaivc import Issuer, Verifier
from thaivc.core.clock import FixedClock
from thaivc.keys import generate_key
from thaivc.status import (
    RegistryFetcher,
    SqliteStatusStore,
    StaticFetcher,
    StatusChecker,
    StatusRegistry,
    publish_lists,
)

from .matrix import THEY_TO_US, US_TO_THEM
from .node import require, run

pytestmark = pytest.mark.interop
FORMAT = "Bitstring Status List (revocation bits, GZIP, multibase)"
PEER = "@digitalbazaar/vc-bitstring-status-list"
CLOCK = FixedClock.at("2026-06-01T00:00:00Z")
V2 = "https://www.w3.org/ns/credentials/v2"


@pytest.fixture(autouse=True)
def _driver() -> None:
    require(PEER)


def _credential(number: int, status: dict[str, Any] | None = None) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@context": [V2],
        "id": f"urn:uuid:00000000-0000-4000-8000-{number:012d}",
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": f"did:example:citizen-{number}"},
    }
    if status is not None:
        doc["credentialStatus"] = status
    return doc


@pytest.mark.matrix(FORMAT, PEER, US_TO_THEM)
def test_lists_thaivc_publishes_are_read_bit_for_bit(tmp_path: Path) -> None:
    issuer = Issuer(generate_key("Ed25519"), clock=CLOCK)
    registry = StatusRegistry(SqliteStatusStore(tmp_path / "status.db"), base_url="https://status.example.go.th/lists",
                              issuer_id=issuer.issuer_id, clock=CLOCK)
    tokens = [issuer.issue(_credential(n), status=registry) for n in range(6)]
    assert len(tokens) == 6
    entries = [registry.entry_for(_credential(n)["id"], "revocation") for n in range(6)]
    indexes = [int(e["statusListIndex"]) for e in entries]
    revoked = {1, 4}
    for n in revoked:
        registry.revoke(_credential(n)["id"])
    (publication,) = publish_lists(registry, issuer, formats=("w3c",), list_format="di")
    document = json.loads(publication.body)
    answer = run("bsl.mjs", {"op": "read", "encodedList": document["credentialSubject"]["encodedList"],
                             "indexes": indexes})
    assert answer["bits"] == [n in revoked for n in range(6)]
    assert answer["length"] >= 131_072  # the spec's minimum, for herd privacy


@pytest.mark.matrix(FORMAT, PEER, THEY_TO_US)
def test_lists_the_peer_encodes_revoke_exactly_the_set_bits() -> None:
    url = "https://status.example.go.th/lists/js-1"
    set_bits = [3, 8, 131_071]
    made = run("bsl.mjs", {"op": "make", "id": url, "length": 131_072, "set": set_bits, "purpose": "revocation"})
    issuer = Issuer(generate_key("Ed25519"), clock=CLOCK)
    list_credential = dict(made["credential"], issuer=issuer.issuer_id, validFrom="2026-05-31T00:00:00Z")
    checker = StatusChecker(StaticFetcher({url: issuer.issue(list_credential)}))
    verifier = Verifier(clock=CLOCK, status_checker=checker)
    for index in (0, 3, 7, 8, 9, 131_071):
        entry = {"id": f"{url}#{index}", "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
                 "statusListIndex": str(index), "statusListCredential": url}
        report = verifier.check(issuer.issue(_credential(index, entry)))
        if index in set_bits:
            assert report.status == "failed" and "status.revoked" in report.all_codes, (index, report.codes)
        else:
            assert report.status == "verified", (index, report.codes)


def test_a_list_the_peer_encodes_is_not_read_without_its_signature() -> None:
    """The peer's list is unsigned: served as it comes, thaivc refuses to read its bits."""
    url = "https://status.example.go.th/lists/js-2"
    made = run("bsl.mjs", {"op": "make", "id": url, "length": 131_072, "set": [], "purpose": "revocation"})
    issuer = Issuer(generate_key("Ed25519"), clock=CLOCK)
    checker = StatusChecker(StaticFetcher({url: json.dumps(made["credential"])}))
    entry = {"id": f"{url}#0", "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
             "statusListIndex": "0", "statusListCredential": url}
    report = Verifier(clock=CLOCK, status_checker=checker).check(issuer.issue(_credential(0, entry)))
    assert report.status != "verified"


def test_registry_fetcher_is_the_same_list_the_peer_read(tmp_path: Path) -> None:
    """The body the peer decoded is the body thaivc's own checker serves from the registry."""
    issuer = Issuer(generate_key("Ed25519"), clock=CLOCK)
    registry = StatusRegistry(SqliteStatusStore(tmp_path / "status.db"), base_url="https://status.example.go.th/lists",
                              issuer_id=issuer.issuer_id, clock=CLOCK)
    token = issuer.issue(_credential(7), status=registry)
    registry.revoke(_credential(7)["id"])
    publish_lists(registry, issuer, formats=("w3c",), list_format="di")
    report = Verifier(clock=CLOCK, status_checker=StatusChecker(RegistryFetcher(registry))).check(token)
    assert "status.revoked" in report.all_codes
