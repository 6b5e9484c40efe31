"""The outermost ASGI layer: request id, header and body caps, slow-body deadline, logs and metrics.

Why a hand-written ASGI middleware and not Starlette's ``BaseHTTPMiddleware``: the guard must decide
*before* the application reads anything, and must bound the cost of a hostile request whatever the
route does. It therefore reads the whole body itself — refusing at once a ``Content-Length`` over the
cap, counting bytes as they arrive for a chunked body, and giving the whole body one deadline (a
slowloris that trickles a byte a second is cut off at ``body_timeout``) — and replays it to the
application. Each refusal is a problem-details response with a thaivc code.

Logs are one JSON object per request: request id, method, route template (never the raw query
string, which may carry a token), status, duration, client address and, for a refusal, its problem
code (:mod:`thaivc.server.problem_log`); never a body, claim, problem detail or header value.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
import re
import secrets
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, Final

from prometheus_client import CollectorRegistry, Counter, Histogram

from thaivc.core.errors import CODES
from thaivc.core.report import Problem
from thaivc.server.problem_log import ProblemTap

__all__ = ["REQUEST_ID", "Guard", "JsonFormatter", "Metrics"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

REQUEST_ID: contextvars.ContextVar[str] = contextvars.ContextVar("thaivc_request_id", default="-")
_REQUEST_ID_RE: Final = re.compile(rb"[A-Za-z0-9._-]{8,64}")
_LOG: Final = logging.getLogger("thaivc.server")
#: Methods a metric label may name; any other (h11 accepts any token) is counted as ``OTHER``, so a
#: client cannot add a series per invented method to every worker's memory and the /metrics page.
_METHODS: Final = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class JsonFormatter(logging.Formatter):
    """One JSON object per line; ``extra={"fields": {...}}`` adds members. Exceptions lose their text."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": round(record.created, 3),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            "request_id": REQUEST_ID.get(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            out.update(fields)
        if record.exc_info and record.exc_info[0] is not None:
            # the type only: an exception's text may quote the input
            out["exception"] = record.exc_info[0].__name__
        return json.dumps(out, ensure_ascii=False, separators=(",", ":"))


class Metrics:
    """Prometheus metrics in a registry of the app's own (several apps may live in one test process)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "thaivc_http_requests", "HTTP requests by route and status", ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "thaivc_http_request_seconds", "request latency by route", ["route"], registry=self.registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0),
        )
        self.verifications = Counter(
            "thaivc_verifications", "verifications by kind, verdict and first problem code",
            ["kind", "verdict", "code"], registry=self.registry,
        )
        self.issued = Counter("thaivc_issued", "credentials issued by format", ["format"], registry=self.registry)
        self.problems = Counter(
            "thaivc_problems", "refusals and outages by route template and catalogue problem code (alert on the "
            "outage codes: key.signer_unavailable, service.unavailable, status.store, openid.store, …)",
            ["route", "code"], registry=self.registry,
        )
        self.oid4vp_responses = Counter(
            "thaivc_oid4vp_responses", "OpenID4VP wallet responses by verdict (verified, failed, refused) and "
            "first problem code", ["verdict", "code"], registry=self.registry,
        )
        # the labelled children the guard counts every request with, found once: ``labels()`` takes a
        # lock and builds a key per call. Bounded: known methods (else OTHER) x route templates x statuses.
        self._per_request: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    def observe_request(self, method: str, template: str, status: int, seconds: float) -> None:
        """Count one request and its latency under its (method, route template, status)."""
        key = (method if method in _METHODS else "OTHER", template, status)
        children = self._per_request.get(key)
        if children is None:
            children = (self.requests.labels(key[0], template, str(status)), self.latency.labels(template))
            self._per_request[key] = children
        children[0].inc()
        children[1].observe(seconds)

    def observe_problem(self, template: str, code: str) -> None:
        """Count one refusal under its route template and catalogue code; any other code is not a label.

        Bounded: route templates x the catalogue. The code comes from the response body, which a
        handler (or a mounted protocol endpoint) writes: checked here again, so no caller can add series.
        """
        if code in CODES:
            self.problems.labels(template, code).inc()


def _problem(code: str, detail: str, status: int, request_id: str) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    body = Problem.of(code, detail).to_json()
    body["status"] = status
    payload = json.dumps(body, separators=(",", ":")).encode("utf-8")
    headers = [
        (b"content-type", b"application/problem+json"),
        (b"content-length", str(len(payload)).encode()),
        (b"cache-control", b"no-store"),
        (b"x-request-id", request_id.encode()),
        (b"connection", b"close"),
    ]
    return status, headers, payload


class _Refuse(Exception):
    def __init__(self, code: str, detail: str, status: int) -> None:
        self.code, self.detail, self.status = code, detail, status
        super().__init__(code)


class Guard:
    """Wraps the application; ``cap_for(path)`` gives the body cap of a path (CSV uploads are larger)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        metrics: Metrics,
        cap_for: Callable[[str], int],
        body_timeout: float,
        max_headers: int,
    ) -> None:
        self.app = app
        self.metrics = metrics
        self.cap_for = cap_for
        self.body_timeout = body_timeout
        self.max_headers = max_headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw_id = next((v for k, v in scope.get("headers", []) if k == b"x-request-id"), b"")
        request_id = raw_id.decode() if _REQUEST_ID_RE.fullmatch(raw_id) else secrets.token_hex(8)
        token = REQUEST_ID.set(request_id)
        started = time.perf_counter()
        status_box = [500]
        tap = ProblemTap()

        async def send_wrapped(message: Message) -> None:
            tap.watch(message)
            if message["type"] == "http.response.start":
                status_box[0] = int(message["status"])
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            try:
                body = await self._read_body(scope, receive)
            except _Refuse as refusal:
                status, headers, payload = _problem(refusal.code, refusal.detail, refusal.status, request_id)
                status_box[0], tap.code = status, refusal.code
                await send({"type": "http.response.start", "status": status, "headers": headers})
                await send({"type": "http.response.body", "body": payload})
                return
            replayed = False

            async def replay() -> Message:
                nonlocal replayed
                if not replayed:
                    replayed = True
                    return {"type": "http.request", "body": body, "more_body": False}
                return await receive()  # only a disconnect can follow

            await self.app(scope, replay, send_wrapped)
        finally:
            elapsed = time.perf_counter() - started
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            self.metrics.observe_request(scope.get("method", "-"), template, status_box[0], elapsed)
            if tap.code is not None:
                self.metrics.observe_problem(template, tap.code)
            if _LOG.isEnabledFor(logging.INFO):  # the record is not built when nobody would read it
                client = scope.get("client")
                fields = {
                    "request_id": request_id, "method": scope.get("method"), "route": template,
                    "status": status_box[0], "duration_ms": round(elapsed * 1000, 2),
                    "client": client[0] if client else None,
                }
                if tap.code is not None:
                    fields["problem"] = tap.code  # the refusal's catalogue code, never its detail
                _LOG.info("request", extra={"fields": fields})
            REQUEST_ID.reset(token)

    async def _read_body(self, scope: Scope, receive: Receive) -> bytes:
        headers = scope.get("headers", [])
        if len(headers) > self.max_headers:
            raise _Refuse("input.too_large", f"more than {self.max_headers} request headers", 431)
        cap = self.cap_for(scope.get("path", ""))
        declared = [v for k, v in headers if k == b"content-length"]
        if declared:
            if len(declared) > 1 or not declared[0].isdigit() or len(declared[0]) > 12:
                raise _Refuse("service.bad_request", "one decimal Content-Length", 400)
            if int(declared[0]) > cap:
                raise _Refuse("input.too_large", f"the body exceeds {cap} bytes", 413)
        if scope.get("method") in ("GET", "HEAD", "OPTIONS") and not declared:
            return b""
        chunks: list[bytes] = []
        size = 0

        async def collect() -> None:
            nonlocal size
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    raise _Refuse("service.bad_request", "the client went away", 400)
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > cap:
                    raise _Refuse("input.too_large", f"the body exceeds {cap} bytes", 413)
                chunks.append(chunk)
                if not message.get("more_body", False):
                    return

        try:
            # a deadline on this task, not wait_for's extra task per request (a tenth of the guard's CPU)
            async with asyncio.timeout(self.body_timeout):
                await collect()
        except TimeoutError:
            detail = f"the body did not arrive within {self.body_timeout:g} s"
            raise _Refuse("service.body_timeout", detail, 408) from None
        return b"".join(chunks)
