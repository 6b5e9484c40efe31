"""ecdsa-sd-2023 end to end, and the attacks on it: each refused with a stable code.

The holder derives with chosen pointers, the verifier checks through ``Verifier.check``. Then the
forgeries: a claim the base never signed, a mandatory claim withheld, signatures reordered or
duplicated, the label map tampered with, a base proof presented as derived, a derived proof moved
onto another credential, an expired credential, oversized proof values, too many signatures and a
base proof with an HMAC key of the wrong length. Thai types keep issuer, type, validity and the
IAL disclosed: the issuer adds them, the verifier insists on them.
"""

from __future__ import annotations

import base64
import copy
from typing import Any

import cbor2
import pytest

import thaivc
from thaivc.core.clock import FixedClock
from thaivc.core.errors import InputError, UsageError
from thaivc.credentials import CitizenPerson, citizen_credential
from thaivc.di import add_proof, derive, verify_proofs
from thaivc.di.sd import proof_value as pv
from thaivc.keys import PrivateKey, generate_key
from thaivc.thai import ThaiName

SOMCHAI = CitizenPerson("1999900001010", ThaiName(given_th="สมชาย", family_th="ใจดี"), "1995-08-12",
                        address=None)
CLOCK = FixedClock.at("2026-06-01T00:00:00Z")
CREATED = "2026-05-01T00:00:00Z"


@pytest.fixture(scope="module")
def issuer_key() -> PrivateKey:
    return generate_key("P-256")


def credential(key: PrivateKey) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
        "type": ["VerifiableCredential", "ExampleDegreeCredential"],
        "issuer": key.did,
        "validFrom": "2026-01-01T00:00:00Z",
        "validUntil": "2030-01-01T00:00:00Z",
        "credentialSubject": {
            "id": "did:example:holder",
            "name": "Somchai Jaidee",
            "degree": {"type": "ExampleBachelorDegree", "name": "Bachelor of Engineering"},
            "alumniOf": "Chulalongkorn University",
        },
    }


@pytest.fixture(scope="module")
def base(issuer_key: PrivateKey) -> dict[str, Any]:
    issuer = thaivc.Issuer(issuer_key, clock=CLOCK)
    return issuer.issue(  # type: ignore[no-any-return]
        credential(issuer_key), format="di", cryptosuite="ecdsa-sd-2023", created=CREATED,
        mandatory_pointers=["/credentialSubject/id"],
    )


@pytest.fixture(scope="module")
def derived(base: dict[str, Any]) -> dict[str, Any]:
    return derive(base, ["/credentialSubject/degree/name"])


def check(document: dict[str, Any]) -> Any:
    return thaivc.Verifier(clock=CLOCK).check(document)


def failure(document: dict[str, Any]) -> str | None:
    report = check(document)
    assert report.status != "verified"
    failed = [c for c in report.checks if c.status in ("fail", "indeterminate")]
    return failed[0].code if failed else None


def _value(document: dict[str, Any]) -> pv.DerivedProofValue:
    return pv.parse_derived(document["proof"]["proofValue"])


def _with_components(document: dict[str, Any], header: bytes, components: list[Any]) -> dict[str, Any]:
    out = copy.deepcopy(document)
    raw = header + cbor2.dumps(components)
    out["proof"]["proofValue"] = "u" + base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    return out


def _components(document: dict[str, Any]) -> list[Any]:
    value = document["proof"]["proofValue"]
    raw = base64.urlsafe_b64decode(value[1:] + "=" * (-len(value[1:]) % 4))
    return cbor2.loads(raw[3:])  # type: ignore[no-any-return]


# -- the honest path --------------------------------------------------------------------------


