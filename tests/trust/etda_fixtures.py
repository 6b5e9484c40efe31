"""Signed ETDA trusted lists for tests: a builder and a detached-JWS signer."""

from __future__ import annotations

import json
from typing import Any

from thaivc.core.b64 import b64url_encode
from thaivc.keys import PrivateKey

ISSUED = "2026-05-31T00:00:00Z"
NEXT_UPDATE = "2026-06-01T12:00:00Z"


def service(did: str, **extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "did": did,
        "type": "credential_issuer",
        "status": "active",
        "signing_pubkey": "z6Mk-not-used",
        "valid_from": "2026-01-01T00:00:00Z",
        "valid_until": "2027-01-01T00:00:00Z",
        "credential_type": "ThaiNationalIDCredential",
    }
    base.update(extra)
    return base


def trusted_list(*entities: dict[str, Any], issued: str = ISSUED, next_update: str = NEXT_UPDATE) -> dict[str, Any]:
    return {
        "@context": "https://schemas.etda.or.th/trusted-list/v1",
        "id": "https://trust.etda.or.th/trusted-list",
        "issuer": "did:web:etda.or.th",
        "issued": issued,
        "next_update": next_update,
        "entities": list(entities),
    }


def entity(*services: dict[str, Any], status: str = "active", entity_id: str = "dopa") -> dict[str, Any]:
    return {
        "id": entity_id,
        "name_th": "กรมการปกครอง",
        "name_en": "Department of Provincial Administration",
        "status": status,
        "services": list(services),
    }


def encode(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def sign_detached(content: bytes, key: PrivateKey, **header: Any) -> str:
    protected = {"alg": key.alg, "typ": "JOSE", "kid": "etda-anchor-1"}
    protected.update(header)
    protected = {k: v for k, v in protected.items() if v is not None}
    head = b64url_encode(json.dumps(protected).encode())
    signature = key.sign(f"{head}.{b64url_encode(content)}".encode("ascii"))
    return f"{head}..{b64url_encode(signature)}"
