"""The counter pages' refusals, without a browser: forged sessions, other officers, cross-site posts,
junk input; the offer tracker, the verdict words and the ``[pages]`` configuration."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")

from starlette.testclient import TestClient

from thaivc import generate_key
from thaivc.core.errors import ThaiVCError
from thaivc.oid4vc import MemoryStateStore
from thaivc.server import create_app, load_config
from thaivc.server.pages import OfferTracker, Officer, SessionSigner
from thaivc.server.pages.explain import verdict_for

URL = "https://counter.example.go.th"


def _config(tmp: Path, pages: str = "[pages]\ndemo = true\n") -> Path:
    if not (tmp / "issuer.jwk.json").exists():
        generate_key("Ed25519").save(tmp / "issuer.jwk.json")
    path = tmp / "thaivc-server.toml"
    path.write_text(f'public_url = "{URL}"\n[issuer]\n[[issuer.keys]]\nid = "key-1"\nfile = "issuer.jwk.json"\n'
                    f'[database]\nurl = "sqlite:///{tmp / "db.sqlite"}"\n{pages}', encoding="utf-8")
    return path


@pytest.fixture
def app_client(tmp_path: Path) -> Any:
    with TestClient(create_app(load_config(_config(tmp_path), environ={})), base_url=URL) as client:
        yield client


def _login(client: TestClient) -> None:
    answer = client.post("/counter/login", data={"username": "officer", "password": "demo"}, follow_redirects=False)
    assert answer.status_code == 303 and "thaivc_officer" in answer.headers["set-cookie"]
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Secure" in cookie


def _start(client: TestClient, preset: str = "identity") -> str:
    page = client.post("/counter/verify", data={"preset": preset})
    assert page.status_code == 200
    found = re.search(r'/counter/verify/([A-Za-z0-9_-]{43})/state', page.text)
    assert found
    return found.group(1)


def test_every_page_needs_a_session(app_client: TestClient) -> None:
    for path in ("/counter/", "/counter/verify", "/counter/issue"):
        answer = app_client.get(path, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"] == "/counter/login"
    assert app_client.post("/counter/verify", data={"preset": "identity"}, follow_redirects=False).status_code == 303


def test_pages_are_no_store_under_a_strict_csp(app_client: TestClient) -> None:
    answer = app_client.get("/counter/login")
    assert answer.headers["cache-control"] == "no-store"
    csp = answer.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert "http" not in answer.text.split("<main", 1)[0].replace(URL, "")  # nothing fetched from elsewhere


def test_wrong_password_and_forged_cookies(app_client: TestClient) -> None:
    assert app_client.post("/counter/login", data={"username": "officer", "password": "x"}).status_code == 401
    forged = SessionSigner.random().issue(Officer("demo-officer", "x", "demo"))  # signed with another secret
    for cookie in (forged, "", "a.b.c", "x" * 5000, forged[:-2] + "AA"):
        app_client.cookies.set("thaivc_officer", cookie, domain="counter.example.go.th", path="/counter")
        assert app_client.get("/counter/verify", follow_redirects=False).status_code == 303


def test_cross_site_post_is_refused(app_client: TestClient) -> None:
    _login(app_client)
    answer = app_client.post("/counter/verify", data={"preset": "identity"}, headers={"Origin": "https://evil.example"},
                             follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/counter/login"
    login = app_client.post("/counter/login", data={"username": "officer", "password": "demo"},
                            headers={"Origin": "https://evil.example"})
    assert login.status_code == 403


def test_unknown_preset_and_junk_form(app_client: TestClient) -> None:
    _login(app_client)
    assert app_client.post("/counter/verify", data={"preset": "everything"}).status_code == 400
    big = app_client.post("/counter/verify", content=b"preset=identity&" + b"x" * 20_000,
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert big.status_code == 400


def test_a_reference_reads_only_for_the_officer_who_made_it(app_client: TestClient, tmp_path: Path) -> None:
    _login(app_client)
    ref = _start(app_client)
    assert app_client.get(f"/counter/verify/{ref}/state").json()["state"] == "pending"
    assert app_client.get(f"/counter/verify/{ref}/result").status_code == 409  # nothing yet, not a verdict
    own = app_client.cookies.get("thaivc_officer")
    app_client.cookies.clear()
    assert app_client.get(f"/counter/verify/{ref}/state").status_code == 404
    for junk in ("x", "A" * 43, "../" * 15):
        app_client.cookies.set("thaivc_officer", own, domain="counter.example.go.th", path="/counter")
        assert app_client.get(f"/counter/verify/{junk}/state").status_code == 404
    # start over ends the reference: its result can never be read again
    assert app_client.post(f"/counter/verify/{ref}/end", follow_redirects=False).status_code == 303
    assert app_client.get(f"/counter/verify/{ref}/state").status_code == 404


def test_issuer_refuses_bad_card_data_without_an_offer(app_client: TestClient) -> None:
    _login(app_client)
    answer = app_client.post("/counter/issue", data={"citizen_id": "1234567890123", "given_th": "ก",
                                                     "family_th": "ข", "birth_date_be": "25400101",
                                                     "laser_code": "AA0000000000", "face_ref": "x", "liveness": "on"})
    assert answer.status_code == 422 and "openid-credential-offer" not in answer.text
    assert "thai." in answer.text or "registry." in answer.text


def test_offer_tracker_keeps_a_final_state() -> None:
    tracker = OfferTracker(MemoryStateStore())
    tracker.on_event("credential_issued", {"offer_id": "not-tracked"})
    assert tracker.state("not-tracked") is None                       # events for offers it did not open
    tracker.open("o1")
    tracker.on_event("offer_redeemed", {"offer_id": "o1"})
    assert tracker.state("o1") == {"state": "scanned"}
    tracker.on_event("credential_issued", {"offer_id": "o1"})
    tracker.on_event("credential_denied", {"offer_id": "o1"})         # a late event cannot undo "issued"
    assert tracker.state("o1") == {"state": "issued"}
    tracker.on_event("bogus", {"offer_id": 7})


def test_offer_tracker_says_a_registry_is_temporarily_unavailable() -> None:
    seen: list[tuple[str, str]] = []
    tracker = OfferTracker(MemoryStateStore(), listener=lambda offer, state: seen.append((offer, state)))
    tracker.open("o1")
    tracker.on_event("offer_redeemed", {"offer_id": "o1"})
    tracker.on_event("credential_unavailable", {"offer_id": "o1", "code": "registry.unavailable"})
    assert tracker.state("o1") == {"state": "unavailable", "code": "registry.unavailable"}
    assert seen[-1] == ("o1", "unavailable")
    tracker.on_event("credential_unavailable", {"offer_id": "o1", "code": "<script>x</script>"})
    assert tracker.state("o1") == {"state": "unavailable"}            # only a catalogued code is kept
    tracker.on_event("credential_issued", {"offer_id": "o1"})        # not final: the wallet's retry issues
    assert tracker.state("o1") == {"state": "issued"}
    tracker.on_event("credential_unavailable", {"offer_id": "o1", "code": "registry.unavailable"})
    assert tracker.state("o1") == {"state": "issued"}                 # a late outage cannot undo "issued"


def test_session_signer_refuses_expired_and_tampered() -> None:
    signer = SessionSigner(b"k" * 32, ttl=300)
    cookie = signer.issue(Officer("a", "A", "demo"), now=1000)
    assert signer.read(cookie, now=1100) == Officer("a", "A", "demo")
    assert signer.read(cookie, now=1300) is None
    body, mac = cookie.split(".")
    assert signer.read(body[:-1] + ("A" if body[-1] != "A" else "B") + "." + mac, now=1100) is None
    with pytest.raises(ValueError):
        SessionSigner(b"short")


def test_verdict_words() -> None:
    assert verdict_for("verified", []) == "verified"
    assert verdict_for("failed", ["openid.presentation_invalid"]) == "failed"
    assert verdict_for("failed", ["openid.presentation_invalid", "crypto.bad_signature"]) == "failed"
    assert verdict_for("failed", ["openid.presentation_invalid", "status.unavailable"]) == "indeterminate"
    assert verdict_for("failed", ["registry.unavailable"]) == "indeterminate"
    assert verdict_for("verified", [], "indeterminate") == "indeterminate"
    assert verdict_for("failed", [], "refused") == "failed"


def test_pages_config_refusals(tmp_path: Path) -> None:
    with pytest.raises(ThaiVCError) as caught:
        load_config(_config(tmp_path, "[pages]\n"), environ={})            # not demo: who logs in?
    assert "pages.oidc" in str(caught.value)
    with pytest.raises(ThaiVCError) as caught:
        load_config(_config(tmp_path, '[pages]\ndemo = true\n[pages.presets.nothing]\nlabel_th = "ก"\nlabel_en = "a"\n'),
                    environ={})
    assert "pages.presets.nothing" in str(caught.value)
    with pytest.raises(ThaiVCError) as caught:
        load_config(_config(tmp_path, '[pages]\ndemo = true\nissue_configuration = "none"\n'), environ={})
    assert "pages.issue_configuration" in str(caught.value)


def test_configured_pages_use_the_service_verifier(tmp_path: Path) -> None:
    """Not demo: the page's preset is a service preset; the service's own verifier judges the wallet."""
    from thaivc.authorization.scenario import World
    from thaivc.wallet.present import PresentationWallet

    (tmp_path / "session.key").write_bytes(b"q" * 48)
    jwks = '{ keys = [{ kty = "EC", crv = "P-256", x = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", ' \
           'y = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0" }] }'
    pages = f"""