def test_derived_credential_verifies_and_reveals_only_what_was_chosen(derived: dict[str, Any]) -> None:
    report = check(derived)
    assert report.status == "verified", [(c.name, c.code, c.detail) for c in report.checks]
    subject = derived["credentialSubject"]
    assert subject["degree"]["name"] == "Bachelor of Engineering"
    assert "alumniOf" not in subject and "name" not in subject
    # the issuer's table keeps who, what and when visible although the caller asked for the subject id only
    for member in ("issuer", "type", "validFrom", "validUntil"):
        assert member in derived
    assert subject["id"] == "did:example:holder"
    assert "disclosure" in [c.name for c in report.checks]


def test_nothing_selected_reveals_the_mandatory_claims_only(base: dict[str, Any]) -> None:
    revealed = derive(base, [])
    assert check(revealed).status == "verified"
    assert set(revealed["credentialSubject"]) == {"id"}


def test_everything_selected_verifies(base: dict[str, Any]) -> None:
    revealed = derive(base, ["/credentialSubject"])
    assert check(revealed).status == "verified"
    assert revealed["credentialSubject"] == base["credentialSubject"]


def test_derived_credential_in_a_presentation(issuer_key: PrivateKey) -> None:
    holder_key = generate_key("P-256")
    doc = credential(issuer_key)
    doc["credentialSubject"]["id"] = holder_key.did
    signed = thaivc.Issuer(issuer_key, clock=CLOCK).issue(doc, format="di", cryptosuite="ecdsa-sd-2023", created=CREATED)
    derived = derive(signed, ["/credentialSubject/alumniOf"])
    challenge = thaivc.new_challenge()
    vp = thaivc.Holder(holder_key, clock=CLOCK).present(
        [derived], challenge=challenge, domain="https://rd.go.th", format="di"
    )
    report = thaivc.Verifier(clock=CLOCK).check(vp, challenge=challenge, domain="https://rd.go.th")
    credential_checks = [c for c in report.checks if c.name.startswith("credential")]
    assert credential_checks and all(c.status == "pass" for c in credential_checks), report.checks


# -- attacks ----------------------------------------------------------------------------------


def test_base_proof_presented_to_a_verifier_is_refused(base: dict[str, Any]) -> None:
    assert failure(base) == "di.sd_base_proof"


def test_claim_the_holder_did_not_receive_signed_for_is_refused(derived: dict[str, Any]) -> None:
    forged = copy.deepcopy(derived)
    forged["credentialSubject"]["alumniOf"] = "MIT"  # never signed as a statement of this credential
    assert failure(forged) == "di.sd_signature_count"


def test_a_pointer_the_base_did_not_sign_cannot_be_derived(base: dict[str, Any]) -> None:
    with pytest.raises(InputError) as err:
        derive(base, ["/credentialSubject/nickname"])
    assert err.value.code == "di.sd_pointer"


def test_changed_selective_claim_is_refused(base: dict[str, Any], derived: dict[str, Any]) -> None:
    forged = derive(base, ["/credentialSubject/alumniOf"])
    forged["credentialSubject"]["alumniOf"] = "MIT"  # a statement of a named node: labels stay, its signature fails
    assert failure(forged) == "di.sd_statement_signature"
    forged = copy.deepcopy(derived)
    forged["credentialSubject"]["degree"]["name"] = "Doctor of Engineering"  # a blank node's statement
    assert failure(forged) in ("di.sd_statement_signature", "di.proof_invalid")


def test_changed_mandatory_claim_is_refused(derived: dict[str, Any]) -> None:
    forged = copy.deepcopy(derived)
    forged["validUntil"] = "2099-01-01T00:00:00Z"
    assert failure(forged) == "di.proof_invalid"


def test_mandatory_claim_withheld_is_refused(derived: dict[str, Any]) -> None:
    forged = copy.deepcopy(derived)
    del forged["validUntil"]  # a mandatory statement gone: the statements no longer line up
    assert failure(forged) in WITHHELD
    forged = copy.deepcopy(derived)
    del forged["credentialSubject"]["id"]
    assert failure(forged) in WITHHELD


