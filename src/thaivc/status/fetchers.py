"""Fetchers for the status checker: in memory, from a registry, and over :mod:`thaivc.net`.

:class:`StaticFetcher` serves fixed bodies (tests, offline demos, a holder-stapled list);
:class:`RegistryFetcher` serves what a :class:`~thaivc.status.StatusRegistry` last published, so an
issuer's own tools and the tests need no HTTP; :func:`safe_http_fetcher` binds a
:class:`thaivc.net.Fetcher` such as :class:`thaivc.net.SafeHttpClient` (HTTPS only, pinned
addresses, byte and time caps) to status-list limits, and :func:`http_status_checker` builds a
checker on one that verifies lists with a verifier.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from thaivc.core.errors import Indeterminate
from thaivc.net import DEFAULT_TIMEOUT
from thaivc.status.checker import StatusChecker
from thaivc.status.fetch import DEFAULT_MAX_FETCH_BYTES, Fetcher, FetchResult, ListSource, list_source
from thaivc.status.store import ListFormat
from thaivc.status.verify_list import list_verifier

if TYPE_CHECKING:
    from thaivc.status.registry import StatusRegistry
    from thaivc.status.verify_list import ListCredentialVerifier

__all__ = ["RegistryFetcher", "StaticFetcher", "http_status_checker", "media_type_of", "safe_http_fetcher"]


class _Counted:
    """``calls``: how many fetches were asked for, counted exactly when threads fetch at once."""

    def __init__(self) -> None:
        self.calls = 0
        self._count_lock = threading.Lock()

    def _count(self) -> None:
        with self._count_lock:
            self.calls += 1


def media_type_of(body: str | bytes, *, token: bool = False) -> str:
    """The media type a published list is served with: JSON documents (Data Integrity) as
    ``application/vc``, compact JWS as ``application/vc+jwt`` or (``token``) ``statuslist+jwt``."""
    head = body.lstrip()[:1]
    if head in ("{", b"{"):
        return "application/vc"
    return "application/statuslist+jwt" if token else "application/vc+jwt"


class StaticFetcher(_Counted):
    """Serves fixed bodies by URL; an unknown URL is ``status.unavailable``.

    ``max_age`` is the freshness lifetime reported for every body (``None``: the list's own ``ttl``).
    """

    def __init__(self, bodies: Mapping[str, str | bytes] | None = None, *, max_age: int | None = None) -> None:
        super().__init__()
        self.bodies: dict[str, bytes] = {}
        self.max_age = max_age
        for url, body in (bodies or {}).items():
            self.put(url, body)

    def put(self, url: str, body: str | bytes) -> None:
        self.bodies[url] = body.encode("utf-8") if isinstance(body, str) else bytes(body)

    def __call__(self, url: str) -> FetchResult:
        self._count()
        body = self.bodies.get(url)
        if body is None:
            raise Indeterminate("status.unavailable", f"no status list is served at {url[:200]}")
        return FetchResult(url, 200, body, media_type_of(body, token="/token/" in url), self.max_age)


class RegistryFetcher(_Counted):
    """Serves the lists a registry last published, by the URLs its entries name.

    Nothing is fetched over a network: ``{base_url}/{list}`` is the W3C list credential and
    ``{base_url}/token/{list}`` the IETF token, read from the registry's store.
    """

    def __init__(self, registry: StatusRegistry, *, max_age: int | None = None) -> None:
        super().__init__()
        self.registry = registry
        self.max_age = max_age

    def __call__(self, url: str) -> FetchResult:
        self._count()
        prefix = self.registry.base_url + "/"
        if not url.startswith(prefix):
            raise Indeterminate("status.unavailable", f"{url[:200]} is not served by this registry")
        rest = url[len(prefix) :]
        fmt: ListFormat = "w3c"
        if rest.startswith("token/"):
            fmt, rest = "ietf", rest[len("token/") :]
        if not rest or "/" in rest:
            raise Indeterminate("status.unavailable", f"{url[:200]} names no list")
        publication = self.registry.store.current_publication(rest, fmt)
        if publication is None:
            raise Indeterminate("status.unavailable", f"list {rest} has not been published as {fmt}")
        body = publication.body.encode("utf-8")
        return FetchResult(url, 200, body, media_type_of(publication.body, token=fmt == "ietf"), self.max_age)


def safe_http_fetcher(
    client: Fetcher, *, max_bytes: int = DEFAULT_MAX_FETCH_BYTES, timeout: float = DEFAULT_TIMEOUT
) -> ListSource:
    """A status :data:`~thaivc.status.ListSource` over a :class:`thaivc.net.SafeHttpClient`.

    ``timeout`` is seconds for the whole fetch. A network failure is ``status.unavailable``
    (could not decide), and so is a non-2xx answer once the checker sees it; a body over
    ``max_bytes`` is ``status.too_large``.
    """
    return list_source(client, max_bytes=max_bytes, timeout=timeout)


def http_status_checker(
    verifier: ListCredentialVerifier, fetcher: Fetcher | ListSource, **options: Any
) -> StatusChecker:
    """A :class:`StatusChecker` that fetches with ``fetcher`` and verifies lists with ``verifier``.

    ``fetcher`` is a :class:`thaivc.net.SafeHttpClient` (any :class:`thaivc.net.Fetcher`) or a
    plain list source such as :class:`StaticFetcher` or :class:`RegistryFetcher`. ``options`` go
    to :class:`StatusChecker` (``cache``, ``trusted_status_issuers``, ``max_list_age``,
    ``fetch_timeout`` …). Attach the result with
    ``verifier.status_checker = http_status_checker(verifier, fetcher)``.
    """
    options.setdefault("clock", verifier.clock)
    return StatusChecker(fetcher, list_verifier(verifier), **options)
