"""Group L (the 2026 review), format verification: items 2, 6, 9, 10 and 18.

Every case goes through ``Verifier.check`` (the public entry point) unless it is about the proof
machinery itself (``verify_proofs``), and asserts the exact problem code.

* L2 — a copied credential is not a login: with a ``challenge`` or ``domain`` the top-level
  document must be a presentation that answers it, in every format.
* L6 — a co-signer cannot issue in someone else's name: a proof-set policy never stands in for the
  issuer's own proof, and it applies only to the credential types and issuers it is scoped to.
* L9 — malformed proof members get stable ``di.*`` codes, never ``internal.error``.
* L10 — the returned document holds only what was signed (RDFC: no ``null``/``[]`` members, no
  dropped keywords; JCS/RDFC: ``@context`` as signed; numbers in their signed form).
* L18 — every member of an RDFC proof is covered by the signature or refused.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from thaivc import Holder, Issuer, Verifier
from thaivc.core.clock import FixedClock
from thaivc.core.report import VerificationReport
from thaivc.di import ProofSetPolicy, add_proof, verify_proofs
from thaivc.engine.policy import Policy
from thaivc.keys import PrivateKey
from thaivc.testing.plugin import seeded_key

from .conftest import assert_first, assert_refused

NOW = "2026-06-01T00:00:00Z"
V2 = "https://www.w3.org/ns/credentials/v2"
EXAMPLES = "https://www.w3.org/ns/credentials/examples/v2"
DOPA = "did:web:dopa.go.th"
DOMAIN = "https://rd.go.th"
SUITES = ("eddsa-rdfc-2022", "eddsa-jcs-2022")


def clock() -> FixedClock:
    return FixedClock.at(NOW)


def credential(issuer: str, subject: str = "did:example:somchai", **extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@context": [V2],
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "name": "ใบรับรอง",
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": subject, **extra},
    }
    return doc


@pytest.fixture(scope="module")
def key() -> PrivateKey:
    return seeded_key("l-issuer")


@pytest.fixture(scope="module")
def holder() -> PrivateKey:
    return seeded_key("l-holder")


def sign(key: PrivateKey, suite: str = "eddsa-rdfc-2022", **extra: Any) -> dict[str, Any]:
    signed: dict[str, Any] = Issuer(key, clock=clock()).issue(
        credential(key.did, **extra), format="di", cryptosuite=suite
    )
    return signed


def verifier(**policy: Any) -> Verifier:
    return Verifier(clock=clock(), policy=Policy(**policy))


def check(doc: Any, **kwargs: Any) -> VerificationReport:
    return verifier().check(doc, **kwargs)


# -- L2. a copied credential is not a login ------------------------------------------------------


@pytest.mark.parametrize("suite", SUITES)
def test_l2_di_credential_with_challenge_is_refused(key: PrivateKey, suite: str) -> None:
    signed = sign(key, suite)
    assert check(signed).ok
    assert_refused(check(signed, challenge="c-1", domain=DOMAIN), "vp.challenge_mismatch")
    assert "vp.domain_mismatch" in check(signed, challenge="c-2", domain=DOMAIN).codes
    assert_refused(check(signed, challenge="c-3"), "vp.challenge_mismatch")
    assert_refused(check(signed, domain=DOMAIN), "vp.domain_mismatch")


@pytest.mark.parametrize("suite", SUITES)
def test_l2_refused_credential_does_not_consume_the_challenge(key: PrivateKey, holder: PrivateKey, suite: str) -> None:
    """The genuine reply still verifies after a copied credential was refused with its challenge."""
    vc = Issuer(key, clock=clock()).issue(credential(key.did, holder.did), format="di", cryptosuite=suite)
    vp = Holder(holder, clock=clock()).present([vc], format="di", challenge="n-1", domain=DOMAIN)
    v = verifier()
    assert_refused(v.check(vc, challenge="n-1", domain=DOMAIN), "vp.challenge_mismatch")
    assert v.check(vp, challenge="n-1", domain=DOMAIN).ok
    assert_refused(v.check(vp, challenge="n-1", domain=DOMAIN), "vp.challenge_replayed")  # now a replay


def test_l2_enveloped_and_jose_credentials_with_challenge_are_refused(key: PrivateKey, holder: PrivateKey) -> None:
    token = Issuer(key, clock=clock()).issue(credential(key.did, holder.did))
    envelope = {"@context": V2, "id": f"data:application/vc+jwt,{token}", "type": "EnvelopedVerifiableCredential"}
    for case, doc in (("vc+jwt", token), ("enveloped", envelope)):
        assert check(doc).ok, case
        assert_refused(check(doc, challenge="c"), "vp.challenge_mismatch", case=case)
        assert_refused(check(doc, domain=DOMAIN), "vp.domain_mismatch", case=case)


def _sd_jwt(key: PrivateKey, holder: PrivateKey) -> str:
    doc = credential(key.did, holder.did, name="สมหญิง")
    token: str = Issuer(key, clock=clock()).issue(doc, format="dc+sd-jwt", disclosable=["/credentialSubject/name"])
    return token


def test_l2_sd_jwt_without_key_binding_with_challenge_is_refused(key: PrivateKey, holder: PrivateKey) -> None:
    sd_jwt = _sd_jwt(key, holder)
    lax = verifier(require_key_binding=False)
    assert lax.check(sd_jwt).ok
    assert_refused(lax.check(sd_jwt, challenge="c-1"), "vp.challenge_mismatch")
    assert_refused(lax.check(sd_jwt, domain=DOMAIN), "vp.domain_mismatch")
    report = lax.check(sd_jwt, challenge="c-2", domain=DOMAIN)
    assert_refused(report, "vp.challenge_mismatch")
    assert "vp.domain_mismatch" in report.codes


def test_l2_sd_jwt_key_binding_is_checked_when_a_challenge_is_given(key: PrivateKey, holder: PrivateKey) -> None:
    """Not required by policy, but a caller who passes a challenge gets it checked and consumed."""
    sd_jwt = _sd_jwt(key, holder)
    reply = Holder(holder, clock=clock()).present([sd_jwt], format="dc+sd-jwt", challenge="n-1", domain=DOMAIN)
    lax = verifier(require_key_binding=False)
    assert lax.check(reply, challenge="n-2", domain=DOMAIN).status == "failed"
    assert lax.check(reply, challenge="n-1", domain="https://other.example").status == "failed"
    assert lax.check(reply, challenge="n-1", domain=DOMAIN).ok
    assert lax.check(reply, challenge="n-1", domain=DOMAIN).status == "failed"  # consumed once


# -- L6. a co-signer cannot issue in someone else's name ----------------------------------------


def _cosigned_only(cosigner: PrivateKey, issuer: str = DOPA) -> dict[str, Any]:
    return add_proof(credential(issuer), cosigner, clock=clock())


def test_l6_listed_cosigner_alone_cannot_issue_for_dopa() -> None:
    cosigner = seeded_key("l6-cosigner")
    forged = _cosigned_only(cosigner)
    for policy in (
        ProofSetPolicy([cosigner.did]),
        ProofSetPolicy([cosigner.kid]),
        ProofSetPolicy(min_proofs=1, from_methods=[cosigner.did]),
    ):
        report = Verifier(clock=clock(), proof_set_policy=policy).check(forged)
        assert_refused(report, "di.proof_set_unsatisfied", case=policy)


def test_l6_two_listed_cosigners_without_the_issuer_are_refused(key: PrivateKey) -> None:
    a, b = seeded_key("l6-a"), seeded_key("l6-b")
    forged = add_proof(_cosigned_only(a, key.did), b, clock=clock())
    policy = ProofSetPolicy(min_proofs=2, from_methods=[a.did, b.did])
    assert_refused(Verifier(clock=clock(), proof_set_policy=policy).check(forged), "di.proof_set_unsatisfied")
    result = verify_proofs(forged, clock=clock(), expected_controller=key.did, policy=policy)
    assert not result.verified
    assert result.policy_problem is not None and result.policy_problem.code == "di.proof_set_unsatisfied"
    signed = add_proof(forged, key, clock=clock())  # with the issuer's own proof it is the real thing
    assert Verifier(clock=clock(), proof_set_policy=policy).check(signed).ok


def test_l6_policy_scoped_to_types_and_issuers(key: PrivateKey) -> None:
    cosigner = seeded_key("l6-scoped")
    doc = add_proof(sign(key), cosigner, clock=clock())
    for policy, expected in (
        (ProofSetPolicy([cosigner.did], types=["DelegationCredential"]), "di.vm_not_authorized"),
        (ProofSetPolicy([cosigner.did], issuers=["did:web:dbd.go.th"]), "di.vm_not_authorized"),
        (ProofSetPolicy([cosigner.did], types=["VerifiableCredential"], issuers=[key.did]), None),
    ):
        report = Verifier(clock=clock(), proof_set_policy=policy).check(doc)
        if expected is None:
            assert report.ok, report.to_json()
        else:
            assert_refused(report, expected, case=policy)


def test_l6_issuer_proof_by_an_authentication_only_key_does_not_count(key: PrivateKey) -> None:
    """A proof under the issuer's DID by a key it lists only for authentication is no issuer proof."""
    cosigner = seeded_key("l6-auth")
    doc = add_proof(credential(key.did), key, proof_purpose="authentication", clock=clock())
    doc = add_proof(doc, cosigner, clock=clock())
    report = Verifier(clock=clock(), proof_set_policy=ProofSetPolicy([cosigner.did])).check(doc)
    assert report.status == "failed"
    assert "di.proof_invalid" in report.codes


