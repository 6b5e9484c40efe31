"""The W3C VCDM 2.0 test-suite inputs, every file, through the model, the fast validator and JSON-LD.

The suite's inputs are *issuance requests*: its harness adds the issuer's own ``issuer`` before
sending them (``tests/mock.data.js`` in w3c/vc-data-model-2.0-test-suite). ``prepare`` mirrors
that: a missing ``issuer`` is set, and an issuer object without an ``id`` member gets one. It
does not replace an explicit ``null`` (which is what the ``*-null-fail`` files test), and it is
not applied to ``credential-no-issuer-fail.json``, whose point is the missing issuer. The
``PAST DATE``/``FUTURE DATE`` placeholders of the validity-period files are filled in, as the
harness does, with fixed instants.

Classification, enforced by ``test_every_file_is_classified``:

* ``*-ok.json`` — accepted by the fast validator, the pydantic model and ``require_jsonld``;
* ``*-fail.json`` — rejected, with the code in ``EXPECTED_FAIL``;
* ``*-fail-or-inject.json`` — an issuer may either reject or inject the missing context. thaivc
  never rewrites a document (signed bytes are checked as received), so it rejects: ``FAIL_OR_INJECT``;
* ``presentation-self-asserted-vc-*.json`` (no suffix) — unsigned templates for the holder-claims
  rule (VCDM 2.0 §Presentations Including Holder Claims). Structurally each is a valid
  presentation, so all three checks accept them; what differs is whether the embedded credential,
  *if secured only by the presentation's proof*, may be accepted: ``require_self_asserted`` must
  pass ``-ok`` and refuse the other three with ``vp.holder_mismatch`` (``SELF_ASSERTED``).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from thaivc.contexts import ContextRegistry
from thaivc.core.errors import ThaiVCError, is_known_code
from thaivc.model import (
    Credential,
    EnvelopedVerifiableCredential,
    Presentation,
    require_credential,
    require_jsonld,
    require_presentation,
    require_self_asserted,
)

SUITE = Path(__file__).parent.parent / "vectors" / "vc-data-model-2.0-test-suite"
FILES = sorted(path.relative_to(SUITE).as_posix() for path in SUITE.rglob("*.json"))
ISSUER = "did:example:suite-issuer"
PAST, FUTURE = "2020-01-01T00:00:00Z", "2035-01-01T00:00:00Z"

#: file -> the code thaivc raises first (fast validator, then JSON-LD checks)
EXPECTED_FAIL: dict[str, str] = {
    "credential-context-combo3-fail.json": "vc.context_invalid",
    "credential-context-combo4-fail.json": "vc.context_invalid",
    "credential-evidence-missing-type-fail.json": "vc.type_invalid",
    "credential-id-multi-fail.json": "vc.id_invalid",
    "credential-id-nonidentifier-fail.json": "vc.id_invalid",
    "credential-id-not-url-fail.json": "vc.id_invalid",
    "credential-id-subject-multi-fail.json": "vc.id_invalid",
    "credential-issuer-no-url-fail.json": "vc.issuer_invalid",
    "credential-issuer-null-fail.json": "vc.issuer_invalid",
    "credential-issuer-object-id-no-url-fail.json": "vc.issuer_invalid",
    "credential-issuer-object-id-null-fail.json": "vc.issuer_invalid",
    "credential-missing-required-type-fail.json": "vc.type_invalid",
    "credential-no-issuer-fail.json": "vc.issuer_invalid",
    "credential-no-subject-fail.json": "vc.subject_invalid",
    "credential-no-type-fail.json": "vc.type_invalid",
    "credential-proof-missing-type-fail.json": "vc.type_invalid",
    "credential-redef-type-fail.json": "di.context_not_allowed",
    "credential-redef-type2-fail.json": "di.context_not_allowed",
    "credential-refresh-no-type-fail.json": "vc.type_invalid",
    "credential-schema-no-id-fail.json": "vc.id_invalid",
    "credential-schema-no-type-fail.json": "vc.type_invalid",
    "credential-schema-non-url-id-fail.json": "vc.id_invalid",
    "credential-status-missing-type-fail.json": "vc.type_invalid",
    "credential-status-multiple-id-fail.json": "vc.id_invalid",
    "credential-status-nonurl-id-fail.json": "vc.id_invalid",
    "credential-status-type-nonurl-fail.json": "vc.type_invalid",
    "credential-subject-multiple-empty-fail.json": "vc.subject_invalid",
    "credential-subject-no-claims-fail.json": "vc.subject_invalid",
    "credential-termsofuse-missing-type-fail.json": "vc.type_invalid",
    "credential-termsofuse-no-type-fail.json": "vc.type_invalid",
    "credential-type-mapped-nonurl-fail.json": "di.data_loss",
    "credential-type-unmapped-fail.json": "di.vocab_not_allowed",
    "credential-validUntil-validFrom-fail.json": "vc.validity_range",
    "credential-validfrom-invalid-fail.json": "vc.datetime_invalid",
    "credential-validuntil-invalid-fail.json": "vc.datetime_invalid",
    "names-and-descriptions/credential-description-extra-prop-en-fail.json": "vc.language_value_invalid",
    "names-and-descriptions/credential-name-extra-prop-en-fail.json": "vc.language_value_invalid",
    "names-and-descriptions/issuer-description-extra-prop-en-fail.json": "vc.language_value_invalid",
    "names-and-descriptions/issuer-name-extra-prop-en-fail.json": "vc.language_value_invalid",
    "presentation-context-order-fail.json": "vc.context_invalid",
    "presentation-enveloped-vc-missing-type-fail.json": "vc.type_invalid",
    "presentation-holder-fail.json": "vp.malformed",
    "presentation-holder-name-fail.json": "vp.malformed",
    "presentation-holder-object-fail.json": "vp.malformed",
    "presentation-missing-base-context-fail.json": "vc.context_invalid",
    "presentation-missing-required-type-fail.json": "vp.malformed",
    "presentation-no-type-fail.json": "vp.malformed",
    "presentation-vc-as-string-fail.json": "vp.malformed",
    "presentation-vc-missing-required-type-fail.json": "vc.type_invalid",
}

FAIL_OR_INJECT: dict[str, str] = {
    "credential-missing-base-context-fail-or-inject.json": "vc.context_invalid",
    "credential-no-context-fail-or-inject.json": "vc.context_invalid",
    "presentation-no-context-fail-or-inject.json": "vc.context_invalid",
}

#: file -> None (holder claims accepted) or the code require_self_asserted raises
SELF_ASSERTED: dict[str, str | None] = {
    "presentation-self-asserted-vc-ok.json": None,
    "presentation-self-asserted-vc-holder-mismatch.json": "vp.holder_mismatch",
    "presentation-self-asserted-vc-issuer-mismatch.json": "vp.holder_mismatch",
    "presentation-self-asserted-vc-no-holder.json": "vp.holder_mismatch",
}

REGISTRY = ContextRegistry.default()


def load(name: str) -> dict[str, Any]:
    document = json.loads((SUITE / name).read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


def is_presentation(name: str) -> bool:
    return Path(name).name.startswith("presentation-")


def prepare(name: str) -> dict[str, Any]:
    """The document as the suite's harness would hand it to an issuer (see module docstring)."""
    document = load(name)
    if not is_presentation(name) and Path(name).name != "credential-no-issuer-fail.json":
        if "issuer" not in document:
            document["issuer"] = ISSUER
        elif isinstance(document["issuer"], dict) and "id" not in document["issuer"]:
            document["issuer"]["id"] = ISSUER
    for key in ("validFrom", "validUntil"):
        if document.get(key) == "PAST DATE":
            document[key] = PAST
        elif document.get(key) == "FUTURE DATE":
            document[key] = FUTURE
    return document


