"""docs/security.md group E, cases 24-34: hostile Data Integrity input, each with its exact code.

Every case goes through ``Verifier.check`` (the public entry point) unless it is about the proof-set
machinery itself, and asserts the problem code and, where docs/security.md names one, the W3C type.
"""

from __future__ import annotations

import copy
import socket
from typing import Any

import pytest

from thaivc import Holder, Issuer, Verifier
from thaivc.core.clock import FixedClock
from thaivc.core.report import VerificationReport
from thaivc.di import ProofSetPolicy, add_proof, verify_proofs
from thaivc.did import DidDocument, DidKeyResolver, UniversalResolver
from thaivc.engine.policy import Policy
from thaivc.keys import PrivateKey
from thaivc.testing.plugin import seeded_key

NOW = "2026-06-01T00:00:00Z"
V2 = "https://www.w3.org/ns/credentials/v2"
EXAMPLES = "https://www.w3.org/ns/credentials/examples/v2"
REGISTRAR = "did:web:registrar.example"


def clock() -> FixedClock:
    return FixedClock.at(NOW)


def credential(issuer: str, *, contexts: tuple[str, ...] = (V2,)) -> dict[str, Any]:
    """A credential that uses only terms the v2 context defines (no @vocab to hide data loss)."""
    return {
        "@context": list(contexts),
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "name": "ใบรับรอง",
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:somchai"},
    }


@pytest.fixture(scope="module")
def key() -> PrivateKey:
    return seeded_key("e-issuer")


def sign(key: PrivateKey, suite: str = "eddsa-rdfc-2022", **options: Any) -> dict[str, Any]:
    return Issuer(key, clock=clock()).issue(credential(key.did), format="di", cryptosuite=suite, **options)


def check(doc: Any, *, verifier: Verifier | None = None, **kwargs: Any) -> VerificationReport:
    return (verifier or Verifier(clock=clock())).check(doc, **kwargs)


def assert_problem(report: VerificationReport, code: str, w3c_type: str | None = None) -> None:
    assert report.status == "failed", report.to_json()
    assert code in report.codes, report.codes
    if w3c_type is not None:
        problem = next(p for p in report.problems if p.code == code)
        assert problem.type is not None and problem.type.endswith("#" + w3c_type)


def test_baseline_signed_credential_verifies(key: PrivateKey) -> None:
    for suite in ("eddsa-rdfc-2022", "eddsa-jcs-2022"):
        report = check(sign(key, suite))
        assert report.ok, report.to_json()


# -- 24. base context -------------------------------------------------------------------------


def test_sec24_base_context_not_first(key: PrivateKey) -> None:
    signed = sign(key)
    signed["@context"] = [EXAMPLES, V2]
    assert_problem(check(signed), "vc.context_invalid", "MALFORMED_VALUE_ERROR")


def test_sec24_context_missing(key: PrivateKey) -> None:
    signed = sign(key)
    del signed["@context"]
    assert_problem(check(signed), "vc.context_invalid", "MALFORMED_VALUE_ERROR")


# -- 25. unknown remote context, never fetched ------------------------------------------------