# -- L9. malformed proof members get stable codes -----------------------------------------------

MEMBERS = ("type", "cryptosuite", "proofPurpose", "verificationMethod", "created", "expires", "proofValue",
           "id", "previousProof", "challenge", "domain", "nonce")
BAD_VALUES = ([1], ["eddsa-rdfc-2022"], {"a": 1}, {}, 3, 2.5, True, None, [])


@pytest.mark.parametrize("suite", SUITES)
@pytest.mark.parametrize("member", MEMBERS)
def test_l9_malformed_proof_member(key: PrivateKey, suite: str, member: str) -> None:
    signed = sign(key, suite)
    for bad in BAD_VALUES:
        doc = copy.deepcopy(signed)
        doc["proof"][member] = bad
        report = check(doc)
        assert report.status == "failed", (member, bad, report.to_json())
        assert report.codes[0].startswith("di."), (member, bad, report.codes)
        assert "internal.error" not in report.codes


def test_l9_unhashable_cryptosuite_in_a_proof_set(key: PrivateKey) -> None:
    signed = Issuer(key, clock=clock()).add_proof(sign(key, "eddsa-jcs-2022"), cryptosuite="eddsa-rdfc-2022")
    for bad in ([1], {"x": 1}, ["eddsa-jcs-2022"]):
        doc = copy.deepcopy(signed)
        doc["proof"][1]["cryptosuite"] = bad
        for kwargs in ({}, {"challenge": "c", "domain": DOMAIN}):
            report = check(doc, **kwargs)
            assert report.status == "failed"
            assert "internal.error" not in report.codes
            assert "di.proof_invalid" in report.codes, report.codes