def fast_check(name: str, document: dict[str, Any]) -> list[str]:
    return require_presentation(document) if is_presentation(name) else require_credential(document)


def model_check(name: str, document: dict[str, Any]) -> Credential | Presentation:
    if is_presentation(name):
        return Presentation.model_validate(document)
    return Credential.model_validate(document)


def verdict(name: str, document: dict[str, Any]) -> str | None:
    """The first code thaivc raises for ``document`` (fast checks, then JSON-LD), or None."""
    try:
        fast_check(name, document)
        require_jsonld(document, REGISTRY)
    except ThaiVCError as exc:
        return exc.code
    return None


def test_every_file_is_classified() -> None:
    assert len(FILES) >= 120, "the suite directory is not where the test expects it"
    unclassified = [
        name
        for name in FILES
        if not name.endswith("-ok.json") and name not in EXPECTED_FAIL and name not in FAIL_OR_INJECT
        if name not in SELF_ASSERTED
    ]
    assert unclassified == []


def test_tables_name_only_existing_files() -> None:
    listed = set(EXPECTED_FAIL) | set(FAIL_OR_INJECT) | set(SELF_ASSERTED)
    assert listed - set(FILES) == set()
    assert all(name.endswith("-fail.json") for name in EXPECTED_FAIL)
    assert all(name.endswith("-fail-or-inject.json") for name in FAIL_OR_INJECT)


