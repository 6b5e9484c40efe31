"""Fetchers for the status checker: in memory, from a registry, and over :mod:`thaivc.net`.

:class:`StaticFetcher` serves fixed bodies (tests, offline demos, a holder-stapled list);
:class:`RegistryFetcher` serves what a :class:`~thaivc.status.StatusRegistry` last published, so an
issuer's own tools and the tests need no HTTP; :func:`safe_http_fetcher` adapts a
:class:`thaivc.net.SafeHttpClient`-style fetcher (HTTPS only, pinned addresses, byte and time caps),
and :func:`http_status_checker` builds a checker on it that verifies lists with a verifier.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from thaivc.errors import Indeterminate, InputError, ThaiVCError
from thaivc.status.checker import StatusChecker
from thaivc.status.fetch import _ACCEPT, DEFAULT_MAX_FETCH_BYTES, Fetcher, FetchResult
from thaivc.status.store import ListFormat
from thaivc.status.verify_list import list_verifier

if TYPE_CHECKING:
    from thaivc.net import Fetcher as NetFetcher
    from thaivc.status.registry import StatusRegistry
    from thaivc.verifier import Verifier

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
        return FetchResult(body, media_type_of(body, token="/token/" in url), self.max_age)


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
        return FetchResult(
            publication.body.encode("utf-8"), media_type_of(publication.body, token=fmt == "ietf"), self.max_age
        )


def safe_http_fetcher(
    client: NetFetcher, *, max_bytes: int = DEFAULT_MAX_FETCH_BYTES, deadline: float = 5.0
) -> Fetcher:
    """A status :data:`~thaivc.status.Fetcher` over a :class:`thaivc.net.SafeHttpClient`.

    A non-2xx answer or a network failure is ``status.unavailable`` (could not decide); a body over
    ``max_bytes`` is ``status.too_large``.
    """

    def fetch(url: str) -> FetchResult:
        try:
            result = client.fetch(url, max_bytes=max_bytes, deadline=deadline, accept=_ACCEPT)
        except ThaiVCError as err:
            if err.code == "net.too_large":
                raise InputError("status.too_large", err.detail) from None
            raise Indeterminate("status.unavailable", f"fetching the status list failed: {err.code}") from None
        if not 200 <= result.status < 300:
            raise Indeterminate("status.unavailable", f"HTTP {result.status} for the status list")
        return FetchResult(result.body, result.media_type or "", result.max_age)

    return fetch


def http_status_checker(
    verifier: Verifier, fetcher: NetFetcher | Fetcher, **options: Any
) -> StatusChecker:
    """A :class:`StatusChecker` that fetches with ``fetcher`` and verifies lists with ``verifier``.

    ``fetcher`` is a :class:`thaivc.net.SafeHttpClient` (anything with its ``fetch`` method) or a
    plain status fetcher such as :class:`StaticFetcher` or :class:`RegistryFetcher`. ``options`` go
    to :class:`StatusChecker` (``cache``, ``trusted_status_issuers``, ``max_list_age``, …). Attach
    the result with ``verifier.status_checker = http_status_checker(verifier, fetcher)``.
    """
    fetch: Fetcher = safe_http_fetcher(fetcher) if hasattr(fetcher, "fetch") else fetcher
    options.setdefault("clock", verifier.clock)
    return StatusChecker(fetch, list_verifier(verifier), **options)