def test_l9_malformed_presentation_proof(key: PrivateKey, holder: PrivateKey) -> None:
    vc = Issuer(key, clock=clock()).issue(credential(key.did, holder.did), format="di")
    vp = Holder(holder, clock=clock()).present([vc], format="di", challenge="n", domain=DOMAIN)
    for member in ("cryptosuite", "challenge", "domain", "proofPurpose"):
        for bad in ([1], {"a": 1}, 7):
            doc = copy.deepcopy(vp)
            doc["proof"][member] = bad
            report = check(doc, challenge="n", domain=DOMAIN)
            assert report.status == "failed"
            assert report.codes[0].startswith("di."), (member, bad, report.codes)


# -- L10. the returned document holds only what was signed ---------------------------------------


def _set(doc: dict[str, Any], path: tuple[str | int, ...], value: Any) -> None:
    node: Any = doc
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value


@pytest.mark.parametrize(
    ("path", "value"),
    [
        pytest.param(("description",), None, id="top-null"),
        pytest.param(("credentialSubject", "name"), None, id="subject-null"),
        pytest.param(("credentialSubject", "name"), [], id="subject-empty-list"),
        pytest.param(("credentialSubject", "name"), [None], id="subject-list-of-null"),
        pytest.param(("credentialSubject", "address"), {"name": None}, id="nested-null"),
        pytest.param(("description",), {"@value": None}, id="value-object-null"),
        pytest.param(("credentialSubject", "@index"), "admin", id="index-keyword"),
        pytest.param(("credentialSubject", "@foo"), "x", id="unknown-keyword"),
        pytest.param(("type",), ["VerifiableCredential", None], id="null-in-type"),
    ],
)
def test_l10_rdfc_unsigned_members_are_refused(key: PrivateKey, path: tuple[str, ...], value: Any) -> None:
    doc = sign(key)
    _set(doc, path, value)
    assert_refused(check(doc), "di.unsigned_member")
    result = verify_proofs(doc, clock=clock(), expected_controller=key.did)
    assert not result.verified
    assert any(p.code == "di.unsigned_member" for p in result.problems), result.problems


