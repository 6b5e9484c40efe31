"""The verifier's separate status-list path (``thaivc.status.ListCredentialVerifier``).

The status package verifies lists through a protocol the verifier satisfies, not by copying the
verifier and overwriting its attributes. These are the attacker's cases for that seam: a list that
carries its own status (a loop), a list from an issuer the trust list does not know, a list over the
size cap, a token under a refused algorithm, and a verifier left exactly as it was.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from thaivc import Issuer, Policy, Verifier
from thaivc.core.clock import FixedClock
from thaivc.core.errors import ThaiVCError
from thaivc.keys import generate_key
from thaivc.status import (
    ListCredentialVerifier,
    ListIssuer,
    RegistryFetcher,
    SqliteStatusStore,
    StatusChecker,
    StatusRegistry,
    publish_lists,
    status_list_token_signer,
)
from thaivc.trust import StaticTrustList

BASE = "https://status.example.th/lists"
CLOCK = FixedClock.at("2026-03-01T09:00:00Z")


def _world(tmp_path: Path) -> tuple[Issuer, StatusRegistry]:
    issuer = Issuer(generate_key("Ed25519"), clock=CLOCK)
    registry = StatusRegistry(
        SqliteStatusStore(tmp_path / "status.db"), base_url=BASE, issuer_id=issuer.issuer_id, clock=CLOCK
    )
    registry.entry_for("urn:uuid:00000000-0000-4000-8000-000000000001", "revocation")
    return issuer, registry


def _w3c_list(issuer: Issuer, registry: StatusRegistry) -> str:
    [pub] = publish_lists(registry, issuer, formats=["w3c"])
    body = pub.body
    return body.decode() if isinstance(body, bytes) else str(body)


def test_verifier_satisfies_the_protocols(tmp_path: Path) -> None:
    issuer, _ = _world(tmp_path)
    verifier: ListCredentialVerifier = Verifier(clock=CLOCK)
    publisher: ListIssuer = issuer
    assert verifier.clock is CLOCK and publisher.issuer_id == issuer.issuer_id


def test_list_path_leaves_the_verifier_unchanged(tmp_path: Path) -> None:
    issuer, registry = _world(tmp_path)
    checker = StatusChecker(RegistryFetcher(registry))
    trust = StaticTrustList([])
    policy = Policy(max_bytes=4096)
    verifier = Verifier(policy, clock=CLOCK, status_checker=checker, trust=trust)
    report = verifier.check_status_list(_w3c_list(issuer, registry), max_bytes=8 * 1024 * 1024)
    assert report.ok, report.problems
    assert verifier.policy is policy and verifier.policy.max_bytes == 4096
    assert verifier.status_checker is checker and verifier.trust is trust and verifier.proof_set_policy is None


def test_list_path_consults_no_trust_source(tmp_path: Path) -> None:
    """Whether a list's signer may speak for a credential is the checker's decision, per credential:
    a trust list that knows no one must not refuse the list itself."""
    issuer, registry = _world(tmp_path)
    verifier = Verifier(clock=CLOCK, trust=StaticTrustList([]))
    listed = _w3c_list(issuer, registry)
    assert verifier.check(listed).status == "failed"  # as an ordinary credential: untrusted
    assert verifier.check_status_list(listed, max_bytes=8 * 1024 * 1024).ok


def test_list_carrying_its_own_status_cannot_loop(tmp_path: Path) -> None:
    """A list credential with ``credentialStatus`` is not checked against itself: could not decide."""
    issuer, registry = _world(tmp_path)
    checker = StatusChecker(RegistryFetcher(registry))
    verifier = Verifier(clock=CLOCK, status_checker=checker)
    looping = issuer.issue(
        {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "credentialSubject": {"id": f"{BASE}/1#list", "type": "BitstringStatusList",
                                  "statusPurpose": "revocation", "encodedList": "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"},
        },
        status=registry,
    )
    report = verifier.check_status_list(looping, max_bytes=8 * 1024 * 1024)
    assert report.status == "indeterminate"
    assert [c.code for c in report.checks if c.name == "status"] == ["status.not_checked"]


def test_list_over_the_cap_is_refused(tmp_path: Path) -> None:
    issuer, registry = _world(tmp_path)
    listed = _w3c_list(issuer, registry)
    verifier = Verifier(Policy(max_bytes=256), clock=CLOCK)
    assert verifier.check_status_list(listed, max_bytes=len(listed) + 1).ok  # a list may exceed the policy's cap
    report = verifier.check_status_list(listed, max_bytes=64)  # but not the list cap
    assert report.status == "failed"
    assert report.problems[0].code == "input.too_large"


def test_token_key_refuses_an_algorithm_outside_policy(tmp_path: Path) -> None:
    issuer, registry = _world(tmp_path)
    [pub] = publish_lists(registry, issuer, formats=["ietf"])
    token = pub.body.decode() if isinstance(pub.body, bytes) else str(pub.body)
    header = json.loads(_b64(token.split(".")[0]))
    payload: dict[str, Any] = json.loads(_b64(token.split(".")[1]))
    strict = Verifier(Policy(allowed_algs=frozenset({"ES256"})), clock=CLOCK)
    with pytest.raises(ThaiVCError) as refused:
        strict.status_list_token_key(header, payload)
    assert refused.value.code == "jose.alg_not_allowed"
    assert Verifier(clock=CLOCK).status_list_token_key(header, payload) == issuer.key.public_key


def test_token_signed_with_another_key_is_refused(tmp_path: Path) -> None:
    """The token signer takes a key, not an issuer: a token naming the agency as ``iss`` but signed
    by another key is refused by the list path."""
    from thaivc.status import list_verifier

    issuer, registry = _world(tmp_path)
    [pub] = publish_lists(registry, issuer, formats=["ietf"])
    token = pub.body.decode() if isinstance(pub.body, bytes) else str(pub.body)
    payload = json.loads(_b64(token.split(".")[1]))
    forged = status_list_token_signer(generate_key("Ed25519"))(payload)
    verify = list_verifier(Verifier(clock=CLOCK))
    assert verify(token)["iss"] == issuer.issuer_id
    with pytest.raises(ThaiVCError) as refused:
        verify(forged)
    assert refused.value.code == "vc.issuer_key_mismatch"


def _b64(segment: str) -> bytes:
    import base64

    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
