"""Issue 14 in a real browser: the counter pages driven by Chromium, answered by the test wallet.

Each flow ends on a screenshot in tests/artifacts/ (git-ignored) so a reviewer can look at it.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import jwt
import pytest

from thaivc.core.errors import InputError
from thaivc.engine.issuer import Issuer
from thaivc.wallet import IssuanceWallet
from thaivc.wallet.present import PresentationWallet, StoredCredential

from .conftest import Live, axe_source, decode_qr, serve_live

pytestmark = pytest.mark.browser


def login(page: Any, live: Live) -> None:
    page.goto(live.url + "/counter/login")
    page.fill("#username", "officer")
    page.fill("#password", "demo")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/counter/$"))


def ask(page: Any, live: Live, preset: str = "identity") -> str:
    """Choose a preset, show the request, and read the link back out of the QR code on the screen."""
    page.goto(live.url + "/counter/verify")
    page.check(f"#preset-{preset}")
    page.click("#start")
    qr = page.wait_for_selector("#qr")
    link = decode_qr(qr.screenshot())
    assert link.startswith("openid4vp://")
    assert page.get_attribute("#same-device", "href") == link  # the same request as a same-device button
    return link


def wallet_for(live: Live, name: str) -> tuple[PresentationWallet, Any]:
    person = live.demo.world.person(name)
    wallet = PresentationWallet(person.key, http=httpx.Client(timeout=15), allow_insecure_loopback=True)
    wallet.store(person.credential)
    return wallet, person


def verdict(page: Any) -> str:
    heading = page.wait_for_selector("#verdict-word")
    text: str = heading.inner_text()
    return text


def test_identity_verified_end_to_end(page: Any, live: Live, shot: Any) -> None:
    login(page, live)
    link = ask(page, live)
    wallet, person = wallet_for(live, "somying")
    answer = wallet.present(link)
    assert answer.status_code == 200, answer.text
    assert "ยืนยันแล้ว" in verdict(page)
    body = page.inner_text("main")
    assert person.given_th in body and person.family_th in body and "IAL 2.3" in body
    assert "กรมการปกครอง (ทดสอบ)" in body                      # the issuer's name from the trust list
    assert "เลขประจำตัวประชาชน" in page.inner_text(".undisclosed")  # what was not disclosed, by name
    assert person.citizen_id not in body                         # ... and not shown
    assert page.evaluate("document.activeElement.id") == "verdict-word"
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    shot(page, "verify-verified")
    actions = [(e.action, e.outcome) for e in live.audit()]
    assert ("counter.verify.result", "verified") in actions and ("counter.verify.start", "done") in actions
    assert all(person.citizen_id not in e.target + e.detail for e in live.audit())


def test_forged_credential_is_not_accepted(page: Any, live: Live, shot: Any) -> None:
    login(page, live)
    link = ask(page, live)
    person = live.demo.world.person("somchai")
    head, _payload, sig = person.credential.split(".")
    claims = jwt.decode(person.credential, options={"verify_signature": False})
    claims["credentialSubject"]["givenNameTh"] = "มานะ"
    forged = jwt.encode(claims, "x" * 32, algorithm="HS256").split(".")[1]
    token = f"{head}.{forged}.{sig}"                              # DOPA's header and signature, altered claims
    wallet = PresentationWallet(person.key, http=httpx.Client(timeout=15), allow_insecure_loopback=True)
    wallet.credentials.append(StoredCredential(token, "jwt_vc_json", claims))  # a wallet that does not check
    wallet.present(link)
    assert "ไม่ผ่าน" in verdict(page)
    text = page.inner_text("#result")
    assert "crypto.bad_signature" in text and "มานะ" not in text
    shot(page, "verify-forged")
    assert ("counter.verify.result", "failed") in [(e.action, e.outcome) for e in live.audit()]


def test_untrusted_issuer_is_not_accepted(page: Any, live: Live) -> None:
    from thaivc import generate_key

    login(page, live)
    link = ask(page, live)
    impostor = live.demo.world.person("somchai", issuer=generate_key("Ed25519"))
    wallet = PresentationWallet(impostor.key, http=httpx.Client(timeout=15), allow_insecure_loopback=True)
    wallet.store(impostor.credential)
    wallet.present(link)
    assert "ไม่ผ่าน" in verdict(page)
    assert "trust.untrusted_issuer" in page.inner_text("#result")


def test_revoked_credential_is_not_accepted(page: Any, live: Live, shot: Any) -> None:
    world = live.demo.world
    person = world.person("somying")
    claims = jwt.decode(person.credential, options={"verify_signature": False})
    for name in ("iat", "nbf", "exp", "iss", "sub", "jti"):
        claims.pop(name, None)
    entry = world.revocations.allocate()
    claims["credentialStatus"] = entry
    revocable = Issuer(world.dopa_key, clock=world.clock).issue(claims, format="vc+jwt")
    world.revocations.revoke(entry)
    login(page, live)
    link = ask(page, live)
    wallet = PresentationWallet(person.key, http=httpx.Client(timeout=15), allow_insecure_loopback=True)
    wallet.store(revocable)
    wallet.present(link)
    assert "ไม่ผ่าน" in verdict(page)
    text = page.inner_text("#result")
    assert "status.revoked" in text and "เพิกถอน" in text and person.given_th not in text
    shot(page, "verify-revoked")


def test_timeout_clears_the_request(page: Any, live: Live, shot: Any) -> None:
    login(page, live)
    link = ask(page, live)
    live.demo.world.clock.advance(121)                            # nobody scanned within request_ttl
    assert "หมดเวลา" in verdict(page)
    assert page.query_selector("#qr") is None                     # the QR is gone with the request
    wallet, _person = wallet_for(live, "somying")
    with pytest.raises(InputError):                                # the request object is no longer served
        wallet.read_request(link)
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0
    shot(page, "verify-timeout")
    assert ("counter.verify.timeout", "timeout") in [(e.action, e.outcome) for e in live.audit()]



def _settled_content(page: Any) -> str:
    """The page's HTML once no navigation is under way (the back button may start one late)."""
    for _ in range(50):
        try:
            page.wait_for_load_state()
            return str(page.content())
        except Exception as exc:
            if "navigating" not in str(exc):
                raise
            page.wait_for_timeout(100)
    raise AssertionError("the page never stopped navigating")