def test_l10_rdfc_presentation_with_unsigned_member(key: PrivateKey, holder: PrivateKey) -> None:
    vc = Issuer(key, clock=clock()).issue(credential(key.did, holder.did), format="di", cryptosuite="eddsa-jcs-2022")
    vp = Holder(holder, clock=clock()).present([vc], format="di", challenge="n", domain=DOMAIN)
    for path, value in ((("holder_note",), None), (("verifiableCredential",), [vc, None])):
        doc = copy.deepcopy(vp)
        _set(doc, path, value)
        assert_refused(check(doc, challenge="n", domain=DOMAIN), "di.unsigned_member", case=path)


def test_l10_jcs_null_is_signed_not_refused(key: PrivateKey) -> None:
    """JCS signs the JSON itself: a null added after signing breaks the signature."""
    doc = sign(key, "eddsa-jcs-2022")
    doc["credentialSubject"]["name"] = None
    assert_refused(check(doc), "di.proof_invalid")


def test_l10_context_appended_after_signing_is_refused(key: PrivateKey) -> None:
    doc = sign(key, "eddsa-jcs-2022")
    doc["@context"] = [*doc["@context"], EXAMPLES]
    assert_first(check(doc), "di.context_mismatch")
    assert verifier(allow_context_extension=True).check(doc).ok  # the spec's extension, opted into
    shortened = sign(key, "eddsa-jcs-2022")
    shortened["proof"]["@context"] = [V2, EXAMPLES]  # proof claims more than the document uses (E.28)
    assert_refused(verifier(allow_context_extension=True).check(shortened), "di.proof_invalid")


