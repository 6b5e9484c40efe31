"""JWTs that carry their own key: OpenID4VCI key proofs (``openid4vci-proof+jwt``) and DPoP proofs.

thaivc's JOSE layer refuses a ``jwk`` header on purpose (a token must never choose the key it is
checked with). These two token types are the exception the protocols make: the header key *is* the
thing being proven (possession of the key the credential or token will be bound to), so the key is
taken from the header and the signature checked against it — and the caller then binds what it
issues to exactly that key. Everything else is as strict as the rest of thaivc: size caps first,
canonical base64url, strict JSON, the algorithm allowlist, no ``crit``, no URL-fetched keys, the
signature checked by :func:`thaivc.jose.verify_compact` with the algorithm the *key* names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from thaivc.core.b64 import b64url_decode, b64url_encode
from thaivc.core.errors import InputError
from thaivc.core.jsonutil import dumps_compact, loads_strict
from thaivc.did import DidJwkResolver, DidKeyResolver, DidResolver
from thaivc.jose import ALLOWED_ALGS, ParsedJws, verify_compact
from thaivc.keys import PublicKey, Signer

__all__ = ["KeyJwt", "parse_key_jwt", "sign_key_jwt"]

MAX_TOKEN_BYTES: Final = 8 * 1024
MAX_HEADER_BYTES: Final = 2 * 1024
#: Header members that point at keys somewhere else, or change how the JWS is processed: refused.
_REFUSED: Final = ("jku", "x5u", "x5c", "x5t", "x5t#S256", "crit", "b64", "enc", "zip", "trust_chain")
_RESOLVERS: Final[dict[str, DidResolver]] = {"did:key:": DidKeyResolver(), "did:jwk:": DidJwkResolver()}


@dataclass(frozen=True, slots=True)
class KeyJwt:
    """A key-bound JWT whose signature verified with :attr:`key`; the claims are the signer's word."""

    header: dict[str, Any]
    payload: dict[str, Any]
    key: PublicKey
    kid: str | None

    @property
    def thumbprint(self) -> str:
        """RFC 7638 SHA-256 thumbprint of the key: the identity the protocols bind to (``jkt``)."""
        return self.key.thumbprint()


def _segment(segment: bytes, what: str) -> bytes:
    try:
        return b64url_decode(segment)
    except ValueError:
        raise InputError("jose.malformed", f"{what} is not canonical unpadded base64url") from None


def _key_from_kid(kid: object) -> PublicKey:
    """A did:key / did:jwk verification method, resolved offline (no other DID method: no network)."""
    if not isinstance(kid, str) or len(kid) > 1024:
        raise InputError("jose.kid_invalid", "kid must be a did:key or did:jwk DID URL")
    for prefix, resolver in _RESOLVERS.items():
        if kid.startswith(prefix):
            did = kid.split("#", 1)[0]
            vm = resolver.resolve(did).find(kid)
            if vm is None:
                raise InputError("jose.kid_invalid", "kid names no verification method of its DID")
            return vm.public_key
    raise InputError("jose.kid_invalid", "kid must be a did:key or did:jwk DID URL (no network resolution)")


def _header_key(header: Mapping[str, Any], *, allow_kid: bool) -> tuple[PublicKey, str | None]:
    """The key the header names: exactly one of ``jwk`` or (when allowed) ``kid``; the kid, if any."""
    has_jwk, has_kid = "jwk" in header, "kid" in header
    if has_jwk == has_kid:
        raise InputError("jose.malformed", "exactly one of jwk and kid must name the key")
    if has_jwk:
        jwk = header["jwk"]
        if not isinstance(jwk, Mapping):
            raise InputError("key.invalid", "jwk must be a JSON object")
        return PublicKey.from_jwk(jwk), None  # refuses a private key, enc keys, RSA, off-curve points
    if not allow_kid:
        raise InputError("jose.malformed", "this token must carry its key as jwk")
    return _key_from_kid(header["kid"]), header["kid"]


def parse_key_jwt(
    token: object,
    *,
    typ: str,
    algs: frozenset[str],
    allow_kid: bool,
    max_bytes: int = MAX_TOKEN_BYTES,
) -> KeyJwt:
    """Parse and verify a JWT signed by the key its header names (``jwk``, or ``kid`` as did:key/did:jwk).

    Raises :class:`~thaivc.core.errors.ThaiVCError` (``input.too_large``, ``jose.*``, ``key.invalid``,
    ``did.invalid``, ``crypto.bad_signature``); nothing of the token may be used before this returns.
    """
    if not isinstance(token, str):
        raise InputError("jose.malformed", "a key proof must be a compact JWS string")
    if len(token) > max_bytes:
        raise InputError("input.too_large", f"token exceeds {max_bytes} bytes")
    try:
        raw = token.encode("ascii")
    except UnicodeEncodeError:
        raise InputError("jose.malformed", "a compact JWS is ASCII only") from None
    parts = raw.split(b".")
    if len(parts) != 3 or not all(parts):
        raise InputError("jose.malformed", "not three non-empty segments")
    h_seg, p_seg, s_seg = parts
    if len(h_seg) > MAX_HEADER_BYTES:
        raise InputError("input.too_large", "header too large")
    header = loads_strict(_segment(h_seg, "header"), max_bytes=MAX_HEADER_BYTES, require_object=True)
    alg = header.get("alg")
    if not isinstance(alg, str) or alg not in algs or alg not in ALLOWED_ALGS:
        raise InputError("jose.alg_not_allowed", "alg is not allowed here", loc=("header", "alg"))
    if header.get("typ") != typ:
        raise InputError("jose.typ_mismatch", f"typ must be {typ}", loc=("header", "typ"))
    for name in _REFUSED:
        if name in header:
            raise InputError("jose.untrusted_key_source", f"header carries {name}", loc=("header", name))
    key, kid = _header_key(header, allow_kid=allow_kid)
    payload_bytes = _segment(p_seg, "payload")
    payload = loads_strict(payload_bytes, max_bytes=max_bytes, require_object=True)
    parsed = ParsedJws(
        header=header,
        payload_json=payload,
        payload_bytes=payload_bytes,
        signing_input=raw[: len(h_seg) + 1 + len(p_seg)],
        signature=_segment(s_seg, "signature"),
    )
    verify_compact(parsed, key)  # alg must equal the key's own algorithm
    return KeyJwt(header=header, payload=payload, key=key, kid=kid)


def sign_key_jwt(typ: str, payload: Mapping[str, Any], signer: Signer, *, use_kid: bool = False) -> str:
    """Sign a key-bound JWT: the header names ``signer``'s public key as ``jwk`` (or its ``kid``)."""
    header: dict[str, Any] = {"alg": signer.algorithm, "typ": typ}
    if use_kid:
        header["kid"] = signer.kid
    else:
        header["jwk"] = signer.public_key.jwk
    encoded_header = b64url_encode(dumps_compact(header).encode("utf-8"))
    signing_input = encoded_header + "." + b64url_encode(dumps_compact(dict(payload)).encode("utf-8"))
    return signing_input + "." + b64url_encode(signer.sign(signing_input.encode("ascii")))