def test_sec25_unknown_remote_context_is_refused_without_network(
    key: PrivateKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    attempts: list[object] = []

    def no_network(self: socket.socket, address: object) -> None:
        attempts.append(address)
        raise OSError("network use in a test")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    signed = sign(key)
    signed["@context"] = [V2, "https://ctx.attacker.example/v1"]
    report = check(signed)
    assert_problem(report, "di.context_not_allowed", "PROOF_VERIFICATION_ERROR")
    assert attempts == []


# -- 26. context injection --------------------------------------------------------------------


def test_sec26_inline_context_redefines_a_term(key: PrivateKey) -> None:
    signed = sign(key)
    signed["@context"] = [V2, {"name": "https://evil.example/#name"}]
    assert_problem(check(signed), "di.context_not_allowed")


def test_sec26_nested_context_in_subject(key: PrivateKey) -> None:
    signed = sign(key)
    signed["credentialSubject"]["@context"] = {"id": "@id"}
    assert_problem(check(signed), "di.context_not_allowed")


@pytest.mark.parametrize("keyword", ["@vocab", "@base"])
def test_sec26_vocab_or_base_set(key: PrivateKey, keyword: str) -> None:
    signed = sign(key)
    signed["@context"] = [V2, {keyword: "https://evil.example/"}]
    assert_problem(check(signed), "di.vocab_not_allowed")


# -- 27. unsigned data riding on an RDFC proof -------------------------------------------------


def test_sec27_undefined_property_added(key: PrivateKey) -> None:
    signed = sign(key)
    signed["credentialSubject"]["entitledTo"] = "everything"
    assert_problem(check(signed), "di.data_loss", "DATA_LOSS_DETECTION_ERROR")


def test_sec27_relative_iri_id_added(key: PrivateKey) -> None:
    signed = sign(key)
    signed["credentialSubject"]["id"] = "somchai"
    # the proof layer on its own: the relative IRI would produce no statement, so it is data loss
    result = verify_proofs(signed, clock=clock())
    assert not result.verified
    problem = result.problems[0]
    assert problem.code == "di.data_loss"
    assert problem.type is not None and problem.type.endswith("#DATA_LOSS_DETECTION_ERROR")
    # the verifier's data-model check refuses the relative id even before that
    assert_problem(check(signed), "vc.id_invalid", "MALFORMED_VALUE_ERROR")


def test_sec27_empty_canonical_form(key: PrivateKey) -> None:
    """A document whose every statement hangs off a relative IRI canonicalises to nothing."""
    doc = {"@context": [V2], "id": "relative", "name": "x"}
    signed = add_proof({"@context": [V2], "id": "urn:uuid:1", "name": "x"}, key, clock=clock())
    signed.update(doc)
    result = verify_proofs(signed, clock=clock(), jsonld_checked=True)
    assert not result.verified
    assert result.proofs[0].code == "di.data_loss"


# -- 28. eddsa-jcs-2022 context prefix ---------------------------------------------------------


def test_sec28_jcs_proof_context_not_a_prefix(key: PrivateKey) -> None:
    issued = Issuer(key, clock=clock()).issue(
        credential(key.did, contexts=(V2, EXAMPLES)), format="di", cryptosuite="eddsa-jcs-2022"
    )
    assert check(issued).ok
    issued["@context"] = [V2]
    report = check(issued)
    assert_problem(report, "di.proof_invalid", "PROOF_VERIFICATION_ERROR")
    assert "prefix" in next(p.detail for p in report.problems if p.code == "di.proof_invalid")


# -- 29. malformed proofs ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "mutation",
    [
        pytest.param(lambda p: p.pop("type"), id="type-missing"),
        pytest.param(lambda p: p.pop("verificationMethod"), id="vm-missing"),
        pytest.param(lambda p: p.pop("proofPurpose"), id="purpose-missing"),
        pytest.param(lambda p: p.update(type="Ed25519Signature2020"), id="type-not-DataIntegrityProof"),
        pytest.param(lambda p: p.update(cryptosuite="eddsa-jcs-2O22"), id="misspelled-cryptosuite"),
        pytest.param(lambda p: p.update(cryptosuite="eddsa-2022"), id="unknown-cryptosuite"),
        pytest.param(lambda p: p.update(proofValue="u" + p["proofValue"][1:]), id="proofValue-not-base58btc"),
        pytest.param(lambda p: p.update(proofValue=p["proofValue"] + "0"), id="proofValue-bad-alphabet"),
        pytest.param(lambda p: p.update(proofValue=p["proofValue"][:-4]), id="proofValue-truncated"),
    ],
)
def test_sec29_malformed_proof(key: PrivateKey, mutation: Any) -> None:
    signed = sign(key)
    mutation(signed["proof"])
    assert_problem(check(signed), "di.proof_invalid", "PROOF_VERIFICATION_ERROR")