#: A withheld mandatory statement shifts every index after it: which check sees it first depends on
#: where it sorted, but it is always one of these, never a pass.
WITHHELD = (
    "di.proof_invalid",
    "di.sd_proof_value",
    "di.sd_signature_count",
    "di.sd_statement_signature",
    "di.sd_label_map",
)


def test_signatures_reordered_or_duplicated_are_refused(base: dict[str, Any]) -> None:
    revealed = derive(base, ["/credentialSubject/degree", "/credentialSubject/alumniOf"])
    components = _components(revealed)
    assert len(components[2]) >= 2
    reordered = [*components[:2], list(reversed(components[2])), *components[3:]]
    assert failure(_with_components(revealed, pv.DERIVED_HEADER, reordered)) == "di.sd_statement_signature"
    duplicated = [*components[:2], [*components[2], components[2][0]], *components[3:]]
    assert failure(_with_components(revealed, pv.DERIVED_HEADER, duplicated)) == "di.sd_signature_count"
    dropped = [*components[:2], components[2][:-1], *components[3:]]
    assert failure(_with_components(revealed, pv.DERIVED_HEADER, dropped)) == "di.sd_signature_count"


def test_label_map_tampering_is_refused(derived: dict[str, Any]) -> None:
    components = _components(derived)
    labels: dict[int, bytes] = components[3]
    assert len(labels) >= 2
    keys = sorted(labels)
    swapped = dict(labels)
    swapped[keys[0]], swapped[keys[1]] = labels[keys[1]], labels[keys[0]]
    code = failure(_with_components(derived, pv.DERIVED_HEADER, [*components[:3], swapped, components[4]]))
    assert code in ("di.proof_invalid", "di.sd_statement_signature")
    missing = {k: v for k, v in labels.items() if k != keys[0]}
    assert failure(_with_components(derived, pv.DERIVED_HEADER, [*components[:3], missing, components[4]])) == (
        "di.sd_label_map"
    )
    extra = {**labels, 99: b"\x00" * 32}
    assert failure(_with_components(derived, pv.DERIVED_HEADER, [*components[:3], extra, components[4]])) == (
        "di.sd_label_map"
    )
    same = {**labels, keys[1]: labels[keys[0]]}
    assert failure(_with_components(derived, pv.DERIVED_HEADER, [*components[:3], same, components[4]])) == (
        "di.sd_label_map"
    )
    short = {**labels, keys[0]: labels[keys[0]][:16]}
    assert failure(_with_components(derived, pv.DERIVED_HEADER, [*components[:3], short, components[4]])) == (
        "di.sd_label_map"
    )


def test_mandatory_indexes_tampering_is_refused(derived: dict[str, Any]) -> None:
    components = _components(derived)
    indexes = components[4]
    unsorted = list(reversed(indexes))
    assert failure(_with_components(derived, pv.DERIVED_HEADER, [*components[:4], unsorted])) == "di.sd_proof_value"
    past = [*indexes, 10_000]
    assert failure(_with_components(derived, pv.DERIVED_HEADER, [*components[:4], past])) == "di.sd_proof_value"
    fewer = indexes[1:]
    assert failure(_with_components(derived, pv.DERIVED_HEADER, [*components[:4], fewer])) in (
        "di.sd_signature_count",
        "di.proof_invalid",
    )


def test_derived_proof_moved_onto_another_credential_is_refused(issuer_key: PrivateKey, derived: dict[str, Any]) -> None:
    other = thaivc.Issuer(issuer_key, clock=CLOCK).issue(
        {**credential(issuer_key), "credentialSubject": {**credential(issuer_key)["credentialSubject"],
                                                         "id": "did:example:someone-else"}},
        format="di", cryptosuite="ecdsa-sd-2023", created=CREATED, mandatory_pointers=["/credentialSubject/id"],
    )
    other_derived = derive(other, ["/credentialSubject/degree/name"])
    moved = {**other_derived, "proof": derived["proof"]}
    assert failure(moved) in ("di.proof_invalid", "di.sd_label_map")


