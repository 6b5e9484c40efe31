"""The SD-JWT inputs of w3c/vc-jose-cose-test-suite (``tests/vectors/vc-jose-cose-test-suite``).

How they differ from RFC 9901 / SD-JWT VC, and therefore what thaivc does with them:

* ``typ`` is ``vc+sd-jwt`` / ``vp+sd-jwt`` (the VC-JOSE-COSE drafts' media types, with
  ``cty: vc``/``vp``), not ``dc+sd-jwt``; the payload is a VCDM 2.0 document and has no ``vct``.
  ``vc+sd-jwt`` is accepted on input as a legacy type; ``vp+sd-jwt`` only when a caller opts in.
* ``iat`` is an RFC 3339 *string* (``"2024-01-01T00:00:00Z"``), not a NumericDate as RFC 7519
  requires. thaivc refuses that (``claims.malformed``): an ``iat``/``exp`` that does not compare as
  a number must never slip past the time checks. The rest of each credential (signature, digests,
  disclosures) is checked separately below and conforms to RFC 9901.
* ``credential-sdjwt-nested`` and ``presentation-sdjwt-bad-credential`` are signed with ES512,
  outside thaivc's JOSE allowlist (EdDSA, ES256, ES384): ``jose.alg_not_allowed``. The signature
  and disclosures of the nested credential are checked with this suite's own backend.
* ``presentation-sdjwt-selective`` is ``typ: vp+sd-jwt`` with ``cty: vp``; thaivc defines no
  ``cty`` for that type, so even with ``vp+sd-jwt`` opted in it is ``jose.typ_mismatch``. Its
  signature and disclosures are checked with this suite's own backend.
* No ``_sd_alg``: the RFC 9901 default, sha-256, applies.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from thaivc.core.errors import ThaiVCError
from thaivc.sdjwt import verify_sd_jwt
from thaivc.sdjwt._disclosure import parse_disclosure
from thaivc.sdjwt._jws import peek_compact
from thaivc.sdjwt._process import process_payload

from .conftest import TestVerifier, load_jwk

NOW = 1_767_225_600
LEGACY = frozenset({"vc+sd-jwt", "vp+sd-jwt", "dc+sd-jwt"})


@pytest.fixture(scope="module")
def suite(vectors: Path) -> Path:
    return vectors / "vc-jose-cose-test-suite"


def _key(suite: Path, kid: str) -> TestVerifier:
    for path in suite.glob("vm-*.json"):
        jwk = json.loads(path.read_text())["publicKeyJwk"]
        if jwk["kid"] == kid:
            return load_jwk({k: v for k, v in jwk.items() if k not in ("kid", "alg")})
    raise AssertionError(f"no test key {kid}")


def _read(suite: Path, name: str) -> str:
    return (suite / name).read_text().strip()


def _verify(suite: Path, text: str, **kw: Any) -> Any:
    kid = peek_compact(text.split("~", maxsplit=1)[0])[0]["kid"]
    kw.setdefault("accepted_typ", LEGACY)
    return verify_sd_jwt(text, issuer_key_resolver=lambda h, p: _key(suite, kid), now=NOW, require_kb=False, **kw)


def _code(fn: Any) -> str:
    with pytest.raises(ThaiVCError) as info:
        fn()
    return info.value.code


@pytest.mark.parametrize(
    ("name", "fixture", "disclosed", "code"),
    [
        (
            "credential-sdjwt-selective.txt",
            "credential-selective.json",
            [("credentialSubject", "firstName"), ("credentialSubject", "lastName")],
            "claims.malformed",
        ),
        (
            "credential-sdjwt-nested.txt",
            "credential-nested-selective.json",
            [
                ("credentialSubject", "address", "street"),
                ("credentialSubject", "address", "city"),
                ("credentialSubject", "phoneNumbers", 0),
            ],
            "jose.alg_not_allowed",
        ),
    ],
)
def test_good_credentials_conform_to_rfc9901_but_are_refused(
    suite: Path, name: str, fixture: str, disclosed: list[tuple[Any, ...]], code: str
) -> None:
    text = _read(suite, name)
    jwt, *encoded, last = text.split("~")
    assert last == ""
    _header, payload = _key(suite, peek_compact(jwt)[0]["kid"]).verify(jwt, LEGACY)  # the signature is good
    processed = process_payload(payload, [parse_disclosure(d, hashlib.sha256) for d in encoded])
    assert [r.path for r in processed.revealed] == disclosed
    unsigned = json.loads((suite / fixture).read_text())
    assert processed.payload["credentialSubject"] == unsigned["credentialSubject"]
    assert processed.payload["type"] == unsigned["type"]
    # ... and the whole verification refuses the string iat (or the ES512 signature)
    assert _code(lambda: _verify(suite, text)) == code


def test_bad_signature(suite: Path) -> None:
    assert _code(lambda: _verify(suite, _read(suite, "credential-sdjwt-bad-signature.txt"))) == "crypto.bad_signature"


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("credential-sdjwt-bad-media-type.txt", "jose.typ_mismatch"),
        ("presentation-sdjwt-bad-media-type.txt", "jose.typ_mismatch"),
        ("presentation-sdjwt-bad-credential.txt", "jose.alg_not_allowed"),
    ],
)
def test_bad_media_type(suite: Path, name: str, code: str) -> None:
    assert _code(lambda: _verify(suite, _read(suite, name))) == code


def test_presentation_selective(suite: Path) -> None:
    text = _read(suite, "presentation-sdjwt-selective.txt")
    jwt, *encoded, _ = text.split("~")
    _header, payload = _key(suite, peek_compact(jwt)[0]["kid"]).verify(jwt, frozenset({"vp+sd-jwt"}))
    processed = process_payload(payload, [parse_disclosure(d, hashlib.sha256) for d in encoded])
    assert [r.path for r in processed.revealed] == [("holder",), ("type",)]
    assert processed.payload["type"] == "VerifiablePresentation"
    assert processed.payload["holder"] == "https://example.issuer/vc-jose-cose"
    assert processed.payload["verifiableCredential"][0]["type"] == "EnvelopedVerifiableCredential"
    assert _code(lambda: _verify(suite, text)) == "jose.typ_mismatch"  # cty "vp" is not defined for it
    assert _code(lambda: _verify(suite, text, accepted_typ=frozenset({"dc+sd-jwt", "vc+sd-jwt"}))) == (
        "jose.typ_mismatch"
    )
