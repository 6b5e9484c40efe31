"""A loopback DGA GDX server speaking the exact DOPA and DBD wire shapes, for tests.

:class:`GdxTestServer` runs :class:`http.server.ThreadingHTTPServer` on ``127.0.0.1`` (port 0) in a
background thread and answers from :class:`~thaivc.registries.dopa.FakeDopa` and
:class:`~thaivc.registries.dbd.FakeDbd`:

* ``GET /ws/auth/validate?ConsumerSecret=&AgentID=`` with header ``Consumer-Key`` → ``{"Result": token}``
* ``GET /ws/dopa/verification/personal?CitizenID=&FirstName=&LastName=&BEBirthDate=&LaserCode=`` →
  HTTP 200 ``{"Result": true}``, or HTTP 500 ``{"Code": c, "Message": m}`` for any other card status
  (or HTTP 200 ``{"Result": false}`` with ``dopa_style="boolean"``)
* ``GET /ws/dbd/juristic/v4/profile/information?JuristicID=`` → ``{"ResultList": [...], "RawData": ""}``

Data calls need headers ``Consumer-Key`` and a live ``Token``; a missing, unknown or expired token
gets HTTP 401. Faults are queued with :meth:`GdxTestServer.add_fault` (a status such as 503, a
delay longer than the client's timeout, a malformed body, a dropped connection), and
:meth:`GdxTestServer.expire_tokens` forces re-authentication. Every request is recorded.

It serves plain http on loopback, so clients need ``insecure=True`` (they refuse an ``http://``
base URL otherwise: the consumer secret travels in the query string). Use it as a context manager::

    with GdxTestServer() as server:
        client = GdxDopaClient(
            server.base_url, server.consumer_key, server.consumer_secret, AGENT, insecure=True
        )
"""

from __future__ import annotations

import secrets
import socket
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

from thaivc.errors import ThaiVCError
from thaivc.jsonutil import dumps_compact
from thaivc.registries.dbd import DBD_PROFILE_PATH, FakeDbd
from thaivc.registries.dopa import DOPA_VERIFY_PATH, CardStatus, FakeDopa
from thaivc.registries.gdx import AUTH_PATH

__all__ = ["Fault", "GdxTestServer", "RecordedRequest", "unused_loopback_url"]

FaultKind = Literal["status", "delay", "malformed", "drop", "body", "drip", "drip_headers"]
#: Bytes a dripping fault sends at most, one per ``Fault.seconds``: it always ends by itself.
DRIP_BYTES = 60


@dataclass
class Fault:
    """A one-shot misbehaviour applied to the next request whose path starts with ``path``.

    ``status``: answer ``status`` with ``body`` (bytes, default empty JSON object);
    ``delay``: sleep ``seconds`` and then answer normally; ``malformed``: HTTP 200 with a truncated
    JSON body; ``drop``: close the connection without answering; ``body``: HTTP ``status`` with the
    raw ``body``; ``drip``: headers at once, then the body one byte every ``seconds``;
    ``drip_headers``: the status line, then header bytes one every ``seconds``. A drip keeps every
    single read fast, so only a total deadline stops it.
    """

    kind: FaultKind
    path: str = "/"
    status: int = 503
    seconds: float = 0.0
    body: bytes = b"{}"
    remaining: int = 1


@dataclass(frozen=True)
class RecordedRequest:
    path: str
    params: Mapping[str, str]
    headers: Mapping[str, str]


