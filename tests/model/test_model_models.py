"""The pydantic models: typed access, frozen, extensible, and only ``InputError`` on bad input."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from thaivc.core.errors import InputError
from thaivc.model import (
    Credential,
    CredentialSchema,
    CredentialStatus,
    CredentialSubject,
    EnvelopedVerifiableCredential,
    Evidence,
    Issuer,
    LanguageValue,
    Presentation,
    Proof,
)

V2 = "https://www.w3.org/ns/credentials/v2"
DOPA = "did:web:dopa.go.th"
HOLDER = "did:key:z6MkpJySvETLnxhQG9DzEdmKJtysBDjuuTeDfUj1uNNCUqcj"
Factory = Callable[..., dict[str, Any]]


def test_typed_access_to_a_thai_credential(make_credential: Factory) -> None:
    model = Credential.model_validate(make_credential())
    assert model.context[0] == V2
    assert model.type == ["VerifiableCredential", "ThaiCitizenCredential"]
    assert model.issuer_id == DOPA
    assert isinstance(model.issuer, Issuer)
    names = model.issuer.name
    assert isinstance(names, list) and isinstance(names[0], LanguageValue)
    assert (names[0].value, names[0].language) == ("กรมการปกครอง", "th")
    assert model.valid_from == datetime(2024, 12, 31, 17, tzinfo=UTC)
    assert model.valid_until == datetime(2030, 1, 1, tzinfo=UTC)
    (subject,) = model.subjects
    assert isinstance(subject, CredentialSubject)
    assert subject.id == HOLDER
    assert subject.model_extra == {"citizenId": "1101700230705", "givenName": "สมชาย"}
    assert isinstance(model.credential_status, CredentialStatus)
    assert model.credential_status.model_extra is not None
    assert model.credential_status.model_extra["statusListIndex"] == "94567"
    assert isinstance(model.credential_schema, CredentialSchema)
    assert isinstance(model.evidence, list) and isinstance(model.evidence[0], Evidence)
    assert model.evidence[0].types == ("Evidence", "DocumentVerification")


def test_string_forms_are_accepted(make_credential: Factory) -> None:
    doc = make_credential()
    doc["@context"] = V2
    doc["type"] = "VerifiableCredential"
    doc["issuer"] = DOPA
    model = Credential.model_validate(doc)
    assert model.context == [V2]
    assert model.type == ["VerifiableCredential"]
    assert model.issuer_id == DOPA


def test_models_are_frozen(make_credential: Factory) -> None:
    model = Credential.model_validate(make_credential())
    with pytest.raises(ValidationError):
        model.id = "urn:uuid:other"  # type: ignore[misc]


def test_extension_members_are_kept(make_credential: Factory) -> None:
    doc = make_credential()
    doc["assuranceLevel"] = {"ial": "2.3"}
    model = Credential.model_validate(doc)
    assert model.model_extra == {"assuranceLevel": {"ial": "2.3"}}


def test_thai_text_is_kept_exactly(make_credential: Factory) -> None:
    decomposed = unicodedata.normalize("NFD", "กรมการปกครอง") + "\u0e4d\u0e32"
    doc = make_credential()
    doc["issuer"]["name"] = decomposed
    assert Credential.model_validate(doc).issuer.name == decomposed  # type: ignore[union-attr]


@pytest.mark.parametrize("doc", [None, [], "credential", {"type": ["VerifiableCredential"]}])
def test_non_credentials_raise_input_error(doc: Any) -> None:
    with pytest.raises(InputError) as caught:
        Credential.model_validate(doc)
    assert caught.value.code in {"vc.malformed", "vc.context_invalid"}


@pytest.mark.parametrize(
    ("patch", "code"),
    [
        ({"credentialSubject": "did:example:1"}, "vc.subject_invalid"),
        ({"issuer": 7}, "vc.issuer_invalid"),
        ({"validUntil": "2020-01-01T00:00:00Z"}, "vc.validity_range"),
        ({"name": {"@value": "x", "@language": "th", "extra": 1}}, "vc.language_value_invalid"),
        ({"evidence": [{"type": "Evidence"}, 3]}, "vc.malformed"),
    ],
)
def test_bad_input_raises_input_error_not_validation_error(
    make_credential: Factory, patch: dict[str, Any], code: str
) -> None:
    with pytest.raises(InputError) as caught:
        Credential.model_validate({**make_credential(), **patch})
    assert caught.value.code == code


def test_proof_fields() -> None:
    proof = Proof.model_validate(
        {
            "type": "DataIntegrityProof",
            "cryptosuite": "eddsa-rdfc-2022",
            "created": "2025-01-01T00:00:00Z",
            "verificationMethod": f"{DOPA}#key-1",
            "proofPurpose": "assertionMethod",
            "proofValue": "z5ZXk",
            "previousProof": ["urn:uuid:1"],
        }
    )
    assert proof.cryptosuite == "eddsa-rdfc-2022"
    assert proof.verification_method == f"{DOPA}#key-1"
    assert proof.previous_proof == ["urn:uuid:1"]
    with pytest.raises(InputError) as caught:
        Proof.model_validate({"cryptosuite": "eddsa-rdfc-2022"})
    assert caught.value.code == "vc.type_invalid"


def test_presentation_model(make_credential: Factory, make_presentation: Factory) -> None:
    enveloped = {
        "@context": V2,
        "type": "EnvelopedVerifiableCredential",
        "id": "data:application/vc+jwt,eyJ.eyJ.c2ln",
    }
    model = Presentation.model_validate(
        make_presentation(make_credential(), enveloped, holder={"id": HOLDER})
    )
    assert model.holder_id == HOLDER
    first, second = model.verifiable_credential
    assert isinstance(first, Credential) and first.issuer_id == DOPA
    assert isinstance(second, EnvelopedVerifiableCredential)
    assert (second.media_type, second.token) == ("application/vc+jwt", "eyJ.eyJ.c2ln")
    assert Presentation.model_validate(make_presentation(holder=None)).holder_id is None


def test_presentation_errors_are_located(make_credential: Factory, make_presentation: Factory) -> None:
    bad = make_credential()
    del bad["issuer"]
    with pytest.raises(InputError) as caught:
        Presentation.model_validate(make_presentation(make_credential(), bad))
    assert (caught.value.code, caught.value.loc) == (
        "vc.issuer_invalid",
        ("verifiableCredential", 1, "issuer"),
    )
    with pytest.raises(InputError) as caught:
        Presentation.model_validate({"@context": [V2], "type": ["VerifiableCredential"]})
    assert caught.value.code == "vp.malformed"


def test_python_field_names_are_not_json_members(make_credential: Factory) -> None:
    """``credential_subject``/``valid_until`` in JSON are extension members, never the real ones."""
    doc = make_credential()
    doc["valid_until"] = "2000-01-01T00:00:00Z"
    model = Credential.model_validate(doc)
    assert model.valid_until == datetime(2030, 1, 1, tzinfo=UTC)
    assert model.model_extra is not None and model.model_extra["valid_until"] == "2000-01-01T00:00:00Z"
    doc["credential_subject"] = doc.pop("credentialSubject")
    with pytest.raises(InputError) as caught:
        Credential.model_validate(doc)
    assert caught.value.code == "vc.subject_invalid"