def test_sec29_cryptosuite_key_mismatch() -> None:
    p256 = seeded_key("e-p256", "P-256")
    signed = Issuer(p256, clock=clock()).issue(credential(p256.did), format="di", cryptosuite="ecdsa-rdfc-2019")
    assert check(signed).ok
    signed["proof"]["cryptosuite"] = "eddsa-rdfc-2022"
    report = check(signed)
    assert_problem(report, "di.proof_invalid", "PROOF_VERIFICATION_ERROR")
    assert "mismatch" in report.problems[0].detail


# -- 30. proof purpose -------------------------------------------------------------------------


def test_sec30_authentication_purpose_on_a_credential(key: PrivateKey) -> None:
    signed = sign(key, proof_purpose="authentication")
    assert_problem(check(signed), "di.proof_invalid", "PROOF_VERIFICATION_ERROR")


def test_sec30_assertion_purpose_on_a_presentation(key: PrivateKey) -> None:
    holder_key = seeded_key("e-holder")
    vc = Issuer(key, clock=clock()).issue(
        {**credential(key.did), "credentialSubject": {"id": holder_key.did}}, format="di"
    )
    vp = Holder(holder_key, clock=clock()).presentation([vc])
    bad = add_proof(vp, holder_key, challenge="c-1", proof_purpose="assertionMethod", clock=clock())
    assert_problem(check(bad, challenge="c-1"), "di.proof_invalid", "PROOF_VERIFICATION_ERROR")
    good = Holder(holder_key, clock=clock()).present([vc], format="di", challenge="c-2")
    assert check(good, challenge="c-2").ok


# -- 31. verification method not controlled by the issuer -------------------------------------


class _WebResolver:
    """A fixed did:web world: the registrar and an attacker's document."""

    def __init__(self, docs: dict[str, dict[str, Any]]) -> None:
        self.docs = docs

    def resolve(self, did: str) -> DidDocument:
        return DidDocument.from_json(self.docs[did], expected_id=did)


def _vm(did: str, fragment: str, key: PrivateKey, controller: str | None = None) -> dict[str, Any]:
    return {
        "id": f"{did}#{fragment}",
        "type": "Multikey",
        "controller": controller or did,
        "publicKeyMultibase": key.public_key.multikey,
    }


@pytest.fixture(scope="module")
def web_world() -> tuple[Verifier, dict[str, PrivateKey]]:
    keys = {name: seeded_key(f"e-31-{name}") for name in ("signing", "other", "evil")}
    registrar = {
        "id": REGISTRAR,
        "verificationMethod": [_vm(REGISTRAR, "signing", keys["signing"]), _vm(REGISTRAR, "other", keys["other"])],
        "assertionMethod": [f"{REGISTRAR}#signing"],
    }
    evil_did = "did:web:evil.example"
    evil = {
        "id": evil_did,
        "verificationMethod": [_vm(evil_did, "k", keys["evil"], controller=REGISTRAR)],
        "assertionMethod": [f"{evil_did}#k"],
    }
    resolver = UniversalResolver({"key": DidKeyResolver(), "web": _WebResolver({REGISTRAR: registrar, evil_did: evil})})
    return Verifier(clock=clock(), resolver=resolver), keys


def _registrar_credential(signer: PrivateKey) -> dict[str, Any]:
    return add_proof(credential(REGISTRAR), signer, clock=clock())


def test_sec31_baseline_registrar_key_verifies(web_world: tuple[Verifier, dict[str, PrivateKey]]) -> None:
    verifier, keys = web_world
    signer = keys["signing"].bind(REGISTRAR, f"{REGISTRAR}#signing")
    assert check(_registrar_credential(signer), verifier=verifier).ok


def test_sec31a_attacker_did_key(web_world: tuple[Verifier, dict[str, PrivateKey]]) -> None:
    verifier, _ = web_world
    report = check(_registrar_credential(seeded_key("e-31-attacker")), verifier=verifier)
    assert_problem(report, "di.vm_not_authorized", "PROOF_VERIFICATION_ERROR")


