"""Who is calling: OAuth 2.0 bearer tokens (client credentials) or hashed API keys; and rate limits.

Bearer tokens are JWTs from the agency's authorisation server, verified with PyJWT against the
configured JWKS (never one named by the token), with ``iss``, ``aud`` and ``exp`` required and the
algorithm taken from the configured allowlist. The client is ``client_id`` (RFC 9068), else ``azp``,
else ``sub``; its scopes are the space-separated ``scope`` claim.

API keys are stored as SHA-256 hashes only: a leaked configuration file does not leak a key. A key is
a high-entropy random string, so an unsalted fast hash is adequate (a password would not be); every
configured hash is compared in constant time.

Rate limits are token buckets per client and per address, kept per process in a bounded cache: with
N worker processes the effective limit is up to N times the configured one (say so to operators; a
shared limiter belongs in the load balancer).
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from dataclasses import dataclass
from typing import Any, Final

import jwt
from cachetools import TTLCache

from thaivc.core.jsonutil import loads_strict
from thaivc.server.config import AuthConfig, ServerConfig
from thaivc.server.problems import ServiceError

__all__ = ["Authenticator", "Client", "RateLimiter"]

_MAX_TOKEN: Final = 8192


@dataclass(frozen=True, slots=True)
class Client:
    """An authenticated caller (or the anonymous one, ``id == "anonymous"``)."""

    id: str
    scopes: frozenset[str]
    method: str  # "oauth", "api_key" or "none"


ANONYMOUS: Final = Client("anonymous", frozenset(), "none")


def _unauthorized(detail: str) -> ServiceError:
    return ServiceError("service.unauthorized", detail, headers={"WWW-Authenticate": 'Bearer realm="thaivc"'})


class Authenticator:
    def __init__(self, config: ServerConfig) -> None:
        auth: AuthConfig = config.auth
        self.public_verification = auth.public_verification
        self._keys = [(k.client, bytes.fromhex(k.sha256), frozenset(k.scopes)) for k in auth.api_keys]
        self._oauth = auth.oauth
        self._jwks: jwt.PyJWKSet | None = None
        if auth.oauth is not None:
            raw: Any = auth.oauth.jwks
            if raw is None:
                assert auth.oauth.jwks_file is not None
                raw = loads_strict(config.path(auth.oauth.jwks_file).read_bytes(), max_bytes=1 << 20)
            self._jwks = jwt.PyJWKSet.from_dict(raw)

    def identify(self, authorization: str | None, api_key: str | None) -> Client:
        """The caller named by the headers; anonymous when there are none; 401 when they are wrong."""
        if api_key is not None:
            return self._api_key(api_key)
        if authorization is None:
            return ANONYMOUS
        scheme, _, credential = authorization.partition(" ")
        if scheme.lower() != "bearer" or not credential or len(credential) > _MAX_TOKEN:
            raise _unauthorized("use 'Authorization: Bearer …'")
        credential = credential.strip()
        if credential.count(".") == 2 and self._jwks is not None:
            return self._bearer(credential)
        return self._api_key(credential)

    def require(self, client: Client, scope: str) -> None:
        if client.method == "none":
            raise _unauthorized(f"this endpoint needs a bearer token or API key with scope {scope!r}")
        if scope not in client.scopes:
            raise ServiceError("service.forbidden", f"the client lacks scope {scope!r}")

    def _api_key(self, key: str) -> Client:
        if not key or len(key) > 512:
            raise _unauthorized("the API key is not valid")
        digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).digest()
        found: Client | None = None
        for client, expected, scopes in self._keys:
            if hmac.compare_digest(digest, expected) and found is None:
                found = Client(client, scopes, "api_key")
        if found is None:
            raise _unauthorized("the API key is not valid")
        return found

    def _bearer(self, token: str) -> Client:
        assert self._oauth is not None and self._jwks is not None
        try:
            header = jwt.get_unverified_header(token)
            kid = header.get("kid")
            candidates = [k for k in self._jwks.keys if kid is None or k.key_id == kid]
            if len(candidates) != 1:
                raise _unauthorized("no configured key matches the token")
            claims = jwt.decode(
                token,
                candidates[0].key,
                algorithms=list(self._oauth.algorithms),
                audience=self._oauth.audience,
                issuer=self._oauth.issuer,
                leeway=self._oauth.leeway,
                options={"require": ["exp", "iss", "aud"]},
            )
        except ServiceError:
            raise
        except jwt.PyJWTError as exc:
            raise _unauthorized(f"the bearer token is not valid ({type(exc).__name__})") from None
        client = claims.get("client_id") or claims.get("azp") or claims.get("sub")
        scope = claims.get("scope", "")
        if not isinstance(client, str) or not client or not isinstance(scope, str):
            raise _unauthorized("the token names no client")
        return Client(client[:128], frozenset(scope.split()), "oauth")


class RateLimiter:
    """A token bucket per key: ``per_minute`` requests a minute, bursting to the same number."""

    def __init__(self, per_minute: int, *, max_keys: int = 100_000) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(per_minute)
        self._buckets: TTLCache[str, tuple[float, float]] = TTLCache(maxsize=max_keys, ttl=120)
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens < 1.0:
                self._buckets[key] = (tokens, now)
                return False
            self._buckets[key] = (tokens - 1.0, now)
            return True

    def retry_after(self) -> int:
        return max(1, int(1 / self.rate + 0.999))
