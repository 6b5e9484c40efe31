"""Shared helpers of the service tests (configuration files, keys, requests, a live process)."""

from __future__ import annotations

import hashlib
import os
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

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


def free_port() -> int:
    """A loopback port nobody listens on now (the service binds it a moment later)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serve_process(
    args: Sequence[str],
    *,
    ready_url: str,
    stderr: Path,
    verify: ssl.SSLContext | bool = True,
    cwd: Path | None = None,
    wait: float = 60.0,
) -> Iterator[subprocess.Popen[bytes]]:
    """``python -m thaivc <args>`` in its own process until ``ready_url`` answers 200; stopped after.

    Its stderr goes to a file (a pipe nobody reads can fill and stall the service), and is quoted
    when the service does not start. Stopped with SIGTERM (graceful shutdown), killed after 30 s.
    """
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    with stderr.open("wb") as sink:
        proc = subprocess.Popen([sys.executable, "-m", "thaivc", *args], env=env, stdout=subprocess.DEVNULL,
                                stderr=sink, cwd=cwd)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                if httpx.get(ready_url, timeout=2, verify=verify).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"thaivc {' '.join(args[:1])} did not start: {stderr.read_text(errors='replace')[-2000:]}")
            time.sleep(0.2)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
