"""DPoP (RFC 9449): proofs of possession that bind an access token to the wallet's key.

A bearer token that leaks (a log, a proxy, a compromised page) is usable by anyone; a DPoP-bound
token is usable only with a fresh proof signed by the key it was issued to. The verifier checks
what RFC 9449 §4.3 lists — ``typ``, an allowed asymmetric ``alg``, a public ``jwk``, the signature,
``htm``/``htu`` equal to this request, ``iat`` within a window, ``ath`` equal to the hash of the
presented token — and records each ``jti`` in the :class:`~thaivc.oid4vc.StateStore` for the
window, so a captured proof is refused when replayed, on any process.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from thaivc.core.b64 import b64url_encode
from thaivc.core.clock import Clock
from thaivc.core.errors import ThaiVCError
from thaivc.keys import Signer
from thaivc.oid4vc.keyjwt import KeyJwt, parse_key_jwt, sign_key_jwt
from thaivc.oid4vc.store import StateStore

__all__ = ["DPOP_TYP", "DpopError", "DpopRequest", "access_token_hash", "make_dpop_proof", "verify_dpop_proof"]

DPOP_TYP: Final = "dpop+jwt"
#: How far ``iat`` may lie from now (seconds): proofs are made just before use; a short window keeps
#: the ``jti`` cache small.
DEFAULT_WINDOW: Final = 120
_NS_JTI: Final = "dpop_jti"


class DpopError(Exception):
    """A DPoP proof was refused; ``reason`` is for the error description."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def access_token_hash(token: str) -> str:
    """``ath``: base64url(SHA-256(ASCII token))."""
    return b64url_encode(hashlib.sha256(token.encode("ascii", "replace")).digest())


def _normal_url(url: str) -> str:
    # RFC 9449 §4.3: compare without query and fragment
    return url.split("#", 1)[0].split("?", 1)[0]


@dataclass(frozen=True, slots=True)
class DpopRequest:
    """What a proof must match: the request's ``method`` and ``url`` (``htm``, ``htu``); at a
    resource endpoint also the presented ``access_token`` (``ath``) and the key thumbprint the token
    is bound to (``expected_jkt``)."""

    method: str
    url: str
    access_token: str | None = None
    expected_jkt: str | None = None


def verify_dpop_proof(
    proof: str | None,
    request: DpopRequest,
    *,
    store: StateStore,
    clock: Clock,
    algs: frozenset[str],
    window: int = DEFAULT_WINDOW,
) -> KeyJwt:
    """Check one ``DPoP`` header value for this request; the verified proof (its ``thumbprint`` is ``jkt``).

    Raises :class:`DpopError` for every refusal (the endpoint answers ``invalid_dpop_proof``).
    """
    method, url, access_token, expected_jkt = request.method, request.url, request.access_token, request.expected_jkt
    if not proof:
        raise DpopError("DPoP proof required")
    try:
        jwt = parse_key_jwt(proof, typ=DPOP_TYP, algs=algs, allow_kid=False)
    except ThaiVCError as exc:  # jose.*, key.invalid, crypto.bad_signature
        raise DpopError(f"DPoP proof refused: {exc.code}") from None
    claims = jwt.payload
    jti, htm, htu, iat = claims.get("jti"), claims.get("htm"), claims.get("htu"), claims.get("iat")
    if not isinstance(jti, str) or not 8 <= len(jti) <= 128:
        raise DpopError("jti missing or malformed")
    if htm != method.upper():
        raise DpopError("htm does not match the request method")
    if not isinstance(htu, str) or _normal_url(htu) != _normal_url(url):
        raise DpopError("htu does not match the request URL")
    if not isinstance(iat, int) or isinstance(iat, bool):
        raise DpopError("iat missing")
    now = clock.now()
    if abs(now - iat) > window:
        raise DpopError("iat outside the accepted window")
    if access_token is not None and claims.get("ath") != access_token_hash(access_token):
        raise DpopError("ath does not match the access token")
    if expected_jkt is not None and not secrets.compare_digest(jwt.thumbprint, expected_jkt):
        raise DpopError("the proof is signed by another key than the token is bound to")
    # replay: the jti is recorded (per key) for twice the window, after every other check passed
    key = hashlib.sha256(f"{jwt.thumbprint}|{jti}".encode()).hexdigest()
    if not store.put(_NS_JTI, key, {"iat": iat}, ttl=2 * window + 1):
        raise DpopError("DPoP proof replayed")
    return jwt


def make_dpop_proof(
    signer: Signer, *, method: str, url: str, now: float, access_token: str | None = None, nonce: str | None = None
) -> str:
    """A fresh DPoP proof for one request (the wallet side)."""
    payload: dict[str, Any] = {
        "jti": secrets.token_urlsafe(16),
        "htm": method.upper(),
        "htu": _normal_url(url),
        "iat": int(now),
    }
    if access_token is not None:
        payload["ath"] = access_token_hash(access_token)
    if nonce is not None:
        payload["nonce"] = nonce
    return sign_key_jwt(DPOP_TYP, payload, signer)


def header_value(headers: Mapping[str, str], name: str) -> str | None:
    lowered = name.lower()
    for key, value in headers.items():
        if key.lower() == lowered:
            return value
    return None
