"""The JOSE inputs of w3c/vc-jose-cose-test-suite (``tests/vectors/vc-jose-cose-test-suite``) through
``Verifier.check``.

The suite's tokens name their issuer by an HTTPS URL (``https://example.issuer/vc-jose-cose``) and their
key by a bare RFC 7638 thumbprint ``kid``: the shape of JWT VC Issuer Metadata. So the verifier here is
given the suite's ``vm-*.json`` keys as that issuer's metadata (an ``sd_jwt_key_resolver``, as an agency
configures :class:`thaivc.trust.IssuerMetadataResolver`), and every input is judged on its own merits
(issue 11 item 5; before, thumbprint kids and https issuers stopped every token at ``jose.kid_invalid``):

1. every ``*-bad-*`` input fails for the reason its name gives (media type, signature, VC 1.1 claims,
   ES512, a malformed embedded credential);
2. the "valid" ones pass their signature check and then fail only because the credentials write ``iat``
   as a date-time string (RFC 7519 requires a NumericDate: ``claims.malformed``), and the presentation's
   ``exp`` has passed;
3. without a resolver for the https issuer nothing verifies: the verdict is indeterminate.

The suite's keys and unsigned inputs are also proven to verify once re-issued with a DID URL ``kid``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import thaivc
from thaivc.core.b64 import b64url_decode, b64url_encode
from thaivc.core.errors import ThaiVCError
from thaivc.did import DidDocument, DidJwkResolver, DidKeyResolver, UniversalResolver, VerificationMethod
from thaivc.keys import PrivateKey

from .conftest import StaticResolver, assert_first, enveloped, forge

SUITE_DID = "did:example:vc-jose-cose"
#: vm-*.json files whose algorithm thaivc allows (vm-p521 is ES512: outside the allowlist).
ALLOWED_VMS = ("did-ed25519", "ed25519", "p256", "p384")

BAD_INPUTS = {
    # file: the first code, and why it is that one
    "credential-jose-bad-media-type.txt": "jose.typ_mismatch",
    "credential-jose-bad-signature.txt": "crypto.bad_signature",
    "credential-jose-vc-vp-claims.txt": "vc.legacy_jwt_claims",
    "credential-jose-unknown-extensions.txt": "jose.alg_not_allowed",  # ES512 (P-521 is refused, interop.md)
    "presentation-jose-bad-credential.txt": "vc.id_invalid",
    "presentation-jose-bad-media-type.txt": "jose.typ_mismatch",
}
SUITE_ISSUER = "https://example.issuer/vc-jose-cose"
VALID_INPUTS = ("credential-jose-minimal.txt", "credential-issuer-match-signed.txt", "presentation-jose-multiple.txt")


@pytest.fixture(scope="module")
def suite(vectors: Path) -> Path:
    return vectors / "vc-jose-cose-test-suite"


def _read(suite: Path, name: str) -> str:
    return (suite / name).read_text("ascii").strip()


def test_every_jose_input_is_classified(suite: Path) -> None:
    """No JOSE input of the pinned suite escapes this module."""
    jose = {p.name for p in suite.glob("*.txt") if "-jose-" in p.name} | {"credential-issuer-match-signed.txt"}
    assert jose == set(BAD_INPUTS) | set(VALID_INPUTS)


@pytest.fixture(scope="module")
def metadata_verifier(suite: Path) -> thaivc.Verifier:
    """The suite's keys as its https issuer's metadata: the key is chosen by the thumbprint ``kid``."""
    keys: dict[str, Any] = {}
    for path in sorted(suite.glob("vm-*.json")):
        jwk = json.loads(path.read_text())["publicKeyJwk"]
        if jwk.get("crv") != "P-521":  # ES512 is refused: its key is no thaivc key
            keys[jwk["kid"]] = thaivc.PublicKey.from_jwk(jwk)

    def resolve(header: dict[str, Any], payload: dict[str, Any]) -> Any:
        if payload.get("iss") != SUITE_ISSUER or header.get("kid") not in keys:
            raise ThaiVCError("key.not_found", "not one of the suite issuer's keys")
        return keys[header["kid"]]

    policy = thaivc.Policy(require_challenge=False, require_holder_binding=False)
    return thaivc.Verifier(policy, clock=thaivc.FixedClock.at("2026-06-01T00:00:00Z"), sd_jwt_key_resolver=resolve)


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_inputs_fail(metadata_verifier: thaivc.Verifier, suite: Path, name: str) -> None:
    report = metadata_verifier.check(_read(suite, name), challenge=None)
    assert_first(report, BAD_INPUTS[name])


@pytest.mark.parametrize("name", VALID_INPUTS)
def test_valid_inputs_verify_their_signature_and_stop_at_their_claims(
    metadata_verifier: thaivc.Verifier, suite: Path, name: str
) -> None:
    """Reason 2 above, exactly: the signature verified, and what fails is the suite's own claims."""
    report = metadata_verifier.check(_read(suite, name))
    assert report.status == "failed"
    assert report.check("signature") is not None and report.check("signature").status == "pass"
    expected = "time.expired" if name.startswith("presentation") else "claims.malformed"
    assert report.problems[0].code == expected, report.to_json()