def test_stale_credential_and_proof_are_refused(issuer_key: PrivateKey) -> None:
    doc = {**credential(issuer_key), "validUntil": "2026-02-01T00:00:00Z"}
    signed = thaivc.Issuer(issuer_key, clock=FixedClock.at("2026-01-15T00:00:00Z")).issue(
        doc, format="di", cryptosuite="ecdsa-sd-2023", created="2026-01-15T00:00:00Z"
    )
    revealed = derive(signed, [])
    assert failure(revealed) == "time.expired"
    expiring = add_proof(
        credential(issuer_key), issuer_key, "ecdsa-sd-2023", created=CREATED, expires="2026-05-02T00:00:00Z",
        mandatory_pointers=["/issuer", "/credentialSubject/id"],
    )
    assert failure(derive(expiring, [])) == "di.proof_invalid"


def test_wrong_proof_value_shapes_are_refused(derived: dict[str, Any]) -> None:
    components = _components(derived)
    assert failure(_with_components(derived, b"\xd9\x5d\x02", components)) == "di.sd_proof_value"
    assert failure(_with_components(derived, pv.DERIVED_HEADER, components[:4])) == "di.sd_proof_value"
    bad_key = [components[0], b"\x80\x24" + b"\x02" + b"\xff" * 32, *components[2:]]
    assert failure(_with_components(derived, pv.DERIVED_HEADER, bad_key)) in ("di.sd_proof_value", "di.proof_invalid")
    not_base64 = copy.deepcopy(derived)
    not_base64["proof"]["proofValue"] = "u****"
    assert failure(not_base64) == "di.sd_proof_value"
    base58 = copy.deepcopy(derived)
    base58["proof"]["proofValue"] = "z" + derived["proof"]["proofValue"][1:]
    assert failure(base58) == "di.sd_proof_value"
    # one value, one spelling: an integer in a longer CBOR form than needed is refused
    raw = pv.DERIVED_HEADER + cbor2.dumps(components)
    value = "u" + base64.urlsafe_b64encode(raw + b"").rstrip(b"=").decode()
    assert pv.parse_derived(value)
    longer = bytearray(raw)
    longer[3] = 0x98  # array(5) as a one-byte-length array header
    longer[4:4] = b"\x05"
    stretched = copy.deepcopy(derived)
    stretched["proof"]["proofValue"] = "u" + base64.urlsafe_b64encode(bytes(longer)).rstrip(b"=").decode()
    assert failure(stretched) == "di.sd_proof_value"


def test_oversized_proof_value_and_too_many_signatures_are_refused(derived: dict[str, Any]) -> None:
    huge = copy.deepcopy(derived)
    huge["proof"]["proofValue"] = "u" + "A" * (pv.MAX_PROOF_VALUE + 4)
    assert failure(huge) == "input.too_large"
    components = _components(derived)
    many = [components[0], components[1], [components[2][0]] * (pv.MAX_STATEMENTS + 1), *components[3:]]
    assert failure(_with_components(derived, pv.DERIVED_HEADER, many)) == "input.too_large"


def test_base_proof_with_a_wrong_hmac_key_length_cannot_be_derived(base: dict[str, Any]) -> None:
    components = _components(base)
    for wrong in (components[2][:16], components[2] + b"\x00", b""):
        tampered = _with_components(base, pv.BASE_HEADER, [*components[:2], wrong, *components[3:]])
        with pytest.raises(InputError) as err:
            derive(tampered, [])
        assert err.value.code == "di.sd_proof_value"


def test_derived_proof_is_not_accepted_as_a_base(derived: dict[str, Any]) -> None:
    with pytest.raises(InputError) as err:
        derive(derived, [])
    assert err.value.code == "di.sd_proof_value"


