"""The ASGI application: W3C VC-API, status lists, did:web, administration, health and metrics.

FastAPI on uvicorn: FastAPI gives the OpenAPI page, Starlette the ASGI plumbing, uvicorn workers the
processes and a graceful shutdown (in-flight requests finish; see ``timeout_graceful_shutdown``).
Route handlers only parse and format; :class:`~thaivc.server.service.Service` decides.

CPU-bound work (signing, verifying) runs in the thread pool, never on the event loop, so one slow
verification cannot stall every other connection of the worker.
"""

from __future__ import annotations

import hashlib
import logging
import sys
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import anyio
import anyio.to_thread
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from thaivc.core.errors import ThaiVCError
from thaivc.core.report import VerificationReport
from thaivc.server.auth import ANONYMOUS, Authenticator, Client, RateLimiter
from thaivc.server.config import ServerConfig
from thaivc.server.db import Database
from thaivc.server.guard import REQUEST_ID, Guard, JsonFormatter, Metrics
from thaivc.server.keys import KeyRing, load_keyring
from thaivc.server.mount import HandlerRequest, HandlerResponse, mount_handler
from thaivc.server.problems import (
    READ_ONLY,
    ServiceError,
    json_response,
    problem_response,
    read_json_object,
    status_for,
)
from thaivc.server.protocols import mount_protocols
from thaivc.server.publishing_sdjwt import mount_sdjwt_publishing
from thaivc.server.reconcile import ReconcileOptions, ReconcileTimer
from thaivc.server.service import Service, read_csv_ids
from thaivc.server.tls import verification_threads

__all__ = ["HandlerRequest", "HandlerResponse", "build_app", "create_app", "mount_handler"]

_LOG = logging.getLogger("thaivc.server")
_JSON = "application/json"


# -- helpers --------------------------------------------------------------------------------------
def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "-"


def _state(request: Request) -> _AppState:
    state: _AppState = request.app.state.thaivc
    return state


T = TypeVar("T")


class _AppState:
    def __init__(self, config: ServerConfig, service: Service, metrics: Metrics) -> None:
        self.config = config
        self.service = service
        self.metrics = metrics
        self.auth = Authenticator(config)
        self.per_client = RateLimiter(config.limits.rate_per_client)
        self.per_ip = RateLimiter(config.limits.rate_per_ip)
        self.ready_until = 0.0
        self.verify_limiter: anyio.CapacityLimiter | None = None  # made in the lifespan, inside the event loop

    async def verify_in_thread(self, verify: Callable[[dict[str, Any]], T], body: dict[str, Any]) -> T:
        """Run a verification in the worker's verification threads (``[server] verify_threads``).

        Verification is CPU work under one GIL: a worker process runs one core's worth of Python at
        a time, and more threads only add hand-offs. Measured under ``make loadtest``: 1.44 ms server
        CPU per verification with the 40 threads everything shared, 1.16 ms with 8, 1.01 ms with 4.
        Issuance and the protocol endpoints, which may wait on registries, keep the larger pool.
        """
        return await anyio.to_thread.run_sync(verify, body, limiter=self.verify_limiter)

    def caller(self, request: Request) -> Client:
        return self.auth.identify(request.headers.get("authorization"), request.headers.get("x-api-key"))

    def limit(self, request: Request, client: Client) -> None:
        """429 when over the rate: an authenticated client by its id, anyone else by address.

        An agency's backend verifies for many citizens from one address, so an authenticated client is
        not held to the per-address rate; anonymous calls and failed authentications are.
        """
        if client.method == "none":
            if not self.per_ip.allow("ip:" + _client_ip(request)):
                raise ServiceError("service.rate_limited", headers={"Retry-After": str(self.per_ip.retry_after())})
        elif not self.per_client.allow("client:" + client.id):
            raise ServiceError("service.rate_limited", headers={"Retry-After": str(self.per_client.retry_after())})

    def authorise(self, request: Request, scope: str, *, public: bool = False) -> Client:
        try:
            client = self.caller(request)
        except ServiceError:
            # a wrong key or token counts against the address: guessing keys is rate-limited too
            self.limit(request, ANONYMOUS)
            raise
        self.limit(request, client)
        if not public:
            self.auth.require(client, scope)
        return client


