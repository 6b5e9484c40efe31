"""Shared helpers of the service tests (configuration files, keys, requests)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from thaivc import generate_key

ISSUER_KEY = "issuer-api-key-0123456789abcdef"
ADMIN_KEY = "admin-api-key-0123456789abcdef"
VERIFY_ONLY_KEY = "verify-api-key-0123456789abcdef"


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def write_config(
    tmp: Path, extra: str = "", *, did: str | None = None, keys: str | None = None, db_url: str | None = None
) -> Path:
    key_file = tmp / "issuer.jwk.json"
    if not key_file.exists():
        generate_key("Ed25519").save(key_file)
    keys = keys if keys is not None else '[[issuer.keys]]\nid = "key-1"\nfile = "issuer.jwk.json"\n'
    did_line = f'did = "{did}"' if did else ""
    text = f"""
public_url = "https://issuer.example.go.th"
{extra}
[issuer]
{did_line}

{keys}

[database]
url = "{db_url or 'sqlite:///' + str(tmp / 'service.db')}"

[[auth.api_keys]]
client = "issuer-backend"
sha256 = "{sha(ISSUER_KEY)}"
scopes = ["issue"]

[[auth.api_keys]]
client = "registrar"
sha256 = "{sha(ADMIN_KEY)}"
scopes = ["admin"]

[[auth.api_keys]]
client = "verifier-app"
sha256 = "{sha(VERIFY_ONLY_KEY)}"
scopes = ["verify"]
"""
    path = tmp / "thaivc-server.toml"
    path.write_text(text, encoding="utf-8")
    return path


def issuer_headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {ISSUER_KEY}"}


def admin_headers() -> dict[str, str]:
    return {"X-API-Key": ADMIN_KEY}


def credential(**extra: Any) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": "did:example:somchai", "name": "สมชาย ใจดี"},
        **extra,
    }