[oid4vp.presets.person]
dcql = {{ credentials = [{{ id = "person", format = "jwt_vc_json", \
meta = {{ type_values = [["ThaiCitizenCredential"]] }}, claims = [{{ path = ["credentialSubject", "givenNameTh"] }}] }}] }}
[pages]
session_secret_file = "session.key"
[pages.presets.person]
label_th = "ชื่อผู้มาติดต่อ"
label_en = "The visitor's name"
[pages.oidc]
issuer = "https://login.example.go.th"
client_id = "counter"
authorization_endpoint = "https://login.example.go.th/authorize"
token_endpoint = "https://login.example.go.th/token"
jwks = {jwks}
"""
    config = load_config(_config(tmp_path, pages), environ={})
    with TestClient(create_app(config), base_url=URL) as client:
        login_page = client.get("/counter/login").text
        assert 'id="oidc-login"' in login_page and "<code>demo</code>" not in login_page  # no demo account
        cookie = SessionSigner(b"q" * 48).issue(Officer("oidc:7", "เจ้าหน้าที่", "oidc"))
        client.cookies.set("thaivc_officer", cookie, domain="counter.example.go.th", path="/counter")
        start = client.get("/counter/verify")
        assert "ชื่อผู้มาติดต่อ" in start.text and "identity" not in start.text
        page = client.post("/counter/verify", data={"preset": "person"})
        link = re.search(r'id="same-device" href="([^"]+)"', page.text).group(1).replace("&amp;", "&")
        ref = re.search(r'/counter/verify/([A-Za-z0-9_-]{43})/state', page.text).group(1)
        person = World().person("somying")
        wallet = PresentationWallet(person.key, http=client)
        wallet.store(person.credential)
        assert wallet.present(link).status_code == 200
        assert client.get(f"/counter/verify/{ref}/state").json()["state"] == "done"
        verdict = client.get(f"/counter/verify/{ref}/result").text
        assert "ยืนยันแล้ว" in verdict and person.given_th in verdict and person.family_th not in verdict