def _verdict_response(state: _AppState, kind: str, report: VerificationReport) -> Response:
    code = report.problems[0].code if report.problems else "-"
    state.metrics.verifications.labels(kind, report.status, code).inc()
    body = report.to_json()
    body.pop("document", None)  # the caller sent it; the service does not echo claims
    if report.ok:
        return json_response({"verified": True, **body}, headers={"Cache-Control": "no-store"})
    first = report.problems[0] if report.problems else None
    code = first.code if first else "internal.error"
    # the database or a key out of reach is the service's failure, not the credential's: 503
    status = 503 if status_for(code) == 503 else 422
    return problem_response(
        code,
        first.detail if first else "not verified",
        status,
        extra={"verified": False, "verdict": report.status, "checks": body["checks"], "problems": body["problems"]},
    )


def _cap_for(config: ServerConfig) -> Callable[[str], int]:
    def cap(path: str) -> int:
        return config.limits.max_csv_bytes if path.startswith("/admin/") else config.limits.max_body_bytes

    return cap


def _json_media(accept: str) -> str:
    """The media type for a JSON list credential: ``application/vc``, unless the client accepts only JSON.

    VCDM 2.0 (Media Type Precision) lets a protocol use the less precise ``application/ld+json`` or
    ``application/json``; a JSON-LD document loader (the W3C suites' among them) asks for those and
    parses nothing else.
    """
    wanted = {part.split(";", 1)[0].strip().lower() for part in accept.split(",")}
    if not wanted & {"application/vc", "*/*", "application/*", ""}:
        for media in ("application/ld+json", "application/json"):
            if media in wanted:
                return media
    return "application/vc"


def _did_path(did: str) -> str | None:
    if not did.startswith("did:web:"):
        return None
    parts = did[len("did:web:") :].split(":")
    return "/.well-known/did.json" if len(parts) == 1 else "/" + "/".join(parts[1:]) + "/did.json"


_ISSUE_BODY: dict[str, Any] = {
    "required": True,
    "content": {_JSON: {"schema": {
        "type": "object", "required": ["credential"],
        "properties": {
            "credential": {"type": "object", "description": "an unsecured VCDM 2.0 credential"},
            "options": {"type": "object", "properties": {
                "format": {"enum": ["vc+jwt", "di", "dc+sd-jwt"]},
                "cryptosuite": {"type": "string", "description": "di only: eddsa-rdfc-2022, ecdsa-rdfc-2019, …"},
                "disclosable": {
                    "type": "array", "items": {"type": "string"}, "description": "dc+sd-jwt: JSON pointers",
                },
                "statusPurposes": {"type": "array", "items": {"enum": ["revocation", "suspension"]}},
            }},
        }}}},
}
_VERIFY_VC_BODY: dict[str, Any] = {
    "required": True,
    "content": {_JSON: {"schema": {"type": "object", "required": ["verifiableCredential"], "properties": {
        "verifiableCredential": {"oneOf": [{"type": "object"}, {"type": "string"}]},
        "options": {"type": "object"}}}}},
}
_VERIFY_VP_BODY: dict[str, Any] = {
    "required": True,
    "content": {_JSON: {"schema": {"type": "object", "required": ["verifiablePresentation"], "properties": {
        "verifiablePresentation": {"oneOf": [{"type": "object"}, {"type": "string"}]},
        "options": {"type": "object", "properties": {"challenge": {"type": "string"}, "domain": {"type": "string"}}},
    }}}},
}
_STATUS_BODY: dict[str, Any] = {
    "required": True,
    "content": {
        _JSON: {"schema": {"type": "object", "required": ["ids"], "properties": {
            "ids": {"type": "array", "items": {"type": "string"}}, "dryRun": {"type": "boolean"}}}},
        "text/csv": {"schema": {"type": "string", "description": "ids in the first column; ?dryRun=true"}},
    },
}


