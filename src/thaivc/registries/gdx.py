"""The transport shared by the DGA Government Data Exchange (GDX) clients (docs/thai.md).

GDX puts the consumer secret in the query string of ``/ws/auth/validate`` and returns a token that
later calls send in a ``Token`` header; a token expires after about an hour of inactivity. This module
owns that dance and everything that can go wrong on the wire:

* one total deadline per call (``timeout`` seconds from the moment :meth:`GdxSession.get` is called),
  shared by authentication, every retry and backoff pause, and every socket read and write, so a
  server that drips bytes cannot hold a call longer than ``timeout``;
* a bounded number of retries, with exponential backoff, only on transient failures (connect
  errors, timeouts, 502/503/504), and only while the deadline leaves room;
* HTTPS only: the consumer secret travels in a query string, so ``http://`` base URLs are refused
  unless ``insecure=True`` (the loopback test server);
* one re-authentication when a token is rejected (HTTP 401), then one retry;
* strict JSON parsing through :func:`thaivc.core.jsonutil.loads_strict` with a byte cap;
* secrets kept out of exceptions, reprs and logs.

It drives an ``httpx`` transport directly rather than an ``httpx.Client``: the client logs every
request URL at INFO level, and GDX URLs carry ``ConsumerSecret``. Using the transport also means
redirects are never followed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Self, TypedDict, Unpack
from urllib.parse import urlsplit

import httpx

from thaivc.core.clock import Clock, SystemClock
from thaivc.core.errors import Indeterminate, InputError, UsageError
from thaivc.core.jsonutil import loads_strict
from thaivc.core.options import refuse_unknown
from thaivc.net import MAX_TIMEOUT, DeadlineTransport, deadline_scope
from thaivc.thai.ids import is_valid_citizen_id

__all__ = [
    "AUTH_PATH",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "TRANSIENT_STATUSES",
    "GdxClient",
    "GdxOptions",
    "GdxResponse",
    "GdxSession",
    "GdxSessionOptions",
]

AUTH_PATH: Final = "/ws/auth/validate"
TRANSIENT_STATUSES: Final = frozenset({502, 503, 504})
DEFAULT_MAX_RESPONSE_BYTES: Final = 1024 * 1024
#: Renew the token before GDX's 60-minute idle expiry.
DEFAULT_TOKEN_IDLE_SECONDS: Final = 55 * 60
_MAX_TOKEN_LENGTH: Final = 4096


@dataclass(frozen=True, slots=True)
class GdxResponse:
    """A parsed GDX answer: the HTTP status and the JSON body (never a transient status)."""

    status: int
    body: Any


class GdxOptions(TypedDict, total=False):
    """The :class:`GdxSession` settings a registry client passes on (see its docstring for each)."""

    timeout: float
    retries: int
    backoff: float
    transport: httpx.BaseTransport | None
    clock: Clock | None
    insecure: bool


class GdxSessionOptions(GdxOptions, total=False):
    """Beside :class:`GdxOptions`, what tests inject into a :class:`GdxSession`: ``sleep`` and
    ``monotonic`` (backoff and deadline without waiting), ``token_idle_seconds`` and
    ``max_response_bytes``."""

    sleep: Callable[[float], None]
    token_idle_seconds: float
    max_response_bytes: int
    monotonic: Callable[[], float]


class GdxSession:
    """Authenticated, retrying GET requests against one GDX base URL.

    ``timeout`` is the total budget of one call in seconds: authentication, retries, backoff and
    the whole body included. ``transport`` is any ``httpx.BaseTransport`` (``httpx.MockTransport``
    in tests); by default a :class:`thaivc.net.DeadlineTransport` with TLS verification, which
    holds every socket operation to that budget. With another transport the budget is still checked
    before every attempt and after every chunk of the body. ``sleep``, ``clock`` and ``monotonic``
    are injectable so backoff, token idling and the deadline are testable without waiting.
    ``insecure=True`` allows an ``http://`` base URL, for a loopback test server only.
    """

    def __init__(
        self,
        base_url: str,
        consumer_key: str,
        consumer_secret: str,
        agent_id: str,
        **options: Unpack[GdxSessionOptions],
    ) -> None:
        refuse_unknown(options, GdxSessionOptions, "GdxSession")
        timeout, retries = options.get("timeout", 5.0), options.get("retries", 2)
        backoff, transport, clock = options.get("backoff", 0.2), options.get("transport"), options.get("clock")
        parts = urlsplit(base_url) if isinstance(base_url, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
            raise UsageError("usage.invalid_argument", "base_url must be an https URL")
        if parts.scheme == "http" and options.get("insecure", False) is not True:
            raise UsageError(
                "usage.invalid_argument",
                "base_url must be https: GDX sends ConsumerSecret in the query string "
                "(insecure=True allows http for a loopback test server)",
            )
        if parts.query or parts.fragment or parts.username or parts.password:
            raise UsageError("usage.invalid_argument", "base_url must not carry a query or credentials")
        for name, value in (("consumer_key", consumer_key), ("consumer_secret", consumer_secret)):
            if not isinstance(value, str) or not value or not all(" " < ch < "\x7f" for ch in value):
                raise UsageError("usage.invalid_argument", f"{name} must be non-empty printable ASCII")
        if not is_valid_citizen_id(agent_id):
            raise UsageError("usage.invalid_argument", "agent_id must be the officer's 13-digit citizen ID")
        if not 0 < timeout <= MAX_TIMEOUT or retries < 0 or backoff < 0:
            raise UsageError(
                "usage.invalid_argument", f"timeout must be in (0, {MAX_TIMEOUT:g}] seconds; retries and backoff >= 0"
            )
        self._base = base_url.rstrip("/")
        self._consumer_key = consumer_key
        self._consumer_secret = consumer_secret
        self._agent_id = agent_id
        self._timeout = float(timeout)
        self._retries = int(retries)
        self._backoff = float(backoff)
        self._transport = transport if transport is not None else DeadlineTransport()
        self._clock: Clock = clock if clock is not None else SystemClock()
        self._sleep = options.get("sleep", time.sleep)
        self._monotonic = options.get("monotonic", time.monotonic)
        self._token_idle = float(options.get("token_idle_seconds", DEFAULT_TOKEN_IDLE_SECONDS))
        self._max_bytes = int(options.get("max_response_bytes", DEFAULT_MAX_RESPONSE_BYTES))
        self._token: str | None = None
        self._token_used_at = 0.0
        self._token_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"GdxSession(base_url={self._base!r}, consumer_key='***', consumer_secret='***')"

    __str__ = __repr__

    def close(self) -> None:
        self._transport.close()

    # -- secrets ---------------------------------------------------------------------------------

    def redact(self, text: str) -> str:
        """Remove every secret this session holds from text that came from outside."""
        for secret in (self._consumer_secret, self._consumer_key, self._token, self._agent_id):
            if secret:
                text = text.replace(secret, "***")
        return text[:300]

    # -- wire ------------------------------------------------------------------------------------

    def _left(self, end: float, path: str) -> float:
        """Seconds left before ``end``; ``registry.unavailable`` once the budget is spent."""
        left = end - self._monotonic()
        if left <= 0:
            raise Indeterminate("registry.unavailable", f"GDX {path}: the {self._timeout:g} s deadline is spent")
        return left

    def _send_once(
        self, path: str, params: Mapping[str, str], headers: Mapping[str, str], end: float
    ) -> httpx.Response:
        left = self._left(end, path)
        request = httpx.Request(
            "GET",
            self._base + path,
            params=dict(params),
            headers={"Accept": "application/json", "Accept-Encoding": "identity", **headers},
            extensions={"timeout": httpx.Timeout(left).as_dict()},
        )
        with deadline_scope(end):
            response = self._transport.handle_request(request)
            try:
                content = self._read_capped(response, end, path)
            finally:
                response.close()
        return httpx.Response(response.status_code, headers=response.headers, content=content)

    def _read_capped(self, response: httpx.Response, end: float, path: str) -> bytes:
        """The body, at most ``max_response_bytes``, read by ``end``: the deadline is checked after
        every chunk, so a transport without socket deadlines still cannot drip for ever."""
        if response.is_stream_consumed:  # already in memory (e.g. httpx.MockTransport)
            chunks: Iterable[bytes] = (response.content,)
        else:
            chunks = response.iter_raw()
        parts: list[bytes] = []
        size = 0
        for chunk in chunks:
            size += len(chunk)
            if size > self._max_bytes:
                raise Indeterminate("registry.unavailable", "GDX response exceeds the size cap")
            parts.append(chunk)
            self._left(end, path)
        return b"".join(parts)

    def _send(self, path: str, params: Mapping[str, str], headers: Mapping[str, str], end: float) -> httpx.Response:
        """Send with bounded retries on transient failures only, all within ``end``."""
        last = "no attempt"
        for attempt in range(self._retries + 1):
            if attempt:
                pause = self._backoff * (2 ** (attempt - 1))
                if self._monotonic() + pause >= end:
                    last += f"; no time left for attempt {attempt + 1}"
                    break
                self._sleep(pause)
            try:
                response = self._send_once(path, params, headers, end)
            except httpx.TimeoutException:
                last = "timed out"
                continue
            except httpx.TransportError as exc:
                last = f"transport error ({type(exc).__name__})"
                continue
            if response.status_code in TRANSIENT_STATUSES:
                last = f"HTTP {response.status_code}"
                continue
            return response
        raise Indeterminate("registry.unavailable", f"GDX {path} unavailable within {self._timeout:g} s: {last}")

    def _json(self, response: httpx.Response, path: str) -> Any:
        try:
            return loads_strict(response.content, max_bytes=self._max_bytes)
        except InputError as exc:
            raise Indeterminate(
                "registry.unavailable", f"GDX {path} answered HTTP {response.status_code} with {exc.code}"
            ) from None

    # -- token -----------------------------------------------------------------------------------

    def _authenticate(self, end: float) -> str:
        response = self._send(
            AUTH_PATH,
            {"ConsumerSecret": self._consumer_secret, "AgentID": self._agent_id},
            {"Consumer-Key": self._consumer_key},
            end,
        )
        if response.status_code in (401, 403):
            raise Indeterminate(
                "registry.rejected", f"GDX refused the consumer credentials (HTTP {response.status_code})"
            )
        if response.status_code != 200:
            reason = self.describe_error(response.status_code, self._error_body(response))
            raise Indeterminate("registry.rejected", f"GDX authentication failed: {reason}")
        body = self._json(response, AUTH_PATH)
        token = body.get("Result") if isinstance(body, dict) else None
        if (
            not isinstance(token, str)
            or not 0 < len(token) <= _MAX_TOKEN_LENGTH
            or not all("\x21" <= ch <= "\x7e" for ch in token)
        ):
            raise Indeterminate("registry.unavailable", "GDX authentication answered without a usable token")
        self._token = token
        self._token_used_at = self._clock.now()
        return token

    def _current_token(self, end: float) -> str:
        with self._token_lock:  # one authentication at a time when a session is shared by threads
            if self._token is None or self._clock.now() - self._token_used_at >= self._token_idle:
                return self._authenticate(end)
            return self._token

    def get(self, path: str, params: Mapping[str, str], extra_headers: Mapping[str, str] | None = None) -> GdxResponse:
        """Authenticated GET; re-authenticates once if the token is rejected.

        Returns only answers the caller must interpret (any status except 401 and the transient
        ones); raises ``registry.unavailable`` / ``registry.rejected`` otherwise. The whole call,
        authentication and retries included, ends within ``timeout`` seconds.
        """
        end = self._monotonic() + self._timeout
        renewed = False
        while True:
            token = self._current_token(end)
            headers = {"Consumer-Key": self._consumer_key, "Token": token, **(extra_headers or {})}
            response = self._send(path, params, headers, end)
            if response.status_code == 401:
                self._token = None
                if renewed:
                    raise Indeterminate("registry.rejected", "GDX rejected a freshly issued token")
                renewed = True
                continue
            self._token_used_at = self._clock.now()
            if response.status_code == 200:
                return GdxResponse(200, self._json(response, path))
            return GdxResponse(response.status_code, self._error_body(response))

    def _error_body(self, response: httpx.Response) -> Any:
        """The JSON of an error answer, or ``None``: an error page need not be JSON, and the caller
        then decides from the status alone."""
        if not response.content:
            return None
        try:
            return loads_strict(response.content, max_bytes=self._max_bytes)
        except InputError:
            return None

    def describe_error(self, status: int, body: Any) -> str:
        """``HTTP 500 Code=… Message=…`` with secrets removed, for error details."""
        if isinstance(body, dict) and ("Code" in body or "Message" in body):
            return self.redact(f"HTTP {status} Code={body.get('Code')!r} Message={body.get('Message')!r}")
        return f"HTTP {status}"


class GdxClient:
    """What every GDX registry client shares: one :class:`GdxSession` and the clock its answers are dated by.

    The DOPA and DBD clients differ only in the path they call and how they read the answer; the
    session (token, deadline, retries, HTTPS rule), its construction, the secret-free ``repr`` and
    ``close`` live here once. :meth:`from_session` puts several clients on one session (one token).
    """

    def __init__(
        self, base_url: str, consumer_key: str, consumer_secret: str, agent_id: str, **options: Unpack[GdxOptions]
    ) -> None:
        clock = options.get("clock")
        self._clock: Clock = clock if clock is not None else SystemClock()
        options["clock"] = self._clock
        self._session = GdxSession(base_url, consumer_key, consumer_secret, agent_id, **options)

    @classmethod
    def from_session(cls, session: GdxSession, *, clock: Clock | None = None) -> Self:
        """A client over an existing session, e.g. one token shared by the DOPA and DBD clients."""
        client = cls.__new__(cls)
        client._adopt(session, clock if clock is not None else SystemClock())
        return client

    def _adopt(self, session: GdxSession, clock: Clock) -> None:
        """What ``__init__`` sets, from a session made elsewhere."""
        self._clock = clock
        self._session = session

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._session!r})"

    __str__ = __repr__

    def close(self) -> None:
        self._session.close()
