"""httpx transports that enforce a total deadline on every socket operation.

:class:`PinnedTransport` connects only to pre-checked IPs. Pinning defeats DNS rebinding (docs/security.md
group I): the name is resolved and checked once by :class:`~thaivc.net.SafeHttpClient`, and this
transport's network backend ignores the host httpcore asks for and dials the checked addresses, in
order. httpcore still uses the URL's host for ``Host`` and for TLS SNI and certificate verification,
so HTTPS keeps authenticating the *name*.

:class:`DeadlineTransport` is a pooled, long-lived transport for a fixed, configured service (the
GDX registries): it dials the name as usual, and takes its deadline from :func:`deadline_scope`,
set by the caller around each call, so one total budget covers every request, retry and byte of it.

In both, the deadline is enforced on every socket read and write, so a server that drips one byte
a second (while headers are being read as much as during the body) is cut off when the budget is
spent; per-read timeouts alone would let it run for ever.
"""

from __future__ import annotations

import contextlib
import contextvars
import ssl
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import httpcore
import httpx

from thaivc.net._address import IPAddress

__all__ = ["DeadlineTransport", "PinnedTransport", "deadline_scope"]

#: The ``time.monotonic()`` instant the current call must end by, set with :func:`deadline_scope`.
_SCOPE: contextvars.ContextVar[float | None] = contextvars.ContextVar("thaivc_net_deadline", default=None)


@contextlib.contextmanager
def deadline_scope(end: float) -> Iterator[None]:
    """Within this block, every socket operation of a :class:`DeadlineTransport` ends by ``end``.

    A context variable, so each thread (and each task) sharing one pooled transport has its own.
    """
    token = _SCOPE.set(end)
    try:
        yield
    finally:
        _SCOPE.reset(token)


Deadline = Callable[[], float | None]


def _budget(deadline: Deadline, timeout: float | None, exc: type[Exception]) -> float | None:
    """The time an operation may take: the smaller of its own timeout and what is left."""
    end = deadline()
    if end is None:
        return timeout
    left = end - time.monotonic()
    if left <= 0:
        raise exc("the total deadline is spent")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """Wraps a stream so that no operation may run past ``deadline()`` (a ``time.monotonic`` value)."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: Deadline) -> None:
        self._inner = inner
        self._deadline = deadline

    def _budget(self, timeout: float | None, exc: type[Exception]) -> float | None:
        return _budget(self._deadline, timeout, exc)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._budget(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._budget(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(ssl_context, server_hostname, self._budget(timeout, httpcore.ConnectTimeout))
        return _DeadlineStream(inner, self._deadline)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    """Dials within ``deadline()`` and wraps the stream so that no later operation runs past it.

    With ``ips`` (already checked) it dials those, in order, whatever host it is asked for — the
    pinned case; without, it dials the host it is asked for — the scoped case. One loop serves both.
    """

    def __init__(self, deadline: Deadline, ips: Sequence[IPAddress] | None = None) -> None:
        self._deadline = deadline
        self._ips = None if ips is None else tuple(str(ip) for ip in ips)
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        failure: Exception = httpcore.ConnectError("no address to connect to")
        for target in (host,) if self._ips is None else self._ips:
            budget = _budget(self._deadline, timeout, httpcore.ConnectTimeout)
            try:
                stream = self._inner.connect_tcp(target, port, budget, local_address, socket_options)
            except httpcore.ConnectError as exc:  # e.g. an IPv6 answer on a host without IPv6 routing
                failure = exc
                continue
            return _DeadlineStream(stream, self._deadline)
        raise failure


class _Body(httpx.SyncByteStream):
    def __init__(self, parts: Iterable[bytes]) -> None:
        self._parts = parts

    def __iter__(self) -> Iterator[bytes]:
        with _mapped():
            yield from self._parts

    def close(self) -> None:
        close = getattr(self._parts, "close", None)
        if close is not None:
            close()


@contextlib.contextmanager
def _mapped() -> Iterator[None]:
    """Translate httpcore exceptions into httpx's, as httpx's own transport does."""
    try:
        yield
    except httpcore.TimeoutException as exc:
        raise httpx.TimeoutException(str(exc)) from exc
    except (httpcore.NetworkError, httpcore.ProtocolError, httpcore.UnsupportedProtocol) as exc:
        raise httpx.TransportError(str(exc)) from exc


class _PoolTransport(httpx.BaseTransport):
    """An httpx transport over an httpcore pool, as httpx's own is, but with our network backend."""

    _pool: httpcore.ConnectionPool

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if not isinstance(request.stream, httpx.SyncByteStream):
            raise TypeError("PinnedTransport is synchronous")
        req = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _mapped():
            resp = self._pool.handle_request(req)
        if not isinstance(resp.stream, Iterable):
            raise TypeError("httpcore returned an asynchronous stream")
        return httpx.Response(
            status_code=resp.status,
            headers=resp.headers,
            stream=_Body(resp.stream),
            extensions=resp.extensions,
        )

    def close(self) -> None:
        self._pool.close()


class PinnedTransport(_PoolTransport):
    """One-shot transport: connections go only to ``ips`` (all already checked); no proxies, no environment."""

    def __init__(self, ips: Sequence[IPAddress], deadline: float, *, verify: ssl.SSLContext) -> None:
        self._pool = httpcore.ConnectionPool(
            ssl_context=verify,
            max_connections=1,
            network_backend=_DeadlineBackend(lambda: deadline, ips),
        )


class DeadlineTransport(_PoolTransport):
    """A pooled transport for a configured service whose every socket operation honours the
    caller's :func:`deadline_scope` (outside one, only the per-request timeouts apply).

    No proxies and no environment; TLS with ``verify`` (default: httpx's context, certifi roots).
    """

    def __init__(self, *, verify: ssl.SSLContext | None = None, max_connections: int = 10) -> None:
        self._pool = httpcore.ConnectionPool(
            ssl_context=verify if verify is not None else httpx.create_ssl_context(trust_env=False),
            max_connections=max_connections,
            network_backend=_DeadlineBackend(_SCOPE.get),
        )