@pytest.mark.parametrize("suite", SUITES)
def test_l10_integral_float_is_returned_as_signed(key: PrivateKey, suite: str) -> None:
    unsigned = credential(key.did, age=42)
    unsigned["@context"] = [V2, EXAMPLES]  # defines "age" (an RDFC suite refuses undefined terms)
    doc = Issuer(key, clock=clock()).issue(unsigned, format="di", cryptosuite=suite)
    tampered = copy.deepcopy(doc)
    tampered["credentialSubject"]["age"] = 42.0
    report = check(tampered)
    assert report.ok, report.to_json()
    assert report.document is not None
    age = report.document["credentialSubject"]["age"]
    assert age == 42 and type(age) is int
    assert type(tampered["credentialSubject"]["age"]) is float  # the caller's input is not modified
    fractional = copy.deepcopy(doc)
    fractional["credentialSubject"]["age"] = 42.5
    assert_refused(check(fractional), "di.proof_invalid")


# -- L18. unsigned members inside the proof object ----------------------------------------------


@pytest.mark.parametrize(
    ("member", "value", "code"),
    [
        pytest.param("challenge", None, "di.unsigned_member", id="challenge-null"),
        pytest.param("challenge", [], "di.unsigned_member", id="challenge-empty"),
        pytest.param("challenge", [None], "di.unsigned_member", id="challenge-list-null"),
        pytest.param("challenge", {"@value": None}, "di.unsigned_member", id="challenge-value-null"),
        pytest.param("domain", None, "di.unsigned_member", id="domain-null"),
        pytest.param("domain", [], "di.unsigned_member", id="domain-empty"),
        pytest.param("nonce", None, "di.unsigned_member", id="nonce-null"),
        pytest.param("nonce", [], "di.unsigned_member", id="nonce-empty"),
        pytest.param("expires", None, "di.unsigned_member", id="expires-null"),
        pytest.param("foo", "bar", "di.unsigned_member", id="undefined-term"),
        pytest.param("@index", "x", "di.unsigned_member", id="index-keyword"),
        pytest.param("@reverse", {}, "di.unsigned_member", id="reverse-keyword"),
        pytest.param("@context", [V2, EXAMPLES], "di.context_mismatch", id="context-longer"),
        pytest.param("@context", "https://evil.example/ctx", "di.context_mismatch", id="context-other"),
        pytest.param("@context", 3, "di.context_mismatch", id="context-number"),
        pytest.param("@context", None, "di.context_mismatch", id="context-null"),
        pytest.param("@context", {"x": "urn:x"}, "di.context_mismatch", id="context-object"),
    ],
)
def test_l18_rdfc_proof_member_not_covered(key: PrivateKey, member: str, value: Any, code: str) -> None:
    doc = sign(key)
    doc["proof"][member] = value
    assert_refused(check(doc), code)
    result = verify_proofs(doc, clock=clock(), expected_controller=key.did)
    assert not result.verified and result.proofs[0].code == code


def test_l18_rdfc_proof_context_equal_to_the_documents_is_accepted(key: PrivateKey) -> None:
    doc = sign(key)
    doc["proof"]["@context"] = list(doc["@context"])
    assert check(doc).ok


def test_l18_rdfc_presentation_proof_member_not_covered(key: PrivateKey, holder: PrivateKey) -> None:
    vc = Issuer(key, clock=clock()).issue(credential(key.did, holder.did), format="di")
    vp = Holder(holder, clock=clock()).present([vc], format="di", challenge="n", domain=DOMAIN)
    for member, value in (("foo", "bar"), ("nonce", None), ("@context", [V2, EXAMPLES])):
        doc = copy.deepcopy(vp)
        doc["proof"][member] = value
        report = check(doc, challenge="n", domain=DOMAIN)
        assert report.status == "failed" and report.codes[0] in ("di.unsigned_member", "di.context_mismatch"), (
            member,
            report.codes,
        )


def test_l18_jcs_proof_members_are_signed(key: PrivateKey) -> None:
    """In a JCS proof every member but proofValue is signed: an added member breaks the signature."""
    for member, value in (("foo", "bar"), ("nonce", "x"), ("challenge", "c")):
        doc = sign(key, "eddsa-jcs-2022")
        doc["proof"][member] = value
        assert_refused(check(doc), "di.proof_invalid", case=member)
