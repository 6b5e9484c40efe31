"""Token forging helpers: build compact JWS strings with arbitrary (hostile) headers."""

from __future__ import annotations

import json
from typing import Any

from thaivc.core.b64 import b64url_encode

from .conftest import CryptoSigner

VC_TYP = frozenset({"vc+jwt"})
KID = "did:example:issuer#key-1"
PAYLOAD: dict[str, Any] = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "type": ["VerifiableCredential"],
    "issuer": "did:example:issuer",
    "credentialSubject": {"id": "did:example:subject", "name": "สมชาย ใจดี"},
}


def seg(value: Any) -> str:
    """base64url of compact JSON (or of raw bytes)."""
    raw = value if isinstance(value, bytes) else json.dumps(value, separators=(",", ":")).encode()
    return b64url_encode(raw)


def forge(
    header: dict[str, Any],
    payload: dict[str, Any] | None = None,
    *,
    signer: CryptoSigner | None = None,
    signature: bytes | None = None,
) -> str:
    """Sign ``header.payload`` exactly as given with ``signer`` (or append ``signature``)."""
    signing_input = seg(header) + "." + seg(PAYLOAD if payload is None else payload)
    if signer is not None:
        signature = signer.sign(signing_input.encode())
    return signing_input + "." + b64url_encode(signature if signature is not None else b"\x01" * 64)


def header(**extra: Any) -> dict[str, Any]:
    """A valid vc+jwt header with overrides; a value of ``...`` removes the member."""
    base: dict[str, Any] = {"alg": "EdDSA", "kid": KID, "typ": "vc+jwt"}
    base.update(extra)
    return {k: v for k, v in base.items() if v is not ...}
