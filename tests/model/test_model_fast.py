"""The fast validator on Thai-shaped credentials: verdicts, codes, locations, warnings."""

from __future__ import annotations

import copy
import unicodedata
from collections.abc import Callable
from typing import Any

import pytest

from thaivc.core.errors import InputError, ThaiVCError
from thaivc.model import require_credential, require_presentation, require_self_asserted

V2 = "https://www.w3.org/ns/credentials/v2"
DOPA = "did:web:dopa.go.th"
HOLDER = "did:key:z6MkpJySvETLnxhQG9DzEdmKJtysBDjuuTeDfUj1uNNCUqcj"


Factory = Callable[..., dict[str, Any]]


def failure(doc: Any, check: Any = require_credential) -> InputError:
    with pytest.raises(InputError) as caught:
        check(doc)
    return caught.value


def test_thai_credential_passes_untouched(make_credential: Factory) -> None:
    doc = make_credential()
    pristine = copy.deepcopy(doc)
    assert require_credential(doc) == []
    assert doc == pristine


def test_thai_text_is_never_normalised(make_credential: Factory) -> None:
    """A decomposed string stays decomposed: signatures are checked over what was received."""
    decomposed = unicodedata.normalize("NFD", "สมชาย ใจดี") + "\u0e33"  # sara am, as sent
    doc = make_credential()
    doc["credentialSubject"]["givenName"] = decomposed
    require_credential(doc)
    assert doc["credentialSubject"]["givenName"] == decomposed


def test_missing_offsets_are_warnings(make_credential: Factory) -> None:
    doc = make_credential()
    doc["validFrom"] = "2025-01-01T00:00:00"
    doc["validUntil"] = "2030-01-01T00:00:00"
    warnings = require_credential(doc)
    assert len(warnings) == 2
    assert any("validFrom" in w for w in warnings)


MUTATIONS: list[tuple[str, Any, str, tuple[str | int, ...]]] = [
    ("@context", [{"x": "https://e.example/#x"}, V2], "vc.context_invalid", ("@context",)),
    ("@context", "https://www.w3.org/2018/credentials/v1", "vc.context_invalid", ("@context",)),
    ("@context", [V2, "not a url"], "vc.context_invalid", ("@context", 1)),
    ("type", "VerifiableCredential ", "vc.type_invalid", ("type",)),
    ("type", ["VerifiableCredential", ""], "vc.type_invalid", ("type",)),
    ("id", ["urn:a:1"], "vc.id_invalid", ("id",)),
    ("issuer", "dopa.go.th", "vc.issuer_invalid", ("issuer",)),
    ("issuer", {"name": "กรมการปกครอง"}, "vc.issuer_invalid", ("issuer", "id")),
    (
        "issuer",
        {"id": DOPA, "name": {"@value": "x", "@language": "ไทย"}},
        "vc.language_value_invalid",
        ("issuer", "name", "@language"),
    ),
    ("credentialSubject", [], "vc.subject_invalid", ("credentialSubject",)),
    ("credentialSubject", "did:example:1", "vc.subject_invalid", ("credentialSubject",)),
    ("credentialSubject", [{"id": HOLDER}, "x"], "vc.subject_invalid", ("credentialSubject", 1)),
    ("validFrom", "๒๕๖๘-01-01T00:00:00Z", "vc.datetime_invalid", ("validFrom",)),
    ("validFrom", "2024-02-30T00:00:00Z", "vc.datetime_invalid", ("validFrom",)),
    ("validFrom", "2025-01-01T24:00:00Z", "vc.datetime_invalid", ("validFrom",)),
    ("validFrom", "2025-01-01T00:00:00z", "vc.datetime_invalid", ("validFrom",)),
    ("validFrom", "2030-01-01T00:00:01Z", "vc.validity_range", ("validUntil",)),
    ("name", {"@value": "x", "@direction": "auto"}, "vc.language_value_invalid", ("name", "@direction")),
    ("name", {"@value": 1}, "vc.language_value_invalid", ("name", "@value")),
    ("name", 42, "vc.language_value_invalid", ("name",)),
    (
        "description",
        [{"@value": "x", "url": "https://e.example"}],
        "vc.language_value_invalid",
        ("description", 0),
    ),
    ("credentialStatus", [], "vc.malformed", ("credentialStatus",)),
    ("credentialStatus", {"id": "https://s.example/1"}, "vc.type_invalid", ("credentialStatus", "type")),
    ("credentialSchema", {"type": "JsonSchema"}, "vc.id_invalid", ("credentialSchema", "id")),
    ("evidence", [{"type": "Evidence"}, {"type": []}], "vc.type_invalid", ("evidence", 1, "type")),
    ("evidence", ["Evidence"], "vc.malformed", ("evidence", 0)),
    ("termsOfUse", {"type": "IssuerPolicy", "id": "policy-1"}, "vc.id_invalid", ("termsOfUse", "id")),
    ("refreshService", {"id": "https://dopa.go.th/refresh"}, "vc.type_invalid", ("refreshService", "type")),
    ("proof", {"proofValue": "z1"}, "vc.type_invalid", ("proof", "type")),
]


