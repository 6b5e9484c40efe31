"""Default JWS backend (:mod:`thaivc.jose`) and the coercions that keep the injection seam.

Callers hand the SD-JWT layer either plain keys — a :class:`thaivc.jose.JoseSigner` (for example a
:class:`thaivc.keys.PrivateKey`) and a :class:`thaivc.jose.VerificationKey` (for example a
:class:`thaivc.keys.PublicKey`) — or objects that already speak the seam of
:mod:`thaivc.sdjwt._jws`. This module is the one place that tells them apart:

* an object with a string ``algorithm`` attribute is a raw-bytes JOSE signer;
* an object with a string ``alg`` attribute is a raw JOSE verification key;
* anything else must implement :class:`JwsSigner` / :class:`JwsVerifier` itself.

The default path therefore runs every issuer-signed JWT and KB-JWT through the strict compact-JWS
parser (size caps, algorithm allowlist, header hygiene, ``typ``/``cty`` rules) before any SD-JWT
processing sees its payload.
"""

from __future__ import annotations

from typing import Any, TypeGuard

from thaivc.core import fastpath
from thaivc.core.errors import UsageError
from thaivc.jose import JoseSigner, VerificationKey, parse_compact, sign_compact, verify_compact
from thaivc.keys import PublicKey

from ._jws import JwsSigner, JwsVerifier

__all__ = [
    "JoseJwsSigner",
    "JoseJwsVerifier",
    "KeyLike",
    "SignerLike",
    "as_signer",
    "as_verifier",
    "default_holder_key_loader",
    "is_raw_key",
]

KeyLike = JwsVerifier | VerificationKey
SignerLike = JwsSigner | JoseSigner


class JoseJwsSigner:
    """:class:`JwsSigner` over :func:`thaivc.jose.sign_compact` (``alg`` and ``kid`` from the key).

    ``include_kid=False`` is for the KB-JWT, whose key is ``cnf.jwk``; ``fully_specified`` writes
    RFC 9864's ``Ed25519`` for an Ed25519 key (see :func:`thaivc.jose.sign_compact`).
    """

    __slots__ = ("_fully_specified", "_include_kid", "_signer")

    def __init__(self, signer: JoseSigner, *, include_kid: bool = True, fully_specified: bool = False) -> None:
        self._signer = signer
        self._include_kid = include_kid
        self._fully_specified = fully_specified

    def sign(self, header: dict[str, Any], payload: dict[str, Any]) -> str:
        return sign_compact(
            header, payload, self._signer, include_kid=self._include_kid, fully_specified=self._fully_specified
        )


class JoseJwsVerifier:
    """:class:`JwsVerifier` over :func:`thaivc.jose.parse_compact` + :func:`~thaivc.jose.verify_compact`."""

    __slots__ = ("_allow_thumbprint_kid", "_key")

    def __init__(self, key: VerificationKey, *, allow_thumbprint_kid: bool = False) -> None:
        self._key = key
        self._allow_thumbprint_kid = allow_thumbprint_kid

    def verify(self, token: str, expected_typ: frozenset[str]) -> tuple[dict[str, Any], dict[str, Any]]:
        parsed = parse_compact(token, expected_typ=expected_typ, allow_thumbprint_kid=self._allow_thumbprint_kid)
        verify_compact(parsed, self._key)
        return parsed.header, parsed.payload


def is_raw_key(obj: object) -> TypeGuard[VerificationKey]:
    return isinstance(getattr(obj, "alg", None), str) and callable(getattr(obj, "verify", None))


def _is_raw_signer(obj: object) -> TypeGuard[JoseSigner]:
    return isinstance(getattr(obj, "algorithm", None), str) and callable(getattr(obj, "sign", None))


def as_verifier(key: KeyLike) -> JwsVerifier:
    if isinstance(key, JoseJwsVerifier):
        return key
    if is_raw_key(key):
        return JoseJwsVerifier(key)
    if callable(getattr(key, "verify", None)):
        return key  # type: ignore[return-value]  # a JwsVerifier by elimination
    raise UsageError("usage.invalid_argument", f"{type(key).__name__} cannot verify a compact JWS")


def as_signer(signer: SignerLike, *, include_kid: bool = True) -> JwsSigner:
    """A :class:`JwsSigner` for ``signer``; a raw key signs with ``kid`` only if ``include_kid``."""
    if isinstance(signer, JoseJwsSigner):
        return signer
    if _is_raw_signer(signer):
        return JoseJwsSigner(signer, include_kid=include_kid)
    if callable(getattr(signer, "sign", None)):
        return signer  # type: ignore[return-value]  # a JwsSigner by elimination
    raise UsageError("usage.invalid_argument", f"{type(signer).__name__} cannot sign a compact JWS")


def default_holder_key_loader(jwk: dict[str, Any]) -> VerificationKey:
    """``cnf.jwk`` → a verifier: :meth:`thaivc.keys.PublicKey.from_jwk` (public Ed25519/P-256/P-384 only).

    Parsed keys are memoised by their public members (a wallet presents the same ``cnf`` many times;
    a key object is immutable and its validation deterministic, so this only saves work). Other
    members (``use``, ``key_ops``, ``alg``) are part of the cache key, so the checks on them are
    never skipped.
    """
    try:
        cache_key = tuple(sorted((k, v) for k, v in jwk.items() if isinstance(v, str)))
        if len(cache_key) != len(jwk):
            raise TypeError
    except TypeError:
        return PublicKey.from_jwk(jwk)
    return _cached_public_key(cache_key)


@fastpath.memo("sdjwt cnf.jwk keys", "the holder key of an SD-JWT VC by its members: one key import", 1024)
def _cached_public_key(members: tuple[tuple[str, str], ...]) -> PublicKey:
    return PublicKey.from_jwk(dict(members))
