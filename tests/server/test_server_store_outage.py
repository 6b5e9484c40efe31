"""A store that does not answer is a 503 everywhere in ``thaivc serve``, never a 500, a 4xx or a credential.

Fault tests first: the service runs on one SQLite file; each test prepares what an endpoint needs
while everything works, then takes one store away under the running service (its tables renamed, as
an operator's mistake or a failed migration would) and calls the endpoint. The three stores:

* ``state`` — the OpenID4VCI/VP protocol state store (``openid.store``);
* ``status`` — the issuer-side status store (``status.store``);
* ``service`` — the service database: register, audit, challenges (``service.unavailable``).

Every answer must be 503 with ``Retry-After`` and a stable code: RFC 9457 problem details on the
service's own endpoints (VC-API, publishing, administration, counter pages), the OAuth error
``temporarily_unavailable`` with ``thaivc_code`` on the wallet-facing protocol endpoints (what a
wallet parses, OpenID4VCI §8.3.1 / RFC 6749 §5.2). Nothing is issued, and the body names neither the
database file nor the SQL error (a store's message can name hosts, tables and users).
"""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from oid4vc_helpers import PROTOCOLS, SOMCHAI, offer_body
from server_helpers import admin_headers, credential, issuer_headers, write_config
from starlette.testclient import TestClient

from thaivc import Holder, generate_key
from thaivc.core.errors import ThaiVCError
from thaivc.jose.media import unenvelope
from thaivc.oid4vc import ErrorResponse
from thaivc.oid4vc.dpop import make_dpop_proof
from thaivc.server import create_app, load_config
from thaivc.server.pages.officers import Officer, SessionSigner
from thaivc.wallet import IssuanceWallet
from thaivc.wallet.issuance import TokenGrant
from thaivc.wallet.present import PresentationWallet

URL = "https://issuer.example.go.th"
REDIRECT = "https://app.example.go.th/done"
SESSION_SECRET = b"s" * 48
_JWKS = (
    '{ keys = [{ kty = "EC", crv = "P-256", x = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", '
    'y = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0" }] }'
)
CONFIG = f"""
[oid4vp]
redirect_uri = "{REDIRECT}"
{PROTOCOLS}
[pages]
session_secret_file = "session.key"
issue_configuration = "citizen"
[pages.presets.pid]
label_th = "ชื่อ"
label_en = "Name"
[pages.oidc]
issuer = "https://login.example.go.th"
client_id = "counter"
authorization_endpoint = "https://login.example.go.th/authorize"
token_endpoint = "https://login.example.go.th/token"
jwks = {_JWKS}
"""

#: the tables each store keeps on the service's database
TABLES = {
    "state": ("thaivc_protocol_state",),
    "status": ("thaivc_status_list", "thaivc_status_entry", "thaivc_status_publication"),
    "service": ("thaivc_issued", "thaivc_audit", "thaivc_challenge", "thaivc_server_meta", "thaivc_schema_version"),
}
#: the codes an outage may be answered with: the store's own, or the service's
OUTAGE = {"openid.store", "status.store", "service.unavailable"}