@dataclass
class _State:
    consumer_key: str
    consumer_secret: str
    dopa: FakeDopa
    dbd: FakeDbd
    dopa_style: Literal["code", "boolean"]
    tokens: set[str] = field(default_factory=set)
    faults: list[Fault] = field(default_factory=list)
    requests: list[RecordedRequest] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopping: threading.Event = field(default_factory=threading.Event)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the request line carries the consumer secret."""

    def _send(self, status: int, body: bytes, content_type: str = "application/json; charset=utf-8") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, value: Any) -> None:
        self._send(status, dumps_compact(value).encode("utf-8"))

    def do_GET(self) -> None:
        state = self.server.state
        parts = urlsplit(self.path)
        params = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        with state.lock:
            state.requests.append(RecordedRequest(parts.path, params, dict(self.headers.items())))
            fault = next((f for f in state.faults if parts.path.startswith(f.path)), None)
            if fault is not None:
                fault.remaining -= 1
                if fault.remaining <= 0:
                    state.faults.remove(fault)
        try:
            if fault is not None:
                if fault.kind == "delay":
                    if state.stopping.wait(fault.seconds):
                        return
                elif fault.kind == "drop":
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                elif fault.kind in ("drip", "drip_headers"):
                    self._drip(state, fault)
                    return
                elif fault.kind == "malformed":
                    self._send(200, b'{"Result": tru')
                    return
                else:
                    self._send(fault.status, fault.body)
                    return
            self._route(state, parts.path, params)
        except (BrokenPipeError, ConnectionResetError, OSError):
            self.close_connection = True

    def _drip(self, state: _State, fault: Fault) -> None:
        self.close_connection = True
        if fault.kind == "drip":
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(DRIP_BYTES))
            self.end_headers()
        else:
            self.wfile.write(b"HTTP/1.1 200 OK\r\n")
        for _ in range(DRIP_BYTES):
            self.wfile.write(b" " if fault.kind == "drip" else b"X")
            self.wfile.flush()
            if state.stopping.wait(fault.seconds):
                return

    def _route(self, state: _State, path: str, params: Mapping[str, str]) -> None:
        if path == AUTH_PATH:
            ok = (
                self.headers.get("Consumer-Key") == state.consumer_key
                and params.get("ConsumerSecret") == state.consumer_secret
                and bool(params.get("AgentID"))
            )
            if not ok:
                self._json(401, {"Code": 401, "Message": "invalid consumer credentials"})
                return
            token = secrets.token_urlsafe(24)
            with state.lock:
                state.tokens.add(token)
            self._json(200, {"Result": token})
            return
        with state.lock:
            authorised = (
                self.headers.get("Consumer-Key") == state.consumer_key
                and self.headers.get("Token") in state.tokens
            )
        if not authorised:
            self._json(401, {"Code": 401, "Message": "token invalid or expired"})
            return
        if path == DOPA_VERIFY_PATH:
            self._dopa(state, params)
        elif path == DBD_PROFILE_PATH:
            self._json(200, state.dbd.wire_answer(params.get("JuristicID", "")))
        else:
            self._json(404, {"Code": 404, "Message": "not found"})

    def _dopa(self, state: _State, params: Mapping[str, str]) -> None:
        try:
            result = state.dopa.check_card(
                params.get("CitizenID", ""),
                params.get("FirstName", ""),
                params.get("LastName", ""),
                params.get("BEBirthDate", ""),
                params.get("LaserCode", ""),
            )
        except ThaiVCError:
            self._json(500, {"Code": 5, "Message": "ข้อมูลที่ใช้ในการตรวจสอบไม่ครบ"})
            return
        if result.status is CardStatus.VALID:
            self._json(200, {"Result": True})
        elif state.dopa_style == "boolean":
            self._json(200, {"Result": False})
        else:
            self._json(500, {"Code": result.code, "Message": result.description})


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: _State

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Silent: dropped connections are deliberate faults, and tracebacks would show secrets."""


class GdxTestServer:
    """The loopback GDX server. Start with ``with`` or :meth:`start`; always :meth:`stop`."""

    def __init__(
        self,
        *,
        consumer_key: str = "test-consumer-key",
        consumer_secret: str | None = None,
        dopa: FakeDopa | None = None,
        dbd: FakeDbd | None = None,
        dopa_style: Literal["code", "boolean"] = "code",
    ) -> None:
        self._state = _State(
            consumer_key=consumer_key,
            consumer_secret=consumer_secret or "s3cr3t-" + secrets.token_hex(8),
            dopa=dopa if dopa is not None else FakeDopa(),
            dbd=dbd if dbd is not None else FakeDbd(),
            dopa_style=dopa_style,
        )
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------------

    def start(self) -> GdxTestServer:
        server = _Server(("127.0.0.1", 0), _Handler)
        server.state = self._state
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._state.stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> GdxTestServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # -- what tests use --------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the GDX test server is not running")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def consumer_key(self) -> str:
        return self._state.consumer_key

    @property
    def consumer_secret(self) -> str:
        return self._state.consumer_secret

    @property
    def dopa_style(self) -> str:
        return self._state.dopa_style

    @dopa_style.setter
    def dopa_style(self, value: Literal["code", "boolean"]) -> None:
        self._state.dopa_style = value

    def add_fault(self, fault: Fault) -> None:
        with self._state.lock:
            self._state.faults.append(fault)

    def expire_tokens(self) -> None:
        """Forget every issued token, as GDX does after an hour idle."""
        with self._state.lock:
            self._state.tokens.clear()

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._state.lock:
            return list(self._state.requests)

    def count(self, path: str) -> int:
        return sum(1 for r in self.requests if r.path == path)


def unused_loopback_url() -> str:
    """An ``http://127.0.0.1:<port>`` URL nothing listens on (for connection-refused tests)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