def test_start_over_leaves_nothing_personal(page: Any, live: Live) -> None:
    login(page, live)
    link = ask(page, live)
    wallet, person = wallet_for(live, "somying")
    wallet.present(link)
    assert "ยืนยันแล้ว" in verdict(page)
    result_url = page.get_attribute("#panel", "data-result-url")
    page.click("#start-over")
    page.wait_for_url(re.compile(r".*/counter/verify$"))
    html = _settled_content(page)
    assert person.given_th not in html and person.family_th not in html
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0
    # the result is gone on the server too: the page's reference no longer reads anything
    assert page.request.get(live.url + result_url).status == 404
    try:                       # no-store: the browser has no copy to show (ERR_CACHE_MISS), and a page
        page.go_back()         # restored from the back-forward cache was emptied on pagehide
    except Exception as exc:
        assert "ERR_CACHE_MISS" in str(exc) or "Timeout" in str(exc), exc
    shown = _settled_content(page)  # a navigation the back button began must settle before reading the page
    assert person.given_th not in shown and person.family_th not in shown
    assert ("counter.verify.start_over", "done") in [(e.action, e.outcome) for e in live.audit()]


def test_company_act_shows_the_authority_decision(page: Any, live: Live, shot: Any) -> None:
    from thaivc.authorization.scenario import DEMO_COMPANY
    from thaivc.delegation import delegation_credential, sign_as_director

    world = live.demo.world
    login(page, live)
    link = ask(page, live, "tax-filing")
    acct = world.person("somying")
    poa = delegation_credential(grantor_name_th="บริษัท สยามบัญชี จำกัด", attorney_did=acct.did,
                                attorney_citizen_id=acct.citizen_id, acts=["tax_filing"],
                                valid_from=world.iso(), valid_until=world.iso(365), company_seal=True,
                                grantor_id=DEMO_COMPANY)
    for director in ("somsak", "piyanuch"):
        poa = sign_as_director(poa, world.person(director).key, clock=world.clock)
    wallet = PresentationWallet(acct.key, http=httpx.Client(timeout=15), allow_insecure_loopback=True)
    wallet.store(acct.credential)
    attachments = [world.company_credential(), world.person("somsak").credential,
                   world.person("piyanuch").credential, poa]
    assert wallet.present(link, attach={"act": attachments}).status_code == 200
    assert "ยืนยันแล้ว" in verdict(page)
    decision = page.inner_text(".decision")
    assert "สยามบัญชี" in decision and DEMO_COMPANY in decision and "ยื่นแบบภาษี" in decision
    for director in ("somsak", "piyanuch"):
        assert world.person(director).given_th in decision
    shot(page, "verify-company-act")


