"""The proof API on its own: suites registry, add_proof arguments, verify_proofs edge cases."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from thaivc import Issuer, Verifier
from thaivc.core.clock import FixedClock
from thaivc.core.errors import Indeterminate, InputError, ThaiVCError, UsageError
from thaivc.di import (
    EDDSA_JCS_2022,
    CryptosuiteRegistry,
    ProofSetPolicy,
    add_proof,
    default_cryptosuite,
    verify_proofs,
)
from thaivc.did import DidDocument, UniversalResolver
from thaivc.testing.plugin import seeded_key

CLOCK = FixedClock.at("2026-06-01T00:00:00Z")
V2 = "https://www.w3.org/ns/credentials/v2"


def credential(issuer: str) -> dict[str, Any]:
    return {
        "@context": [V2],
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "credentialSubject": {"id": "did:example:somchai"},
    }


def test_registry_is_deny_by_default() -> None:
    registry = CryptosuiteRegistry()
    assert set(registry) == {"eddsa-rdfc-2022", "eddsa-jcs-2022", "ecdsa-rdfc-2019", "ecdsa-jcs-2019", "ecdsa-sd-2023"}
    for name in ("eddsa-jcs-2O22", "EDDSA-RDFC-2022", "", "bbs-2023"):
        assert name not in registry
        with pytest.raises(InputError) as info:
            registry.get(name)
        assert info.value.code == "di.proof_invalid"
    with pytest.raises(InputError):
        registry.get(["eddsa-rdfc-2022"])


def test_suite_hashes_follow_the_key_type() -> None:
    registry = CryptosuiteRegistry()
    assert registry.get("ecdsa-rdfc-2019").hash_for("P-384") == "sha384"
    assert registry.get("ecdsa-jcs-2019").hash_for("P-256") == "sha256"
    with pytest.raises(InputError, match="mismatch"):
        registry.get("eddsa-rdfc-2022").hash_for("P-256")
    assert default_cryptosuite("Ed25519") == "eddsa-rdfc-2022"
    assert default_cryptosuite("P-384") == "ecdsa-rdfc-2019"


def test_a_narrowed_registry_refuses_other_suites() -> None:
    key = seeded_key("api")
    signed = add_proof(credential(key.did), key, "eddsa-rdfc-2022", clock=CLOCK)
    only_jcs = CryptosuiteRegistry([EDDSA_JCS_2022])
    result = verify_proofs(signed, clock=CLOCK, suites=only_jcs)
    assert not result.verified and result.proofs[0].code == "di.proof_invalid"
    assert verify_proofs(signed, clock=CLOCK).verified


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"cryptosuite": "ecdsa-rdfc-2019"}, "cannot sign"),
        ({"proof_purpose": "everything"}, "purpose"),
        ({"previous_proof": "urn:absent"}, "previous_proof"),
        ({"previous_proof": []}, "previous_proof"),
        ({"proof_id": ""}, "proof id"),
    ],
)
def test_add_proof_argument_errors(kwargs: dict[str, Any], message: str) -> None:
    key = seeded_key("api")
    with pytest.raises(UsageError, match=message):
        add_proof(credential(key.did), key, clock=CLOCK, **kwargs)


def test_add_proof_unknown_suite_and_duplicate_id() -> None:
    key = seeded_key("api")
    with pytest.raises(ThaiVCError):
        add_proof(credential(key.did), key, "eddsa-2099", clock=CLOCK)
    once = add_proof(credential(key.did), key, proof_id="urn:p:1", clock=CLOCK)
    with pytest.raises(UsageError, match="already"):
        add_proof(once, key, proof_id="urn:p:1", clock=CLOCK)


def test_add_proof_leaves_the_input_and_earlier_proofs_alone() -> None:
    key, other = seeded_key("api"), seeded_key("api-2")
    first = add_proof(credential(key.did), key, clock=CLOCK)
    snapshot = copy.deepcopy(first)
    second = add_proof(first, other, "eddsa-jcs-2022", clock=CLOCK, expires="2027-01-01T00:00:00Z")
    assert first == snapshot
    assert second["proof"][0] == first["proof"]
    assert second["proof"][1]["expires"] == "2027-01-01T00:00:00Z"
    assert second["proof"][1]["created"] == "2026-06-01T00:00:00Z"


def test_add_proof_refuses_data_that_would_not_be_signed() -> None:
    key = seeded_key("api")
    with pytest.raises(ThaiVCError) as info:
        add_proof({"@context": [V2], "id": "relative"}, key, clock=CLOCK)
    assert info.value.code == "di.data_loss"


@pytest.mark.parametrize(
    ("document", "code"),
    [
        ({"@context": [V2]}, "di.proof_missing"),
        ({"@context": [V2], "proof": []}, "di.proof_missing"),
        ({"@context": [V2], "proof": "z123"}, "di.proof_malformed"),
        ({"@context": [V2], "proof": [{}] * 40}, "input.too_large"),
    ],
)
def test_verify_proofs_on_bad_shapes(document: dict[str, Any], code: str) -> None:
    result = verify_proofs(document, clock=CLOCK)
    assert not result.verified
    assert result.proofs[0].code == code


def test_verify_proofs_never_raises_on_a_non_object() -> None:
    result = verify_proofs("not a document", clock=CLOCK)  # type: ignore[arg-type]
    assert not result.verified and result.proofs[0].code == "di.proof_invalid"


def test_two_proofs_with_one_id_both_fail() -> None:
    key = seeded_key("api")
    signed = add_proof(credential(key.did), key, proof_id="urn:p:1", clock=CLOCK)
    twin = copy.deepcopy(signed["proof"])
    signed["proof"] = [signed["proof"], twin]
    result = verify_proofs(signed, clock=CLOCK)
    assert [p.code for p in result.proofs] == ["di.proof_invalid", "di.proof_invalid"]


class _DownResolver:
    def resolve(self, did: str) -> DidDocument:
        raise Indeterminate("did.resolver_unavailable", "the DID service is down")


def test_unreachable_controller_is_indeterminate_not_valid() -> None:
    key = seeded_key("api").bind("did:web:registrar.example", "did:web:registrar.example#k")
    signed = add_proof(credential("did:web:registrar.example"), key, clock=CLOCK)
    resolver = UniversalResolver({"web": _DownResolver()})
    result = verify_proofs(signed, clock=CLOCK, resolver=resolver)
    assert not result.verified and result.indeterminate
    assert result.proofs[0].status == "indeterminate"
    report = Verifier(clock=CLOCK, resolver=resolver).check(signed)
    assert report.status == "indeterminate"
    assert report.document is None


def test_policy_validation() -> None:
    with pytest.raises(UsageError):
        ProofSetPolicy(min_proofs=1)
    with pytest.raises(UsageError):
        ProofSetPolicy(min_proofs=3, from_methods=["did:key:a", "did:key:b"])
    with pytest.raises(UsageError):
        ProofSetPolicy([""])
    with pytest.raises(UsageError):
        ProofSetPolicy(min_proofs=-1, from_methods=["did:key:a"])
    policy = ProofSetPolicy(["did:key:a#a"], min_proofs=1, from_methods=["did:key:b"])
    assert policy.names("did:key:a#a", "did:key:a") and policy.names("did:key:b#b", "did:key:b")
    assert not policy.names("did:key:c#c", "did:key:c")


def test_required_signers_by_did() -> None:
    company, director = seeded_key("api-company"), seeded_key("api-director")
    both = add_proof(add_proof(credential(company.did), company, clock=CLOCK), director, clock=CLOCK)
    policy = ProofSetPolicy([company.did, director.did])
    result = verify_proofs(both, clock=CLOCK, expected_controller=company.did, policy=policy)
    assert result.verified
    assert result.controllers == {company.did, director.did}


def test_issuer_add_proof_builds_a_set_that_the_verifier_reports_per_proof() -> None:
    key = seeded_key("api")
    issuer = Issuer(key, clock=CLOCK)
    signed = issuer.issue(credential(key.did), format="di", cryptosuite="eddsa-jcs-2022")
    both = issuer.add_proof(signed)
    assert [p["cryptosuite"] for p in both["proof"]] == ["eddsa-jcs-2022", "eddsa-rdfc-2022"]
    report = Verifier(clock=CLOCK).check(both)
    assert report.ok
    assert [c.name for c in report.checks if c.name.startswith("proof")] == ["proof[0]", "proof[1]"]
    assert report.details["proof_controllers"] == [key.did]


def test_issue_di_refuses_disclosable() -> None:
    key = seeded_key("api")
    with pytest.raises(UsageError):
        Issuer(key, clock=CLOCK).issue(credential(key.did), format="di", disclosable=["/credentialSubject/id"])


def test_verifier_time_checks_apply_to_di() -> None:
    key = seeded_key("api")
    doc = {**credential(key.did), "validUntil": "2026-03-01T00:00:00Z"}
    signed = Issuer(key, clock=FixedClock.at("2026-01-01T00:00:00Z")).issue(doc, format="di")
    report = Verifier(clock=CLOCK).check(signed)
    assert report.status == "failed" and report.codes == ["time.expired"]
    assert report.check("proof[0]") is not None


def test_json_ld_shape_cache_never_hides_data_loss() -> None:
    """A second credential of an already-checked shape is still refused when a value would be lost."""
    from thaivc.contexts import ContextRegistry

    key = seeded_key("api-shape")
    verifier = Verifier(clock=CLOCK, contexts=ContextRegistry.default())
    issuer = Issuer(key, clock=CLOCK)

    def doc(friend: str, given: str) -> dict[str, Any]:
        return {
            "@context": [V2, "https://www.w3.org/ns/credentials/examples/v2"],
            "type": ["VerifiableCredential"],
            "credentialSubject": {"id": "did:example:somchai", "givenName": given, "knows": {"id": friend}},
        }

    assert verifier.check(issuer.issue(doc("did:example:friend", "สมชาย"), format="di")).ok
    assert verifier.check(issuer.issue(doc("did:example:other", "สมหญิง"), format="di")).ok  # served by the cache
    for friend in ("friend", "_:b0", "https://relative-iri.invalid/x"):
        signed = issuer.issue(doc("did:example:friend", "สมศรี"), format="di")
        signed["credentialSubject"]["knows"]["id"] = friend
        report = verifier.check(signed)
        assert not report.ok
        assert report.codes[0] in {"di.data_loss", "di.proof_invalid"}
    relative = issuer.issue(doc("did:example:friend", "สมศรี"), format="di")
    relative["credentialSubject"]["knows"]["id"] = "friend"
    assert verifier.check(relative).codes == ["di.data_loss"]


def test_di_presentation_carries_an_enveloped_jwt_and_an_embedded_di_credential() -> None:
    from thaivc import Holder

    agency, citizen = seeded_key("api-agency"), seeded_key("api-citizen", "P-256")
    issuer = Issuer(agency, clock=CLOCK)
    subject = {**credential(agency.did), "credentialSubject": {"id": citizen.did}}
    token = issuer.issue(subject)
    signed = issuer.issue(subject, format="di", cryptosuite="eddsa-jcs-2022")
    holder = Holder(citizen, clock=CLOCK)
    vp = holder.present([token, signed], format="di", challenge="n-1", domain="https://rd.go.th")
    assert vp["proof"]["cryptosuite"] == "ecdsa-rdfc-2019"
    assert vp["verifiableCredential"][0]["type"] == "EnvelopedVerifiableCredential"
    report = Verifier(clock=CLOCK).check(vp, challenge="n-1", domain="https://rd.go.th")
    assert report.ok, report.to_json()
    assert [child.format for child in report.children] == ["vc+jwt", "di"]

    forged = copy.deepcopy(signed)
    forged["credentialSubject"]["id"] = "did:example:someone-else"
    vp = holder.present([token, forged], format="di", challenge="n-2")
    report = Verifier(clock=CLOCK).check(vp, challenge="n-2")
    assert report.status == "failed"
    assert "vp.credential_invalid" in report.codes
    assert report.check("credential[0]").status == "pass"  # type: ignore[union-attr]
    assert report.check("credential[1]").status == "fail"  # type: ignore[union-attr]


def test_proof_value_decoder_agrees_with_the_key_codec() -> None:
    import os

    from thaivc.di.multibase import _b58decode
    from thaivc.keys._base58 import b58decode, b58encode

    for size in (0, 1, 2, 32, 64, 96):
        for prefix in (b"", b"\0", b"\0\0"):
            data = prefix + os.urandom(size)
            assert _b58decode(b58encode(data)) == b58decode(b58encode(data)) == data
    for bad in ("0abc", "Iabc", "lO", "ก", "abc\n"):
        with pytest.raises(InputError):
            _b58decode(bad)


def test_jcs_document_with_an_appended_context_verifies_only_when_allowed() -> None:
    """eddsa-jcs-2022: the proof's @context must be a prefix; the hash uses the proof's @context.

    The appended contexts are unsigned, so the spec's extension takes ``allow_context_extension``.
    """
    key = seeded_key("api")
    signed = add_proof(credential(key.did), key, "eddsa-jcs-2022", clock=CLOCK)
    assert signed["proof"]["@context"] == [V2]
    signed["@context"] = [V2, "https://www.w3.org/ns/credentials/examples/v2"]
    assert verify_proofs(signed, clock=CLOCK, allow_context_extension=True).verified
    refused = verify_proofs(signed, clock=CLOCK)
    assert not refused.verified and refused.proofs[0].code == "di.context_mismatch"
    signed["@context"] = ["https://www.w3.org/ns/credentials/examples/v2", V2]
    result = verify_proofs(signed, clock=CLOCK, allow_context_extension=True)
    assert not result.verified and "prefix" in result.proofs[0].detail


def test_rdfc_issuance_refuses_terms_that_would_not_be_signed() -> None:
    """A type or property the contexts do not define would be dropped from an RDFC signature:
    the issuer refuses it (di.data_loss) instead of producing a proof no verifier accepts."""
    import thaivc

    key = thaivc.generate_key()
    doc = {
        "@context": [V2],
        "type": ["VerifiableCredential", "UndefinedCredentialType"],
        "credentialSubject": {"id": key.did},
    }
    with pytest.raises(ThaiVCError) as info:
        thaivc.Issuer(key, clock=CLOCK).issue(doc, format="di", cryptosuite="eddsa-rdfc-2022")
    assert info.value.code == "di.data_loss"
    # JCS signs the JSON itself, so the same document can be secured with eddsa-jcs-2022
    assert thaivc.Issuer(key, clock=CLOCK).issue(doc, format="di", cryptosuite="eddsa-jcs-2022")["proof"]
