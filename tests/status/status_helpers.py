"""Test doubles for the status tests: a real JWS signer/verifier (EdDSA via PyJWT) and list servers.

The signing modules of thaivc are injected into the status package, so the tests inject a small,
honest stand-in: list credentials are secured as compact JWS (``vc+jwt`` for W3C lists,
``statuslist+jwt`` for IETF lists) with an Ed25519 key, and verification really checks the signature.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from thaivc.core.errors import InputError, ThaiVCError
from thaivc.status import FetchResult


@dataclass
class JwsKeys:
    """One issuer key; ``sign_w3c``/``sign_ietf`` for the registry, ``verify`` for the checker."""

    private: Ed25519PrivateKey = field(default_factory=Ed25519PrivateKey.generate)

    def sign_w3c(self, document: dict[str, Any]) -> str:
        return jwt.encode(document, self.private, algorithm="EdDSA", headers={"typ": "vc+jwt"})

    def sign_ietf(self, payload: dict[str, Any]) -> str:
        return jwt.encode(payload, self.private, algorithm="EdDSA", headers={"typ": "statuslist+jwt"})

    def verify(self, token: str | dict[str, Any]) -> dict[str, Any]:
        if not isinstance(token, str):
            raise InputError("input.unrecognized", "expected a compact JWS")
        try:
            header = jwt.get_unverified_header(token)
            payload: dict[str, Any] = jwt.decode(
                token,
                self.private.public_key(),
                algorithms=["EdDSA"],
                options={"verify_exp": False, "verify_iat": False, "verify_nbf": False, "verify_aud": False},
            )
        except jwt.InvalidTokenError as exc:
            raise ThaiVCError("crypto.bad_signature", type(exc).__name__) from None
        if header.get("typ") not in ("vc+jwt", "statuslist+jwt"):
            raise ThaiVCError("jose.typ_mismatch", "unexpected typ")
        return payload


@dataclass
class ListServer:
    """An in-memory fetcher: URL → body, with a call counter and switchable failure."""

    bodies: dict[str, bytes] = field(default_factory=dict)
    content_type: str = "application/vc+jwt"
    max_age: int | None = None
    calls: int = 0
    fail_with: BaseException | None = None

    def put(self, url: str, body: str | bytes) -> None:
        self.bodies[url] = body.encode() if isinstance(body, str) else body

    def __call__(self, url: str) -> FetchResult:
        self.calls += 1
        if self.fail_with is not None:
            raise self.fail_with
        if url not in self.bodies:
            raise LookupError(f"404 {url}")
        return FetchResult(url, 200, self.bodies[url], self.content_type, self.max_age)


def unsigned(verify_result: dict[str, Any]) -> Callable[[str | dict[str, Any]], dict[str, Any]]:
    """A verifier that returns a fixed document (for shape tests where the signature is not at issue)."""

    def verify(_: str | dict[str, Any]) -> dict[str, Any]:
        return verify_result

    return verify