def test_issuer_counter_from_checks_to_issued(page: Any, live: Live, shot: Any) -> None:
    login(page, live)
    page.goto(live.url + "/counter/issue")
    assert "ข้อมูลทดสอบ" in page.inner_text(".demo-banner") and "test data" in page.inner_text(".demo-banner")
    page.click("button.fill >> nth=0")                            # the fake card reader: somying's card
    page.click("#check")
    qr = page.wait_for_selector("#qr")
    link = decode_qr(qr.screenshot())
    tx_code = page.inner_text("#tx-code").strip()
    assert re.fullmatch(r"\d{6}", tx_code) and tx_code not in link   # the code travels by voice, not in the QR
    shot(page, "issue-offer")
    wallet = IssuanceWallet(httpx.Client(timeout=15), allow_insecure_http=True)
    issued = wallet.receive(link, tx_code=tx_code)
    assert isinstance(issued, list) and len(issued) == 1
    page.wait_for_selector("#status[data-state=issued]")
    assert "ออกเอกสารแล้ว" in page.inner_text("#status")
    assert page.query_selector("#tx-code") is None                 # the code is gone once used
    shot(page, "issue-issued")
    actions = [(e.action, e.outcome) for e in live.audit()]
    assert ("counter.issue.checks", "passed") in actions and ("counter.issue.outcome", "issued") in actions
    # the citizen walks to the verifier counter with the new credential
    view = issued[0].view if hasattr(issued[0], "view") else None
    assert view is None or view["credentialSubject"]["ial"] == "2.3"


def test_issuer_counter_refuses_a_card_dopa_does_not_confirm(page: Any, live: Live, shot: Any) -> None:
    login(page, live)
    page.goto(live.url + "/counter/issue")
    page.click("button.fill >> nth=0")
    page.fill("#laser_code", "JT0-0000000-00")
    page.click("#check")
    page.wait_for_selector(".verdict-failed")
    assert page.query_selector("#qr") is None and "registry.rejected" in page.inner_text("main")
    shot(page, "issue-refused")
    assert ("counter.issue.checks", "refused") in [(e.action, e.outcome) for e in live.audit()]


def test_wrong_tx_codes_fail_the_offer(page: Any, live: Live) -> None:
    from thaivc.wallet.issuance import ErrorResponse

    login(page, live)
    page.goto(live.url + "/counter/issue")
    page.click("button.fill >> nth=0")
    page.click("#check")
    link = decode_qr(page.wait_for_selector("#qr").screenshot())
    right = page.inner_text("#tx-code").strip()
    wrong = "000000" if right != "000000" else "111111"
    wallet = IssuanceWallet(httpx.Client(timeout=15), allow_insecure_http=True)
    for _ in range(5):
        with pytest.raises(ErrorResponse):
            wallet.receive(link, tx_code=wrong)
    page.wait_for_selector("#status[data-state=failed]")
    with pytest.raises(ErrorResponse):                              # the right code is dead now too
        wallet.receive(link, tx_code=right)


#: the issuer counter's registry in :func:`_flaky_registry` (the test switches it)
REGISTRY = {"down": False}


def _flaky_registry(request: Any) -> Any:
    from thaivc.oid4vci import IssuanceUnavailable
    from thaivc.server.pages.issuing import citizen_callback

    if REGISTRY["down"]:
        raise IssuanceUnavailable("registry.unavailable", "DOPA did not answer")
    return citizen_callback(request)


@pytest.fixture
def flaky_live(tmp_path: Any) -> Any:
    REGISTRY["down"] = False
    yield from serve_live(tmp_path, callback=_flaky_registry)
    REGISTRY["down"] = False


