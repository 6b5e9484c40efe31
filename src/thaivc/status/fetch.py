"""The fetch seam for status lists, and an httpx implementation of it.

The checker never opens a connection itself: it calls ``fetch(url) -> FetchResult``. That keeps
network policy (SSRF guards, proxies or OHTTP for privacy, timeouts) in one injected place and lets
tests run with in-memory fetchers or ``httpx.MockTransport``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

import httpx

from thaivc.errors import Indeterminate, InputError

__all__ = ["DEFAULT_MAX_FETCH_BYTES", "FetchResult", "Fetcher", "httpx_fetcher", "parse_max_age"]

#: Largest status list body accepted over the wire (a full 16 MiB list compresses far below this).
DEFAULT_MAX_FETCH_BYTES: Final = 8 * 1024 * 1024

_MAX_AGE_RE: Final = re.compile(
    r"(?:^|,)\s*max-age\s*=\s*\"?([0-9]{1,10})\"?\s*(?:,|$)", re.ASCII | re.IGNORECASE
)
_NO_CACHE_RE: Final = re.compile(r"(?:^|,)\s*(?:no-store|no-cache)\s*(?:,|=|$)", re.ASCII | re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What a fetcher returns: the body, its media type and the HTTP freshness lifetime if any."""

    body: bytes
    content_type: str
    max_age: int | None = None


Fetcher = Callable[[str], FetchResult]


def parse_max_age(cache_control: str | None) -> int | None:
    """Seconds of freshness from a ``Cache-Control`` header; ``no-store``/``no-cache`` give 0."""
    if not cache_control:
        return None
    if _NO_CACHE_RE.search(cache_control):
        return 0
    match = _MAX_AGE_RE.search(cache_control)
    return int(match.group(1)) if match else None


def httpx_fetcher(client: httpx.Client, *, max_bytes: int = DEFAULT_MAX_FETCH_BYTES) -> Fetcher:
    """A :data:`Fetcher` over ``client`` (configure redirects, timeouts and transport there).

    Network errors and non-2xx answers raise ``Indeterminate("status.unavailable")``; a body over
    ``max_bytes`` raises ``InputError("status.too_large")`` without reading the rest.
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
                content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
                return FetchResult(
                    bytes(body), content_type, parse_max_age(response.headers.get("cache-control"))
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