@pytest.mark.parametrize(("field", "value", "code", "loc"), MUTATIONS)
def test_each_must_is_enforced(
    field: str, value: Any, code: str, loc: tuple[str | int, ...], make_credential: Factory
) -> None:
    doc = make_credential()
    doc[field] = value
    error = failure(doc)
    assert (error.code, error.loc) == (code, loc)


@pytest.mark.parametrize("field", ["@context", "type", "issuer", "credentialSubject"])
def test_required_members(field: str, make_credential: Factory) -> None:
    doc = make_credential()
    del doc[field]
    assert failure(doc).loc == (field,)


@pytest.mark.parametrize("doc", [None, [], "credential", 1])
def test_non_objects_are_refused(doc: Any) -> None:
    assert failure(doc).code == "vc.malformed"
    assert failure(doc, require_presentation).code == "vp.malformed"


def test_presentation_with_embedded_and_enveloped_credentials(
    make_credential: Factory, make_presentation: Factory
) -> None:
    enveloped = {
        "@context": V2,
        "type": "EnvelopedVerifiableCredential",
        "id": "data:application/vc+jwt,eyJ.eyJ.c2ln",
    }
    doc = make_presentation(make_credential(), enveloped)
    assert require_presentation(doc) == []
    single = make_presentation(holder={"id": HOLDER})
    single["verifiableCredential"] = make_credential()
    assert require_presentation(single) == []


def test_embedded_credential_errors_are_located(make_credential: Factory, make_presentation: Factory) -> None:
    bad = make_credential()
    bad["evidence"] = {"verifier": DOPA}
    error = failure(make_presentation(make_credential(), bad), require_presentation)
    assert (error.code, error.loc) == ("vc.type_invalid", ("verifiableCredential", 1, "evidence", "type"))


@pytest.mark.parametrize(
    ("entry", "code"),
    [
        ({"@context": V2, "type": "EnvelopedVerifiableCredential", "id": "eyJ.eyJ.c2ln"}, "vc.id_invalid"),
        (
            {"@context": V2, "type": "EnvelopedVerifiableCredential", "id": "data:text/plain,x"},
            "vc.id_invalid",
        ),
        (
            {"@context": V2, "type": "EnvelopedVerifiableCredential", "id": "data:application/vc+jwt,"},
            "vc.id_invalid",
        ),
        (
            {"type": "EnvelopedVerifiableCredential", "id": "data:application/vc+jwt,a.b.c"},
            "vc.context_invalid",
        ),
        ("eyJ.eyJ.c2ln", "vp.malformed"),
    ],
)
def test_bad_enveloped_entries(entry: Any, code: str, make_presentation: Factory) -> None:
    assert failure(make_presentation(entry), require_presentation).code == code


@pytest.mark.parametrize(
    ("holder", "code"),
    [
        ("z6MkpJySvETLnxhQG9DzEdmKJtysBDjuuTeDfUj1uNNCUqcj", "vp.malformed"),
        ({"name": "Acme"}, "vp.malformed"),
    ],
)
def test_bad_holders(holder: Any, code: str, make_presentation: Factory) -> None:
    assert failure(make_presentation(holder=holder), require_presentation).code == code


def self_asserted(issuer: Any) -> dict[str, Any]:
    return {
        "@context": [V2],
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "credentialSubject": {"id": HOLDER},
    }


def test_self_asserted_claims(make_presentation: Factory) -> None:
    require_self_asserted(make_presentation(self_asserted(HOLDER)))
    require_self_asserted(make_presentation(self_asserted({"id": HOLDER}), holder={"id": HOLDER}))
    # a credential with its own proof, or an enveloped one, is not a holder claim
    signed = {**self_asserted(DOPA), "proof": {"type": "DataIntegrityProof"}}
    require_self_asserted(make_presentation(signed))
    for doc in (
        make_presentation(self_asserted(DOPA)),
        make_presentation(self_asserted(HOLDER), holder=None),
    ):
        with pytest.raises(ThaiVCError) as caught:
            require_self_asserted(doc)
        assert caught.value.code == "vp.holder_mismatch"
