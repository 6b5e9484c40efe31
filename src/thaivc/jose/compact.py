"""Compact JWS (RFC 7515 §7.1): strict parsing, verification and signing.

Only the compact serialisation exists here. JSON serialisation, JWE, unencoded payloads (``b64``)
and ``crit`` extensions are refused outright, which removes whole classes of confusion attacks
instead of handling them (docs/security.md groups A and B).

Parsing is split from verification on purpose: the caller needs ``kid`` and ``iss`` to resolve a
key before it can verify, but nothing in :class:`ParsedJws` may be trusted until
:func:`verify_compact` returns. Parsing does no per-character work in Python: size caps first,
then ``bytes.split``, C-level regex/base64 validation and the strict JSON decoder.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from thaivc.core import fastpath
from thaivc.core.b64 import b64url_decode, b64url_encode
from thaivc.core.errors import InputError, ThaiVCError, UsageError
from thaivc.core.jsonutil import dumps_compact, dumps_compact_bytes, loads_strict
from thaivc.jose._header import ALLOWED_ALGS, FULLY_SPECIFIED, key_alg_of, require_header
from thaivc.jose.types import JoseSigner, VerificationKey

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_HEADER_BYTES",
    "ParsedJws",
    "parse_compact",
    "sign_compact",
    "sign_compact_json",
    "verify_compact",
]

DEFAULT_MAX_BYTES: Final = 65536
DEFAULT_MAX_HEADER_BYTES: Final = 4096
#: Header cap where an ``x5c`` chain is admitted: a few certificates of a few kB each.
X5C_MAX_HEADER_BYTES: Final = 32768
_JSON_START: Final = frozenset(b" \t\r\n{")


@dataclass(frozen=True, slots=True)
class ParsedJws:
    """A structurally valid compact JWS whose signature has **not** been checked yet.

    ``payload_bytes`` is always kept (SD-JWT hashes and re-serialisation need the exact bytes);
    ``payload`` is the parsed JSON object unless parsing was declined with ``json_payload=False``.
    """

    header: dict[str, Any]
    payload_json: dict[str, Any] | None
    payload_bytes: bytes
    signing_input: bytes
    signature: bytes

    @property
    def payload(self) -> dict[str, Any]:
        """The JSON payload; a :class:`UsageError` if it was parsed with ``json_payload=False``."""
        if self.payload_json is None:
            raise UsageError("usage.invalid_argument", "payload was not parsed as JSON; use payload_bytes")
        return self.payload_json


def _decode_segment(segment: bytes, what: str) -> bytes:
    try:
        return b64url_decode(segment)
    except ValueError:
        raise InputError("jose.malformed", f"{what} is not canonical unpadded base64url") from None


def _checked_header(
    h_seg: bytes, expected_typ: frozenset[str], allow_thumbprint_kid: bool, max_header_bytes: int,
    allow_x5c: bool = False,
) -> dict[str, Any]:
    header: dict[str, Any] = loads_strict(
        _decode_segment(h_seg, "header"), max_bytes=max_header_bytes, require_object=True
    )
    require_header(header, expected_typ=expected_typ, allow_thumbprint_kid=allow_thumbprint_kid, allow_x5c=allow_x5c)
    return header


@fastpath.memo("jose.compact header segment", "a vc+jwt header's base64, strict JSON and rules: ~6-8 µs a verify", 256)
def _checked_header_items(
    h_seg: bytes, expected_typ: frozenset[str], allow_thumbprint_kid: bool, max_header_bytes: int,
    allow_x5c: bool = False,
) -> tuple[tuple[str, str], ...] | None:
    """The items of a header segment that passed every rule, memoised by its exact bytes.

    An issuer signs every token with the same header, so its bytes repeat: decoding, strict JSON and
    the header rules are a pure function of those bytes and the arguments, and only a header that
    passed is remembered (a refused one raises, and is refused again next time). Only headers whose
    values are all strings are shared, as immutable pairs; ``None`` sends any other to the
    uncached path so no caller can reach a shared mutable value.
    """
    header = _checked_header(h_seg, expected_typ, allow_thumbprint_kid, max_header_bytes, allow_x5c)
    if all(type(value) is str for value in header.values()):
        return tuple(header.items())
    return None


def parse_compact(
    token: str | bytes,
    *,
    expected_typ: frozenset[str],
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_header_bytes: int = DEFAULT_MAX_HEADER_BYTES,
    json_payload: bool = True,
    allow_thumbprint_kid: bool = False,
    allow_x5c: bool = False,
) -> ParsedJws:
    """Parse a compact JWS strictly; raise :class:`InputError` with a stable code on anything else.

    ``expected_typ`` is mandatory: every media type has its own validator, and a token is only
    ever read as the type the caller expects (RFC 8725 §3.11). ``allow_thumbprint_kid`` also admits
    a bare RFC 7638 thumbprint as ``kid`` (the W3C test suite's form); DID URLs and absolute URIs
    with a fragment are always admitted. ``allow_x5c`` admits an ``x5c`` header (and a header up
    to :data:`X5C_MAX_HEADER_BYTES`) for a caller that validates the chain to its own anchors.
    """
    if not expected_typ:
        raise UsageError("usage.invalid_argument", "expected_typ must name at least one media type")
    if allow_x5c:
        max_header_bytes = max(max_header_bytes, X5C_MAX_HEADER_BYTES)
    if isinstance(token, str):
        if len(token) > max_bytes:
            raise InputError("input.too_large", f"token exceeds {max_bytes} bytes")
        try:
            raw = token.encode("ascii")
        except UnicodeEncodeError:
            raise InputError("jose.malformed", "a compact JWS is ASCII only") from None
    elif isinstance(token, bytes | bytearray):
        if len(token) > max_bytes:
            raise InputError("input.too_large", f"token exceeds {max_bytes} bytes")
        raw = token if type(token) is bytes else bytes(token)
    else:
        raise InputError("input.unreadable", f"cannot read a compact JWS from {type(token).__name__}")

    # only copy-strip when the first byte could start JSON (whitespace is refused later anyway)
    if raw and raw[0] in _JSON_START and raw.lstrip()[:1] == b"{":
        raise InputError("jose.serialization_not_allowed", "JWS JSON serialization; only compact is accepted")
    parts = raw.split(b".")
    if len(parts) != 3:
        detail = "a 5-segment JWE is not a JWS" if len(parts) == 5 else f"{len(parts)} segments, not 3"
        raise InputError("jose.malformed", detail)
    h_seg, p_seg, s_seg = parts
    if not h_seg or not p_seg:
        raise InputError("jose.malformed", "empty header or payload segment")
    if len(h_seg) > max_header_bytes:
        raise InputError("input.too_large", f"header segment exceeds {max_header_bytes} bytes")

    items = _checked_header_items(h_seg, expected_typ, allow_thumbprint_kid, max_header_bytes, allow_x5c)
    if items is None:
        header = _checked_header(h_seg, expected_typ, allow_thumbprint_kid, max_header_bytes, allow_x5c)
    else:
        header = dict(items)

    if not s_seg:
        raise InputError("crypto.bad_signature", "empty signature segment")
    signature = _decode_segment(s_seg, "signature")
    payload_bytes = _decode_segment(p_seg, "payload")
    payload = loads_strict(payload_bytes, max_bytes=max_bytes, require_object=True) if json_payload else None
    return ParsedJws(
        header=header,
        payload_json=payload,
        payload_bytes=payload_bytes,
        signing_input=raw[: len(h_seg) + 1 + len(p_seg)],
        signature=signature,
    )


def verify_compact(parsed: ParsedJws, key: VerificationKey) -> None:
    """Check the signature with ``key``; return ``None`` or raise (never a bool to forget).

    The header ``alg`` must name exactly the key's algorithm; the verification itself uses only the
    key, so a header can never choose how its own signature is checked.
    """
    key_alg: object = key.alg
    if not isinstance(key_alg, str) or key_alg not in ALLOWED_ALGS:
        raise InputError("crypto.unsupported", f"key algorithm {str(key_alg)[:32]!r} is not allowed")
    if key_alg_of(parsed.header.get("alg")) != key_alg:
        raise InputError("jose.alg_key_mismatch", f"header alg does not match the key's {key_alg}")
    try:
        ok = key.verify(parsed.signature, parsed.signing_input)
    except ThaiVCError:
        raise
    except Exception:  # a key implementation that raises instead of answering False: fail closed
        raise InputError("crypto.bad_signature", "the key refused the signature") from None
    if ok is not True:
        raise InputError("crypto.bad_signature", "the signature does not verify")


def _encode_header(full: dict[str, Any]) -> str:
    """The header segment of a header that passes the parser's own rules; else a usage error."""
    try:
        require_header(full, expected_typ=frozenset({full["typ"]}), allow_thumbprint_kid=True)
    except InputError as exc:
        raise UsageError(
            "usage.invalid_argument", f"refusing to sign a header that fails {exc.code}"
        ) from exc
    return b64url_encode(dumps_compact(full).encode("utf-8"))


@fastpath.memo("jose.compact signed header", "vc+jwt issue: each header checked and encoded once", 256)
def _header_segment(items: tuple[tuple[str, str], ...]) -> str:
    """:func:`_encode_header` memoised for all-string headers (only a header that passed is kept)."""
    return _encode_header(dict(items))


def sign_compact(
    header: dict[str, Any],
    payload: dict[str, Any],
    signer: JoseSigner,
    *,
    include_kid: bool = True,
    fully_specified: bool = False,
) -> str:
    """Sign ``payload`` as a compact JWS, taking ``alg`` and ``kid`` from ``signer``.

    ``header`` must state ``typ`` (issued artefacts always say what they are). The header is checked
    with the same rules the parser applies, so thaivc never emits a token it would itself refuse.
    The payload is serialised with UTF-8 text as-is: Thai stays Thai, never ``\\u``-escaped.
    ``include_kid=False`` leaves ``kid`` out, for a JWT whose key is named elsewhere (a KB-JWT's key
    is the credential's ``cnf.jwk``: a ``kid`` there points at nothing, and strict verifiers look it
    up). ``fully_specified`` writes RFC 9864's ``Ed25519`` instead of ``EdDSA`` for an Ed25519 key.
    """
    encoded_header = _signed_header(header, signer, include_kid=include_kid, fully_specified=fully_specified)
    return _sign(encoded_header, dumps_compact_bytes(payload), signer)


def sign_compact_json(
    header: dict[str, Any],
    payload_json: bytes,
    signer: JoseSigner,
    *,
    include_kid: bool = True,
    fully_specified: bool = False,
) -> str:
    """:func:`sign_compact` for a payload its caller has already written as compact JSON text.

    Exactly ``payload_json`` is signed, so the caller vouches that it is the UTF-8 JSON text of an
    object with nothing :func:`sign_compact` would refuse (the issuer: orjson's own text of a
    document orjson itself copied, which is made of JSON values only). Spares writing the payload
    twice and reading it back (issue 16, the ``vc+jwt`` issue row). The header gets every rule.
    """
    if type(payload_json) is not bytes or payload_json[:1] != b"{" or payload_json[-1:] != b"}":
        raise UsageError("usage.invalid_argument", "payload_json must be the JSON text of an object")
    encoded_header = _signed_header(header, signer, include_kid=include_kid, fully_specified=fully_specified)
    return _sign(encoded_header, payload_json, signer)


def _signed_header(header: dict[str, Any], signer: JoseSigner, *, include_kid: bool, fully_specified: bool) -> str:
    """The protected header segment for ``signer``: checked by the parser's own rules, encoded once."""
    algorithm, kid = signer.algorithm, signer.kid
    if type(algorithm) is str and type(kid) is str and all(type(value) is str for value in header.values()):
        # an issuer's call repeats exactly: every input of the segment is an immutable string
        return _signed_header_of(tuple(header.items()), algorithm, kid, include_kid, fully_specified)
    return _build_signed_header(header, algorithm, kid, include_kid=include_kid, fully_specified=fully_specified)


@fastpath.memo("jose.compact signer's header", "vc+jwt issue: the header merged, checked, encoded once, ~1.5 µs", 256)
def _signed_header_of(
    items: tuple[tuple[str, str], ...], algorithm: str, kid: str, include_kid: bool, fully_specified: bool
) -> str:
    """:func:`_build_signed_header` for an all-string header (a refusal raises and is not kept)."""
    return _build_signed_header(
        dict(items), algorithm, kid, include_kid=include_kid, fully_specified=fully_specified
    )


def _build_signed_header(
    header: dict[str, Any], algorithm: str, kid: str, *, include_kid: bool, fully_specified: bool
) -> str:
    if algorithm not in ALLOWED_ALGS or algorithm not in FULLY_SPECIFIED:
        raise UsageError("usage.invalid_argument", f"signer algorithm {algorithm[:32]!r} is not allowed")
    if "alg" in header and key_alg_of(header["alg"]) != algorithm:
        raise UsageError("usage.invalid_argument", "header alg conflicts with the signer")
    algorithm = FULLY_SPECIFIED[algorithm] if fully_specified else header.get("alg", algorithm)
    if "kid" in header and (not include_kid or header["kid"] != kid):
        raise UsageError("usage.invalid_argument", "header kid conflicts with the signer")
    typ = header.get("typ")
    if not isinstance(typ, str):
        raise UsageError("usage.invalid_argument", "header must state typ")
    full = {**header, "alg": algorithm}
    full = {"alg": algorithm, "kid": kid, **full} if include_kid else {"alg": algorithm, **full}
    items = tuple(full.items())
    # an issuer's header repeats: an all-string one is checked and encoded once
    all_strings = all(type(value) is str for _, value in items)
    return _header_segment(items) if all_strings else _encode_header(full)


def _sign(encoded_header: str, payload_json: bytes, signer: JoseSigner) -> str:
    signing_input = encoded_header + "." + b64url_encode(payload_json)
    signature = signer.sign(signing_input.encode("ascii"))
    if not isinstance(signature, bytes) or not signature:
        raise UsageError("usage.invalid_argument", "the signer returned no signature")
    return signing_input + "." + b64url_encode(signature)