class Recorder:
    """The HTTP client the test wallets talk through, keeping the last answer (a wallet raises on errors)."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.last: httpx.Response | None = None

    def get(self, *args: Any, **kwargs: Any) -> httpx.Response:
        self.last = self.client.get(*args, **kwargs)
        return self.last

    def post(self, *args: Any, **kwargs: Any) -> httpx.Response:
        self.last = self.client.post(*args, **kwargs)
        return self.last

    def answer_of(self, step: Callable[[], Any]) -> httpx.Response:
        """The HTTP answer of a wallet step that fails (or not) because of the outage."""
        self.last = None
        with contextlib.suppress(ErrorResponse, ThaiVCError):
            step()
        assert self.last is not None
        return self.last


@dataclass
class Scene:
    """The running service on ``tmp``/service.db, and the means to take one of its stores away."""

    client: TestClient
    tmp: Path
    db_url: str = ""
    http: Recorder = field(init=False)

    def __post_init__(self) -> None:
        self.http = Recorder(self.client)

    def break_store(self, kind: str) -> None:
        with sqlite3.connect(self.tmp / "service.db") as db:
            for table in TABLES[kind]:
                db.execute(f"ALTER TABLE {table} RENAME TO {table}_gone")

    # -- what the endpoints need, made while everything works ------------------------------------
    def offer(self, **extra: Any) -> dict[str, Any]:
        r = self.client.post("/admin/offers", json=offer_body(**extra), headers=admin_headers())
        assert r.status_code == 201, r.text
        made: dict[str, Any] = r.json()
        return made

    def wallet(self) -> IssuanceWallet:
        return IssuanceWallet(self.http)  # type: ignore[arg-type]

    def grant(self) -> tuple[IssuanceWallet, TokenGrant]:
        made = self.offer()
        wallet = self.wallet()
        return wallet, wallet.redeem_pre_authorized(wallet.resolve_offer(made["deepLink"]), tx_code=made["txCode"])

    def auth(self, wallet: IssuanceWallet, grant: TokenGrant, url: str) -> dict[str, str]:
        assert wallet.dpop_key is not None
        proof = make_dpop_proof(
            wallet.dpop_key, method="POST", url=url, now=time.time(), access_token=grant.access_token
        )
        return {"Authorization": f"DPoP {grant.access_token}", "DPoP": proof, "Content-Type": "application/json"}

    def holder(self) -> PresentationWallet:
        made = self.offer()
        stored = IssuanceWallet(self.client).receive(made["deepLink"], tx_code=made["txCode"])
        assert isinstance(stored, list)
        wallet = PresentationWallet(stored[0].key, http=self.http)  # type: ignore[arg-type]
        wallet.store(stored[0].credential)
        return wallet

    def transaction(self, *, same_device: bool = False) -> dict[str, Any]:
        r = self.client.post("/oid4vp/transactions", json={"preset": "pid", "sameDevice": same_device})
        assert r.status_code == 201, r.text
        made: dict[str, Any] = r.json()
        return made

    def issued(self) -> tuple[str, dict[str, Any]]:
        """A credential the VC-API issued (with its status entries), and its envelope."""
        doc = credential(id=f"urn:uuid:{uuid.uuid4()}", credentialSubject={"id": "did:example:holder", "name": "x"})
        r = self.client.post("/credentials/issue", json={"credential": doc}, headers=issuer_headers())
        assert r.status_code == 201, r.text
        return doc["id"], r.json()["verifiableCredential"]

    def list_id(self) -> str:
        from thaivc.server.db import Database

        db = Database(self.db_url or f"sqlite:///{self.tmp / 'service.db'}")
        try:
            with db.transaction(write=False) as cur:
                return str(cur.execute("SELECT list_id FROM thaivc_status_list").fetchone()[0])
        finally:
            db.close()

    def officer(self) -> None:
        cookie = SessionSigner(SESSION_SECRET).issue(Officer("oidc:7", "เจ้าหน้าที่", "oidc"), now=time.time())
        self.client.cookies.set("thaivc_officer", cookie, path="/counter")

    def page_ref(self, page: str, kind: str) -> str:
        found = re.search(rf"/counter/{kind}/([A-Za-z0-9_-]{{43}})/state", page)
        assert found is not None, page[:2000]
        return found.group(1)


@pytest.fixture
def scene(tmp_path: Path) -> Iterator[Scene]:
    (tmp_path / "session.key").write_bytes(SESSION_SECRET)
    config = load_config(write_config(tmp_path, CONFIG), environ={})
    with TestClient(create_app(config), base_url=URL) as client:
        yield Scene(client, tmp_path)


Call = Callable[[], httpx.Response]


# -- OpenID4VCI (wallet-facing: OAuth errors) -----------------------------------------------------------
def vci_offer_uri(s: Scene) -> Call:
    uri = s.offer(byReference=True)["offerUri"]
    return lambda: s.client.get(urlsplit(uri).path)


def vci_token(s: Scene) -> Call:
    made = s.offer()
    wallet = s.wallet()
    offer = wallet.resolve_offer(made["deepLink"])
    return lambda: s.http.answer_of(lambda: wallet.redeem_pre_authorized(offer, tx_code=made["txCode"]))


def vci_nonce(s: Scene) -> Call:
    wallet, grant = s.grant()
    return lambda: s.http.answer_of(lambda: wallet.get_nonce(grant))


def vci_credential(s: Scene) -> Call:
    wallet, grant = s.grant()
    nonce = wallet.get_nonce(grant)
    url = str(grant.metadata["credential_endpoint"])
    proof = wallet.key_proof(generate_key("P-256"), issuer=grant.issuer, nonce=nonce)
    body = json.dumps({"credential_configuration_id": "citizen", "proofs": {"jwt": [proof]}})
    return lambda: s.client.post(urlsplit(url).path, content=body, headers=s.auth(wallet, grant, url))


def vci_deferred(s: Scene) -> Call:
    wallet, grant = s.grant()
    url = str(grant.metadata["deferred_credential_endpoint"])
    body = json.dumps({"transaction_id": "a" * 43})
    return lambda: s.client.post(urlsplit(url).path, content=body, headers=s.auth(wallet, grant, url))


def vci_notification(s: Scene) -> Call:
    wallet, grant = s.grant()
    wallet.request_credentials(grant)
    assert wallet.last_notification is not None
    notification_id = wallet.last_notification[1]
    return lambda: s.http.answer_of(lambda: wallet.notify(grant, notification_id))


# -- OpenID4VP ----------------------------------------------------------------------------------------------
def vp_create(s: Scene) -> Call:
    return lambda: s.client.post("/oid4vp/transactions", json={"preset": "pid"})


def vp_request_uri(s: Scene) -> Call:
    uri = s.transaction()["requestUri"]
    return lambda: s.client.get(urlsplit(uri).path)


def vp_response(s: Scene) -> Call:
    wallet = s.holder()
    request = wallet.read_request(s.transaction()["link"])
    params = wallet.respond(request)
    return lambda: wallet.post(request, params)


def vp_poll(s: Scene) -> Call:
    tx = s.transaction()
    return lambda: s.client.get(
        f"/oid4vp/transactions/{tx['transactionId']}", headers={"x-poll-token": tx["pollToken"]}
    )


def vp_redeem(s: Scene) -> Call:
    wallet = s.holder()
    tx = s.transaction(same_device=True)
    answer = wallet.present(tx["link"])
    assert answer.status_code == 200, answer.text
    code = urlsplit(answer.json()["redirect_uri"]).fragment.split("=", 1)[1]
    return lambda: s.client.get(
        f"/oid4vp/transactions/{tx['transactionId']}",
        params={"response_code": code},
        headers={"x-poll-token": tx["pollToken"]},
    )


# -- VC-API, publishing, administration, operations ---------------------------------------------------------
def vcapi_issue(s: Scene) -> Call:
    doc = credential(credentialSubject={"id": "did:example:holder", "name": "x"})
    return lambda: s.client.post("/credentials/issue", json={"credential": doc}, headers=issuer_headers())


def vcapi_verify(s: Scene) -> Call:
    _, vc = s.issued()
    return lambda: s.client.post("/credentials/verify", json={"verifiableCredential": vc})


def vcapi_challenges(s: Scene) -> Call:
    return lambda: s.client.post("/challenges")


def vcapi_verify_presentation(s: Scene) -> Call:
    key = generate_key("P-256")
    doc = credential(credentialSubject={"id": key.did, "name": "x"})
    vc = s.client.post("/credentials/issue", json={"credential": doc}, headers=issuer_headers()).json()
    _, token = unenvelope(vc["verifiableCredential"])
    challenge = s.client.post("/challenges").json()["challenge"]
    vp = Holder(key).present([token], challenge=challenge, domain="https://rd.go.th")
    body = {"verifiablePresentation": vp, "options": {"challenge": challenge, "domain": "https://rd.go.th"}}
    return lambda: s.client.post("/presentations/verify", json=body)


def status_list(s: Scene) -> Call:
    s.issued()
    list_id = s.list_id()
    return lambda: s.client.get(f"/status/{list_id}")


def status_token(s: Scene) -> Call:
    s.issued()
    list_id = s.list_id()
    return lambda: s.client.get(f"/status/token/{list_id}")


def admin_action(action: str) -> Callable[[Scene], Call]:
    def prepare(s: Scene) -> Call:
        cid, _ = s.issued()
        return lambda: s.client.post(f"/admin/status/{action}", json={"ids": [cid]}, headers=admin_headers())

    prepare.__name__ = f"admin_{action}"
    return prepare


def admin_csv(s: Scene) -> Call:
    cid, _ = s.issued()
    headers = {**admin_headers(), "Content-Type": "text/csv"}
    return lambda: s.client.post("/admin/status/revoke", content=f"id\n{cid}\n".encode(), headers=headers)


def admin_list(s: Scene) -> Call:
    s.issued()
    return lambda: s.client.get("/admin/credentials", headers=admin_headers())


def admin_audit(s: Scene) -> Call:
    return lambda: s.client.get("/admin/audit", headers=admin_headers())


def admin_offers(s: Scene) -> Call:
    return lambda: s.client.post("/admin/offers", json=offer_body(), headers=admin_headers())


def readyz(s: Scene) -> Call:
    return lambda: s.client.get("/readyz")


# -- the counter pages -------------------------------------------------------------------------------------
def counter_verify(s: Scene) -> Call:
    s.officer()
    return lambda: s.client.post("/counter/verify", data={"preset": "pid"})


def counter_verify_state(s: Scene) -> Call:
    s.officer()
    ref = s.page_ref(s.client.post("/counter/verify", data={"preset": "pid"}).text, "verify")
    return lambda: s.client.get(f"/counter/verify/{ref}/state")


def counter_verify_result(s: Scene) -> Call:
    s.officer()
    ref = s.page_ref(s.client.post("/counter/verify", data={"preset": "pid"}).text, "verify")
    return lambda: s.client.get(f"/counter/verify/{ref}/result")


_CARD = {**SOMCHAI, "title_th": "นาย", "face_ref": "img:somchai:live", "liveness": "on"}


def counter_issue(s: Scene) -> Call:
    s.officer()
    return lambda: s.client.post("/counter/issue", data=_CARD)


def counter_issue_state(s: Scene) -> Call:
    s.officer()
    page = s.client.post("/counter/issue", data=_CARD)
    assert page.status_code == 200, page.text[:2000]
    ref = s.page_ref(page.text, "issue")
    return lambda: s.client.get(f"/counter/issue/{ref}/state")


OAUTH = {
    vci_offer_uri,
    vci_token,
    vci_nonce,
    vci_credential,
    vci_deferred,
    vci_notification,
    vp_request_uri,
    vp_response,
}
CASES: list[tuple[str, Callable[[Scene], Call]]] = [
    ("state", vci_offer_uri),
    ("state", vci_token),
    ("state", vci_nonce),
    ("state", vci_credential),
    ("status", vci_credential),
    ("service", vci_credential),
    ("state", vci_deferred),
    ("state", vci_notification),
    ("state", vp_create),
    ("state", vp_request_uri),
    ("state", vp_response),
    ("state", vp_poll),
    ("state", vp_redeem),
    ("status", vcapi_issue),
    ("service", vcapi_issue),
    ("status", vcapi_verify),
    ("service", vcapi_challenges),
    ("service", vcapi_verify_presentation),
    ("status", status_list),
    ("status", status_token),
    *(("status", admin_action(a)) for a in ("revoke", "suspend", "reinstate")),
    ("service", admin_action("revoke")),
    ("status", admin_csv),
    ("status", admin_list),
    ("service", admin_list),
    ("service", admin_audit),
    ("state", admin_offers),
    ("service", admin_offers),
    ("service", readyz),
    ("state", counter_verify),
    ("service", counter_verify),
    ("state", counter_verify_state),
    ("state", counter_verify_result),
    ("state", counter_issue),
    ("service", counter_issue),
    ("state", counter_issue_state),
]


def assert_outage(answer: httpx.Response, *, oauth: bool, tmp: Path) -> str:
    """503, ``Retry-After``, a stable code, nothing issued and nothing of the database's own words; the code."""
    assert answer.status_code == 503, (answer.status_code, answer.text[:500])
    retry = answer.headers.get("retry-after", "")
    assert retry.isdigit() and 1 <= int(retry) <= 3600, answer.headers
    assert answer.headers.get("cache-control") == "no-store"
    body = answer.json()
    if oauth:
        assert answer.headers["content-type"].startswith("application/json")
        assert body["error"] == "temporarily_unavailable", body
        code = body["thaivc_code"]
    else:
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert body["status"] == 503 and body["type"].startswith("https://") and body["title"], body
        code = body["code"]
    assert code in OUTAGE, body
    text = answer.text
    for leak in ("no such table", "sqlite", "postgresql://", str(tmp), "_gone", "Traceback"):
        assert leak not in text, (leak, text[:500])
    for issued in ("verifiableCredential", "credentials", "access_token", "c_nonce", "transactionId", "deepLink"):
        assert f'"{issued}"' not in text, text[:500]
    return str(code)