def test_only_p256_signs(issuer_key: PrivateKey) -> None:
    for key_type in ("Ed25519", "P-384"):
        other = generate_key(key_type)
        with pytest.raises(UsageError):
            add_proof(credential(other), other, "ecdsa-sd-2023", created=CREATED, mandatory_pointers=["/issuer"])


def test_pointers_are_checked(issuer_key: PrivateKey, base: dict[str, Any]) -> None:
    with pytest.raises(UsageError):
        derive(base, "/credentialSubject/name")  # type: ignore[arg-type]
    for bad in (["credentialSubject"], ["/credentialSubject/~2x"], [7]):
        with pytest.raises(InputError) as err:
            derive(base, bad)  # type: ignore[arg-type]
        assert err.value.code == "di.sd_pointer"
    with pytest.raises(InputError) as err:
        derive(base, ["/credentialSubject/name"] * 300)
    assert err.value.code == "input.too_large"
    with pytest.raises(UsageError):
        add_proof(credential(issuer_key), issuer_key, "ecdsa-rdfc-2019", mandatory_pointers=["/issuer"])


# -- Thai types: what stays disclosed ----------------------------------------------------------


def _citizen(key: PrivateKey) -> dict[str, Any]:
    return citizen_credential("did:example:citizen", SOMCHAI, ial="2.3", issuer=key.did,
                              valid_until="2031-01-01T00:00:00Z")


CITIZEN_REQUIRED = [
    "/credentialSubject/id",
    "/credentialSubject/citizenId",
    "/credentialSubject/givenNameTh",
    "/credentialSubject/familyNameTh",
    "/credentialSubject/birthDate",
]


def test_thai_citizen_keeps_issuer_type_validity_and_ial_disclosed(issuer_key: PrivateKey) -> None:
    signed = thaivc.Issuer(issuer_key, clock=CLOCK).issue(
        _citizen(issuer_key), format="di", cryptosuite="ecdsa-sd-2023", created=CREATED,
        mandatory_pointers=CITIZEN_REQUIRED,
    )
    mandatory = pv.parse_base(signed["proof"]["proofValue"]).mandatory_pointers
    for pointer in ("/issuer", "/type", "/validFrom", "/validUntil", "/credentialSchema", "/credentialSubject/ial"):
        assert pointer in mandatory
    revealed = derive(signed, [])
    assert revealed["credentialSubject"]["ial"] == "2.3"
    assert "address" not in revealed["credentialSubject"]
    report = check(revealed)
    assert report.status == "verified", [(c.name, c.code, c.detail) for c in report.checks]


def test_thai_citizen_whose_schema_claims_are_withholdable_is_not_issued(issuer_key: PrivateKey) -> None:
    with pytest.raises(UsageError, match="mandatory"):
        thaivc.Issuer(issuer_key, clock=CLOCK).issue(
            _citizen(issuer_key), format="di", cryptosuite="ecdsa-sd-2023", created=CREATED
        )


def test_thai_citizen_from_an_issuer_that_let_the_ial_be_withheld_is_refused(issuer_key: PrivateKey) -> None:
    # signed without thaivc's Issuer (so without its table): the IAL was made selectively disclosable
    doc = {**_citizen(issuer_key), "validFrom": "2026-01-01T00:00:00Z"}
    signed = add_proof(doc, issuer_key, "ecdsa-sd-2023", created=CREATED,
                       mandatory_pointers=["/issuer", *CITIZEN_REQUIRED, "/credentialSchema"])
    revealed = derive(signed, [])
    assert "ial" not in revealed["credentialSubject"]
    assert failure(revealed) == "di.sd_mandatory_withheld"


def test_a_verifier_can_read_the_proof_outcome_directly(derived: dict[str, Any]) -> None:
    result = verify_proofs(derived, clock=CLOCK)
    assert result.verified and result.proofs[0].cryptosuite == "ecdsa-sd-2023"
