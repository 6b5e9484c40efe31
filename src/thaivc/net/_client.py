"""A fetcher for documents an attacker may point at: DID documents, trusted lists, issuer metadata.

Everything here is opt-in network access that fails closed (docs/security.md group I):
HTTPS only, names resolved once with every address checked and the connection pinned to the checked
address, redirects followed by hand with each hop re-validated, a streamed body cap and one total
deadline across all hops. Failures raise :class:`~thaivc.core.errors.ThaiVCError` with ``net.*`` codes;
callers such as did:web map them into their own area.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import re
import socket
import ssl
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, Final, Protocol, runtime_checkable

import httpx

from thaivc.core.errors import Indeterminate, ThaiVCError, UsageError
from thaivc.net._address import IPAddress, address_refusal, is_localhost_name, literal_address
from thaivc.net._transport import PinnedTransport

__all__ = [
    "DEFAULT_DEADLINE",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_TIMEOUT",
    "MAX_TIMEOUT",
    "FetchResult",
    "Fetcher",
    "Resolver",
    "SafeHttpClient",
]

DEFAULT_MAX_BYTES: Final = 64 * 1024
#: Seconds from the start of a fetch to its end, redirects, DNS and every byte of the body included.
DEFAULT_TIMEOUT: Final = 5.0
#: The former name of :data:`DEFAULT_TIMEOUT` (also a number of seconds, never an instant).
DEFAULT_DEADLINE: Final = DEFAULT_TIMEOUT
#: The longest total timeout accepted: a larger number is a caller passing an instant
#: (``time.monotonic() + t``) where seconds are meant, refused rather than honoured for hours.
MAX_TIMEOUT: Final = 600.0
_REDIRECTS: Final = frozenset({301, 302, 303, 307, 308})
_MAX_AGE_RE: Final = re.compile(r"(?:^|,)\s*max-age\s*=\s*\"?(\d{1,10})\"?\s*(?:,|$)", re.ASCII | re.IGNORECASE)
_NO_CACHE_RE: Final = re.compile(r"(?:^|,)\s*(?:no-store|no-cache)\s*(?:[=,]|$)", re.ASCII | re.IGNORECASE)
#: Letters, digits, hyphens and dots (underscores occur in real names); A-labels for IDNs.
_HOST_RE: Final = re.compile(r"[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\.?", re.ASCII)
_DIGITS_RE: Final = re.compile(r"[0-9]{1,18}", re.ASCII)
_USER_AGENT: Final = "thaivc"

#: ``socket.getaddrinfo``'s shape; injectable so tests can simulate hostile DNS.
Resolver = Callable[..., Sequence[tuple[Any, ...]]]


@dataclasses.dataclass(frozen=True, slots=True)
class FetchResult:
    """A completed GET: the final URL after redirects, the status and the capped body.

    The one answer type of every fetcher seam in thaivc (did:web, trust lists, issuer metadata,
    status lists, the ThaID JWKS), so that a hardened client wired into any of them behaves alike.
    """

    url: str
    status: int
    body: bytes
    content_type: str | None = None
    #: seconds the answer may be reused (``Cache-Control``), if the server said
    max_age: int | None = None

    @property
    def media_type(self) -> str | None:
        """The content type without parameters, lower-cased (``application/json``)."""
        if self.content_type is None:
            return None
        return self.content_type.split(";", 1)[0].strip().lower() or None


@runtime_checkable
class Fetcher(Protocol):
    """What trust lists, did:web, issuer metadata, status lists and the ThaID JWKS need from the
    network, and nothing more.

    ``timeout`` is always a number of *seconds from now* for the whole fetch, never a
    ``time.monotonic()`` instant: one seam, one meaning, so a caller cannot hand an instant to an
    implementation that reads a duration (and get a timeout of days).
    """

    def fetch(
        self,
        url: str,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        timeout: float = DEFAULT_TIMEOUT,
        accept: str | None = None,
    ) -> FetchResult: ...


def parse_max_age(cache_control: str | None) -> int | None:
    """Seconds a response may be reused: ``max-age``, 0 for ``no-store``/``no-cache``, else ``None``."""
    if not cache_control:
        return None
    if _NO_CACHE_RE.search(cache_control):
        return 0
    match = _MAX_AGE_RE.search(cache_control)
    return int(match.group(1)) if match else None


class _Borrowed(httpx.BaseTransport):
    """An injected transport the caller owns: used per request, never closed by this client."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self._inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._inner.handle_request(request)

    def close(self) -> None:
        """Leave the caller's transport open."""


