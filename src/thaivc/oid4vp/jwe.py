"""The encrypted response of ``direct_post.jwt`` (OpenID4VP 1.0 §8.3, HAIP): ECDH-ES to an ephemeral key.

The verifier makes one P-256 key per transaction and publishes only its public half in the
request's ``client_metadata.jwks``; the wallet encrypts the whole response (``vp_token``, ``state``)
to it. JWE is done by ``joserfc``, restricted to exactly ``ECDH-ES`` with ``A128GCM`` or
``A256GCM``: a response under any other algorithm, or for another transaction's key, does not
decrypt (``openid.response_decrypt``).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any, Final

from joserfc import jwe
from joserfc.errors import JoseError
from joserfc.jwk import ECKey

from thaivc.core.errors import InputError, UsageError
from thaivc.core.jsonutil import dumps_compact, loads_strict

__all__ = [
    "ENC_VALUES", "KEY_ALG", "decrypt_response", "encrypt_response", "new_response_key", "peek_kid", "public_jwk",
]

KEY_ALG: Final = "ECDH-ES"
#: The content encryptions HAIP names; the first is the default a wallet uses when the verifier is silent.
ENC_VALUES: Final = ("A128GCM", "A256GCM")
MAX_JWE_BYTES: Final = 512 * 1024


def new_response_key() -> dict[str, str]:
    """A fresh ephemeral P-256 private JWK with a random ``kid``, ``use: enc`` and ``alg: ECDH-ES``."""
    key = ECKey.generate_key("P-256", private=True)
    jwk = {str(k): str(v) for k, v in key.as_dict(private=True).items()}
    jwk.update({"kid": secrets.token_urlsafe(16), "use": "enc", "alg": KEY_ALG})
    return jwk


def public_jwk(private_jwk: Mapping[str, str]) -> dict[str, str]:
    """The public half, as published in ``client_metadata.jwks``."""
    return {k: v for k, v in private_jwk.items() if k != "d"}


def encrypt_response(payload: Mapping[str, Any], verifier_jwk: Mapping[str, Any], *, enc: str = "A128GCM") -> str:
    """The wallet's side: the response parameters as a compact JWE to the verifier's key."""
    if enc not in ENC_VALUES:
        raise UsageError("usage.invalid_argument", f"enc is one of {ENC_VALUES}")
    if verifier_jwk.get("kty") != "EC" or verifier_jwk.get("crv") != "P-256" or "d" in verifier_jwk:
        raise InputError("openid.request_invalid", "the response encryption key is not a public P-256 key")
    if verifier_jwk.get("alg", KEY_ALG) != KEY_ALG:
        raise InputError("openid.request_invalid", "the response encryption key is not for ECDH-ES")
    try:
        key = ECKey.import_key({k: verifier_jwk[k] for k in ("kty", "crv", "x", "y")})
    except (JoseError, KeyError, ValueError, TypeError):
        raise InputError("openid.request_invalid", "the response encryption key is malformed") from None
    header: dict[str, Any] = {"alg": KEY_ALG, "enc": enc}
    kid = verifier_jwk.get("kid")
    if isinstance(kid, str):
        header["kid"] = kid
    return jwe.encrypt_compact(header, dumps_compact(dict(payload)).encode("utf-8"), key)


def decrypt_response(token: str, private_jwk: Mapping[str, str], *, max_bytes: int = MAX_JWE_BYTES) -> dict[str, Any]:
    """The verifier's side: decrypt and strictly parse; ``openid.response_decrypt`` on any failure."""
    if len(token) > max_bytes:
        raise InputError("input.too_large", f"the encrypted response exceeds {max_bytes} bytes")
    try:
        key = ECKey.import_key(dict(private_jwk))
        obj = jwe.decrypt_compact(token, key, algorithms=[KEY_ALG, *ENC_VALUES])
    except (JoseError, ValueError, TypeError, KeyError):
        raise InputError("openid.response_decrypt", "the response does not decrypt with this key") from None
    if obj.protected.get("alg") != KEY_ALG or obj.protected.get("enc") not in ENC_VALUES or "zip" in obj.protected:
        raise InputError("openid.response_decrypt", "the response uses an algorithm HAIP does not allow")
    plaintext = obj.plaintext or b""
    value = loads_strict(plaintext, max_bytes=max_bytes, require_object=True)
    assert isinstance(value, dict)
    return value


def peek_kid(token: str) -> str | None:
    """The ``kid`` a JWE's protected header names (unauthenticated: only to find the transaction)."""
    from thaivc.core.b64 import b64url_decode

    head = token.split(".", 1)[0]
    if len(head) > 2048:
        return None
    try:
        header = loads_strict(b64url_decode(head), max_bytes=2048, require_object=True)
    except (ValueError, InputError):
        return None
    kid = header.get("kid") if isinstance(header, dict) else None
    return kid if isinstance(kid, str) and 0 < len(kid) <= 128 else None