def test_sec31b_method_not_in_assertion_method(web_world: tuple[Verifier, dict[str, PrivateKey]]) -> None:
    verifier, keys = web_world
    signer = keys["other"].bind(REGISTRAR, f"{REGISTRAR}#other")
    assert_problem(check(_registrar_credential(signer), verifier=verifier), "di.vm_not_authorized")


def test_sec31c_method_claims_issuer_as_controller(web_world: tuple[Verifier, dict[str, PrivateKey]]) -> None:
    verifier, keys = web_world
    signer = keys["evil"].bind("did:web:evil.example", "did:web:evil.example#k")
    assert_problem(check(_registrar_credential(signer), verifier=verifier), "di.vm_not_authorized")


# -- 32. proof timestamps ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [
        pytest.param({"expires": "2026-05-01T00:00:00Z"}, id="expired"),
        pytest.param({"created": "2026-06-01T00:10:00Z"}, id="created-in-future"),
        pytest.param({"created": "2026-01-01T00:00:00"}, id="created-without-offset"),
        pytest.param({"created": "1 January 2026"}, id="created-not-a-date"),
        pytest.param({"expires": "2027-01-01"}, id="expires-a-date-only"),
    ],
)
def test_sec32_proof_timestamps(key: PrivateKey, options: dict[str, str]) -> None:
    signed = sign(key, **options)
    assert_problem(check(signed), "di.proof_invalid", "PROOF_VERIFICATION_ERROR")


def test_sec32_created_within_skew_is_accepted(key: PrivateKey) -> None:
    assert check(sign(key, created="2026-06-01T00:04:00Z", expires="2026-06-02T00:00:00Z")).ok


# -- 33. proof sets ------------------------------------------------------------------------------


def test_sec33_one_invalid_member_fails_the_set(key: PrivateKey) -> None:
    signed = sign(key)
    second = Issuer(key, clock=clock()).add_proof(signed, cryptosuite="eddsa-jcs-2022")
    assert check(second).ok
    broken = copy.deepcopy(second)
    value = broken["proof"][1]["proofValue"]
    broken["proof"][1]["proofValue"] = value[:-2] + ("11" if value[-2:] != "11" else "22")
    report = check(broken)
    assert_problem(report, "di.proof_invalid", "PROOF_VERIFICATION_ERROR")
    assert report.check("proof[0]") is not None and report.check("proof[0]").status == "pass"  # type: ignore[union-attr]
    assert report.check("proof[1]") is not None and report.check("proof[1]").status == "fail"  # type: ignore[union-attr]


def test_sec33_stripped_cfo_proof_fails_the_policy() -> None:
    company = seeded_key("e-33-company")
    ceo, cfo = seeded_key("e-33-ceo"), seeded_key("e-33-cfo")
    doc = add_proof(credential(company.did), company, clock=clock())  # the issuer's own proof (L6)
    both = add_proof(add_proof(doc, ceo, clock=clock()), cfo, clock=clock())
    policy = ProofSetPolicy([ceo.kid, cfo.kid])
    verifier = Verifier(clock=clock(), proof_set_policy=policy)
    assert check(both, verifier=verifier).ok
    stripped = copy.deepcopy(both)
    stripped["proof"] = [p for p in stripped["proof"] if p["verificationMethod"] != cfo.kid]
    assert_problem(check(stripped, verifier=verifier), "di.proof_set_unsatisfied", "PROOF_VERIFICATION_ERROR")


