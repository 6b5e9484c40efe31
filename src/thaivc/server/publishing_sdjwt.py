"""The SD-JWT VC documents an https issuer publishes: JWT VC Issuer Metadata and Type Metadata.

Mounted from :mod:`thaivc.server.app` when ``[sd_jwt_vc]`` is configured:

* ``GET /.well-known/jwt-vc-issuer[/<tenant>]`` — the keys a verifier checks this issuer's SD-JWT VCs
  with (draft-ietf-oauth-sd-jwt-vc §4), the active key and rotated keys until their ``verify_until``;
* ``GET [/<tenant>]/vct/{name}`` — SD-JWT VC Type Metadata of each configured type (§6).

Both are public, rate-limited by address like the status lists, and carry ``ETag`` and
``Cache-Control`` with ``If-None-Match`` → 304. A type name is matched against the configured names
only (a dictionary lookup, never a file path), so nothing else can be read through the route.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import Response

from thaivc.server.problems import READ_ONLY, ServiceError
from thaivc.server.sdjwt_config import tenant_path
from thaivc.server.sdjwt_issuer import Published, SdJwtPublisher

__all__ = ["mount_sdjwt_publishing"]

#: How long verifiers may cache the documents (s): keys rotate rarely, and a rotated key stays
#: published until its ``verify_until``, so a cached copy never lacks a key that still signs.
MAX_AGE = 300
_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "the document", "content": {"application/json": {}}},
    304: {"description": "not modified (If-None-Match)"},
    404: {"description": "no such document (problem details)"},
    429: {"description": "rate limited (problem details)"},
}


def _answer(request: Request, doc: Published) -> Response:
    headers = {"ETag": doc.etag, "Cache-Control": f"public, max-age={MAX_AGE}"}
    wanted = request.headers.get("if-none-match", "")
    if doc.etag in [tag.strip() for tag in wanted.split(",")] or wanted.strip() == "*":
        return Response(status_code=304, headers=headers)
    return Response(doc.body, media_type="application/json", headers=headers)


def mount_sdjwt_publishing(
    app: FastAPI, publisher: SdJwtPublisher | None, public_url: str, limit: Callable[[Request], None]
) -> None:
    """Mount the issuer metadata and type metadata routes of ``publisher`` (none without one); ``limit`` rate-limits."""
    if publisher is None:
        return
    tenant = tenant_path(public_url, publisher.issuer_id)

    async def issuer_metadata(request: Request) -> Response:
        """JWT VC Issuer Metadata: ``{issuer, jwks}``, each key under its RFC 7638 thumbprint (the tokens' kid)."""
        limit(request)
        return _answer(request, publisher.metadata(time.time()))

    async def type_metadata(request: Request, name: str) -> Response:
        """SD-JWT VC Type Metadata of a configured credential type (``vct = <issuer>/vct/<name>``)."""
        limit(request)
        doc = publisher.types.get(name)
        if doc is None:
            raise ServiceError("service.not_found", "no such credential type")
        return _answer(request, doc)

    app.add_api_route(
        "/.well-known/jwt-vc-issuer" + tenant,
        issuer_metadata,
        methods=READ_ONLY,
        tags=["publishing"],
        responses=_RESPONSES,
        name="jwt_vc_issuer_metadata",
    )
    app.add_api_route(
        tenant + "/vct/{name}",
        type_metadata,
        methods=READ_ONLY,
        tags=["publishing"],
        responses=_RESPONSES,
        name="sd_jwt_vc_type_metadata",
    )