def _reconcile_timer(config: ServerConfig, service: Service) -> ReconcileTimer | None:
    """``[server] reconcile_interval``: the periodic reconciliation of orphaned status indices, or None (off)."""
    section = config.server
    if not section.reconcile_interval:
        return None
    options = ReconcileOptions(grace=section.reconcile_grace, actor="reconcile:timer")
    return ReconcileTimer(service.db, lambda: service.reconcile(options), section.reconcile_interval)


def build_app(config: ServerConfig, *, keyring: KeyRing | None = None, db: Database | None = None) -> FastAPI:
    """The application for ``config``; ``keyring``/``db`` may be given (tests), else loaded from it."""
    db = db or config.database.open()
    if config.database.migrate_on_start:
        db.migrate()
    keyring = keyring or load_keyring(config)
    service = Service(config, keyring, db)
    metrics = Metrics()
    state = _AppState(config, service, metrics)

    timer = _reconcile_timer(config, service)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = config.server.threads
        state.verify_limiter = anyio.CapacityLimiter(
            verification_threads(config.server, allow_network=config.policy.allow_network)
        )
        if timer is not None:
            timer.start()
        yield
        if timer is not None:
            timer.stop()
        db.close()

    app = FastAPI(
        title="thaivc serve",
        summary="An agency's issuer and verifier of W3C Verifiable Credentials (VC-API)",
        version=__import__("thaivc").__version__,
        lifespan=lifespan,
    )
    app.state.config = config
    app.state.thaivc = state

    @app.exception_handler(ServiceError)
    async def _service_error(request: Request, exc: ServiceError) -> Response:
        return problem_response(exc.code, exc.detail, exc.status, headers=exc.headers, extra=exc.extra)

    @app.exception_handler(ThaiVCError)
    async def _thaivc_error(request: Request, exc: ThaiVCError) -> Response:
        err = ServiceError.from_error(exc)
        return problem_response(err.code, err.detail, err.status)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        code = {404: "service.not_found", 405: "service.method_not_allowed"}.get(exc.status_code, "service.bad_request")
        return problem_response(code, "", exc.status_code, headers=dict(exc.headers or {}))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        _LOG.error("unhandled error", exc_info=exc)
        return problem_response("internal.error", "an unexpected internal error; nothing was accepted", 500)

    # -- VC-API ---------------------------------------------------------------------------------
    @app.post("/credentials/issue", status_code=201, tags=["VC-API"], openapi_extra={"requestBody": _ISSUE_BODY})
    async def issue(request: Request) -> Response:
        """Issue a credential (201 ``{verifiableCredential}``); needs scope ``issue``."""
        client = state.authorise(request, "issue")
        body = await read_json_object(request, max_bytes=config.limits.max_body_bytes)
        result = await run_in_threadpool(service.issue, body, client=client.id, request_id=REQUEST_ID.get())
        options = body.get("options")
        fmt = options.get("format") if isinstance(options, dict) else None
        metrics.issued.labels(str(fmt or config.issuer.default_format)).inc()
        return JSONResponse(result, status_code=201, headers={"Cache-Control": "no-store"})

    @app.post("/credentials/verify", tags=["VC-API"], openapi_extra={"requestBody": _VERIFY_VC_BODY})
    async def verify_credential(request: Request) -> Response:
        """Verify a credential: 200 with the report when verified, 422 problem details otherwise."""
        state.authorise(request, "verify", public=config.auth.public_verification)
        body = await read_json_object(request, max_bytes=config.limits.max_body_bytes)
        report = await state.verify_in_thread(service.verify_credential, body)
        return _verdict_response(state, "credential", report)

    @app.post("/presentations/verify", tags=["VC-API"], openapi_extra={"requestBody": _VERIFY_VP_BODY})
    async def verify_presentation(request: Request) -> Response:
        """Verify a presentation against ``options.challenge`` (from POST /challenges) and ``options.domain``."""
        state.authorise(request, "verify", public=config.auth.public_verification)
        body = await read_json_object(request, max_bytes=config.limits.max_body_bytes)
        report = await state.verify_in_thread(service.verify_presentation, body)
        return _verdict_response(state, "presentation", report)

    @app.post("/challenges", status_code=201, tags=["VC-API"])
    async def challenges(request: Request) -> Response:
        """A fresh single-use challenge, valid for ``policy.challenge_ttl`` seconds, accepted once."""
        state.authorise(request, "verify", public=config.auth.public_verification)
        challenge = await run_in_threadpool(db.new_challenge, config.policy.challenge_ttl)
        return JSONResponse({"challenge": challenge}, status_code=201, headers={"Cache-Control": "no-store"})

    # -- publishing -----------------------------------------------------------------------------
    async def _list(request: Request, list_id: str, fmt: str) -> Response:
        state.limit(request, ANONYMOUS)
        publication = await run_in_threadpool(service.current_list, list_id, fmt)  # type: ignore[arg-type]
        etag = '"' + hashlib.sha256(publication.body.encode()).hexdigest()[:32] + '"'
        headers = {"ETag": etag, "Cache-Control": f"public, max-age={config.issuer.list_ttl}"}
        wanted = request.headers.get("if-none-match", "")
        if etag in [tag.strip() for tag in wanted.split(",")] or wanted.strip() == "*":
            return Response(status_code=304, headers=headers)
        media = "application/statuslist+jwt" if fmt == "ietf" else (
            "application/vc+jwt" if publication.body.count(".") == 2 and not publication.body.startswith("{")
            else _json_media(request.headers.get("accept", ""))
        )
        return Response(publication.body, media_type=media, headers={**headers, "Vary": "Accept"})

    @app.api_route("/status/{list_id}", methods=READ_ONLY, tags=["publishing"])
    async def status_list(request: Request, list_id: str) -> Response:
        """The W3C BitstringStatusListCredential (ETag, Cache-Control, conditional GET)."""
        return await _list(request, list_id, "w3c")

    @app.api_route("/status/token/{list_id}", methods=READ_ONLY, tags=["publishing"])
    async def status_token(request: Request, list_id: str) -> Response:
        """The IETF Token Status List (``statuslist+jwt``)."""
        return await _list(request, list_id, "ietf")

    did_path = _did_path(keyring.did)
    if did_path is not None:

        @app.api_route(did_path, methods=READ_ONLY, tags=["publishing"])
        async def did_document() -> Response:
            """The did:web document: the active key and rotated keys until their ``verify_until``."""
            document = keyring.document(time.time()).to_json()
            return JSONResponse(document, media_type="application/did+json",
                                headers={"Cache-Control": "public, max-age=300"})

    mount_sdjwt_publishing(app, service.sd_jwt, config.public_url, lambda r: state.limit(r, ANONYMOUS))

    # -- administration -------------------------------------------------------------------------
    @app.post("/admin/status/{action}", tags=["administration"], openapi_extra={"requestBody": _STATUS_BODY})
    async def change_status(request: Request, action: str) -> Response:
        """Revoke, suspend or reinstate by id list (JSON) or CSV; ``dryRun`` reports without changing."""
        client = state.authorise(request, "admin")
        if action not in ("revoke", "suspend", "reinstate"):
            raise ServiceError("service.not_found", "action is revoke, suspend or reinstate")
        media = (request.headers.get("content-type") or "").split(";", 1)[0].strip().lower()
        dry_run = request.query_params.get("dryRun", "false").lower() == "true"
        if media == "text/csv":
            ids = read_csv_ids(await request.body())
        else:
            body = await read_json_object(request, max_bytes=config.limits.max_csv_bytes)
            raw_ids = body.get("ids")
            if not isinstance(raw_ids, list) or not raw_ids:
                raise ServiceError("service.bad_request", "ids is a non-empty list of credential ids")
            flag = body.get("dryRun", dry_run)
            if not isinstance(flag, bool):
                raise ServiceError("service.bad_request", "dryRun is a boolean")
            dry_run, ids = flag, raw_ids
        rows = await run_in_threadpool(
            service.change_status, action, ids, dry_run=dry_run, actor=client.id,  # type: ignore[arg-type]
            request_id=REQUEST_ID.get(),
        )
        counts: dict[str, int] = {}
        for row in rows:
            counts[row.outcome] = counts.get(row.outcome, 0) + 1
        return JSONResponse({"action": action, "dryRun": dry_run, "counts": counts,
                             "rows": [r.to_json() for r in rows]}, headers={"Cache-Control": "no-store"})

    @app.get("/admin/credentials", tags=["administration"])
    async def list_issued(request: Request, limit: int = 100, after: str | None = None) -> Response:
        """Issued credentials: id, type, subject hash, status, time — never a claim. Keyset pages by ``after``."""
        state.authorise(request, "admin")
        if not 1 <= limit <= 1000:
            raise ServiceError("service.bad_request", "limit is 1..1000")
        items = await run_in_threadpool(service.issued, limit=limit, after=after)
        page: dict[str, Any] = {"items": items}
        if len(items) == limit:
            page["next"] = items[-1]["id"]
        return JSONResponse(page, headers={"Cache-Control": "no-store"})

    @app.get("/admin/audit", tags=["administration"])
    async def audit(request: Request, limit: int = 100) -> Response:
        """The newest audit entries (who, what, when, outcome)."""
        state.authorise(request, "admin")
        if not 1 <= limit <= 1000:
            raise ServiceError("service.bad_request", "limit is 1..1000")
        entries = await run_in_threadpool(db.audit_log, limit=limit)
        items = [{"at": e.at, "actor": e.actor, "action": e.action, "target": e.target, "outcome": e.outcome,
                  "detail": e.detail, "requestId": e.request_id} for e in entries]
        return JSONResponse({"items": items}, headers={"Cache-Control": "no-store"})

    # -- OpenID4VCI issuer, OpenID4VP verifier (when configured) --------------------------------
    tracker = None
    if config.pages is not None:
        from thaivc.server.pages.wiring import offer_tracker

        tracker = offer_tracker(config, service)
    mount_protocols(app, config, service, state, on_offer_event=tracker.on_event if tracker else None)
    if config.pages is not None:
        from thaivc.server.pages.wiring import mount_counter

        mount_counter(app, config, service, tracker)

    # -- operations -----------------------------------------------------------------------------
    @app.api_route("/healthz", methods=READ_ONLY, tags=["operations"])
    async def healthz() -> Response:
        """The process answers (liveness)."""
        return JSONResponse({"status": "ok"})

    @app.api_route("/readyz", methods=READ_ONLY, tags=["operations"])
    async def readyz() -> Response:
        """Ready to serve: the database answers and is migrated, and the signing key signs."""

        def probe() -> None:
            db.ping()
            data = b"thaivc readiness probe"
            if not keyring.active.public_key.verify(keyring.active.sign(data), data):
                raise ServiceError("service.unavailable", "the signing key does not verify")

        now = time.monotonic()
        if now >= state.ready_until:
            try:
                await run_in_threadpool(probe)
            except (ServiceError, ThaiVCError) as exc:
                detail = exc.detail
                return problem_response("service.unavailable", detail, 503)
            except Exception as exc:
                return problem_response("service.unavailable", f"{type(exc).__name__}", 503)
            state.ready_until = now + 5.0  # a KMS call per probe is wasteful; five seconds of trust
        return JSONResponse({"status": "ready"})

    @app.get("/metrics", tags=["operations"], include_in_schema=True)
    async def prometheus() -> Response:
        """Prometheus metrics (restrict at the load balancer: they describe traffic)."""
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    if config.cors.allow_origins:
        app.add_middleware(
            CORSMiddleware, allow_origins=list(config.cors.allow_origins), allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type", "X-Request-Id"], allow_credentials=False,
        )
    return app


def create_app(config: ServerConfig, **kwargs: Any) -> Guard:
    """The application wrapped in the guard: what uvicorn serves."""
    app = build_app(config, **kwargs)
    state: _AppState = app.state.thaivc
    guard = Guard(
        app, metrics=state.metrics, cap_for=_cap_for(config), body_timeout=config.limits.body_timeout,
        max_headers=config.limits.max_headers,
    )
    return guard


def configure_logging(level: str) -> None:
    """JSON lines on stderr for the service's loggers."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    for name in ("thaivc.server", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers = [handler]
        logger.setLevel(level)
        logger.propagate = False
    logging.getLogger("uvicorn.access").disabled = True  # the guard logs each request once, as JSON

