"""Issuing an SD-JWT VC (RFC 9901 §4, §5; SD-JWT VC §3).

The caller names the selectively disclosable claims with JSON pointers into the claims it passes.
A pointer below another disclosable pointer gives a *nested* disclosure: the inner claim becomes a
digest inside the outer disclosure's value, so the holder can reveal the outer object without the
inner claim. Array elements are disclosed as ``{"...": digest}`` (RFC 9901 §4.2.2).

Claims that verifiers rely on to judge the credential itself (``iss``, ``vct``, ``iat``, ``exp``,
``nbf``, ``cnf``, ``status``) stay plaintext: asking to hide them is a programming error.
"""

from __future__ import annotations

import math
import secrets
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any, Final, Protocol

import orjson

from thaivc.core import fastpath
from thaivc.core.b64 import b64url_encode
from thaivc.core.errors import InputError, ThaiVCError, UsageError
from thaivc.keys import PublicKey

from ._backend import SignerLike, as_signer
from ._disclosure import FORBIDDEN_NAMES, Disclosure, make_disclosure
from ._hashing import DEFAULT_SD_ALG, b64_digest, hash_function
from ._kb import PRIVATE_JWK_MEMBERS
from ._pointer import Path, parse_pointer, resolve_pointer
from ._serial import join_sd_jwt
from ._verify import PLAINTEXT_ONLY, SD_JWT_VC_TYP

__all__ = ["MAX_DECOYS", "RandomSource", "issue_sd_jwt"]

#: Upper bound of the ``decoys`` argument: decoys hide how many claims exist, not bloat tokens.
MAX_DECOYS: Final = 32
#: Nesting cap on issued claims (the verifier's JSON depth cap is 64 too).
MAX_CLAIM_DEPTH: Final = 60
#: 128-bit salts (RFC 9901 §4.2.1 recommends at least 128 bits of entropy).
SALT_BYTES: Final = 16
_NEVER_DISCLOSABLE: Final = PLAINTEXT_ONLY | {"iat"}
_RESERVED: Final = FORBIDDEN_NAMES | {"_sd_alg"}


class RandomSource(Protocol):
    """Where salts and decoys come from; :mod:`secrets` by default (tests inject a seeded source)."""

    def token_bytes(self, nbytes: int) -> bytes: ...

    def randbelow(self, exclusive_upper_bound: int) -> int: ...


def issue_sd_jwt(
    claims: dict[str, Any],
    *,
    disclosable: Sequence[str],
    signer: SignerLike,
    holder_jwk: dict[str, Any] | PublicKey | None = None,
    typ: str = SD_JWT_VC_TYP,
    sd_alg: str = DEFAULT_SD_ALG,
    decoys: int = 0,
    rng: RandomSource = secrets,
) -> str:
    """Issue ``<issuer-jwt>~<d1>~…~<dn>~``.

    ``claims`` must already be NFC-normalised (it is checked, never changed: the signed bytes are
    exactly the caller's text). ``decoys`` adds between 0 and ``decoys`` random decoy digests to
    every object that has selectively disclosable members. ``holder_jwk`` (public) becomes
    ``cnf.jwk`` for key binding; a :class:`~thaivc.keys.PublicKey` is taken as it is (it was
    validated when it was made, so its JWK is not parsed and validated a second time).
    """
    if typ != SD_JWT_VC_TYP:
        raise UsageError("usage.invalid_argument", f"thaivc issues typ {SD_JWT_VC_TYP!r} only")
    if isinstance(decoys, bool) or not isinstance(decoys, int) or not 0 <= decoys <= MAX_DECOYS:
        raise UsageError("usage.invalid_argument", f"decoys must be an integer in 0..{MAX_DECOYS}")
    try:
        hasher = hash_function(sd_alg)
    except InputError:
        raise UsageError("usage.invalid_argument", f"sd_alg {sd_alg!r} is not allowed") from None
    if not isinstance(claims, dict):
        raise UsageError("usage.invalid_argument", "claims must be a JSON object")
    for name in ("iss", "vct"):
        if not isinstance(claims.get(name), str) or not claims[name]:
            raise UsageError("usage.invalid_argument", f"an SD-JWT VC needs a string {name} claim")
    for name in ("iat", "nbf", "exp"):
        value = claims.get(name, 0)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise UsageError("usage.invalid_argument", f"{name} must be a NumericDate (seconds since the epoch)")
    if not (fastpath.ON[0] and _claims_clean(claims)):
        _check_claims(claims)
    if holder_jwk is not None and "cnf" in claims:
        raise UsageError("usage.invalid_argument", "claims already carry cnf; pass holder_jwk only")
    if isinstance(holder_jwk, PublicKey):
        holder_jwk = dict(holder_jwk.jwk)
    elif holder_jwk is not None:
        if not isinstance(holder_jwk, dict) or PRIVATE_JWK_MEMBERS & holder_jwk.keys():
            raise UsageError("usage.invalid_argument", "holder_jwk must be a public JWK")
        try:  # never bind a credential to a key no verifier would accept
            PublicKey.from_jwk(holder_jwk)
        except ThaiVCError as err:
            raise UsageError("usage.invalid_argument", f"holder_jwk is not a usable key ({err.code})") from None

    if isinstance(disclosable, str):
        raise UsageError("usage.invalid_argument", "disclosable is a sequence of JSON pointers, not one string")
    paths = {_disclosable_path(claims, pointer) for pointer in disclosable}
    builder = _Builder(paths, hasher, rng, decoys)
    payload = builder.build_object(claims, ())
    payload["_sd_alg"] = sd_alg
    if holder_jwk is not None:
        payload["cnf"] = {"jwk": dict(holder_jwk)}
    jwt = as_signer(signer).sign({"typ": typ}, payload)
    return join_sd_jwt(jwt, [d.encoded for d in builder.disclosures])


