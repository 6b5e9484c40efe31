"""Officer login through the agency's OpenID Connect provider: the forged, replayed and mis-bound first."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pytest

pytest.importorskip("fastapi")

from cryptography.hazmat.primitives.asymmetric import ec
from fastapi import FastAPI
from starlette.testclient import TestClient

from thaivc.core.errors import InputError
from thaivc.server.pages import SessionSigner, demo_counter, mount_pages
from thaivc.server.pages.officers import LOGIN_COOKIE, OidcLogin

IDP = "https://login.agency.example.go.th"
URL = "https://counter.example.go.th"


class Idp:
    """A provider that signs ID tokens with ``key`` and answers the token endpoint with ``claims``."""

    def __init__(self) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.claims: dict[str, Any] = {}
        self.sign_with: Any = self.key
        self.asked: list[dict[str, list[str]]] = []

    def jwks(self) -> dict[str, Any]:
        jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**jwk, "kid": "k1", "alg": "ES256", "use": "sig"}]}

    def token(self, nonce: str | None, **over: Any) -> str:
        now = int(time.time())
        claims = {"iss": IDP, "aud": "counter", "sub": "officer-17", "name": "นางสาว ตรวจ ดี", "iat": now,
                  "exp": now + 300, "nonce": nonce, **over}
        return jwt.encode({k: v for k, v in claims.items() if v is not None}, self.sign_with, algorithm="ES256",
                          headers={"kid": "k1"})

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.asked.append(parse_qs(request.content.decode()))
        return httpx.Response(200, json={"id_token": self.claims["id_token"], "token_type": "Bearer"})


def login_for(idp: Idp) -> OidcLogin:
    return OidcLogin(issuer=IDP, client_id="counter", client_secret=None, authorization_endpoint=IDP + "/authorize",
                     token_endpoint=IDP + "/token", jwks=idp.jwks(), redirect_uri=URL + "/counter/login/callback",
                     sessions=SessionSigner(b"s" * 32), http=httpx.Client(transport=httpx.MockTransport(idp.handler)),
                     algorithms=("ES256",))


def _begin(login: OidcLogin) -> tuple[dict[str, str], str]:
    url, cookie = login.begin()
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert query["code_challenge_method"] == "S256" and query["response_type"] == "code"
    return query, cookie


def test_a_good_login() -> None:
    idp = Idp()
    login = login_for(idp)
    query, cookie = _begin(login)
    idp.claims["id_token"] = idp.token(query["nonce"])
    officer = login.finish(code="c0de", state=query["state"], cookie=cookie)
    assert officer.id == "oidc:officer-17" and officer.method == "oidc"
    assert idp.asked[0]["code_verifier"][0]  # PKCE: the verifier travels only to the token endpoint


@pytest.mark.parametrize("case", ["state", "nonce", "audience", "issuer", "expired", "other_key", "no_cookie",
                                  "none_alg", "no_nonce"])
def test_refused_logins(case: str) -> None:
    idp = Idp()
    login = login_for(idp)
    query, cookie = _begin(login)
    state, token = query["state"], idp.token(query["nonce"])
    if case == "state":
        state = "someone-elses-state"
    elif case == "nonce":
        token = idp.token("replayed-nonce")
    elif case == "audience":
        token = idp.token(query["nonce"], aud="another-app")
    elif case == "issuer":
        token = idp.token(query["nonce"], iss="https://evil.example")
    elif case == "expired":
        token = idp.token(query["nonce"], exp=int(time.time()) - 600, iat=int(time.time()) - 900)
    elif case == "other_key":
        idp.sign_with = ec.generate_private_key(ec.SECP256R1())
        token = idp.token(query["nonce"])
    elif case == "no_cookie":
        cookie = ""
    elif case == "none_alg":
        token = jwt.encode({"iss": IDP, "aud": "counter", "sub": "x", "nonce": query["nonce"],
                            "exp": int(time.time()) + 60, "iat": int(time.time())}, None, algorithm="none")
    elif case == "no_nonce":
        token = idp.token(None)
    idp.claims["id_token"] = token
    with pytest.raises(InputError) as caught:
        login.finish(code="c0de", state=state, cookie=cookie)
    assert caught.value.code == "service.unauthorized"


def test_login_cookie_is_not_a_session() -> None:
    login = login_for(Idp())
    _query, cookie = _begin(login)
    assert login.sessions.read(cookie) is None


def test_the_pages_log_an_officer_in_and_audit_it() -> None:
    idp = Idp()
    rows: list[tuple[str, ...]] = []
    demo = demo_counter(URL, lambda *row: rows.append(row))
    login = login_for(idp)
    demo.counter.sessions = login.sessions
    demo.counter.oidc = login
    demo.counter.demo = False
    app = FastAPI()
    mount_pages(app, demo.counter, public_url=URL)
    with TestClient(app, base_url=URL) as client:
        assert 'id="oidc-login"' in client.get("/counter/login").text
        assert "officer" not in client.get("/counter/login").text.split("<main", 1)[1].split("oidc-login")[0]
        start = client.get("/counter/login/oidc", follow_redirects=False)
        assert start.status_code == 303 and start.headers["location"].startswith(IDP + "/authorize?")
        assert "SameSite=lax" in start.headers["set-cookie"]
        query = {k: v[0] for k, v in parse_qs(urlsplit(start.headers["location"]).query).items()}
        idp.claims["id_token"] = idp.token(query["nonce"])
        done = client.get("/counter/login/callback", params={"code": "c0de", "state": query["state"]})
        assert done.status_code == 200 and "ตรวจ" in done.text
        assert client.get("/counter/verify").status_code == 200
        # the login cookie was used up: the same callback again is refused
        client.cookies.delete(LOGIN_COOKIE)
        again = client.get("/counter/login/callback", params={"code": "c0de", "state": query["state"]})
        assert again.status_code == 401
    assert ("oidc:officer-17", "counter.login", "oidc:officer-17", "done", "oidc") in rows
    assert any(r[1] == "counter.login" and r[3] == "refused" for r in rows)
