"""DelegationCredential: building, parsing, and the directors' proof set."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from thaivc.core.errors import InputError, UsageError
from thaivc.delegation import (
    DELEGATION_TYPE,
    DiProofSuite,
    controllers_of,
    delegation_credential,
    juristic_issuer_id,
    parse_delegation,
    sign_as_director,
)
from thaivc.keys import generate_key

ATTORNEY = generate_key("Ed25519")
BASE: dict[str, Any] = {"grantor_id": "0995562000018", "grantor_name_th": "บริษัท สยามบัญชี จำกัด",
        "attorney_did": ATTORNEY.kid.split("#")[0], "attorney_citizen_id": "1999900001028",
        "acts": ["tax_filing"], "valid_from": "2026-03-01T00:00:00Z"}


def test_root_delegation_is_issued_by_the_company() -> None:
    doc = delegation_credential(**BASE, max_value_thb=1_000_000, sub_delegation_depth=1)
    assert doc["issuer"] == juristic_issuer_id("0995562000018") == "urn:thaivc:juristic:0995562000018"
    assert DELEGATION_TYPE in doc["type"]
    d = parse_delegation(doc)
    assert d.is_root and d.scope.max_value_thb == 1_000_000
    assert d.sub_delegation_allowed and d.max_depth == 1
    assert d.stamp_duty_class == "7a"


def test_stamp_duty_defaults_to_7b_for_several_acts() -> None:
    doc = delegation_credential(**{**BASE, "acts": ["tax_filing", "vat_filing"]})
    assert doc["credentialSubject"]["stampDutyClass"] == "7b"


@pytest.mark.parametrize("change", [
    {"acts": []}, {"acts": ["Tax"]}, {"acts": ["a", "a"]}, {"grantor_id": "0995562000019"},
    {"attorney_citizen_id": "1234567890123"}, {"attorney_did": "not-a-did"}, {"max_value_thb": -1},
    {"sub_delegation_depth": 11},
])
def test_builder_refuses_bad_fields(change: dict[str, object]) -> None:
    with pytest.raises((UsageError, InputError)):
        delegation_credential(**{**BASE, **change})


def test_both_or_neither_attorney_identifiers_are_refused() -> None:
    with pytest.raises(UsageError):
        delegation_credential(**{**BASE, "attorney_passport": "AA1234567"})
    no_id = {k: v for k, v in BASE.items() if k != "attorney_citizen_id"}
    with pytest.raises(UsageError):
        delegation_credential(**no_id)
    assert parse_delegation(delegation_credential(**no_id, attorney_passport="AA1234567"))


def test_directors_sign_one_at_a_time_into_a_proof_set() -> None:
    a, b = generate_key("Ed25519"), generate_key("P-256")
    doc = delegation_credential(**BASE)
    once = sign_as_director(doc, a)
    twice = sign_as_director(once, b)
    assert isinstance(twice["proof"], list) and len(twice["proof"]) == 2
    assert twice["proof"][0] == once["proof"]  # the first director's proof is untouched
    checks = DiProofSuite().verify(twice)
    assert all(c.ok for c in checks)
    assert controllers_of(checks) == [a.kid.split("#")[0], b.kid.split("#")[0]]


def test_the_same_key_cannot_sign_twice() -> None:
    a = generate_key("Ed25519")
    once = sign_as_director(delegation_credential(**BASE), a)
    with pytest.raises(UsageError):
        sign_as_director(once, a)


def test_tampering_after_signing_breaks_every_proof() -> None:
    doc = sign_as_director(sign_as_director(delegation_credential(**BASE), generate_key("Ed25519")),
                           generate_key("Ed25519"))
    forged = copy.deepcopy(doc)
    forged["credentialSubject"]["scope"]["acts"] = ["tax_filing", "loan_signing"]
    first, *rest = DiProofSuite().verify(forged)
    assert not first.ok and first.code == "di.proof_invalid"
    # one failed member decides the set: the others are not paid for (docs/security.md#l7)
    assert all(not c.ok and c.code is None and c.detail.startswith("not checked") for c in rest)


@pytest.mark.parametrize("mutate", [
    lambda p: p.update(proofValue="zzzz"),
    lambda p: p.update(proofValue="not-multibase"),
    lambda p: p.update(verificationMethod="did:key:z6Mk#bad"),
    lambda p: p.update(cryptosuite="ecdsa-jcs-2019"),
    lambda p: p.update(proofPurpose="authentication"),
    lambda p: p.update(previousProof="urn:x"),
])
def test_malformed_proofs_fail_closed(mutate: object) -> None:
    doc = sign_as_director(delegation_credential(**BASE), generate_key("Ed25519"))
    mutate(doc["proof"])  # type: ignore[operator]
    (check,) = DiProofSuite().verify(doc)
    assert not check.ok and check.controller is None and check.code


def test_duplicate_proofs_from_one_controller_count_once() -> None:
    a = generate_key("Ed25519")
    doc = sign_as_director(delegation_credential(**BASE), a)
    doc["proof"] = [doc["proof"], copy.deepcopy(doc["proof"])]
    checks = DiProofSuite().verify(doc)
    assert len(checks) == 2 and all(c.ok for c in checks)
    assert controllers_of(checks) == [a.kid.split("#")[0]]
