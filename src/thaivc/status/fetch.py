"""The fetch seam for status lists, and an httpx implementation of it.

The checker never opens a connection itself. It takes either a :class:`thaivc.net.Fetcher` (the
one network seam of thaivc: ``fetch(url, *, max_bytes, timeout, accept)``, with ``timeout`` in
seconds; :class:`thaivc.net.SafeHttpClient` in production) or a plain :data:`ListSource`
``source(url) -> FetchResult`` for lists already in hand (tests, a registry's own store, a
holder-stapled list). Both answer the same :class:`thaivc.net.FetchResult`. That keeps network
policy (SSRF guards, proxies or OHTTP for privacy, timeouts) in one injected place.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import httpx

from thaivc.errors import Indeterminate, InputError, ThaiVCError
from thaivc.net import DEFAULT_TIMEOUT, Fetcher, FetchResult, parse_max_age

__all__ = [
    "DEFAULT_MAX_FETCH_BYTES",
    "FetchResult",
    "Fetcher",
    "ListSource",
    "httpx_fetcher",
    "list_source",
    "parse_max_age",
]

#: Largest status list body accepted over the wire (a full 16 MiB list compresses far below this).
DEFAULT_MAX_FETCH_BYTES: Final = 8 * 1024 * 1024

#: A status list by URL from somewhere other than the network (or a fetcher already bound to limits).
ListSource = Callable[[str], FetchResult]


def list_source(
    fetcher: Fetcher | ListSource, *, max_bytes: int = DEFAULT_MAX_FETCH_BYTES, timeout: float = DEFAULT_TIMEOUT
) -> ListSource:
    """``fetcher`` as a :data:`ListSource`: a :class:`thaivc.net.Fetcher` is bound to ``max_bytes``,
    ``timeout`` (seconds) and the status media types; a plain source is returned as it is.

    A refused or failed fetch is ``status.unavailable`` (could not decide), a body over
    ``max_bytes`` is ``status.too_large``; a non-2xx answer is left for the checker, which refuses
    it the same way for every source.
    """
    fetch = getattr(fetcher, "fetch", None)
    if fetch is None:
        plain: ListSource = fetcher  # type: ignore[assignment]
        return plain

    def bound(url: str) -> FetchResult:
        try:
            result: FetchResult = fetch(url, max_bytes=max_bytes, timeout=timeout, accept=_ACCEPT)
        except ThaiVCError as err:
            if err.code == "net.too_large":
                raise InputError("status.too_large", err.detail) from None
            raise Indeterminate("status.unavailable", f"fetching the status list failed: {err.code}") from None
        return result

    return bound


def httpx_fetcher(client: httpx.Client, *, max_bytes: int = DEFAULT_MAX_FETCH_BYTES) -> ListSource:
    """A :data:`ListSource` over ``client`` (configure redirects, timeouts and transport there).

    Network errors and non-2xx answers raise ``Indeterminate("status.unavailable")``; a body over
    ``max_bytes`` raises ``InputError("status.too_large")`` without reading the rest. For URLs an
    attacker may choose, prefer :class:`thaivc.net.SafeHttpClient`.
    """

    def fetch(url: str) -> FetchResult:
        try:
            with client.stream("GET", url, headers={"Accept": _ACCEPT}) as response:
                if not response.is_success:
                    raise Indeterminate(
                        "status.unavailable", f"HTTP {response.status_code} for the status list"
                    )
                declared = response.headers.get("content-length")
                if declared is not None and declared.isdigit() and int(declared) > max_bytes:
                    raise InputError("status.too_large", f"status list body over {max_bytes} bytes")
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > max_bytes:
                        raise InputError("status.too_large", f"status list body over {max_bytes} bytes")
                return FetchResult(
                    str(response.url),
                    response.status_code,
                    bytes(body),
                    response.headers.get("content-type"),
                    parse_max_age(response.headers.get("cache-control")),
                )
        except httpx.HTTPError as exc:
            raise Indeterminate(
                "status.unavailable", f"fetching the status list failed: {type(exc).__name__}"
            ) from None

    return fetch


_ACCEPT: Final = (
    "application/vc+jwt, application/vc, application/vc+ld+json, application/statuslist+jwt;q=0.9, "
    "application/json;q=0.5"
)
