"""The problem code of a refusal, read off the response as it leaves, for the request log.

Why from the response and not from the handlers: refusals are made in many places (the guard, the
authorisation step, FastAPI's own 404/405, the exception handlers, a failed verification), and the
one thing they share is the RFC 9457 body :mod:`thaivc.server.problems` writes. Reading the outgoing
``application/problem+json`` body of an error status sees every one of them without touching the
routes. Only the ``code`` member is kept, and only when it is one of :data:`thaivc.core.errors.CODES`:
the detail may quote the request (an option's name, a claim), so it never reaches the log; a body
over :data:`MAX_PROBLEM_BYTES` is not read at all.

The wallet-facing protocol endpoints (OpenID4VCI, OpenID4VP) answer in the OAuth shape their
specifications require, ``application/json`` ``{"error": …}``, and carry the catalogue code as
``thaivc_code`` (an outage: ``key.signer_unavailable``, ``openid.store``, ``registry.unavailable``);
that member is read the same way, so the log and the problem metric see those outages too.
"""

from __future__ import annotations

import json
from collections.abc import MutableMapping
from typing import Any, Final

from thaivc.core.errors import CODES

__all__ = ["MAX_PROBLEM_BYTES", "ProblemTap"]

#: Bytes of a problem body the tap reads: a failed verification's checks and problems fit.
MAX_PROBLEM_BYTES: Final = 64 * 1024
_PROBLEM_JSON: Final = b"application/problem+json"
#: The member that carries the catalogue code, by media type of an error body.
_CODE_MEMBER: Final = {_PROBLEM_JSON: "code", b"application/json": "thaivc_code"}


class ProblemTap:
    """Watches one response's ASGI messages; ``code`` is the refusal's catalogue code, or ``None``."""

    __slots__ = ("_buffer", "_member", "_reading", "code")

    def __init__(self) -> None:
        self._reading = False
        self._member = "code"
        self._buffer = bytearray()
        self.code: str | None = None

    def watch(self, message: MutableMapping[str, Any]) -> None:
        kind = message.get("type")
        if kind == "http.response.start":
            ctype = next((v for k, v in message.get("headers", []) if k.lower() == b"content-type"), b"")
            member = _CODE_MEMBER.get(ctype.split(b";", 1)[0].strip().lower())
            self._reading = int(message.get("status", 0)) >= 400 and member is not None
            self._member = member or "code"
            return
        if kind != "http.response.body" or not self._reading:
            return
        self._buffer += message.get("body", b"")
        if len(self._buffer) > MAX_PROBLEM_BYTES:
            self._reading = False
            self._buffer.clear()
            return
        if not message.get("more_body", False):
            self._reading = False
            self.code = _code_of(bytes(self._buffer), self._member)
            self._buffer.clear()


def _code_of(raw: bytes, member: str) -> str | None:
    try:
        body = json.loads(raw)
    except ValueError:
        return None
    code = body.get(member) if isinstance(body, dict) else None
    return code if isinstance(code, str) and code in CODES else None