@pytest.mark.parametrize("name", VALID_INPUTS)
def test_without_the_issuers_metadata_nothing_verifies(verifier: thaivc.Verifier, suite: Path, name: str) -> None:
    report = verifier.check(_read(suite, name))
    assert report.status == "indeterminate"
    assert report.problems[0].code == "did.resolver_unavailable"


@pytest.mark.parametrize("name", VALID_INPUTS)
def test_valid_inputs_name_a_non_did_issuer_and_a_string_iat(suite: Path, name: str) -> None:
    """Reasons 2 and 3, read from the tokens themselves (unverified reads, for the record only)."""
    payload = json.loads(b64url_decode(_read(suite, name).split(".")[1]))
    assert payload["iss"] == "https://example.issuer/vc-jose-cose"
    if name.startswith("credential"):
        assert isinstance(payload["iat"], str)


# -- the suite's keys and inputs, re-issued with a DID URL kid ---------------------------------------


def _suite_keys(suite: Path) -> dict[str, PrivateKey]:
    keys: dict[str, PrivateKey] = {}
    for name in ALLOWED_VMS:
        vm = json.loads((suite / f"vm-{name}.json").read_text())
        key = thaivc.load_key(vm["secretKeyJwk"])
        assert isinstance(key, PrivateKey)
        keys[name] = key.bind(SUITE_DID, f"{SUITE_DID}#{name}")
    return keys


@pytest.fixture(scope="module")
def suite_keys(suite: Path) -> dict[str, PrivateKey]:
    return _suite_keys(suite)


@pytest.fixture
def suite_verifier(suite_keys: dict[str, PrivateKey], clock: thaivc.FixedClock) -> thaivc.Verifier:
    ids = tuple(k.kid for k in suite_keys.values())
    doc = DidDocument(
        id=SUITE_DID,
        verification_methods=tuple(
            VerificationMethod(k.kid, "JsonWebKey", SUITE_DID, k.public_key) for k in suite_keys.values()
        ),
        assertion_method=ids,
        authentication=ids,
    )
    resolver = UniversalResolver(
        {"key": DidKeyResolver(), "jwk": DidJwkResolver(), "example": StaticResolver({SUITE_DID: doc})}
    )
    policy = thaivc.Policy(require_holder_binding=False, require_challenge=False)
    return thaivc.Verifier(policy=policy, resolver=resolver, clock=clock)


def _reissue(suite: Path, key: PrivateKey, name: str = "credential-minimal.json", **extra: Any) -> str:
    doc = json.loads((suite / name).read_text())
    doc.update(issuer=SUITE_DID, iss=SUITE_DID, **extra)
    return forge({"alg": key.alg, "typ": "vc+jwt", "cty": "vc", "kid": key.kid}, doc, key)


@pytest.mark.parametrize("vm", ALLOWED_VMS)
def test_suite_keys_verify_reissued_minimal_credential(
    suite_verifier: thaivc.Verifier, suite_keys: dict[str, PrivateKey], suite: Path, vm: str
) -> None:
    token = _reissue(suite, suite_keys[vm])
    report = suite_verifier.check(token)
    assert report.ok, report.to_json()
    assert report.document is not None and report.document["credentialSubject"]["id"] == "did:example:123"


@pytest.mark.parametrize("vm", ALLOWED_VMS)
def test_suite_failures_reproduced_with_a_did_kid(
    suite_verifier: thaivc.Verifier, suite_keys: dict[str, PrivateKey], suite: Path, vm: str
) -> None:
    """The suite's negative cases, rebuilt so the intended rule (not the kid form) decides."""
    key = suite_keys[vm]
    token = _reissue(suite, key)
    head, payload, sig = token.split(".")
    raw_sig = b64url_decode(sig)
    tampered_sig = b64url_encode(bytes([raw_sig[0] ^ 1]) + raw_sig[1:])
    assert_first(suite_verifier.check(f"{head}.{payload}.{tampered_sig}"), "crypto.bad_signature")
    bad_media = forge({"alg": key.alg, "typ": "bad+typ", "cty": "bad+cty", "kid": key.kid}, {"x": 1}, key)
    assert_first(suite_verifier.check(bad_media), "jose.typ_mismatch")
    assert_first(suite_verifier.check(_reissue(suite, key, vc="oops", vp="nooo")), "vc.legacy_jwt_claims")
    string_iat = _reissue(suite, key, iat="2010-01-01T19:23:24Z")
    assert_first(suite_verifier.check(string_iat), "claims.malformed")


def test_suite_presentation_reissued(
    suite_verifier: thaivc.Verifier, suite_keys: dict[str, PrivateKey], suite: Path
) -> None:
    """presentation-single.json re-issued: its embedded credential (a truncated token) fails, a
    re-issued one passes, and the presentation verdict follows its credentials."""
    key = suite_keys["p384"]
    vp = json.loads((suite / "presentation-single.json").read_text())
    vp.update(holder=SUITE_DID)
    head = {"alg": key.alg, "typ": "vp+jwt", "cty": "vp", "kid": key.kid}
    report = suite_verifier.check(forge(head, vp, key))
    assert report.status == "failed" and "vp.credential_invalid" in report.codes
    assert report.children[0].codes[0] == "jose.malformed"  # "yJra…": the suite's header lacks its "e"
    vp["verifiableCredential"] = [enveloped(_reissue(suite, suite_keys["p256"]))]
    report = suite_verifier.check(forge(head, vp, key))
    assert report.ok, report.to_json()
