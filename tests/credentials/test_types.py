"""Builders of the Thai credential types: shape, NFC, schema conformance, refusals."""

from __future__ import annotations

import dataclasses
import unicodedata

import pytest

from thaivc.core.errors import InputError, ThaiVCError
from thaivc.credentials import (
    CITIZEN_SCHEMA,
    CONTEXTS,
    FOREIGNER_SCHEMA,
    JURISTIC_SCHEMA,
    ForeignPerson,
    citizen_credential,
    foreigner_credential,
    juristic_credential,
)
from thaivc.registries import FakeDbd
from thaivc.thai import ThaiName

from ._samples import BOONMEE, EVIDENCE_23, MAUNG, SOMCHAI

DID = "did:example:citizen"


def test_citizen_credential_shape() -> None:
    doc = citizen_credential(DID, SOMCHAI, ial="2.3", aal="2.2", evidence=EVIDENCE_23)
    assert doc["@context"] == list(CONTEXTS)
    assert doc["type"] == ["VerifiableCredential", "ThaiCitizenCredential"]
    assert doc["credentialSchema"] == {"id": CITIZEN_SCHEMA, "type": "JsonSchema"}
    subject = doc["credentialSubject"]
    assert subject["id"] == DID
    assert subject["citizenId"] == "1999900001010"
    assert (subject["givenNameTh"], subject["familyNameTh"], subject["givenNameEn"]) == ("สมชาย", "ใจดี", "Somchai")
    assert subject["birthDate"] == "1995-08-12"
    assert subject["address"]["houseNo"] == "99/1"
    assert subject["address"]["tambon"] == "บวรนิเวศ"  # prefix stripped by ThaiAddress
    assert (subject["ial"], subject["aal"]) == ("2.3", "2.2")
    assert [e["type"] for e in doc["evidence"]] == ["dopa_card_status", "face_match", "liveness"]
    assert "issuer" not in doc  # the Issuer fills it from its key


def test_partial_birth_date_from_year_only_be_date() -> None:
    doc = citizen_credential(DID, BOONMEE, ial="1.3")
    assert doc["credentialSubject"]["birthDate"] == "1952"


def test_thai_text_is_put_in_nfc() -> None:
    # SARA AM written as NIKHAHIT + SARA AA is a different code point sequence that NFC does not
    # merge, so use a combining sequence NFC does change: a decomposed Latin letter in the English name.
    decomposed = unicodedata.normalize("NFD", "Chloé")
    person = dataclasses.replace(SOMCHAI, name=dataclasses.replace(SOMCHAI.name, given_en=decomposed))
    doc = citizen_credential(DID, person, ial="1.3")
    assert doc["credentialSubject"]["givenNameEn"] == unicodedata.normalize("NFC", "Chloé")
    assert doc["credentialSubject"]["givenNameEn"] != decomposed


def test_hidden_characters_are_refused() -> None:
    person = dataclasses.replace(SOMCHAI, address=None, name=ThaiName(given_th="สมชาย", family_th="ใจดี"))
    with pytest.raises(ThaiVCError) as err:
        citizen_credential(DID + "\u200b", person, ial="1.3")
    assert err.value.code == "text.forbidden_char"


def test_citizen_id_with_bad_check_digit_is_refused() -> None:
    person = dataclasses.replace(SOMCHAI, citizen_id="1999900001011")
    with pytest.raises(InputError) as err:
        citizen_credential(DID, person, ial="1.3")
    assert err.value.code == "thai.id_invalid"


@pytest.mark.parametrize("ial", ["4", "0.5", "two"])
def test_unranked_ial_is_refused(ial: str) -> None:
    with pytest.raises(InputError) as err:
        citizen_credential(DID, SOMCHAI, ial=ial)
    assert err.value.code == "assurance.invalid"


def test_foreigner_credential_with_passport_and_non_thai_id() -> None:
    doc = foreigner_credential(DID, MAUNG, ial="1.3")
    subject = doc["credentialSubject"]
    assert doc["type"][-1] == "ForeignerIdentityCredential"
    assert doc["credentialSchema"]["id"] == FOREIGNER_SCHEMA
    assert (subject["passportNumber"], subject["issuingState"], subject["personalId"]) == (
        "MC1234567",
        "MMR",
        "0999900001135",
    )


def test_foreigner_with_passport_only() -> None:
    person = dataclasses.replace(MAUNG, personal_id=None)
    doc = foreigner_credential(DID, person, ial="1.2")
    assert "personalId" not in doc["credentialSubject"]


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        ({"personal_id": "1999900001010", "passport_number": None, "issuing_state": None}, "personalId"),
        ({"personal_id": None, "passport_number": "mc12", "issuing_state": "MMR"}, "passportNumber"),
        ({"personal_id": None, "issuing_state": "MM"}, "issuingState"),
        ({"personal_id": None, "issuing_state": None}, "issuingState"),
        ({"nationality": "Myanmar"}, "nationality"),
    ],
)
def test_foreigner_identifier_rules(change: dict[str, str | None], loc: str) -> None:
    with pytest.raises(InputError) as err:
        foreigner_credential(DID, dataclasses.replace(MAUNG, **change), ial="1.2")  # type: ignore[arg-type]
    assert err.value.code == "thai.id_invalid"
    assert err.value.loc == (loc,)


def test_foreigner_needs_an_identifier() -> None:
    person = ForeignPerson(ThaiName(family_en="Lwin"), "1990", None, None, None)
    with pytest.raises(InputError) as err:
        foreigner_credential(DID, person, ial="1.2")
    assert err.value.code == "thai.id_invalid"


def test_juristic_credential_from_dbd(dbd: FakeDbd) -> None:
    company = dbd.lookup("0995562000018")
    doc = juristic_credential(company, retrieved_at=1780272000, source="dbd:fake", subject_did="did:example:co")
    subject = doc["credentialSubject"]
    assert doc["credentialSchema"]["id"] == JURISTIC_SCHEMA
    assert subject["juristicId"] == "0995562000018"
    assert subject["legalNameTh"] == "บริษัท สยามบัญชี จำกัด"
    assert subject["juristicStatusTh"] == "ยังดำเนินกิจการอยู่"
    assert subject["registrationDate"] == "2019-08-29"
    assert subject["signingClauseTh"] == company.signing_clause_th
    assert subject["signingClauseTh"].startswith("กรรมการสองคนลงลายมือชื่อร่วมกัน")
    assert [d["givenNameTh"] for d in subject["directors"]] == [d.first_name for d in company.directors]
    assert {d["role"] for d in subject["directors"]} == {"director"}
    assert subject["retrievedAt"] == "2026-06-01T00:00:00Z"
    assert subject["source"] == "dbd:fake"


def test_juristic_credential_keeps_managing_partner_and_limits(dbd: FakeDbd) -> None:
    company = dbd.lookup("0993552000072")
    doc = juristic_credential(company, retrieved_at="2026-06-01T00:00:00Z", source="dbd:fake")
    subject = doc["credentialSubject"]
    assert "managing_partner" in {d["role"] for d in subject["directors"]}
    assert subject["limitsOfAuthorityTh"] == list(company.other_authorizations["M"])
    assert "id" not in subject


@pytest.mark.parametrize("juristic_id", FakeDbd().juristic_ids())
def test_every_fixture_company_builds_a_schema_valid_document(dbd: FakeDbd, juristic_id: str) -> None:
    doc = juristic_credential(dbd.lookup(juristic_id), retrieved_at=0, source="dbd:fake")
    assert doc["credentialSubject"]["juristicId"] == juristic_id
