"""One-pass acceptance of an ordinary SD-JWT (+KB) presentation (issue 16, the SD-JWT+KB row).

:func:`thaivc.sdjwt.verify_sd_jwt` runs each step as its own function with its own records: split,
parse, verify, decode every disclosure, walk, bind. Each is a few µs of Python, and together they
were two thirds of a presentation's cost beside its two signatures. This module does the same
checks in one function with local variables, for the shape every wallet sends: ``sha-256``
digests, disclosures that are orjson's own spelling, a ``cnf.jwk`` that is a bare P-256 key, a
KB-JWT signed with it.

It only ever *accepts*. Whatever it cannot prove — any refusal, any unusual member, an injected
key backend, a holder-key loader, a raise anywhere (the issuer resolver's included) — makes it
return ``None``, and the strict path runs from the start and words the refusal. So no problem code
depends on this module, and a forged input costs at most one strict verification more. The nonce
is not consumed here: the caller consumes it after acceptance, exactly where the strict path does.
``tests/sdjwt/test_fast_verify.py`` holds it to the strict path on honest and hostile inputs.
"""

from __future__ import annotations

import binascii
import hashlib
import math
from collections.abc import Callable
from typing import Any, Final, NamedTuple, cast

import orjson
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from thaivc.core import fastpath
from thaivc.core.b64 import b64url_decode
from thaivc.core.jsonutil import DEFAULT_MAX_DEPTH
from thaivc.jose import KB_JWT, parse_compact, require_jwt_times, verify_compact

from ._backend import KeyLike, is_raw_key
from ._disclosure import FORBIDDEN_NAMES, MAX_DISCLOSURE_BYTES, Disclosure
from ._pointer import format_pointer
from ._process import _SKIP_TOP, _Walker
from ._serial import MAX_SD_JWT_BYTES

__all__ = ["Binding", "fast_verify"]

_KB_TYPS: Final = frozenset({KB_JWT})
_P256: Final = ec.SECP256R1()
_ECDSA_SHA256: Final = ec.ECDSA(hashes.SHA256())
#: P-256's field prime and group order, big-endian: a coordinate below ``p`` compares below these
#: bytes, and a signature half must lie in ``1 .. n-1``.
_P256_P: Final = bytes.fromhex("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff")
_P256_N: Final = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
_CNF_MEMBERS: Final = frozenset({"kty", "crv", "x", "y"})
_TO_URL: Final = bytes.maketrans(b"+/", b"-_")
#: Top-level claims that must never come from a disclosure (the strict path's PLAINTEXT_ONLY).
_PLAINTEXT_ONLY: Final = frozenset({"iss", "vct", "cnf", "status", "exp", "nbf"})

IssuerKeyResolver = Callable[[dict[str, Any], dict[str, Any]], KeyLike]

#: ``cnf.jwk`` (x, y) → the validated P-256 key object; a wallet presents the same key many times.
_CNF_KEYS: dict[tuple[str, str], ec.EllipticCurvePublicKey] = {}
_CNF_KEYS_MAX: Final = 1024
fastpath.register("sdjwt one-pass verify", "SD-JWT+KB verify: one pass, no intermediate records", _CNF_KEYS.clear)


def _digest(data: bytes) -> str:
    return binascii.b2a_base64(hashlib.sha256(data).digest(), newline=False).translate(_TO_URL).rstrip(b"=").decode()


def _cnf_key(jwk: dict[str, Any]) -> ec.EllipticCurvePublicKey | None:
    """The P-256 key of a bare ``{kty, crv, x, y}`` JWK, or ``None`` for anything else."""
    if jwk.keys() != _CNF_MEMBERS or jwk["kty"] != "EC" or jwk["crv"] != "P-256":
        return None
    xs, ys = jwk["x"], jwk["y"]
    if type(xs) is not str or type(ys) is not str:
        return None
    cached = _CNF_KEYS.get((xs, ys))
    if cached is not None:
        return cached
    x, y = b64url_decode(xs), b64url_decode(ys)  # ValueError: declined by the caller
    if len(x) != 32 or len(y) != 32 or not (x < _P256_P and y < _P256_P):
        return None
    key = ec.EllipticCurvePublicKey.from_encoded_point(_P256, b"\x04" + x + y)  # off the curve: ValueError
    if len(_CNF_KEYS) >= _CNF_KEYS_MAX:
        _CNF_KEYS.clear()
    _CNF_KEYS[(xs, ys)] = key
    return key


def _es256_ok(key: ec.EllipticCurvePublicKey, signature: bytes, data: bytes) -> bool:
    """What :meth:`thaivc.keys.PublicKey.verify` answers for a P-256 key, without the wrapper."""
    if len(signature) != 64:
        return False
    r = int.from_bytes(signature[:32], "big")
    s = int.from_bytes(signature[32:], "big")
    if not (0 < r < _P256_N and 0 < s < _P256_N):
        return False
    try:
        key.verify(encode_dss_signature(r, s), data, _ECDSA_SHA256)
    except InvalidSignature:
        return False
    return True


class Binding(NamedTuple):
    """What a KB-JWT must answer: the verifier's clock, window, nonce and audience."""

    now: float
    leeway: int
    max_kb_age: int
    nonce: str | None
    aud: str | None


def fast_verify(
    text: object,
    resolver: IssuerKeyResolver,
    *,
    accepted_typ: frozenset[str],
    allow_x5c: bool,
    require_kb: bool,
    binding: Binding,
) -> tuple[Any, ...] | None:
    """The strict path's result fields, or ``None`` (declined: the strict path decides)."""
    try:
        return _one_pass(
            text, resolver, accepted_typ=accepted_typ, allow_x5c=allow_x5c, require_kb=require_kb, binding=binding
        )
    except Exception:  # declined: the strict path runs from the start and words any refusal
        return None