def _check_claims(node: Any, depth: int = 0) -> None:
    """Refuse what could not be signed faithfully: reserved names, non-NFC text, non-JSON values."""
    if depth > MAX_CLAIM_DEPTH:
        raise UsageError("usage.invalid_argument", f"claims nest deeper than {MAX_CLAIM_DEPTH}")
    if isinstance(node, dict):
        for key, value in node.items():
            if not isinstance(key, str):
                raise UsageError("usage.invalid_argument", "claim names must be strings")
            if key in _RESERVED:
                raise UsageError("usage.invalid_argument", f"claim name {key!r} is reserved by SD-JWT")
            _check_text(key)
            _check_claims(value, depth + 1)
    elif isinstance(node, list):
        for value in node:
            _check_claims(value, depth + 1)
    elif isinstance(node, str):
        _check_text(node)
    elif isinstance(node, float):
        if not math.isfinite(node):
            raise UsageError("usage.invalid_argument", "NaN and Infinity are not JSON")
    elif node is not None and not isinstance(node, bool | int):
        raise UsageError("usage.invalid_argument", f"a {type(node).__name__} is not a JSON value")


def _claims_clean(claims: dict[str, Any]) -> bool:
    """Whether :func:`_check_claims` passes ``claims``, proven on orjson's text; ``False`` = not proven.

    The walk costs a Python call per value; this proves the same at C speed, and declines (the
    walk then decides and words the refusal) whatever it cannot prove:

    * orjson's text reads back equal to ``claims``: only JSON values (no NaN or infinity — written
      as ``null`` —, no tuple, no foreign type; non-string keys and huge integers make orjson refuse);
    * the text holds at most :data:`MAX_CLAIM_DEPTH` brackets, so nothing nests deeper;
    * no ``"_sd`` or ``"..."`` in it, so no member is named ``_sd``, ``...`` or ``_sd_alg`` (orjson
      writes such a name with nothing escaped);
    * the text is NFC, which it is only if every string in it is (the argument of
      :func:`thaivc.engine.issuer.normalize_document`'s copy: orjson escapes only ASCII, which
      composes with nothing).
    """
    try:
        text = orjson.dumps(claims)
    except orjson.JSONEncodeError:
        return False
    if text.count(b"{") + text.count(b"[") > MAX_CLAIM_DEPTH or b'"_sd' in text or b'"..."' in text:
        return False
    if orjson.loads(text) != claims:
        return False
    return text.isascii() or unicodedata.is_normalized("NFC", text.decode("utf-8"))


def _check_text(text: str) -> None:
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        raise UsageError("usage.invalid_argument", "claims must be NFC-normalised before issuance")


class _Builder:
    """Builds the payload bottom-up so nested disclosures end up inside their parents' values."""

    def __init__(self, paths: set[Path], hasher: Callable[[bytes], Any], rng: RandomSource, decoys: int) -> None:
        self.paths = paths
        self.hasher = hasher
        self.rng = rng
        self.decoys = decoys
        self.disclosures: list[Disclosure] = []
        # one disclosure per path: their salts come from one call (one getrandom, not one each), cut
        # into 16-byte pieces, each still 128 bits straight from the CSPRNG; decoys draw their own
        self._pool = rng.token_bytes(SALT_BYTES * len(paths)) if paths else b""
        self._taken = 0

    def salt(self) -> str:
        start, end = self._taken, self._taken + SALT_BYTES
        if end > len(self._pool):
            return b64url_encode(self.rng.token_bytes(SALT_BYTES))
        self._taken = end
        return b64url_encode(self._pool[start:end])

    def disclose(self, name: str | None, value: Any) -> str:
        try:
            disclosure = make_disclosure(self.hasher, self.salt(), name, value)
        except (TypeError, ValueError) as exc:
            raise UsageError("usage.invalid_argument", f"a claim is not JSON: {exc}") from None
        self.disclosures.append(disclosure)
        return disclosure.digest

    def build(self, node: Any, path: Path) -> Any:
        if isinstance(node, dict):
            return self.build_object(node, path)
        if isinstance(node, list):
            out: list[Any] = []
            for i, element in enumerate(node):
                value = self.build(element, (*path, i))
                out.append({"...": self.disclose(None, value)} if (*path, i) in self.paths else value)
            return out
        return node

    def build_object(self, obj: dict[str, Any], path: Path) -> dict[str, Any]:
        out: dict[str, Any] = {}
        digests: list[str] = []
        for key, element in obj.items():
            value = self.build(element, (*path, key))
            if (*path, key) in self.paths:
                digests.append(self.disclose(key, value))
            else:
                out[key] = value
        if digests:
            for _ in range(self.rng.randbelow(self.decoys + 1)):
                digests.append(b64_digest(self.hasher, self.salt()))
            out["_sd"] = sorted(digests)
        return out


def _disclosable_path(claims: dict[str, Any], pointer: str) -> Path:
    tokens = parse_pointer(pointer)
    if len(tokens) == 1 and tokens[0] in _NEVER_DISCLOSABLE:
        raise UsageError(
            "usage.invalid_argument",
            f"{tokens[0]} must stay plaintext (hiding it fails verification: sdjwt.required_claim_missing)",
        )
    return resolve_pointer(claims, pointer)