@pytest.mark.parametrize(("store", "prepare"), CASES, ids=[f"{k}-{p.__name__}" for k, p in CASES])
def test_a_store_outage_is_a_503_with_retry_after_on_every_endpoint(
    scene: Scene, store: str, prepare: Callable[[Scene], Call]
) -> None:
    call = prepare(scene)
    scene.break_store(store)
    answer = call()
    code = assert_outage(answer, oauth=prepare in OAUTH, tmp=scene.tmp)
    expected = {"state": "openid.store", "status": "status.store", "service": "service.unavailable"}[store]
    assert code in {expected, "service.unavailable"}, code


@pytest.mark.postgres
def test_on_postgresql_each_store_outage_is_a_503_too(tmp_path: Path, pg_dsn: str) -> None:
    """The same answers on PostgreSQL (a store's message there can name the host and the user)."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    parts = conninfo_to_dict(pg_dsn)
    url = f"postgresql://{parts['user']}@{parts['host']}:{parts['port']}/{parts['dbname']}"
    (tmp_path / "session.key").write_bytes(SESSION_SECRET)
    config = load_config(write_config(tmp_path, CONFIG, db_url=url), environ={})
    with TestClient(create_app(config), base_url=URL) as client:
        s = Scene(client, tmp_path, url)
        nonce, offers, published = vci_nonce(s), admin_offers(s), status_list(s)
        with psycopg.connect(pg_dsn, autocommit=True) as db:
            for table in (*TABLES["state"], *TABLES["status"]):
                db.execute(f"ALTER TABLE {table} RENAME TO {table}_gone")
        assert assert_outage(nonce(), oauth=True, tmp=tmp_path) == "openid.store"
        assert assert_outage(offers(), oauth=False, tmp=tmp_path) == "openid.store"
        assert assert_outage(published(), oauth=False, tmp=tmp_path) == "status.store"
        for answer in (nonce(), offers(), published()):
            assert url not in answer.text and str(parts["dbname"]) not in answer.text  # a random, unique name
