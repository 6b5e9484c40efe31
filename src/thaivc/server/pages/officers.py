"""Who is at the counter: officer login and the session cookie the pages check on every request.

An officer logs in through the service's OpenID Connect provider (the agency's staff directory:
authorization code with PKCE, the ID token verified against the provider's JWKS) or, in demo mode
only, with the fixed demo account. The session is a cookie the service signs with HMAC-SHA256:
``HttpOnly``, ``SameSite=Strict`` (so another site cannot post a form with it: the pages' CSRF
defence, with the ``Origin`` check in the routes), ``Secure`` when the service is https, and short
(``session_ttl``). It carries the officer's id and display name, nothing about any citizen.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from typing import Final

__all__ = ["COOKIE", "DEMO_OFFICER", "Officer", "SessionSigner", "check_demo_login"]

COOKIE: Final = "thaivc_officer"
#: The demo account (demo mode only): the page says so beside the login form.
DEMO_OFFICER: Final = ("officer", "demo")
_MAX_COOKIE: Final = 2048


@dataclass(frozen=True, slots=True)
class Officer:
    id: str
    name: str
    method: str  # "demo" or "oidc"


class SessionSigner:
    """Signs and reads the session cookie. ``secret`` is shared by every worker of one service."""

    def __init__(self, secret: bytes, *, ttl: int = 8 * 3600) -> None:
        if len(secret) < 32:
            raise ValueError("the session secret is at least 32 bytes")
        self._secret = secret
        self.ttl = ttl

    @classmethod
    def random(cls, *, ttl: int = 8 * 3600) -> SessionSigner:
        """A per-process secret: sessions end when the service restarts (demo, one worker)."""
        return cls(secrets.token_bytes(32), ttl=ttl)

    def _mac(self, body: bytes) -> str:
        return base64.urlsafe_b64encode(hmac.new(self._secret, body, hashlib.sha256).digest()).decode().rstrip("=")

    def issue(self, officer: Officer, *, now: float | None = None) -> str:
        payload = {"sub": officer.id, "name": officer.name, "m": officer.method,
                   "exp": int((now or time.time()) + self.ttl)}
        body = base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode().rstrip("=")
        return body + "." + self._mac(body.encode())

    def read(self, cookie: str | None, *, now: float | None = None) -> Officer | None:
        """The officer of a valid, unexpired cookie; ``None`` for anything else (never raises)."""
        if not cookie or len(cookie) > _MAX_COOKIE or cookie.count(".") != 1:
            return None
        body, mac = cookie.split(".")
        if not hmac.compare_digest(mac, self._mac(body.encode())):
            return None
        try:
            payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        except ValueError:
            return None
        if not isinstance(payload, dict) or not isinstance(payload.get("exp"), int):
            return None
        if payload["exp"] <= (now or time.time()):
            return None
        sub, name, method = payload.get("sub"), payload.get("name"), payload.get("m")
        if not (isinstance(sub, str) and isinstance(name, str) and isinstance(method, str) and sub and method):
            return None
        return Officer(sub, name, method)


def check_demo_login(username: str, password: str) -> Officer | None:
    """The fixed demo account, compared in constant time."""
    user_ok = hmac.compare_digest(username.encode(), DEMO_OFFICER[0].encode())
    pass_ok = hmac.compare_digest(password.encode(), DEMO_OFFICER[1].encode())
    if user_ok and pass_ok:
        return Officer("demo-officer", "เจ้าหน้าที่ทดสอบ (Demo officer)", "demo")
    return None
