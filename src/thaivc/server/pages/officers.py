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
from typing import Any, Final
from urllib.parse import urlencode

import httpx
import jwt

from thaivc.core.errors import InputError

__all__ = ["COOKIE", "DEMO_OFFICER", "LOGIN_COOKIE", "Officer", "OidcLogin", "SessionSigner", "check_demo_login"]

COOKIE: Final = "thaivc_officer"
#: The login in progress (state, nonce, PKCE verifier), sealed, for ten minutes.
LOGIN_COOKIE: Final = "thaivc_login"
_LOGIN_TTL: Final = 600
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

    def seal(self, payload: dict[str, Any], *, ttl: float, now: float | None = None) -> str:
        """``payload`` with an expiry, signed: what a cookie carries."""
        body = base64.urlsafe_b64encode(json.dumps({**payload, "exp": int((now or time.time()) + ttl)},
                                                   separators=(",", ":")).encode()).decode().rstrip("=")
        return body + "." + self._mac(body.encode())

    def open(self, cookie: str | None, *, now: float | None = None) -> dict[str, Any] | None:
        """The payload of a valid, unexpired sealed value; ``None`` for anything else (never raises)."""
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
        return payload

    def issue(self, officer: Officer, *, now: float | None = None) -> str:
        return self.seal({"sub": officer.id, "name": officer.name, "m": officer.method}, ttl=self.ttl, now=now)

    def read(self, cookie: str | None, *, now: float | None = None) -> Officer | None:
        """The officer of a valid, unexpired session cookie; ``None`` for anything else (never raises)."""
        payload = self.open(cookie, now=now)
        if payload is None or "n" in payload:  # a login-in-progress value is not a session
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


class OidcLogin:
    """Officer login at the agency's OpenID Connect provider: authorization code with PKCE (S256).

    :meth:`begin` gives the provider's URL and a sealed cookie holding ``state``, ``nonce`` and the
    PKCE verifier; :meth:`finish` checks the returned ``state`` against it, redeems the code at the
    token endpoint and verifies the ID token with the configured JWKS (never a key the token names):
    issuer, audience (our client id), expiry and nonce, algorithm from the configured list.
    """

    def __init__(self, *, issuer: str, client_id: str, client_secret: str | None, authorization_endpoint: str,
                 token_endpoint: str, jwks: dict[str, Any], redirect_uri: str, sessions: SessionSigner,
                 http: httpx.Client, scope: str = "openid profile", algorithms: tuple[str, ...] = ("RS256", "ES256"),
                 leeway: int = 30) -> None:
        self.issuer = issuer
        self.client_id = client_id
        self.client_secret = client_secret
        self.authorization_endpoint = authorization_endpoint
        self.token_endpoint = token_endpoint
        self.keys = jwt.PyJWKSet.from_dict(jwks)
        self.redirect_uri = redirect_uri
        self.sessions = sessions
        self.http = http
        self.scope = scope
        self.algorithms = list(algorithms)
        self.leeway = leeway

    def begin(self, *, now: float | None = None) -> tuple[str, str]:
        state, nonce, verifier = secrets.token_urlsafe(24), secrets.token_urlsafe(24), secrets.token_urlsafe(48)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
        query = urlencode({"response_type": "code", "client_id": self.client_id, "redirect_uri": self.redirect_uri,
                           "scope": self.scope, "state": state, "nonce": nonce, "code_challenge": challenge,
                           "code_challenge_method": "S256"})
        cookie = self.sessions.seal({"s": state, "n": nonce, "v": verifier}, ttl=_LOGIN_TTL, now=now)
        return f"{self.authorization_endpoint}?{query}", cookie

    def finish(self, *, code: str, state: str, cookie: str | None, now: float | None = None) -> Officer:
        """The officer the provider vouches for; ``InputError("service.unauthorized")`` for anything else."""
        sealed = self.sessions.open(cookie, now=now)
        if sealed is None or not isinstance(sealed.get("s"), str) or not hmac.compare_digest(sealed["s"], state):
            raise InputError("service.unauthorized", "the login's state does not match this browser's")
        if not code or len(code) > 2048:
            raise InputError("service.unauthorized", "no authorization code")
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": self.redirect_uri,
                "client_id": self.client_id, "code_verifier": sealed["v"]}
        if self.client_secret:
            form["client_secret"] = self.client_secret
        try:
            answer = self.http.post(self.token_endpoint, data=form, headers={"Accept": "application/json"})
            body = answer.json() if answer.status_code == 200 and len(answer.content) < 65_536 else None
        except (httpx.HTTPError, ValueError):
            raise InputError("service.unauthorized", "the sign-in service did not answer") from None
        token = body.get("id_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or len(token) > 16_384:
            raise InputError("service.unauthorized", "the sign-in service gave no ID token")
        try:
            kid = jwt.get_unverified_header(token).get("kid")
            key = self.keys[kid] if kid is not None else (self.keys.keys[0] if len(self.keys.keys) == 1 else None)
            if key is None:
                raise InputError("service.unauthorized", "the ID token names no configured key")
            claims = jwt.decode(token, key.key, algorithms=self.algorithms, audience=self.client_id,
                                issuer=self.issuer, leeway=self.leeway,
                                options={"require": ["iss", "aud", "exp", "iat", "sub", "nonce"]})
        except (jwt.PyJWTError, KeyError) as exc:
            raise InputError("service.unauthorized", f"the ID token does not verify ({type(exc).__name__})") from None
        if not hmac.compare_digest(str(claims.get("nonce")), sealed["n"]):
            raise InputError("service.unauthorized", "the ID token answers another login")
        sub = str(claims["sub"])[:128]
        name = claims.get("name") or claims.get("preferred_username") or sub
        return Officer("oidc:" + sub, str(name)[:128], "oidc")
