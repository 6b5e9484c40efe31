"""A framework-free HTTP request/response pair for the protocol endpoints.

The OpenID4VCI and OpenID4VP endpoints are plain objects that take an :class:`HttpRequest` and return
an :class:`HttpResponse`, so an agency mounts them on whatever web framework it already runs (a
ten-line adapter) and the tests drive them without a server. Everything an endpoint reads from the
wire goes through the helpers here, which apply a size cap *before* decoding and the library's strict
JSON parser, so an oversized or malformed body is refused the same way on every endpoint.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import parse_qsl

from thaivc.core.errors import CODES, STORE_OUTAGE_CODES, InputError, ThaiVCError
from thaivc.core.jsonutil import loads_strict

__all__ = [
    "DEFAULT_MAX_BODY",
    "ErrorResponse",
    "HttpRequest",
    "HttpResponse",
    "oauth_error",
    "outage_error",
]

#: Largest request body an endpoint reads (bytes): protocol messages are small; a batch of key proofs
#: or a ``vp_token`` with a few credentials fits well inside.
DEFAULT_MAX_BODY: Final = 256 * 1024

#: Seconds a client is asked to wait (``Retry-After``) after a store did not answer.
OUTAGE_RETRY_AFTER: Final = 5

#: Responses that carry tokens, nonces or credentials must never be cached (RFC 6749 §5.1).
NO_STORE: Final = {"Cache-Control": "no-store"}


def _lower_keys(headers: Mapping[str, str]) -> dict[str, str]:
    return {str(k).lower(): str(v) for k, v in headers.items()}


@dataclass(frozen=True, slots=True)
class HttpRequest:
    """One request as any framework sees it. Header names are matched case-insensitively.

    ``url`` is the absolute URL the request was made to (scheme, host and path, no query): DPoP binds
    proofs to it (``htu``), so an adapter behind a proxy must pass the public URL.
    """

    method: str
    path: str
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    query: Mapping[str, str] = field(default_factory=dict)
    url: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "headers", _lower_keys(self.headers))
        object.__setattr__(self, "method", self.method.upper())

    def header(self, name: str) -> str | None:
        """The value of header ``name`` (case-insensitive), or ``None``."""
        return self.headers.get(name.lower())

    @property
    def content_type(self) -> str:
        """The media type without parameters, lower-cased (``""`` when absent)."""
        return (self.header("content-type") or "").split(";", 1)[0].strip().lower()

    def _capped(self, max_bytes: int) -> bytes:
        if len(self.body) > max_bytes:
            raise InputError("input.too_large", f"request body of {len(self.body)} bytes exceeds {max_bytes}")
        return self.body

    def json(self, *, max_bytes: int = DEFAULT_MAX_BODY) -> dict[str, Any]:
        """The body as a strictly parsed JSON object (``input.too_large``, ``json.*`` otherwise)."""
        value = loads_strict(self._capped(max_bytes), max_bytes=max_bytes, require_object=True)
        assert isinstance(value, dict)
        return value

    def form(self, *, max_bytes: int = DEFAULT_MAX_BODY) -> dict[str, str]:
        """The body as ``application/x-www-form-urlencoded`` fields.

        A field given twice is refused (``openid.malformed``): OAuth says parameters MUST NOT be
        repeated (RFC 6749 §3.1), and which copy "wins" is exactly what parameter pollution exploits.
        """
        raw = self._capped(max_bytes)
        try:
            text = raw.decode("utf-8")
            pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text), max_num_fields=256)
        except (UnicodeDecodeError, ValueError) as exc:
            raise InputError("openid.malformed", f"not a form body: {exc}") from None
        fields: dict[str, str] = {}
        for key, value in pairs:
            if key in fields:
                raise InputError("openid.malformed", f"form field {key[:40]!r} repeated")
            fields[key] = value
        return fields


@dataclass(frozen=True, slots=True)
class HttpResponse:
    """What an endpoint answers: the adapter copies these three onto its framework's response."""

    status: int
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""

    @classmethod
    def json_body(cls, status: int, value: Any, *, headers: Mapping[str, str] | None = None) -> HttpResponse:
        """A JSON response, never cached."""
        merged = {"Content-Type": "application/json", **NO_STORE, **(headers or {})}
        body = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return cls(status, merged, body)

    @classmethod
    def text(
        cls, status: int, text: str, content_type: str, *, headers: Mapping[str, str] | None = None
    ) -> HttpResponse:
        return cls(status, {"Content-Type": content_type, **NO_STORE, **(headers or {})}, text.encode("utf-8"))

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        for key, value in self.headers.items():
            if key.lower() == lowered:
                return value
        return None

    def json(self) -> Any:
        """The body parsed strictly (for tests and the wallet)."""
        return loads_strict(self.body, max_bytes=max(len(self.body), 1))


def oauth_error(
    status: int, error: str, description: str = "", *, headers: Mapping[str, str] | None = None, **extra: Any
) -> HttpResponse:
    """An error response in the shape RFC 6749 §5.2 and OpenID4VCI §8.3.1 name: ``{"error": ...}``.

    ``description`` is for developers and must not carry secrets (it is shown to the wallet).
    """
    body: dict[str, Any] = {"error": error}
    if description:
        body["error_description"] = description[:300]
    body.update(extra)
    return HttpResponse.json_body(status, body, headers=headers)


def outage_error(err: ThaiVCError) -> HttpResponse | None:
    """``503 temporarily_unavailable`` with ``Retry-After`` when ``err`` is a store outage; else ``None``.

    A state or status store that does not answer is not the wallet's fault (no ``invalid_request``)
    nor a bug (no ``500``): the wallet may retry the same step. The description names the code and
    its catalogue meaning only — the store's own message can name hosts, users and tables.
    """
    if err.code not in STORE_OUTAGE_CODES:
        return None
    return oauth_error(
        503,
        "temporarily_unavailable",
        f"{err.code}: {CODES[err.code][1]}",
        headers={"Retry-After": str(OUTAGE_RETRY_AFTER)},
        thaivc_code=err.code,
    )


class ErrorResponse(InputError):
    """The other party answered with an OAuth-style error: ``error`` is the spec's name for it
    (``invalid_grant``, ``invalid_proof``, …), ``status`` the HTTP status."""

    def __init__(self, status: int, error: str, description: str = "") -> None:
        super().__init__("openid.error_response", f"{status} {error}: {description}"[:300])
        self.status = status
        self.error = error
        self.description = description