def test_expected_codes_are_catalogued() -> None:
    codes = {*EXPECTED_FAIL.values(), *FAIL_OR_INJECT.values(), *(c for c in SELF_ASSERTED.values() if c)}
    assert {code for code in codes if not is_known_code(code)} == set()


@pytest.mark.parametrize("name", FILES)
def test_suite_file(name: str) -> None:
    document = prepare(name)
    pristine = copy.deepcopy(document)
    if name.endswith("-ok.json") or name in SELF_ASSERTED:
        assert isinstance(fast_check(name, document), list)
        model = model_check(name, document)
        require_jsonld(document, REGISTRY)
        assert model.type, "a model kept its type list"
        if name in SELF_ASSERTED:
            expected = SELF_ASSERTED[name]
            if expected is None:
                require_self_asserted(document)
            else:
                with pytest.raises(ThaiVCError) as caught:
                    require_self_asserted(document)
                assert caught.value.code == expected
    else:
        expected = EXPECTED_FAIL.get(name) or FAIL_OR_INJECT[name]
        assert verdict(name, document) == expected
        # the model rejects too, and with the same code whenever the fault is in the data model
        with pytest.raises(ThaiVCError) as caught:
            model_check(name, document)
            require_jsonld(document, REGISTRY)
        assert caught.value.code == expected
    assert document == pristine, "checks must never modify the document"


def test_placeholders_matter() -> None:
    """The validity-period pair only differs by the order of the placeholders."""
    ok = prepare("credential-validUntil-validFrom-ok.json")
    bad = prepare("credential-validUntil-validFrom-fail.json")
    assert (ok["validFrom"], ok["validUntil"]) == (bad["validUntil"], bad["validFrom"])
    assert verdict("credential-validUntil-validFrom-ok.json", ok) is None
    raw = load("credential-validUntil-validFrom-ok.json")
    raw["issuer"] = ISSUER
    assert verdict("credential-validUntil-validFrom-ok.json", raw) == "vc.datetime_invalid"


def test_enveloped_credential_is_typed() -> None:
    presentation = Presentation.model_validate(prepare("presentation-enveloped-vc-ok.json"))
    (entry,) = presentation.verifiable_credential
    assert isinstance(entry, EnvelopedVerifiableCredential)
    assert entry.media_type == "application/vc-ld+jwt"
    assert entry.token.count(".") == 2
    assert entry.id.endswith(entry.token)


def test_issuer_injection_is_what_makes_ok_files_pass() -> None:
    """Without the harness's issuer the ``-ok`` credentials miss a VCDM 2.0 MUST."""
    raw = load("credential-ok.json")
    assert "issuer" not in raw
    with pytest.raises(ThaiVCError) as caught:
        require_credential(raw)
    assert caught.value.code == "vc.issuer_invalid"
