"""A loopback HTTP server over a protocol object's ``handle(HttpRequest) -> HttpResponse``.

The OpenID4VC interop tests need a real socket: the JavaScript peers make their own ``fetch``
calls, so the thaivc endpoints must be reachable over HTTP exactly as a wallet or verifier on
another machine would reach them. This is the smallest adapter that does it, the same few lines an
agency writes for its framework (docs/oid4vc.md): copy method, path, headers, body and query into an
``HttpRequest`` and the answer back out. It serves plain http on ``127.0.0.1`` (port 0), so the
services run with ``allow_insecure_http`` and the peers with their own "insecure URLs" switch.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from thaivc.oid4vc import HttpRequest, HttpResponse

Handler = Callable[[HttpRequest], HttpResponse]
#: What the adapter reads of a body at most; the services apply their own, smaller cap after it.
MAX_READ = 1024 * 1024


class _Box:
    """The handler, settable after the port (and so the base URL) is known."""

    handler: Handler = staticmethod(lambda request: HttpResponse(503))  # type: ignore[assignment]


@contextmanager
def serve() -> Iterator[tuple[str, _Box, list[HttpRequest]]]:
    """Serve on a free loopback port: yields the base URL, the box to put the handler in, and the log."""
    box = _Box()
    log: list[HttpRequest] = []

    class Adapter(BaseHTTPRequestHandler):
        def _any(self) -> None:
            parts = urlsplit(self.path)
            length = min(int(self.headers.get("Content-Length") or 0), MAX_READ)
            request = HttpRequest(
                method=self.command,
                path=parts.path,
                headers=dict(self.headers.items()),
                body=self.rfile.read(length) if length else b"",
                query=dict(parse_qsl(parts.query)),
                url=f"http://{self.headers.get('Host')}{parts.path}",
            )
            log.append(request)
            answer = box.handler(request)
            self.send_response(answer.status)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)

        do_GET = do_POST = do_PUT = do_DELETE = _any

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Adapter)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", box, log
    finally:
        server.shutdown()
        server.server_close()
