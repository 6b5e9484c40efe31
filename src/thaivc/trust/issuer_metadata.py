"""JWT VC Issuer Metadata (SD-JWT VC draft §5): an issuer's keys from ``/.well-known/jwt-vc-issuer``.

For ``iss = https://issuer.example/tenant`` the metadata lives at
``https://issuer.example/.well-known/jwt-vc-issuer/tenant``. It must name exactly that ``issuer``
(a document about another issuer is refused) and carry either an inline ``jwks`` or a ``jwks_uri``,
fetched through the same hardened :class:`~thaivc.net.Fetcher`. Keys are selected by the token's
``kid``; nothing in the token header is ever fetched.
"""

from __future__ import annotations

import dataclasses
import threading
import urllib.parse
from collections.abc import Mapping
from typing import Any, Final

from thaivc.clock import Clock, SystemClock
from thaivc.errors import Indeterminate, InputError, ThaiVCError, UsageError
from thaivc.jsonutil import loads_strict
from thaivc.keys import PublicKey
from thaivc.net import DEFAULT_DEADLINE, DEFAULT_MAX_BYTES, Fetcher

__all__ = ["IssuerMetadata", "IssuerMetadataResolver", "metadata_url"]

WELL_KNOWN: Final = "/.well-known/jwt-vc-issuer"
MAX_KEYS: Final = 32
MAX_CACHE_SECONDS: Final = 86_400
_JSON_TYPES: Final = frozenset({"application/json", "application/jwk-set+json"})


def _bad(detail: str, loc: tuple[str | int, ...] = ()) -> ThaiVCError:
    return ThaiVCError("trust.metadata_invalid", detail, loc=loc)


def _https_parts(url: object, what: str) -> urllib.parse.SplitResult:
    if not isinstance(url, str) or not url.isascii() or len(url) > 2048:
        raise _bad(f"{what} must be an ASCII https URL")
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "https" or not parts.hostname or parts.username is not None or parts.password is not None:
        raise _bad(f"{what} must be an https URL without credentials")
    if parts.query or parts.fragment:
        raise _bad(f"{what} must not carry a query or fragment")
    return parts


def metadata_url(iss: str) -> str:
    """Where ``iss`` publishes its metadata: the well-known segment goes *before* the path."""
    parts = _https_parts(iss, "iss")
    path = parts.path.rstrip("/")
    return f"https://{parts.netloc}{WELL_KNOWN}{path}"


@dataclasses.dataclass(frozen=True, slots=True)
class IssuerMetadata:
    issuer: str
    keys: tuple[tuple[str | None, PublicKey], ...]

    def select(self, kid: object) -> PublicKey:
        """The key named ``kid``; with no ``kid`` only an issuer with a single key is unambiguous."""
        if kid is None:
            if len(self.keys) == 1:
                return self.keys[0][1]
            raise ThaiVCError("key.not_found", "the token has no kid and the issuer publishes several keys")
        if not isinstance(kid, str):
            raise ThaiVCError("jose.kid_invalid", "kid must be a string")
        for key_id, key in self.keys:
            if key_id == kid:
                return key
        raise ThaiVCError("key.not_found", "no key with this kid in the issuer's metadata")


def _parse_jwks(jwks: object, loc: tuple[str | int, ...]) -> tuple[tuple[str | None, PublicKey], ...]:
    if not isinstance(jwks, Mapping) or not isinstance(jwks.get("keys"), list):
        raise _bad("a JWK Set is an object with a 'keys' array", loc)
    members = jwks["keys"]
    if len(members) > MAX_KEYS:
        raise _bad(f"more than {MAX_KEYS} keys", loc)
    out: list[tuple[str | None, PublicKey]] = []
    seen: set[str] = set()
    for i, jwk in enumerate(members):
        if not isinstance(jwk, Mapping):
            raise _bad("a JWK must be an object", (*loc, "keys", i))
        kid = jwk.get("kid")
        if kid is not None and not isinstance(kid, str):
            raise _bad("kid must be a string", (*loc, "keys", i, "kid"))
        if kid is not None:
            if kid in seen:
                raise _bad("two keys share a kid", (*loc, "keys", i, "kid"))
            seen.add(kid)
        if jwk.get("use", "sig") != "sig":
            continue
        try:
            key = PublicKey.from_jwk(jwk)
        except ThaiVCError as err:
            if err.code == "key.unsupported":
                continue
            raise _bad(f"key {i}: {err.detail}", (*loc, "keys", i)) from None
        out.append((kid, key))
    return tuple(out)