def test_issuer_counter_says_the_registry_is_temporarily_unavailable(page: Any, flaky_live: Live) -> None:
    from thaivc.wallet.issuance import ErrorResponse

    live = flaky_live
    login(page, live)
    page.goto(live.url + "/counter/issue")
    page.click("button.fill >> nth=0")
    page.click("#check")
    link = decode_qr(page.wait_for_selector("#qr").screenshot())
    wallet = IssuanceWallet(httpx.Client(timeout=15), allow_insecure_http=True)
    grant = wallet.redeem_pre_authorized(wallet.resolve_offer(link), tx_code=page.inner_text("#tx-code").strip())
    REGISTRY["down"] = True
    with pytest.raises(ErrorResponse) as caught:
        wallet.request_credentials(grant)
    assert caught.value.status == 503
    page.wait_for_selector("#status[data-state=unavailable]")
    words = page.inner_text("#status")
    assert "ไม่ตอบสนองชั่วคราว" in words and "Temporarily unavailable" in words
    REGISTRY["down"] = False
    got = wallet.request_credentials(grant)                         # the wallet's retry: the same page follows it
    assert isinstance(got, list) and len(got) == 1
    page.wait_for_selector("#status[data-state=issued]")


def test_pages_need_an_officer(page: Any, live: Live) -> None:
    for path in ("/counter/", "/counter/verify", "/counter/issue"):
        page.goto(live.url + path)
        assert page.url.endswith("/counter/login")
    page.fill("#username", "officer")
    page.fill("#password", "wrong")
    page.click("button[type=submit]")
    assert "ไม่ถูกต้อง" in page.inner_text("[role=alert]")
    assert ("counter.login", "refused") in [(e.action, e.outcome) for e in live.audit()]
    # a forged session cookie is not a session
    page.context.add_cookies([{"name": "thaivc_officer", "value": "eyJzdWIiOiJ4In0.AAAA", "url": live.url}])
    page.goto(live.url + "/counter/verify")
    assert page.url.endswith("/counter/login")


def test_keyboard_only(page: Any, live: Live) -> None:
    page.goto(live.url + "/counter/login")

    def tab_to(element_id: str) -> None:
        for _ in range(15):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.id") == element_id:
                return
        raise AssertionError(f"#{element_id} cannot be reached with Tab")

    tab_to("username")
    page.keyboard.type("officer")
    page.keyboard.press("Tab")
    page.keyboard.type("demo")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/counter/$"))
    page.goto(live.url + "/counter/verify")
    tab_to("preset-identity")
    page.keyboard.press("ArrowDown")                                # radio group: arrows choose
    assert page.is_checked("#preset-tax-filing")
    page.keyboard.press("ArrowUp")
    tab_to("start")
    page.keyboard.press("Enter")
    page.wait_for_selector("#qr")
    link = page.get_attribute("#same-device", "href")
    wallet, _ = wallet_for(live, "somying")
    wallet.present(link)
    verdict(page)
    assert page.evaluate("document.activeElement.id") == "verdict-word"  # focus moves to the verdict
    tab_to("start-over")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/counter/verify$"))


def test_accessibility_has_no_serious_findings(chromium: Any, live: Live) -> None:
    source = axe_source()
    if source is None:
        pytest.skip("axe-core not installed (make test installs interop/node_modules; or set AXE_CORE_JS)")
    context = chromium.new_context(viewport={"width": 768, "height": 1024}, bypass_csp=True)
    page = context.new_page()
    findings: dict[str, list[str]] = {}

    def check(name: str) -> None:
        page.evaluate(source)
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        bad = [f"{v['id']} ({v['impact']}): {v['help']}" for v in result["violations"]
               if v["impact"] in ("serious", "critical")]
        if bad:
            findings[name] = bad

    page.goto(live.url + "/counter/login")
    check("login")
    login(page, live)
    check("home")
    page.goto(live.url + "/counter/verify")
    check("verify-start")
    link = ask(page, live)
    check("verify-wait")
    wallet, _ = wallet_for(live, "somying")
    wallet.present(link)
    verdict(page)
    check("verify-verdict")
    page.goto(live.url + "/counter/issue")
    check("issue-start")
    page.click("button.fill >> nth=0")
    page.click("#check")
    page.wait_for_selector("#qr")
    check("issue-offer")
    context.close()
    assert not findings, findings