def test_sec33_one_controller_signing_twice_counts_once() -> None:
    company = seeded_key("e-33-company")
    d1, d2, d3 = (seeded_key(f"e-33-director-{i}") for i in range(3))
    doc = add_proof(credential(company.did), company, clock=clock())  # the issuer's own proof (L6)
    twice = add_proof(add_proof(doc, d1, clock=clock()), d1, "eddsa-jcs-2022", clock=clock())
    policy = ProofSetPolicy(min_proofs=2, from_methods=[d1.did, d2.did, d3.did])
    result = verify_proofs(twice, clock=clock(), expected_controller=company.did, policy=policy)
    assert all(p.ok for p in result.proofs)
    assert not result.verified
    assert result.policy_problem is not None and result.policy_problem.code == "di.proof_set_unsatisfied"
    two = add_proof(twice, d3, clock=clock())
    assert verify_proofs(two, clock=clock(), expected_controller=company.did, policy=policy).verified


def test_sec33_unlisted_cosigner_is_not_the_issuer() -> None:
    company, stranger = seeded_key("e-33-company"), seeded_key("e-33-stranger")
    both = add_proof(add_proof(credential(company.did), company, clock=clock()), stranger, clock=clock())
    report = check(both)
    assert_problem(report, "di.vm_not_authorized", "PROOF_VERIFICATION_ERROR")


# -- 34. proof chains --------------------------------------------------------------------------


def _chain(key: PrivateKey) -> dict[str, Any]:
    doc = add_proof(credential(key.did), key, proof_id="urn:proof:a", clock=clock())
    doc = add_proof(doc, key, proof_id="urn:proof:b", previous_proof="urn:proof:a", clock=clock())
    return add_proof(doc, key, proof_id="urn:proof:c", previous_proof=["urn:proof:b"], clock=clock())


def test_sec34_baseline_chain_verifies(key: PrivateKey) -> None:
    report = check(_chain(key))
    assert report.ok, report.to_json()
    assert [c.name for c in report.checks if c.name.startswith("proof[")] == ["proof[0]", "proof[1]", "proof[2]"]


@pytest.mark.parametrize(
    "mutation",
    [
        pytest.param(lambda ps: ps[1].update(previousProof="urn:proof:absent"), id="absent-id"),
        pytest.param(lambda ps: ps[2].update(previousProof=["urn:proof:b", "urn:proof:absent"]), id="list-with-absent"),
        pytest.param(lambda ps: ps[1].update(previousProof=123), id="not-a-string"),
        pytest.param(lambda ps: ps[1].update(previousProof=[]), id="empty-list"),
        pytest.param(lambda ps: ps[1].update(previousProof="urn:proof:b"), id="self-reference"),
        pytest.param(lambda ps: ps[0].update(previousProof="urn:proof:b"), id="cycle-a-b-a"),
        pytest.param(lambda ps: ps.pop(0), id="truncated"),
    ],
)
def test_sec34_broken_chain(key: PrivateKey, mutation: Any) -> None:
    signed = _chain(key)
    mutation(signed["proof"])
    assert_problem(check(signed), "di.proof_invalid", "PROOF_VERIFICATION_ERROR")


# -- presentation binding (G.44/45 for DI) ------------------------------------------------------


def test_di_presentation_challenge_and_domain(key: PrivateKey) -> None:
    holder_key = seeded_key("e-holder")
    vc = Issuer(key, clock=clock()).issue(
        {**credential(key.did), "credentialSubject": {"id": holder_key.did}}, format="di"
    )
    vp = Holder(holder_key, clock=clock()).present([vc], format="di", challenge="n-1", domain="https://rd.go.th")
    verifier = Verifier(clock=clock(), policy=Policy(require_domain=True))
    assert_problem(
        check(vp, verifier=verifier, challenge="n-2", domain="https://rd.go.th"),
        "di.challenge_mismatch",
        "INVALID_CHALLENGE_ERROR",
    )
    assert_problem(
        check(vp, verifier=verifier, challenge="n-1", domain="https://other.example"),
        "di.domain_mismatch",
        "INVALID_DOMAIN_ERROR",
    )
    assert check(vp, verifier=verifier, challenge="n-1", domain="https://rd.go.th").ok
    assert_problem(check(vp, verifier=verifier, challenge="n-1", domain="https://rd.go.th"), "vp.challenge_replayed")