class IssuerMetadataResolver:
    """Fetches and caches issuer metadata; :meth:`issuer_key_resolver` is the SD-JWT VC key seam."""

    def __init__(
        self,
        fetcher: Fetcher,
        *,
        clock: Clock | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
        deadline: float = DEFAULT_DEADLINE,
    ) -> None:
        if not isinstance(fetcher, Fetcher):
            raise UsageError("usage.invalid_argument", "fetcher has no fetch()")
        self._fetcher = fetcher
        self._clock: Clock = clock or SystemClock()
        self._max_bytes = max_bytes
        self._deadline = deadline
        self._cache: dict[str, tuple[float, IssuerMetadata]] = {}
        self._lock = threading.Lock()

    def _get_json(self, url: str) -> tuple[Any, int]:
        try:
            result = self._fetcher.fetch(
                url, max_bytes=self._max_bytes, deadline=self._deadline, accept="application/json"
            )
        except Indeterminate as err:
            raise Indeterminate("trust.metadata_unavailable", f"{err.code}: {err.detail}") from None
        except ThaiVCError as err:  # a refused address, redirect or size: the answer is hostile, not absent
            raise _bad(f"{err.code}: {err.detail}") from None
        if result.status in (404, 410):
            raise ThaiVCError("trust.metadata_unavailable", f"HTTP {result.status} from {url}")
        if result.status != 200:
            raise Indeterminate("trust.metadata_unavailable", f"HTTP {result.status} from {url}")
        if result.media_type not in _JSON_TYPES:
            raise _bad(f"served as {result.media_type or 'no media type'}, not JSON")
        try:
            obj = loads_strict(result.body, max_bytes=self._max_bytes, require_object=True)
        except InputError as err:
            raise _bad(f"not valid JSON ({err.code})") from None
        return obj, min(result.max_age or 0, MAX_CACHE_SECONDS)

    def metadata(self, iss: str) -> IssuerMetadata:
        url = metadata_url(iss)
        now = self._clock.now()
        with self._lock:
            hit = self._cache.get(iss)
        if hit is not None and hit[0] > now:
            return hit[1]
        obj, ttl = self._get_json(url)
        if obj.get("issuer") != iss:
            raise _bad("the metadata names another issuer", ("issuer",))
        has_inline, has_uri = "jwks" in obj, "jwks_uri" in obj
        if has_inline == has_uri:
            raise _bad("exactly one of jwks and jwks_uri is required")
        if has_inline:
            keys = _parse_jwks(obj["jwks"], ("jwks",))
        else:
            jwks_uri = obj["jwks_uri"]
            _https_parts(jwks_uri, "jwks_uri")
            jwks, jwks_ttl = self._get_json(jwks_uri)
            keys = _parse_jwks(jwks, ("jwks_uri",))
            ttl = min(ttl, jwks_ttl)
        metadata = IssuerMetadata(iss, keys)
        if ttl > 0:
            with self._lock:
                self._cache[iss] = (now + ttl, metadata)
        return metadata

    def issuer_key_resolver(self, header: Mapping[str, Any], payload: Mapping[str, Any]) -> PublicKey:
        """The issuer key for an SD-JWT VC: ``payload["iss"]``'s metadata, key chosen by ``header["kid"]``."""
        iss = payload.get("iss")
        if not isinstance(iss, str):
            raise ThaiVCError("claims.malformed", "iss must be a string naming the issuer", loc=("iss",))
        key = self.metadata(iss).select(header.get("kid"))
        alg = header.get("alg")
        if alg is not None and alg != key.alg:
            raise ThaiVCError("jose.alg_key_mismatch", f"alg {alg!r} does not fit the issuer's key")
        return key

    __call__ = issuer_key_resolver
