"""did:web resolution through a hardened fetcher (docs/security.md group I).

The DID is turned into a URL only after its host has been proven to be an ordinary DNS name:
IP literals in every spelling, ``localhost`` names, raw Unicode hosts (only A-labels are accepted,
so a comparison against a trust list is an exact ASCII comparison), ports (unless configured) and
path tricks are refused with ``did.invalid`` *before* anything touches the network. The document is
parsed as plain strict JSON; its ``@context`` URLs are data and are never fetched.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from typing import Final

import idna

from thaivc.core.clock import Clock, SystemClock
from thaivc.core.errors import Indeterminate, ThaiVCError, UsageError
from thaivc.core.jsonutil import loads_strict
from thaivc.did._document import DidDocument
from thaivc.did._syntax import require_did
from thaivc.net import DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT, Fetcher, FetchResult, is_localhost_name, literal_address

__all__ = ["ACCEPT", "DidWebResolver", "did_web_url"]

ACCEPT: Final = "application/did+json, application/json"
_MEDIA_TYPES: Final = frozenset({"application/did+json", "application/json", "application/did+ld+json"})
_LABEL_RE: Final = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", re.ASCII)
_PORT_RE: Final = re.compile(r"([^%]+)%3[aA]([1-9][0-9]{0,4})", re.ASCII)
_SEGMENT_RE: Final = re.compile(r"[A-Za-z0-9._~-]+", re.ASCII)
#: Special-use names that never denote a public server (RFC 6761, RFC 6762, RFC 8375, and the
#: ``.internal`` name ICANN reserved for private use).
_SPECIAL_SUFFIXES: Final = ("localhost", "local", "internal", "home.arpa", "invalid")
#: Upper bound on how long a served ``max-age`` may keep a document.
MAX_CACHE_SECONDS: Final = 86_400

_NET_TO_DID: Final = {
    "net.url_invalid": "did.invalid",
    "net.address_blocked": "did.address_blocked",
    "net.redirect_blocked": "did.redirect_blocked",
    "net.too_large": "did.resolution_limit",
    "net.timeout": "did.resolution_limit",
    "net.unavailable": "did.not_found",
}


def _invalid(detail: str) -> ThaiVCError:
    return ThaiVCError("did.invalid", detail)


def _check_label(label: str) -> None:
    """One label: lower-case letters, digits, inner hyphens; ``??--`` only as a valid ``xn--`` A-label."""
    if not _LABEL_RE.fullmatch(label):
        raise _invalid("a did:web host label must be lower-case letters, digits and inner hyphens")
    if label[2:4] == "--":
        if not label.startswith("xn--"):
            raise _invalid("a reserved label form ('??--') in the did:web host")
        try:
            idna.decode(label)
        except (idna.IDNAError, UnicodeError):
            raise _invalid("an invalid A-label in the did:web host") from None


def _check_host(host: str) -> None:
    """Accept only a lower-case DNS name of A-labels with at least two labels.

    Upper case is refused rather than folded: a DID is compared to trust lists as an exact string,
    and two spellings of one issuer would be two issuers there.
    """
    if not host or len(host) > 253:
        raise _invalid("the did:web host is empty or too long")
    if not host.isascii():
        raise _invalid("a did:web host must be in A-label (punycode) form, not raw Unicode")
    if literal_address(host) is not None:
        raise _invalid("a did:web host must be a DNS name, not an IP address")
    if is_localhost_name(host):
        raise _invalid("localhost names are not public hosts")
    if host.endswith("."):
        raise _invalid("a did:web host must not end with the root dot")
    labels = host.split(".")
    if len(labels) < 2:
        raise _invalid("a did:web host must be a fully qualified domain name")
    for label in labels:
        _check_label(label)
    if labels[-1].isdigit():
        raise _invalid("a numeric top-level label looks like an IP address")
    for suffix in _SPECIAL_SUFFIXES:
        if host == suffix or host.endswith("." + suffix):
            raise _invalid(f"special-use domain .{suffix} is not a public host")


def did_web_url(did: str, *, allow_port: bool = False) -> str:
    """The HTTPS URL of a did:web document (did:web §3.2 Read), or ``did.invalid``.

    ``did:web:example.com`` → ``https://example.com/.well-known/did.json``;
    ``did:web:example.com:user:alice`` → ``https://example.com/user/alice/did.json``.
    A port (``%3A``) is refused unless ``allow_port``; no other percent-encoding is accepted.
    """
    if require_did(did) != "web":
        raise _invalid("not a did:web DID")
    parts = did[len("did:web:") :].split(":")
    host_part, path = parts[0], parts[1:]
    host, port = host_part, None
    if "%3a" in host_part.lower():
        if not allow_port:
            raise _invalid("a port in a did:web DID is refused by this resolver's configuration")
        match = _PORT_RE.fullmatch(host_part)
        if match is None or not 0 < int(match.group(2)) < 65536:
            raise _invalid("a malformed port in the did:web host")
        host, port = match.group(1), int(match.group(2))
    if "%" in host:
        raise _invalid("percent-encoding in a did:web host")
    _check_host(host)
    for segment in path:
        if not _SEGMENT_RE.fullmatch(segment) or segment in (".", ".."):
            raise _invalid("a did:web path segment must be plain unreserved characters")
    authority = host if port is None else f"{host}:{port}"
    if path:
        return f"https://{authority}/{'/'.join(path)}/did.json"
    return f"https://{authority}/.well-known/did.json"


class DidWebResolver:
    """Resolves did:web DIDs through an injected :class:`~thaivc.net.Fetcher`, with a max-age cache.

    Register it explicitly: ``UniversalResolver(methods={"key": …, "jwk": …, "web": DidWebResolver(client)})``.
    Network failures are ``Indeterminate`` (the answer is unknown), hostile answers are failures.
    """

    def __init__(
        self,
        fetcher: Fetcher,
        *,
        allow_port: bool = False,
        max_bytes: int = DEFAULT_MAX_BYTES,
        timeout: float = DEFAULT_TIMEOUT,
        clock: Clock | None = None,
        cache_size: int = 256,
    ) -> None:
        if not isinstance(fetcher, Fetcher):
            raise UsageError("usage.invalid_argument", "fetcher has no fetch()")
        self._fetcher = fetcher
        self._allow_port = allow_port
        self._max_bytes = max_bytes
        self._timeout = timeout
        self._clock: Clock = clock or SystemClock()
        self._cache_size = cache_size
        self._cache: OrderedDict[str, tuple[float, DidDocument]] = OrderedDict()
        self._lock = threading.Lock()

    def url_for(self, did: str) -> str:
        return did_web_url(did, allow_port=self._allow_port)

    def resolve(self, did: str) -> DidDocument:
        url = self.url_for(did)
        now = self._clock.now()
        with self._lock:
            hit = self._cache.get(did)
            if hit is not None and hit[0] > now:
                self._cache.move_to_end(did)
                return hit[1]
        result = self._fetch(url)
        document = self._parse(did, result)
        ttl = min(result.max_age or 0, MAX_CACHE_SECONDS)
        if ttl > 0 and self._cache_size > 0:
            with self._lock:
                self._cache[did] = (now + ttl, document)
                self._cache.move_to_end(did)
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        return document

    def _fetch(self, url: str) -> FetchResult:
        try:
            return self._fetcher.fetch(url, max_bytes=self._max_bytes, timeout=self._timeout, accept=ACCEPT)
        except ThaiVCError as err:
            code = _NET_TO_DID.get(err.code)
            if code is None:
                raise
            if isinstance(err, Indeterminate) or err.code == "net.timeout":
                raise Indeterminate(code, err.detail) from None
            raise ThaiVCError(code, err.detail) from None

    def _parse(self, did: str, result: FetchResult) -> DidDocument:
        if result.status in (404, 410):
            raise ThaiVCError("did.not_found", f"the DID document is absent (HTTP {result.status})")
        if result.status != 200:
            raise Indeterminate("did.not_found", f"the DID document could not be read (HTTP {result.status})")
        if result.media_type not in _MEDIA_TYPES:
            raise ThaiVCError("did.content_type_invalid", f"served as {result.media_type or 'no media type'}")
        if len(result.body) > self._max_bytes:
            raise ThaiVCError("did.resolution_limit", "the DID document exceeds the size cap")
        obj = loads_strict(result.body, max_bytes=self._max_bytes, require_object=True)
        return DidDocument.from_json(obj, expected_id=did)