def _split(text: object, require_kb: bool) -> tuple[str, list[str]]:
    """``split_sd_jwt``'s rules on a ``str``; raises (declined) on anything else."""
    if type(text) is not str or len(text) > MAX_SD_JWT_BYTES or not text.isascii() or text[:1] == "{":
        raise ValueError
    parts = text.split("~")
    if len(parts) < 2 or not parts[0] or (require_kb and not parts[-1]):
        raise ValueError
    return text, parts


def _one_pass(
    presented: object,
    resolver: IssuerKeyResolver,
    *,
    accepted_typ: frozenset[str],
    allow_x5c: bool,
    require_kb: bool,
    binding: Binding,
) -> tuple[Any, ...] | None:
    text, parts = _split(presented, require_kb)
    # the issuer-signed JWT, through the strict JOSE parser
    parsed = parse_compact(parts[0], expected_typ=accepted_typ, allow_thumbprint_kid=True, allow_x5c=allow_x5c)
    header, payload = parsed.header, parsed.payload
    # the disclosures and the walk; structure first, so malformed input declines before any
    # signature work
    sha256 = payload.get("_sd_alg", "sha-256") == "sha-256"
    walked = _claims(header, payload, _disclosures(parts)) if sha256 else None
    if walked is None:
        return None
    claims, disclosed = walked
    # the issuer's key (a raw key only: an injected backend takes the strict path), the times
    key = resolver(header, payload)
    if not is_raw_key(key):
        return None
    verify_compact(parsed, key)
    require_jwt_times(payload, now=binding.now, leeway=binding.leeway)
    last = parts[-1]
    if not last:
        return claims, disclosed, header, None, None, None
    bound = _bound(claims, last, text[: len(text) - len(last)], binding)
    return None if bound is None else (claims, disclosed, header, *bound)


def _disclosures(parts: list[str]) -> dict[str, Disclosure]:
    """Digest → disclosure, each orjson's own spelling of a well-formed array, hashed as received.

    Raises (any exception: the caller declines) on whatever it does not accept.
    """
    by_digest: dict[str, Disclosure] = {}
    loads, dumps = orjson.loads, orjson.dumps
    for encoded in parts[1:-1]:
        if not encoded or len(encoded) > MAX_DISCLOSURE_BYTES:
            raise ValueError
        ascii_text = encoded.encode()
        raw = b64url_decode(ascii_text)
        value = loads(raw)
        if type(value) is not list or dumps(value) != raw or raw.count(b"[") + raw.count(b"{") > DEFAULT_MAX_DEPTH:
            raise ValueError
        size = len(value)
        if size == 3:
            salt, name, claim = value
            if type(name) is not str or name in FORBIDDEN_NAMES:
                raise ValueError
        elif size == 2:
            salt, claim = value
            name = None
        else:
            raise ValueError
        digest = _digest(ascii_text)
        if type(salt) is not str or digest in by_digest:
            raise ValueError
        by_digest[digest] = Disclosure(encoded, digest, salt, name, claim)
    return by_digest


def _claims(
    header: dict[str, Any], payload: dict[str, Any], by_digest: dict[str, Disclosure]
) -> tuple[dict[str, Any], list[str]] | None:
    """The processed claims and the sorted disclosed pointers (the strict walker itself)."""
    walker = _Walker(by_digest)
    claims = walker.walk_object(payload, (), None, 0, _SKIP_TOP)
    revealed = walker.revealed
    if len(revealed) != len(by_digest):
        return None
    paths = [r.path for r in revealed]
    for path in paths:
        if len(path) == 1 and path[0] in _PLAINTEXT_ONLY:
            return None
    if type(claims.get("iss")) is not str:
        return None
    if header.get("typ") == "dc+sd-jwt" and type(claims.get("vct")) is not str:
        return None
    paths.sort()  # a TypeError (never for paths into one document) declines
    return claims, [format_pointer(p) for p in paths]


def _bound(
    claims: dict[str, Any], kb_jwt: str, signed_part: str, binding: Binding
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]] | None:
    """``(cnf.jwk, KB payload, KB header)`` for a bare P-256 ``cnf.jwk`` and a KB-JWT that answers."""
    cnf = claims.get("cnf")
    jwk = cnf.get("jwk") if type(cnf) is dict else None
    holder = _cnf_key(jwk) if type(jwk) is dict else None
    if holder is None:
        return None
    kb = parse_compact(kb_jwt, expected_typ=_KB_TYPS)
    kb_header, kb_payload = kb.header, kb.payload
    if kb_header.get("alg") != "ES256" or not _es256_ok(holder, kb.signature, kb.signing_input):
        return None
    if not _answers(kb_payload, signed_part, binding):
        return None
    return cast("dict[str, Any]", jwk), kb_payload, kb_header


def _answers(kb_payload: dict[str, Any], signed_part: str, binding: Binding) -> bool:
    """The KB-JWT's claims: a numeric ``iat`` in the window, this nonce and audience, this ``sd_hash``."""
    iat, nonce, aud, sd_hash = (kb_payload.get(m) for m in ("iat", "nonce", "aud", "sd_hash"))
    if type(iat) is not int and not (type(iat) is float and math.isfinite(iat)):
        return False
    if type(nonce) is not str or type(aud) is not str or sd_hash != _digest(signed_part.encode()):
        return False
    if not binding.now - binding.max_kb_age <= iat <= binding.now + binding.leeway:
        return False
    return (binding.nonce is None or nonce == binding.nonce) and (binding.aud is None or aud == binding.aud)
