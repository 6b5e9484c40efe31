"""Offline schema validation: pointers to the failing value, unknown schemas, the verifier's check."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

import thaivc
from thaivc.contexts.vocab import COMMON_SCHEMA, FOREIGNER_SCHEMA, JURISTIC_SCHEMA
from thaivc.core.errors import Indeterminate, InputError
from thaivc.credentials import (
    CITIZEN_SCHEMA,
    bundled_schema_ids,
    citizen_credential,
    load_schema,
    validate_credential_schema,
)

from ._samples import EVIDENCE_23, SOMCHAI

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"


@pytest.fixture
def doc(wallet_key: thaivc.PrivateKey) -> dict[str, Any]:
    return citizen_credential(wallet_key.did, SOMCHAI, ial="2.3", evidence=EVIDENCE_23)


def test_bundled_ids() -> None:
    assert bundled_schema_ids() >= {CITIZEN_SCHEMA, FOREIGNER_SCHEMA, JURISTIC_SCHEMA, COMMON_SCHEMA}


def test_valid_document_passes(doc: dict[str, Any]) -> None:
    validate_credential_schema(doc)


@pytest.mark.parametrize(
    ("path", "value", "pointer"),
    [
        (("credentialSubject", "citizenId"), "1999900001011", "/credentialSubject/citizenId"),
        (("credentialSubject", "citizenId"), "199990000101", "/credentialSubject/citizenId"),
        (("credentialSubject", "birthDate"), "2538-13-01", "/credentialSubject/birthDate"),
        (("credentialSubject", "ial"), "9", "/credentialSubject/ial"),
        (("credentialSubject", "address", "postcode"), "1020", "/credentialSubject/address/postcode"),
        (("evidence", 1, "score"), 1.5, "/evidence/1/score"),
        (("credentialSubject", "nickname"), "ชาย", "/credentialSubject"),
        (("evidence", 0, "leak"), "x", "/evidence/0"),
        (("evidence", 2, "passed"), "yes", "/evidence/2/passed"),
    ],
)
def test_invalid_value_reports_its_pointer(
    doc: dict[str, Any], path: tuple[str | int, ...], value: object, pointer: str
) -> None:
    bad = copy.deepcopy(doc)
    node: Any = bad
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    with pytest.raises(InputError) as err:
        validate_credential_schema(bad)
    assert err.value.code == "schema.invalid"
    assert err.value.detail.startswith(pointer + ":")
    assert "/" + "/".join(str(p) for p in err.value.loc) == pointer


def test_missing_required_property(doc: dict[str, Any]) -> None:
    del doc["credentialSubject"]["familyNameTh"]
    with pytest.raises(InputError) as err:
        validate_credential_schema(doc)
    assert err.value.code == "schema.invalid"
    assert "familyNameTh" in err.value.detail


def test_our_context_is_required(doc: dict[str, Any]) -> None:
    doc["@context"] = ["https://www.w3.org/ns/credentials/v2"]
    with pytest.raises(InputError) as err:
        validate_credential_schema(doc)
    assert err.value.detail.startswith("/@context:")


def test_unknown_schema_is_unavailable_not_fetched(doc: dict[str, Any]) -> None:
    doc["credentialSchema"] = {"id": "https://schemas.example.org/other.json", "type": "JsonSchema"}
    with pytest.raises(Indeterminate) as err:
        validate_credential_schema(doc)
    assert err.value.code == "schema.unavailable"


def test_schema_credential_type_is_unavailable(doc: dict[str, Any]) -> None:
    doc["credentialSchema"] = {"id": CITIZEN_SCHEMA, "type": "JsonSchemaCredential"}
    with pytest.raises(Indeterminate) as err:
        validate_credential_schema(doc)
    assert err.value.code == "schema.unavailable"


@pytest.mark.parametrize("entry", [None, [], {"type": "JsonSchema"}, [{"id": 5, "type": "JsonSchema"}]])
def test_malformed_credential_schema_entry(doc: dict[str, Any], entry: object) -> None:
    if entry is None:
        del doc["credentialSchema"]
    else:
        doc["credentialSchema"] = entry
    with pytest.raises(InputError) as err:
        validate_credential_schema(doc)
    assert err.value.code == "schema.invalid"


def test_every_listed_schema_must_pass(doc: dict[str, Any]) -> None:
    doc["credentialSchema"] = [
        {"id": CITIZEN_SCHEMA, "type": "JsonSchema"},
        {"id": JURISTIC_SCHEMA, "type": "JsonSchema"},
    ]
    with pytest.raises(InputError) as err:
        validate_credential_schema(doc)
    assert err.value.code == "schema.invalid"


def test_load_schema_returns_a_copy() -> None:
    first = load_schema(CITIZEN_SCHEMA)
    first["title"] = "changed"
    assert load_schema(CITIZEN_SCHEMA)["title"] != "changed"
    with pytest.raises(Indeterminate):
        load_schema("https://schemas.thaivc.dev/nope.json")


def _labelled(node: Any, where: str, missing: list[str]) -> None:
    if isinstance(node, dict):
        props = node.get("properties")
        if isinstance(props, dict):
            for name, sub in props.items():
                if name.startswith("@") or name in ("type", "at") or "$ref" in sub or "const" in sub:
                    continue
                if not (sub.get("title") and sub.get("x-label-th")):
                    missing.append(f"{where}/{name}")
        for key, value in node.items():
            _labelled(value, f"{where}/{key}", missing)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            _labelled(value, f"{where}/{i}", missing)


@pytest.mark.parametrize("name", ["thai-citizen-v1.json", "foreigner-identity-v1.json", "juristic-person-v1.json"])
def test_schema_files_carry_english_and_thai_labels(name: str) -> None:
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["x-label-th"]
    missing: list[str] = []
    _labelled(schema["properties"]["credentialSubject"], "", missing)
    assert missing == []


# -- the verifier's schema check ------------------------------------------------------------------


def test_verifier_records_a_passing_schema_check(
    doc: dict[str, Any], issuer: thaivc.Issuer, verifier: thaivc.Verifier
) -> None:
    report = verifier.check(issuer.issue(doc))
    assert report.ok, report.to_json()
    check = report.check("schema")
    assert check is not None and check.status == "pass"


def test_verifier_fails_a_signed_credential_that_breaks_its_schema(
    doc: dict[str, Any], issuer: thaivc.Issuer, verifier: thaivc.Verifier
) -> None:
    doc["credentialSubject"]["birthDate"] = "12/08/2538"
    with pytest.raises(InputError) as refused:  # thaivc's issuer never signs it (L.14) …
        issuer.issue(doc)
    assert refused.value.code == "schema.invalid"
    token = _signed_without_checks(issuer, doc)  # … but another issuer may
    report = verifier.check(token)
    assert report.status == "failed"
    assert report.check("signature") is not None and report.check("signature").status == "pass"  # type: ignore[union-attr]
    schema = report.check("schema")
    assert schema is not None and schema.status == "fail" and schema.code == "schema.invalid"
    assert "/credentialSubject/birthDate" in schema.detail
    assert report.document is None


def test_verifier_is_indeterminate_for_an_unbundled_schema_when_policy_requires(
    doc: dict[str, Any], issuer: thaivc.Issuer, verifier: thaivc.Verifier
) -> None:
    doc["credentialSchema"] = {"id": "https://schemas.example.org/x.json", "type": "JsonSchema"}
    token = issuer.issue(doc)
    strict = thaivc.Verifier(thaivc.Policy(require_known_schema=True), clock=verifier.clock)
    report = strict.check(token)
    assert report.status == "indeterminate"
    assert report.check("schema").code == "schema.unavailable"  # type: ignore[union-attr]
    # by default an unbundled schema is skipped, and the report says so
    report = verifier.check(token)
    assert report.ok
    assert report.check("schema").status == "skip"  # type: ignore[union-attr]
    assert any("credentialSchema not checked" in w for w in report.warnings)


def test_no_schema_check_without_credential_schema(
    doc: dict[str, Any], issuer: thaivc.Issuer, verifier: thaivc.Verifier
) -> None:
    del doc["credentialSchema"]
    with pytest.raises(InputError):  # thaivc's own type is held to its schema at issuance (L.14)
        issuer.issue(doc)
    report = verifier.check(_signed_without_checks(issuer, doc))
    assert report.ok
    assert report.check("schema") is None


def _signed_without_checks(issuer: thaivc.Issuer, doc: dict[str, Any]) -> str:
    """A genuine vc+jwt from the issuer's key that skips the issuance checks (as a foreign issuer might)."""
    from thaivc.jose.compact import sign_compact

    payload = dict(doc, issuer=issuer.issuer_id, validFrom="2026-06-01T00:00:00Z")
    header = {"alg": issuer.key.algorithm, "typ": "vc+jwt", "kid": issuer.key.kid}
    return sign_compact(header, payload, issuer.key)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("credentialSubject", "citizenId"), "1999900001029"),
        (("credentialSubject", "givenNameTh"), "ส" * 300),
        (("credentialSubject", "birthDate"), "secret-1995"),
        (("evidence", 0), {"type": "dopa_card_status", "status": "valid", "leak": "secret-value"}),
    ],
)
def test_errors_do_not_echo_personal_values(doc: dict[str, Any], path: tuple[str | int, ...], value: object) -> None:
    node: Any = doc
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    with pytest.raises(InputError) as err:
        validate_credential_schema(doc)
    assert "1999900001029" not in err.value.detail
    assert "secret-1995" not in err.value.detail and "secret-value" not in err.value.detail
    assert "ส" * 10 not in err.value.detail
