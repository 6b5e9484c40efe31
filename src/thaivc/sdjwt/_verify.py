"""Verifying an SD-JWT (+KB) presentation (RFC 9901 §7.1, §7.3; SD-JWT VC §3).

The order of checks is fixed and fail-closed:

1. size caps and splitting, before any decoding;
2. the caller's key-binding policy (``require_kb``) against the *shape* of the input — never
   inferred from the input itself;
3. the issuer-signed JWT: the strict compact-JWS header rules of :mod:`thaivc.jose` (algorithm
   allowlist, no key material in the header, ``typ`` in the accepted set), the key from the caller's
   resolver, the signature, then ``exp``/``nbf``/``iat`` on the injected clock;
4. ``_sd_alg``, every disclosure decoded strictly and every digest recomputed, the claims rebuilt;
5. security-critical claims checked *after* processing: they must be plaintext;
6. the KB-JWT: bound to ``cnf.jwk``, covering exactly what was presented, fresh, for this verifier;
   the nonce is consumed last, so a presentation that fails any other check cannot burn it.

Nothing from the payload is returned unless every step passed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Final

from thaivc.core import fastpath
from thaivc.core.clock import DEFAULT_LEEWAY
from thaivc.core.errors import Indeterminate, InputError, ThaiVCError, UsageError
from thaivc.jose import DC_SD_JWT, VC_SD_JWT, parse_compact, require_jwt_times, verify_compact

from ._backend import KeyLike, as_verifier, default_holder_key_loader, is_raw_key
from ._disclosure import parse_disclosure
from ._fast import Binding, fast_verify
from ._hashing import DEFAULT_SD_ALG, hash_function
from ._kb import holder_jwk, verify_kb_jwt
from ._nonce import NonceStore
from ._pointer import Path, format_pointer
from ._process import process_payload
from ._serial import split_sd_jwt

__all__ = ["ACCEPTED_TYPS", "SD_JWT_VC_TYP", "SdJwtResult", "verify_sd_jwt"]

SD_JWT_VC_TYP: Final = DC_SD_JWT
LEGACY_TYP: Final = VC_SD_JWT
#: ``typ`` values accepted on input; only ``dc+sd-jwt`` is ever issued.
ACCEPTED_TYPS: Final = frozenset({SD_JWT_VC_TYP, LEGACY_TYP})

#: Another SD-JWT profile (RFC 9901 §9.11: ``example+sd-jwt``) may be opted into explicitly.
_SD_JWT_TYP: Final = re.compile(r"[a-z0-9][a-z0-9.-]*\+sd-jwt", re.ASCII)

#: Top-level claims that must never come from a disclosure (RFC 9901 §9.7, SD-JWT VC §3.2.2).
PLAINTEXT_ONLY: Final = frozenset({"iss", "vct", "cnf", "status", "exp", "nbf"})

IssuerKeyResolver = Callable[[dict[str, Any], dict[str, Any]], KeyLike]
HolderKeyLoader = Callable[[dict[str, Any]], KeyLike]


@dataclass(frozen=True, slots=True)
class SdJwtResult:
    """A verified SD-JWT.

    ``payload`` holds the processed claims (``_sd``/``_sd_alg`` removed, disclosed claims in place).
    ``disclosed`` lists, as JSON pointers into ``payload``, the claims that came from disclosures,
    sorted by path (a parent before its nested children). Array indices refer to ``payload`` as
    returned, where withheld elements are already gone.
    """

    payload: dict[str, Any]
    disclosed: list[str]
    header: dict[str, Any]
    holder_jwk: dict[str, Any] | None = None
    kb_payload: dict[str, Any] | None = None
    kb_header: dict[str, Any] | None = None


def verify_sd_jwt(
    presentation: str | bytes,
    *,
    issuer_key_resolver: IssuerKeyResolver,
    now: float,
    require_kb: bool,
    leeway: int = DEFAULT_LEEWAY,
    expected_nonce: str | None = None,
    expected_aud: str | None = None,
    nonce_store: NonceStore | None = None,
    max_kb_age: int = 300,
    accepted_typ: frozenset[str] = ACCEPTED_TYPS,
    holder_key_loader: HolderKeyLoader | None = None,
    allow_x5c: bool = False,
) -> SdJwtResult:
    """Verify an SD-JWT or SD-JWT+KB and return what it proves; raise ``ThaiVCError`` otherwise.

    ``issuer_key_resolver(header, payload)`` receives the *unverified* header and payload (to read
    ``iss`` and ``kid``) and returns the issuer's key; it must decide from its own trust
    configuration, never from key material in the token. ``holder_key_loader`` turns ``cnf.jwk``
    into a key (the JOSE default when omitted). With ``require_kb`` the caller must also pin the
    nonce (``expected_nonce`` and/or a single-use ``nonce_store``): a binding that can be replayed
    proves nothing. ``aud`` is compared when ``expected_aud`` is given. The nonce is consumed only
    after every other check passed. ``allow_x5c`` admits an ``x5c`` header for a resolver that
    validates the chain to its own anchors (the header is otherwise refused).
    """
    _check_arguments(accepted_typ, leeway, max_kb_age)
    if require_kb and expected_nonce is None and nonce_store is None:
        raise UsageError("usage.invalid_argument", "require_kb needs expected_nonce or a nonce_store")
    if fastpath.ON[0] and holder_key_loader is None:
        # one pass for the ordinary presentation; it only accepts, anything else comes back None
        binding = Binding(now, leeway, max_kb_age, expected_nonce, expected_aud)
        fields = fast_verify(
            presentation,
            issuer_key_resolver,
            accepted_typ=accepted_typ,
            allow_x5c=allow_x5c,
            require_kb=require_kb,
            binding=binding,
        )
        if fields is not None:
            result = SdJwtResult(*fields)
            if nonce_store is not None and result.kb_payload is not None:
                _consume(nonce_store, result.kb_payload["nonce"])
            return result
    parts = split_sd_jwt(presentation)

    header, payload = _verify_issuer_jwt(parts.jwt, issuer_key_resolver, accepted_typ, allow_x5c)
    require_jwt_times(payload, now=now, leeway=leeway)

    hasher = hash_function(payload.get("_sd_alg", DEFAULT_SD_ALG))
    disclosures = [parse_disclosure(d, hasher) for d in parts.disclosures]
    processed = process_payload(payload, disclosures)
    disclosed_top = {r.path[0] for r in processed.revealed if len(r.path) == 1}
    _check_required_claims(header, processed.payload, disclosed_top)
    # decided by the caller's policy, never by the input; checked after the input itself so that
    # hostile disclosures are reported as what they are
    if require_kb and parts.kb_jwt is None:
        raise InputError("sdjwt.kb_required", "the policy requires key binding; no KB-JWT was presented")

    jwk: dict[str, Any] | None = None
    kb_payload: dict[str, Any] | None = None
    kb_header: dict[str, Any] | None = None
    if parts.kb_jwt is not None:
        jwk = holder_jwk(processed.payload)
        loader = holder_key_loader or default_holder_key_loader
        try:
            holder_key = loader(jwk)
        except ThaiVCError as err:
            raise InputError("sdjwt.kb_invalid", f"cnf.jwk is not a usable key ({err.code})") from None
        kb_header, kb_payload = verify_kb_jwt(
            parts.kb_jwt,
            holder_key,
            signed_part=parts.signed_part,
            hasher=hasher,
            now=now,
            leeway=leeway,
            max_kb_age=max_kb_age,
            expected_nonce=expected_nonce,
            expected_aud=expected_aud,
        )
        if nonce_store is not None:
            _consume(nonce_store, kb_payload["nonce"])

    return SdJwtResult(
        payload=processed.payload,
        disclosed=[format_pointer(p) for p in _sorted_paths([r.path for r in processed.revealed])],
        header=header,
        holder_jwk=jwk,
        kb_payload=kb_payload,
        kb_header=kb_header,
    )


def _consume(store: NonceStore, nonce: str) -> None:
    try:
        fresh = store.consume(nonce)
    except ThaiVCError:  # the store's own refusal (a challenge never issued, say) stands as given
        raise
    except Exception as exc:  # a broken store must never let a replay through
        raise Indeterminate("sdjwt.kb_replay", f"nonce store failed: {type(exc).__name__}") from None
    if not fresh:
        raise InputError("sdjwt.kb_replay", "the key-binding nonce was already used")


def _path_key(path: Path) -> tuple[tuple[int, int, str], ...]:
    return tuple((0, p, "") if isinstance(p, int) else (1, 0, p) for p in path)


def _sorted_paths(paths: list[Path]) -> list[Path]:
    """Paths in :func:`_path_key` order (a parent first, indices numerically, names by code point).

    Paths into one document never put an index and a name after the same prefix (the node there
    is an array or an object, not both), so plain tuple order never compares an ``int`` with a
    ``str`` and equals the keyed order at a tenth of the cost. Should that ever not hold, the
    comparison raises and the keyed sort answers.
    """
    try:
        return sorted(paths)
    except TypeError:
        return sorted(paths, key=_path_key)


@fastpath.memo("sdjwt accepted_typ set", "accepted_typ validated once per set: part of ~1.5 µs", 64)
def _typs_are_sd_jwt(accepted_typ: frozenset[str]) -> bool:
    """Memoised by the (immutable) set itself: callers pass the same few sets on every verify."""
    return _all_sd_jwt_typs(accepted_typ)


def _all_sd_jwt_typs(accepted_typ: Iterable[object]) -> bool:
    return all(isinstance(t, str) and _SD_JWT_TYP.fullmatch(t) for t in accepted_typ)


def _check_arguments(accepted_typ: frozenset[str], leeway: int, max_kb_age: int) -> None:
    if not accepted_typ or not (
        _typs_are_sd_jwt(accepted_typ) if type(accepted_typ) is frozenset else _all_sd_jwt_typs(accepted_typ)
    ):
        raise UsageError("usage.invalid_argument", "accepted_typ must name SD-JWT media types (…+sd-jwt)")
    if not 0 <= leeway <= DEFAULT_LEEWAY:
        raise UsageError("usage.invalid_argument", f"leeway must be within 0..{DEFAULT_LEEWAY} seconds")
    if max_kb_age <= 0:
        raise UsageError("usage.invalid_argument", "max_kb_age must be positive")


def _verify_issuer_jwt(
    jwt: str, resolver: IssuerKeyResolver, accepted_typ: frozenset[str], allow_x5c: bool = False
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Parse strictly (thaivc.jose header rules), resolve the key, verify; parse only once by default.

    The header rules run *before* the resolver sees anything, so a token with ``alg: none``, key
    material in its header or the wrong ``typ`` never reaches key resolution. A thumbprint ``kid``
    (RFC 7638, as SD-JWT VC issuers publish in their JWKS) is admitted as well as DID URLs. What is
    returned is always the strictly parsed header and payload, whatever backend checked the
    signature over those same bytes.
    """
    parsed = parse_compact(jwt, expected_typ=accepted_typ, allow_thumbprint_kid=True, allow_x5c=allow_x5c)
    key = resolver(parsed.header, parsed.payload)
    if is_raw_key(key):
        verify_compact(parsed, key)
    else:
        as_verifier(key).verify(jwt, accepted_typ)  # an injected backend checks the signature only
    return parsed.header, parsed.payload


def _check_required_claims(header: dict[str, Any], claims: dict[str, Any], disclosed_top: set[Any]) -> None:
    hidden = sorted(PLAINTEXT_ONLY & disclosed_top)
    if hidden:
        raise InputError("sdjwt.required_claim_missing", f"{', '.join(hidden)} must not be selectively disclosed")
    if not isinstance(claims.get("iss"), str):
        raise InputError("sdjwt.required_claim_missing", "iss is missing from the plaintext claims")
    if header.get("typ") == SD_JWT_VC_TYP and not isinstance(claims.get("vct"), str):
        raise InputError("sdjwt.required_claim_missing", "vct is missing from the plaintext claims")