class SafeHttpClient:
    """GETs a URL without letting its author steer the request into the local network.

    ``allow_loopback`` and ``allow_private`` exist for tests and for deployments that run their own
    registry inside a private network; both are off by default. ``transport`` replaces the pinned
    transport (``httpx.MockTransport`` in tests); address checks still run first. ``verify`` is the
    TLS context (default: httpx's, with certifi roots) for deployments with a private CA.
    """

    def __init__(
        self,
        *,
        allow_loopback: bool = False,
        allow_private: bool = False,
        max_redirects: int = 3,
        transport: httpx.BaseTransport | None = None,
        resolver: Resolver = socket.getaddrinfo,
        verify: ssl.SSLContext | None = None,
    ) -> None:
        if max_redirects < 0:
            raise UsageError("usage.invalid_argument", "max_redirects must not be negative")
        self._allow_loopback = allow_loopback
        self._allow_private = allow_private
        self._max_redirects = max_redirects
        self._transport = None if transport is None else _Borrowed(transport)
        self._resolver = resolver
        self._verify = verify
        self._default_tls: ssl.SSLContext | None = None

    def _tls(self) -> ssl.SSLContext:
        """The TLS context, built once: loading the CA bundle costs more than a typical fetch."""
        if self._verify is not None:
            return self._verify
        if self._default_tls is None:
            self._default_tls = httpx.create_ssl_context(trust_env=False)
        return self._default_tls

    # -- validation ---------------------------------------------------------------------------

    def _parse(self, url: str | httpx.URL) -> httpx.URL:
        try:
            parsed = url if isinstance(url, httpx.URL) else httpx.URL(url)
        except (httpx.InvalidURL, TypeError, ValueError):
            raise ThaiVCError("net.url_invalid", "not a well-formed URL") from None
        if parsed.scheme not in ("https", "http") or not parsed.host:
            raise ThaiVCError("net.url_invalid", "only absolute https URLs are fetched")
        if parsed.userinfo:
            raise ThaiVCError("net.url_invalid", "credentials in a URL are refused")
        host = parsed.raw_host.decode("ascii", "replace")
        if not _HOST_RE.fullmatch(host) and literal_address(host) is None:
            raise ThaiVCError("net.url_invalid", "the URL's host is not a DNS name or an IP address")
        if parsed.port is not None and not 0 < parsed.port < 65536:
            raise ThaiVCError("net.url_invalid", "the URL's port is out of range")
        return parsed

    def _lookup(self, host: str, port: int, end: float) -> Sequence[tuple[Any, ...]]:
        """Call the resolver, giving up at the deadline (``getaddrinfo`` itself has no timeout).

        The lookup runs in a daemon thread; one that outlives the deadline is abandoned, never joined.
        """
        box: dict[str, Any] = {}

        def work() -> None:
            try:
                box["answer"] = self._resolver(host, port, type=socket.SOCK_STREAM)
            except Exception as exc:
                box["error"] = exc

        worker = threading.Thread(target=work, name="thaivc-dns", daemon=True)
        worker.start()
        worker.join(max(0.0, end - time.monotonic()))
        if worker.is_alive():
            raise Indeterminate("net.timeout", f"resolving {host!r} did not finish within the deadline")
        error = box.get("error")
        if isinstance(error, OSError | UnicodeError):
            raise Indeterminate("net.unavailable", f"cannot resolve {host!r}: {type(error).__name__}")
        if error is not None:
            raise error
        answer: Sequence[tuple[Any, ...]] = box["answer"]
        return answer

    def _addresses(self, host: str, port: int, end: float) -> list[IPAddress]:
        literal = literal_address(host)
        if literal is not None:
            return [literal]
        if is_localhost_name(host):
            if not self._allow_loopback:
                raise ThaiVCError("net.address_blocked", f"{host!r} is a loopback name")
            return [ipaddress.IPv4Address("127.0.0.1")]
        infos = self._lookup(host, port, end)
        found: list[IPAddress] = []
        for info in infos:
            try:
                raw = str(info[4][0]).split("%", 1)[0]
                ip = literal_address(raw)
            except (IndexError, TypeError):
                ip = None
            if ip is None:
                raise ThaiVCError("net.address_blocked", "the resolver returned an unusable address")
            found.append(ip)
        if not found:
            raise Indeterminate("net.unavailable", f"{host!r} has no address")
        return found

    def _pin(self, url: httpx.URL, end: float) -> list[IPAddress]:
        """Resolve once, refuse if *any* address is unsafe, and return the addresses to dial."""
        port = url.port or (443 if url.scheme == "https" else 80)
        host = url.raw_host.decode("ascii")  # A-labels: the name DNS is actually asked about
        addresses = self._addresses(host, port, end)
        for ip in addresses:
            why = address_refusal(ip, allow_loopback=self._allow_loopback, allow_private=self._allow_private)
            if why is not None:
                raise ThaiVCError("net.address_blocked", f"{host!r} resolves to {why}")
        if url.scheme == "http" and not all(ip.is_loopback for ip in addresses):
            raise ThaiVCError("net.url_invalid", "plain http is refused (loopback test servers excepted)")
        return addresses

    # -- fetching -----------------------------------------------------------------------------

    def fetch(
        self,
        url: str,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        timeout: float = DEFAULT_TIMEOUT,
        accept: str | None = None,
    ) -> FetchResult:
        """GET ``url`` within ``timeout`` seconds in total, reading at most ``max_bytes`` of body."""
        if max_bytes < 0 or not 0 < timeout <= MAX_TIMEOUT:
            raise UsageError(
                "usage.invalid_argument", f"max_bytes must be >= 0 and timeout in (0, {MAX_TIMEOUT:g}] seconds"
            )
        end = time.monotonic() + timeout
        current = self._parse(url)
        hops = 0
        while True:
            try:
                ips = self._pin(current, end)
            except ThaiVCError as err:
                if hops and err.code in ("net.address_blocked", "net.url_invalid"):
                    raise ThaiVCError("net.redirect_blocked", f"redirect refused: {err.detail}") from None
                raise
            result = self._get(current, ips, end, max_bytes, accept)
            if isinstance(result, FetchResult):
                return result
            hops += 1
            if hops > self._max_redirects:
                raise ThaiVCError("net.redirect_blocked", f"more than {self._max_redirects} redirects")
            try:
                current = self._parse(current.join(result))
            except ThaiVCError as err:
                raise ThaiVCError("net.redirect_blocked", f"redirect refused: {err.detail}") from None
            except (httpx.InvalidURL, TypeError, ValueError):
                raise ThaiVCError("net.redirect_blocked", "redirect to a malformed Location") from None
            if current.scheme != "https" and not self._allow_loopback:
                raise ThaiVCError("net.redirect_blocked", "redirect to a non-https URL")

    def _get(
        self, url: httpx.URL, ips: list[IPAddress], end: float, max_bytes: int, accept: str | None
    ) -> FetchResult | str:
        """One request; a redirect returns its ``Location`` for the caller to re-validate."""
        remaining = end - time.monotonic()
        if remaining <= 0:
            raise Indeterminate("net.timeout", "the total deadline is spent")
        transport = self._transport or PinnedTransport(ips, end, verify=self._tls())
        headers = {"Accept-Encoding": "identity", "User-Agent": _USER_AGENT}
        if accept:
            headers["Accept"] = accept
        try:
            with (
                httpx.Client(
                    transport=transport, follow_redirects=False, trust_env=False, timeout=httpx.Timeout(remaining)
                ) as client,
                client.stream("GET", url, headers=headers) as response,
            ):
                if response.status_code in _REDIRECTS:
                    location = response.headers.get("location")
                    if not location:
                        raise ThaiVCError("net.redirect_blocked", "a redirect without Location")
                    return str(location)
                body = self._read_capped(response, end, max_bytes)
                return FetchResult(
                    url=str(url),
                    status=response.status_code,
                    body=body,
                    content_type=response.headers.get("content-type"),
                    max_age=parse_max_age(response.headers.get("cache-control")),
                )
        except httpx.TimeoutException:
            raise Indeterminate("net.timeout", "the server did not answer within the deadline") from None
        except (httpx.HTTPError, httpx.StreamError, OSError) as exc:
            raise Indeterminate("net.unavailable", f"request failed: {type(exc).__name__}") from None

    @staticmethod
    def _read_capped(response: httpx.Response, end: float, max_bytes: int) -> bytes:
        encoding = response.headers.get("content-encoding", "identity").strip().lower()
        if encoding not in ("", "identity"):
            raise ThaiVCError("net.too_large", f"content-encoding {encoding!r} refused (decompression bombs)")
        declared = response.headers.get("content-length")
        if declared is not None:
            if not _DIGITS_RE.fullmatch(declared.strip()):
                raise ThaiVCError("net.too_large", "a malformed Content-Length")
            if int(declared) > max_bytes:
                raise ThaiVCError("net.too_large", f"Content-Length {declared} exceeds {max_bytes} bytes")
        chunks: list[bytes] = []
        size = 0
        # iter_bytes equals iter_raw here (encodings other than identity are refused above) and
        # also serves responses whose body a transport has already buffered.
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > max_bytes:
                raise ThaiVCError("net.too_large", f"the body exceeds {max_bytes} bytes")
            if time.monotonic() > end:
                raise Indeterminate("net.timeout", "the total deadline is spent")
            chunks.append(chunk)
        return b"".join(chunks)
