"""RFC 9457 problem details carrying thaivc's problem codes, and the request-body reader.

Every refusal the service makes is ``application/problem+json`` with ``type`` (the W3C problem type
URL where one exists, else the code's anchor in docs/problem-codes.md), ``title``, ``status``,
``detail`` and the extension member ``code``: clients branch on ``code``, never on wording.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Final

import orjson
from starlette.requests import Request
from starlette.responses import Response

from thaivc.core.errors import CODES, STORE_OUTAGE_CODES, ThaiVCError
from thaivc.core.jsonutil import loads_strict
from thaivc.core.report import Problem

__all__ = ["PROBLEM_JSON", "READ_ONLY", "RETRY_AFTER", "ServiceError", "dump_json", "json_response", "problem_response",
           "read_json_object", "status_for"]

PROBLEM_JSON: Final = "application/problem+json"
#: The methods of a read-only route: HEAD answers as GET without the content (RFC 9110 §9.3.2), for load
#: balancers' health checks and cache revalidation. Only on routes whose GET changes nothing.
READ_ONLY: Final = ["GET", "HEAD"]
#: Seconds a client is asked to wait (``Retry-After``) on every 503 that does not name its own.
RETRY_AFTER: Final = 5
_LOG = logging.getLogger("thaivc.server")

_STATUS: Final[dict[str, int]] = {
    "input.too_large": 413,
    "service.unsupported_media_type": 415,
    "service.not_found": 404,
    "service.method_not_allowed": 405,
    "service.unauthorized": 401,
    "service.forbidden": 403,
    "service.rate_limited": 429,
    "service.body_timeout": 408,
    "service.unavailable": 503,
    "status.store": 503,
    "openid.store": 503,
    "key.signer_unavailable": 503,
    "status.orphan_reconciled": 409,
    "internal.error": 500,
}
_BAD_REQUEST_AREAS: Final = frozenset({"input", "json", "service"})


def status_for(code: str) -> int:
    """The HTTP status of a refusal: malformed requests 400, well-formed but refused content 422."""
    if code in _STATUS:
        return _STATUS[code]
    return 400 if code.split(".", 1)[0] in _BAD_REQUEST_AREAS else 422


class ServiceError(Exception):
    """A refusal with its code; raised by handlers and turned into problem details by the app."""

    def __init__(self, code: str, detail: str = "", *, status: int | None = None, headers: dict[str, str] | None = None,
                 extra: dict[str, Any] | None = None) -> None:
        if code not in CODES:
            code = "internal.error"
        self.code = code
        self.detail = detail or CODES[code][1]
        self.status = status or status_for(code)
        self.headers = headers or {}
        self.extra = extra or {}
        super().__init__(f"{code}: {self.detail}")

    @classmethod
    def from_error(cls, err: ThaiVCError, *, status: int | None = None) -> ServiceError:
        """The refusal for ``err``; a store outage keeps its code, and its detail goes to the log only.

        A store's message is the database's own words (it can name hosts, users and tables), so the
        client is told what the code means and the operator reads the rest in the log.
        """
        if err.code in STORE_OUTAGE_CODES:
            _LOG.warning("store outage: %s", err)
            return cls(err.code, CODES[err.code][1], status=status)
        return cls(err.code, err.detail, status=status)


def problem_response(
    code: str, detail: str, status: int, *, instance: str | None = None, headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> Response:
    """Problem details; every 503 carries ``Retry-After`` (RFC 9110 §10.2.3), so a client backs off."""
    body = Problem.of(code, detail).to_json()
    body["status"] = status
    if status == 503 and not any(name.lower() == "retry-after" for name in headers or {}):
        headers = {**(headers or {}), "Retry-After": str(RETRY_AFTER)}
    if instance:
        body["instance"] = instance
    if extra:
        body.update(extra)
    return Response(dump_json(body), status_code=status, media_type=PROBLEM_JSON,
                    headers={"Cache-Control": "no-store", **(headers or {})})


def dump_json(content: Any) -> bytes:
    """Compact UTF-8 JSON, as Starlette's ``JSONResponse`` writes it, through orjson (a tenth of the cost).

    What orjson will not write the way :mod:`json` does (a non-string key, an integer beyond 64
    bits, NaN) goes through :mod:`json` as before, refusing NaN as ``JSONResponse`` does.
    """
    try:
        if _plain(content):
            return orjson.dumps(content)
    except TypeError:  # orjson.JSONEncodeError
        pass
    return json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")


def _plain(value: Any) -> bool:
    """No float anywhere (orjson writes NaN as null where :mod:`json` refuses it): reports have none.

    A walk with its own stack and exact-type dispatch (half the CPU of the recursive walk it replaced,
    on every response); a subclass of a container or of float takes the ``isinstance`` branch.
    """
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is str or kind is int or kind is bool or item is None:
            continue
        if kind is dict or (kind is not float and isinstance(item, dict)):
            stack.extend(item.values())
        elif kind is list or kind is tuple or (kind is not float and isinstance(item, list | tuple)):
            stack.extend(item)
        elif isinstance(item, float):
            return False
    return True


def json_response(content: Any, *, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """``application/json`` written by :func:`dump_json`."""
    return Response(dump_json(content), status_code=status, media_type="application/json", headers=headers)


def _media_type(request: Request) -> str:
    return (request.headers.get("content-type") or "").split(";", 1)[0].strip().lower()


async def read_json_object(request: Request, *, max_bytes: int) -> dict[str, Any]:
    """The body as a strictly parsed JSON object, or a :class:`ServiceError` with the reason.

    The body has already been read (and capped, and timed) by the guard middleware; here only its
    media type and JSON shape are judged: ``application/json`` only, no duplicate keys, I-JSON numbers,
    depth capped, and the top level must be an object.
    """
    media = _media_type(request)
    if media != "application/json" and not (media.startswith("application/") and media.endswith("+json")):
        raise ServiceError("service.unsupported_media_type", "send the body as application/json")
    raw = await request.body()
    try:
        value = loads_strict(raw, max_bytes=max_bytes, require_object=True)
    except ThaiVCError as err:
        raise ServiceError.from_error(err) from None
    if not isinstance(value, dict):  # pragma: no cover - require_object guarantees it
        raise ServiceError("json.not_object")
    return value
