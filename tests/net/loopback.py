"""A real HTTP server on 127.0.0.1 whose routes the tests script, and resolver fakes.

Shared by tests/net, tests/did and tests/attacks (import as ``net.loopback``).
"""

from __future__ import annotations

import contextlib
import http.server
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

Route = Callable[[http.server.BaseHTTPRequestHandler], None]


class LoopbackServer:
    """Threaded ``http.server`` bound to 127.0.0.1; counts the requests it received."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.scheme = "https" if tls else "http"
        self.routes: dict[str, Route] = {}
        self.hits: list[str] = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                server.hits.append(self.path)
                route = server.routes.get(self.path)
                if route is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    route(self)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        if tls is not None:
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.02,), daemon=True)

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"


def send(body: bytes, *, status: int = 200, headers: dict[str, str] | None = None, length: bool = True) -> Route:
    def route(h: http.server.BaseHTTPRequestHandler) -> None:
        h.send_response(status)
        for name, value in (headers or {"Content-Type": "application/json"}).items():
            h.send_header(name, value)
        if length:
            h.send_header("Content-Length", str(len(body)))
        else:
            h.send_header("Connection", "close")
            h.close_connection = True
        h.end_headers()
        h.wfile.write(body)

    return route


def drip(chunks: int, pause: float) -> Route:
    """Headers at once, then one byte per ``pause`` seconds (bounded, so the server always stops)."""

    def route(h: http.server.BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(chunks))
        h.end_headers()
        for _ in range(chunks):
            h.wfile.write(b" ")
            h.wfile.flush()
            time.sleep(pause)

    return route


def drip_headers(chunks: int, pause: float) -> Route:
    """The status line, then header bytes one per ``pause`` seconds: never a complete response."""

    def route(h: http.server.BaseHTTPRequestHandler) -> None:
        h.wfile.write(b"HTTP/1.1 200 OK\r\n")
        for _ in range(chunks):
            h.wfile.write(b"X")
            h.wfile.flush()
            time.sleep(pause)
        h.close_connection = True

    return route


def redirect(location: str, status: int = 302) -> Route:
    return send(b"", status=status, headers={"Location": location})


@contextlib.contextmanager
def running(tls: ssl.SSLContext | None = None) -> Iterator[LoopbackServer]:
    srv = LoopbackServer(tls)
    srv.thread.start()
    try:
        yield srv
    finally:
        srv.httpd.shutdown()
        srv.httpd.server_close()


def answers(*ips: str) -> Callable[..., list[tuple[Any, ...]]]:
    """A resolver that answers every name with ``ips``."""

    def resolve(host: str, port: int, *args: Any, **kwargs: Any) -> list[tuple[Any, ...]]:
        family = socket.AF_INET6 if ":" in ips[0] else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (ip, port)) for ip in ips]

    return resolve


class Rebinder:
    """First answer ``first``, every later answer ``then`` (a DNS rebinding attack)."""

    def __init__(self, first: str, then: str) -> None:
        self.first, self.then, self.calls = first, then, 0

    def __call__(self, host: str, port: int, *args: Any, **kwargs: Any) -> list[tuple[Any, ...]]:
        self.calls += 1
        ip = self.first if self.calls == 1 else self.then
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))]


def forbid_resolver(*args: Any, **kwargs: Any) -> list[tuple[Any, ...]]:
    raise AssertionError("the resolver must not be called")
