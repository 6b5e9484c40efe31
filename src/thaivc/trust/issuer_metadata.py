"""JWT VC Issuer Metadata (SD-JWT VC draft §5): an issuer's keys from ``/.well-known/jwt-vc-issuer``.

This module does the fetching, caching and key selection; judging the fetched document is
:func:`thaivc.sdjwt.require_issuer_metadata`'s job, so both paths share one vocabulary: metadata
about another issuer is ``vc.issuer_mismatch``, a malformed document ``sdjwt.malformed``, a
private or broken key ``key.invalid``. For ``iss = https://issuer.example/tenant`` the metadata is
at ``https://issuer.example/.well-known/jwt-vc-issuer/tenant``; a ``jwks_uri`` is fetched through
the same hardened :class:`~thaivc.net.Fetcher`. Keys are selected by the token's ``kid``; nothing
named in the token header is ever fetched.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Mapping
from typing import Any, Final

from thaivc.core.clock import Clock, SystemClock
from thaivc.core.errors import Indeterminate, InputError, ThaiVCError, UsageError
from thaivc.core.jsonutil import loads_strict
from thaivc.jose import key_alg_of
from thaivc.keys import PublicKey
from thaivc.net import DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT, Fetcher
from thaivc.sdjwt import issuer_metadata_url, require_issuer_metadata

__all__ = ["IssuerMetadata", "IssuerMetadataResolver", "metadata_url"]

MAX_KEYS: Final = 32
MAX_CACHE_SECONDS: Final = 86_400
_JSON_TYPES: Final = frozenset({"application/json", "application/jwk-set+json"})


def _malformed(detail: str) -> ThaiVCError:
    return ThaiVCError("sdjwt.malformed", detail)


def metadata_url(iss: str) -> str:
    """Where ``iss`` publishes its metadata; an ``iss`` that is not an https URL is ``vc.issuer_invalid``."""
    if not isinstance(iss, str) or not iss.isascii() or len(iss) > 2048:
        raise ThaiVCError("vc.issuer_invalid", "iss must be an ASCII https URL")
    try:
        url = issuer_metadata_url(iss)
    except UsageError as err:  # the iss came from a token: an input problem, not a caller's mistake
        raise ThaiVCError("vc.issuer_invalid", err.detail) from None
    if "@" in url.split("/", 3)[2]:
        raise ThaiVCError("vc.issuer_invalid", "iss must not carry credentials")
    return url


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


def _signing_keys(jwks: Mapping[str, Any]) -> tuple[tuple[str | None, PublicKey], ...]:
    """The usable signature keys of an already-checked JWK Set, with their ``kid``."""
    members = jwks["keys"]
    if len(members) > MAX_KEYS:
        raise _malformed(f"more than {MAX_KEYS} keys")
    out: list[tuple[str | None, PublicKey]] = []
    seen: set[str] = set()
    for i, jwk in enumerate(members):
        kid = jwk.get("kid")
        if kid is not None and not isinstance(kid, str):
            raise _malformed(f"key {i}: kid must be a string")
        if kid is not None:
            if kid in seen:
                raise _malformed("two keys share a kid")
            seen.add(kid)
        if jwk.get("use", "sig") != "sig":
            continue
        try:
            key = PublicKey.from_jwk(jwk)
        except ThaiVCError as err:
            if err.code == "key.unsupported":  # e.g. an RSA key beside the EC one: not ours to use
                continue
            raise ThaiVCError("key.invalid", f"key {i}: {err.detail}") from None
        out.append((kid, key))
    return tuple(out)


class IssuerMetadataResolver:
    """Fetches and caches issuer metadata; :meth:`issuer_key_resolver` is the SD-JWT VC key seam.

    Pass ``resolver.issuer_key_resolver`` as ``thaivc.Verifier(sd_jwt_key_resolver=…)``. Network
    failures are ``Indeterminate`` (``trust.metadata_unavailable``); refused fetches keep their
    ``net.*`` code; documents served but wrong are failures.
    """

    def __init__(
        self,
        fetcher: Fetcher,
        *,
        clock: Clock | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        if not isinstance(fetcher, Fetcher):
            raise UsageError("usage.invalid_argument", "fetcher has no fetch()")
        self._fetcher = fetcher
        self._clock: Clock = clock or SystemClock()
        self._max_bytes = max_bytes
        self._timeout = timeout
        self._cache: dict[str, tuple[float, IssuerMetadata]] = {}
        self._lock = threading.Lock()

    def _get_json(self, url: str) -> tuple[Any, int]:
        try:
            result = self._fetcher.fetch(
                url, max_bytes=self._max_bytes, timeout=self._timeout, accept="application/json"
            )
        except Indeterminate as err:
            raise Indeterminate("trust.metadata_unavailable", f"{err.code}: {err.detail}") from None
        if result.status in (404, 410):
            raise ThaiVCError("trust.metadata_unavailable", f"HTTP {result.status} from {url}")
        if result.status != 200:
            raise Indeterminate("trust.metadata_unavailable", f"HTTP {result.status} from {url}")
        if result.media_type not in _JSON_TYPES:
            raise _malformed(f"served as {result.media_type or 'no media type'}, not JSON")
        try:
            obj = loads_strict(result.body, max_bytes=self._max_bytes, require_object=True)
        except InputError as err:
            raise _malformed(f"not valid JSON ({err.code})") from None
        return obj, min(result.max_age or 0, MAX_CACHE_SECONDS)

    def metadata(self, iss: str) -> IssuerMetadata:
        url = metadata_url(iss)
        now = self._clock.now()
        with self._lock:
            hit = self._cache.get(iss)
        if hit is not None and hit[0] > now:
            return hit[1]
        obj, ttl = self._get_json(url)
        ttls = [ttl]

        def fetch_jwks(uri: str) -> Any:
            jwks, jwks_ttl = self._get_json(uri)
            ttls.append(jwks_ttl)
            return jwks

        jwks = require_issuer_metadata(obj, iss, fetch_jwks=fetch_jwks)
        metadata = IssuerMetadata(iss, _signing_keys(jwks))
        if min(ttls) > 0:
            with self._lock:
                self._cache[iss] = (now + min(ttls), metadata)
        return metadata

    def issuer_key_resolver(self, header: Mapping[str, Any], payload: Mapping[str, Any]) -> PublicKey:
        """The issuer key for an SD-JWT VC: ``payload["iss"]``'s metadata, key chosen by ``header["kid"]``."""
        iss = payload.get("iss")
        if not isinstance(iss, str):
            raise ThaiVCError("sdjwt.required_claim_missing", "iss is missing")
        key = self.metadata(iss).select(header.get("kid"))
        alg = header.get("alg")
        if alg is not None and key_alg_of(alg) != key.alg:
            raise ThaiVCError("jose.alg_key_mismatch", f"alg {alg!r} does not fit the issuer's key")
        return key

    __call__ = issuer_key_resolver
