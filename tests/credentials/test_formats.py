"""Every credential type, issued and verified (schema check included) in every supported format.

The list of formats is :data:`thaivc.credentials.SUPPORTED_FORMATS`: a format listed there that
does not work fails these tests; a format that works but is not listed yet is simply not claimed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import thaivc
from thaivc.core.jsonutil import loads_strict
from thaivc.credentials import (
    ALL_FORMATS,
    SUPPORTED_FORMATS,
    citizen_credential,
    foreigner_credential,
    format_available,
    juristic_credential,
)
from thaivc.registries import FakeDbd

from ._samples import EVIDENCE_23, MAUNG, SOMCHAI

Builder = Callable[[str], dict[str, Any]]

BUILDERS: dict[str, Builder] = {
    "ThaiCitizenCredential": lambda did: citizen_credential(did, SOMCHAI, ial="2.3", evidence=EVIDENCE_23),
    "ForeignerIdentityCredential": lambda did: foreigner_credential(did, MAUNG, ial="1.3"),
    "JuristicPersonCredential": lambda did: juristic_credential(
        FakeDbd().lookup("0995562000018"), retrieved_at=1780272000, source="dbd:fake", subject_did=did
    ),
}


def test_supported_formats_are_known_and_start_with_vc_jwt() -> None:
    assert SUPPORTED_FORMATS[0] == "vc+jwt"
    assert set(SUPPORTED_FORMATS) <= set(ALL_FORMATS)


@pytest.mark.parametrize("fmt", SUPPORTED_FORMATS)
def test_claimed_format_is_available(fmt: str) -> None:
    assert format_available(fmt)


def test_unknown_format_is_not_available() -> None:
    assert not format_available("jwt-vc-1.1")


@pytest.mark.parametrize("fmt", SUPPORTED_FORMATS)
@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_issue_and_verify(
    fmt: str, kind: str, issuer: thaivc.Issuer, verifier: thaivc.Verifier, wallet_key: thaivc.PrivateKey
) -> None:
    doc = BUILDERS[kind](wallet_key.did)
    secured = issuer.issue(doc, format=fmt)  # type: ignore[arg-type]
    if fmt == "dc+sd-jwt":
        # an SD-JWT VC is verified as its holder presents it: key-bound to the verifier's challenge;
        # the schema is checked on the view that was disclosed (L.17)
        challenge = thaivc.new_challenge()
        secured = thaivc.Holder(wallet_key, clock=issuer.clock).present(
            [secured], disclose=[], challenge=challenge, domain="https://rd.go.th"
        )
        report = verifier.check(secured, challenge=challenge, domain="https://rd.go.th")
    else:
        report = verifier.check(secured)
    assert report.ok, report.to_json()
    schema = report.check("schema")
    assert schema is not None and schema.status == "pass"
    assert report.document is not None
    assert kind in report.document["type"]
    assert report.document["credentialSubject"] == doc["credentialSubject"]


@pytest.mark.parametrize("fmt", SUPPORTED_FORMATS)
@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_presented_credential_verifies(
    fmt: str, kind: str, issuer: thaivc.Issuer, verifier: thaivc.Verifier, wallet_key: thaivc.PrivateKey
) -> None:
    secured = issuer.issue(BUILDERS[kind](wallet_key.did), format=fmt)  # type: ignore[arg-type]
    challenge = thaivc.new_challenge()
    vp = thaivc.Holder(wallet_key, clock=issuer.clock).present(
        [secured], challenge=challenge, domain="https://rd.go.th"
    )
    report = verifier.check(vp, challenge=challenge, domain="https://rd.go.th")
    assert report.ok, report.to_json()
    if fmt != "dc+sd-jwt":  # an SD-JWT VC is typed by vct, not by a JSON Schema over a partial view
        assert report.children[0].check("schema").status == "pass"  # type: ignore[union-attr]


def test_tampered_vc_jwt_subject_fails_before_the_schema(
    issuer: thaivc.Issuer, verifier: thaivc.Verifier, wallet_key: thaivc.PrivateKey
) -> None:
    from thaivc.core.b64 import b64url_decode, b64url_encode
    from thaivc.core.jsonutil import dumps_compact

    token = issuer.issue(BUILDERS["ThaiCitizenCredential"](wallet_key.did))
    head, body, sig = token.split(".")
    payload = loads_strict(b64url_decode(body))
    payload["credentialSubject"]["ial"] = "3"
    forged = ".".join([head, b64url_encode(dumps_compact(payload).encode()), sig])
    report = verifier.check(forged)
    assert report.status == "failed"
    assert report.check("signature").status == "fail"  # type: ignore[union-attr]
    assert report.check("schema") is None
