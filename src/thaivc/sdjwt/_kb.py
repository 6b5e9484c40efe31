"""Key-binding JWTs (RFC 9901 §4.3, §7.3): proof that the presenter holds the ``cnf.jwk`` key.

The KB-JWT signs a hash of exactly what was presented (``sd_hash``) plus the verifier's ``nonce``
and ``aud``, so it cannot be moved to another presentation, another verifier or another session.
Every failure of the KB-JWT itself is reported as ``sdjwt.kb_invalid`` (whatever the JOSE layer
said) so callers see one stable code for "binding not proven"; freshness failures are
``sdjwt.kb_replay`` and a hash that does not cover the presentation is ``sdjwt.sd_hash_mismatch``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Final

from thaivc.core.errors import InputError, ThaiVCError
from thaivc.jose import KB_JWT, parse_compact, verify_compact

from ._backend import KeyLike, as_verifier, is_raw_key
from ._hashing import b64_digest
from ._jws import JwsSigner

__all__ = ["KB_TYP", "make_kb_jwt", "sd_hash", "verify_kb_jwt"]

KB_TYP: Final = KB_JWT
_KB_TYPS: Final = frozenset({KB_TYP})
#: Members of a private JWK (RFC 7518 §6.2.2, §6.3.2, RFC 8037): a ``cnf.jwk`` must be public.
PRIVATE_JWK_MEMBERS: Final = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})


def sd_hash(hasher: Callable[[bytes], Any], signed_part: str) -> str:
    """``sd_hash`` over ``<jwt>~<d1>~…~<dn>~`` exactly as presented, with the ``_sd_alg`` hash."""
    return b64_digest(hasher, signed_part)


def make_kb_jwt(
    signer: JwsSigner,
    signed_part: str,
    hasher: Callable[[bytes], Any],
    *,
    nonce: str,
    aud: str,
    iat: int,
) -> str:
    header: dict[str, Any] = {"typ": KB_TYP}
    payload: dict[str, Any] = {
        "iat": iat,
        "aud": aud,
        "nonce": nonce,
        "sd_hash": sd_hash(hasher, signed_part),
    }
    return signer.sign(header, payload)


def holder_jwk(payload: dict[str, Any]) -> dict[str, Any]:
    """The public ``cnf.jwk`` of the holder, or ``sdjwt.kb_invalid`` when there is none."""
    cnf = payload.get("cnf")
    if not isinstance(cnf, dict):
        raise InputError("sdjwt.kb_invalid", "a key-binding JWT without a cnf claim to bind to")
    jwk = cnf.get("jwk")
    if not isinstance(jwk, dict) or not isinstance(jwk.get("kty"), str):
        raise InputError("sdjwt.kb_invalid", "cnf carries no usable jwk")
    if PRIVATE_JWK_MEMBERS & jwk.keys():
        raise InputError("sdjwt.kb_invalid", "cnf.jwk carries private key members")
    return jwk


def verify_kb_jwt(
    kb_jwt: str,
    key: KeyLike,
    *,
    signed_part: str,
    hasher: Callable[[bytes], Any],
    now: float,
    leeway: int,
    max_kb_age: int,
    expected_nonce: str | None,
    expected_aud: str | None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Check the KB-JWT header, signature, claims, freshness and ``sd_hash``; return header and payload.

    The JOSE header rules (``typ: kb+jwt``, algorithm allowlist, no ``none``, no key material in the
    header) always run through :func:`thaivc.jose.parse_compact`; ``key`` is the holder's ``cnf``
    key, as a raw key or an injected :class:`~thaivc.sdjwt.JwsVerifier`.
    """
    try:
        parsed = parse_compact(kb_jwt, expected_typ=_KB_TYPS)
        if is_raw_key(key):
            verify_compact(parsed, key)
        else:
            as_verifier(key).verify(kb_jwt, _KB_TYPS)
    except ThaiVCError as err:
        if err.code.startswith("input."):
            raise
        raise InputError("sdjwt.kb_invalid", f"key-binding JWT rejected ({err.code}: {err.detail})") from None
    header, payload = parsed.header, parsed.payload
    iat = payload.get("iat")
    if isinstance(iat, bool) or not isinstance(iat, int | float) or not math.isfinite(iat):
        raise InputError("sdjwt.kb_invalid", "the key-binding JWT has no numeric iat")
    nonce = payload.get("nonce")
    aud = payload.get("aud")
    digest = payload.get("sd_hash")
    if not isinstance(nonce, str) or not isinstance(aud, str) or not isinstance(digest, str):
        raise InputError("sdjwt.kb_invalid", "the key-binding JWT lacks a string nonce, aud or sd_hash")
    if digest != sd_hash(hasher, signed_part):
        raise InputError("sdjwt.sd_hash_mismatch", "sd_hash does not match the presented SD-JWT")
    if iat > now + leeway:
        raise InputError("sdjwt.kb_replay", "the key-binding JWT is issued in the future")
    if iat < now - max_kb_age:
        raise InputError("sdjwt.kb_replay", "the key-binding JWT is older than the accepted age")
    if expected_nonce is not None and nonce != expected_nonce:
        raise InputError("sdjwt.kb_replay", "the key-binding JWT nonce is not the one issued")
    if expected_aud is not None and aud != expected_aud:
        raise InputError("sdjwt.kb_replay", "the key-binding JWT is addressed to another verifier")
    return header, payload
