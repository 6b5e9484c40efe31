"""The seam for framework-free protocol handlers: mount an ``(HttpRequest) -> HttpResponse`` on the app.

The OpenID4VCI issuer and the OpenID4VP verifier are library objects that know nothing of FastAPI;
this is the one place their requests are built from Starlette's and their answers copied back.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Protocol

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

__all__ = ["HandlerRequest", "HandlerResponse", "mount_handler"]


class HandlerResponse(Protocol):
    """What a framework-free handler returns (``thaivc.oid4vc.http.HttpResponse`` has this shape)."""

    @property
    def status(self) -> int: ...
    @property
    def headers(self) -> Mapping[str, str]: ...
    @property
    def body(self) -> bytes: ...


class HandlerRequest(Protocol):
    """Built as ``request_type(method=, path=, headers=, body=, query=, url=)``."""


def mount_handler(
    app: FastAPI,
    path: str,
    handler: Callable[[Any], HandlerResponse],
    *,
    request_type: Callable[..., Any],
    methods: Sequence[str] = ("POST",),
    name: str | None = None,
    before: Callable[[Request], Awaitable[None] | None] | None = None,
    summary: str | None = None,
    tags: Sequence[str] = (),
) -> None:
    """Mount a framework-free ``(HttpRequest) -> HttpResponse`` handler (OpenID4VCI/VP) on ``path``.

    The guard middleware has already capped and timed the body; the handler runs in the thread pool.
    ``url`` is the public URL (``public_url`` + path) so DPoP ``htu`` binds to what the client called.
    ``before`` runs first (rate limits, authorisation) and refuses by raising.
    """
    public_url: str = app.state.config.public_url

    async def endpoint(request: Request) -> Response:
        if before is not None:
            pending = before(request)
            if pending is not None:
                await pending
        body = await request.body()
        built = request_type(
            method=request.method,
            path=request.url.path,
            headers=dict(request.headers),
            body=body,
            query=dict(request.query_params),
            url=public_url + request.url.path,
        )
        answer = await run_in_threadpool(handler, built)
        return Response(answer.body, status_code=answer.status, headers=dict(answer.headers))

    app.add_api_route(path, endpoint, methods=list(methods), name=name or path, include_in_schema=True,
                      summary=summary, tags=list(tags) or None)
