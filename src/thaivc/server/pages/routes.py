"""The counter pages' routes: server-rendered Jinja2, a little plain JavaScript, nothing from a CDN.

Every page needs an officer's session; every state-changing request is a ``POST`` from the service's
own origin (``SameSite=Strict`` cookie and an ``Origin`` check). Everything is ``no-store`` and under a
strict Content-Security-Policy (scripts and styles from the service only), so a result never lingers in
a cache or the back-forward cache after "start over". Pages refer to a request or an offer by a random
page reference bound to the officer who made it; the transaction id in the QR code reads nothing.
"""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

import segno
from fastapi import FastAPI
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.staticfiles import StaticFiles

from thaivc.core.errors import STORE_OUTAGE_CODES, InputError, ThaiVCError
from thaivc.server.pages.counter import Counter
from thaivc.server.pages.explain import Sentence
from thaivc.server.pages.issuing import CardInput, officer_checks
from thaivc.server.pages.officers import COOKIE, LOGIN_COOKIE, Officer, check_demo_login
from thaivc.server.pages.view import build_view, timeout_view

__all__ = ["PREFIX", "mount_pages"]

PREFIX: Final = "/counter"
_HERE: Final = Path(__file__).parent
_NS_VERIFY: Final = "counter.verify"
_NS_ISSUE: Final = "counter.issue"
_REF_LEN: Final = 43
_HEADERS: Final = {
    "Cache-Control": "no-store",
    "Pragma": "no-cache",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
}


def _hash(value: str) -> str:
    """Audit targets name citizens and transactions by a short hash, never in clear."""
    return hashlib.sha256(value.encode()).hexdigest()[:16]


def _qr(link: str) -> str:
    """An inline SVG QR code that scales with the page (a viewBox, no fixed size), white quiet zone."""
    svg: str = segno.make(link, error="m", micro=False).svg_inline(scale=6, border=4, omitsize=True, light="#fff")
    return svg


def mount_pages(app: FastAPI, counter: Counter, *, public_url: str) -> None:
    """Mount the verifier and issuer counter pages under ``/counter`` on ``app``."""
    env = Environment(loader=FileSystemLoader(_HERE / "templates"), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(public_url))
    app.mount(PREFIX + "/static", StaticFiles(directory=_HERE / "static"), name="counter-static")

    def render(name: str, request: Request, officer: Officer | None, status: int = 200, **values: Any) -> Response:
        html = env.get_template(name).render(prefix=PREFIX, officer=officer, demo=counter.demo,
                                             issuing=counter.issuance is not None, oidc=counter.oidc is not None,
                                             **values)
        return HTMLResponse(html, status_code=status, headers=_HEADERS)

    def officer_of(request: Request) -> Officer | None:
        return counter.sessions.read(request.cookies.get(COOKIE), now=counter.clock.now())

    def same_origin(request: Request) -> bool:
        sent = request.headers.get("origin")
        return sent is None or sent == origin or request.headers.get("sec-fetch-site") == "same-origin"

    def to_login() -> Response:
        return RedirectResponse(PREFIX + "/login", status_code=303, headers=_HEADERS)

    def audit(officer: Officer | None, action: str, target: str, outcome: str, detail: str = "") -> None:
        counter.audit(officer.id if officer else "anonymous", "counter." + action, target, outcome, detail)

    async def form(request: Request) -> dict[str, str]:
        body = await request.body()
        if len(body) > 16_384:
            return {}
        from urllib.parse import parse_qsl

        try:
            return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=32))
        except (UnicodeDecodeError, ValueError):
            return {}

    # -- login ----------------------------------------------------------------------------------
    @app.get(PREFIX + "/login", include_in_schema=False)
    async def login_page(request: Request) -> Response:
        return render("login.html", request, None)

    @app.post(PREFIX + "/login", include_in_schema=False)
    async def login(request: Request) -> Response:
        if not same_origin(request):
            return render("login.html", request, None, 403, error=Sentence("คำขอมาจากเว็บอื่น", "Cross-site request"))
        fields = await form(request)
        officer = check_demo_login(fields.get("username", ""), fields.get("password", "")) if counter.demo else None
        if officer is None:
            audit(None, "login", fields.get("username", "")[:64], "refused")
            error = Sentence("ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง", "Wrong user name or password")
            return render("login.html", request, None, 401, error=error)
        audit(officer, "login", officer.id, "done", officer.method)
        return start_session(officer, RedirectResponse(PREFIX + "/", status_code=303, headers=_HEADERS))

    def start_session(officer: Officer, response: Response) -> Response:
        response.set_cookie(COOKIE, counter.sessions.issue(officer, now=counter.clock.now()), httponly=True,
                            samesite="strict", secure=counter.secure_cookies, path=PREFIX,
                            max_age=counter.sessions.ttl)
        return response

    @app.get(PREFIX + "/login/oidc", include_in_schema=False)
    async def login_oidc(request: Request) -> Response:
        if counter.oidc is None:
            return to_login()
        url, sealed = counter.oidc.begin(now=counter.clock.now())
        response = RedirectResponse(url, status_code=303, headers=_HEADERS)
        # Lax, not Strict: the provider sends the browser back with a cross-site top-level GET
        response.set_cookie(LOGIN_COOKIE, sealed, httponly=True, samesite="lax", secure=counter.secure_cookies,
                            path=PREFIX + "/login", max_age=600)
        return response

    @app.get(PREFIX + "/login/callback", include_in_schema=False)
    async def login_callback(request: Request, code: str = "", state: str = "") -> Response:
        oidc = counter.oidc
        if oidc is None:
            return to_login()
        try:
            officer = await run_in_threadpool(lambda: oidc.finish(code=code, state=state,
                                                                  cookie=request.cookies.get(LOGIN_COOKIE),
                                                                  now=counter.clock.now()))
        except InputError as err:
            audit(None, "login", "oidc", "refused", err.detail[:200])
            error = Sentence("เข้าสู่ระบบไม่สำเร็จ", "The login did not succeed")
            return render("login.html", request, None, 401, error=error, code=err.code)
        audit(officer, "login", officer.id, "done", officer.method)
        # a page of our own, not a redirect: a Strict session cookie is not sent on the cross-site chain
        response = render("logged_in.html", request, officer)
        response.delete_cookie(LOGIN_COOKIE, path=PREFIX + "/login")
        return start_session(officer, response)

    @app.post(PREFIX + "/logout", include_in_schema=False)
    async def logout(request: Request) -> Response:
        officer = officer_of(request)
        if officer is not None and same_origin(request):
            audit(officer, "logout", officer.id, "done")
        response = to_login()
        response.delete_cookie(COOKIE, path=PREFIX)
        return response

    @app.get(PREFIX + "/", include_in_schema=False)
    async def home(request: Request) -> Response:
        officer = officer_of(request)
        if officer is None:
            return to_login()
        return render("home.html", request, officer)

    # -- the verifier counter -------------------------------------------------------------------
    @app.get(PREFIX + "/verify", include_in_schema=False)
    async def verify_start(request: Request) -> Response:
        officer = officer_of(request)
        if officer is None:
            return to_login()
        return render("verify_start.html", request, officer, presets=counter.presets)

    @app.post(PREFIX + "/verify", include_in_schema=False)
    async def verify_create(request: Request) -> Response:
        officer = officer_of(request)
        if officer is None or not same_origin(request):
            return to_login()
        fields = await form(request)
        preset = counter.preset(fields.get("preset", ""))
        if preset is None:
            error = Sentence("โปรดเลือกสิ่งที่ต้องการตรวจสอบ", "Choose what to ask for")
            return render("verify_start.html", request, officer, 400, presets=counter.presets, error=error)
        try:
            tid, link = await run_in_threadpool(counter.requests.start, preset)
        except ThaiVCError as err:
            audit(officer, "verify.start", preset.id, "failed", err.code)
            if err.code in STORE_OUTAGE_CODES:  # the service's outage: 503 with Retry-After, as everywhere
                raise
            error = Sentence("สร้างคำขอไม่ได้", "The request could not be made")
            return render("verify_start.html", request, officer, 500, presets=counter.presets, error=error,
                          code=err.code)
        ref = secrets.token_urlsafe(32)
        ttl = counter.requests.request_ttl
        expires = counter.clock.now() + ttl
        counter.store.put(_NS_VERIFY, ref, {"tid": tid, "officer": officer.id, "preset": preset.id,
                                             "expires": expires}, ttl=ttl + counter.requests.result_ttl)
        audit(officer, "verify.start", _hash(tid), "done", preset.id)
        return render("verify_wait.html", request, officer, preset=preset, ref=ref, link=link,
                      qr=_qr(link), seconds=int(ttl))

    def verify_record(request: Request, ref: str) -> tuple[Officer, dict[str, Any]] | None:
        officer = officer_of(request)
        if officer is None or len(ref) != _REF_LEN:
            return None
        record = counter.store.get(_NS_VERIFY, ref)
        if record is None or record.value.get("officer") != officer.id:
            return None
        return officer, record.value

    @app.get(PREFIX + "/verify/{ref}/state", include_in_schema=False)
    async def verify_state(request: Request, ref: str) -> Response:
        found = verify_record(request, ref)
        if found is None:
            return JSONResponse({"state": "gone"}, status_code=404, headers=_HEADERS)
        _officer, record = found
        result = await run_in_threadpool(counter.requests.result, record["tid"])
        remaining = max(0, int(record["expires"] - counter.clock.now()))
        state = "done" if result is not None else ("expired" if remaining <= 0 else "pending")
        return JSONResponse({"state": state, "remaining": remaining}, headers=_HEADERS)

    @app.get(PREFIX + "/verify/{ref}/result", include_in_schema=False)
    async def verify_result(request: Request, ref: str) -> Response:
        found = verify_record(request, ref)
        if found is None:
            return HTMLResponse("", status_code=404, headers=_HEADERS)
        officer, record = found
        preset = counter.preset(record["preset"])
        result = await run_in_threadpool(counter.requests.result, record["tid"])
        if result is None or preset is None:
            if counter.clock.now() < record["expires"]:
                return HTMLResponse("", status_code=409, headers=_HEADERS)
            if not record.get("audited"):
                counter.store.delete(_NS_VERIFY, ref)
                counter.store.put(_NS_VERIFY, ref, {**record, "audited": True}, ttl=counter.requests.result_ttl)
                audit(officer, "verify.timeout", _hash(record["tid"]), "timeout", record["preset"])
            return render("_verdict.html", request, officer, view=timeout_view(), preset=preset)
        view = build_view(result, preset, counter.trust)
        if not record.get("audited"):  # once per request, however often the page is redrawn
            counter.store.delete(_NS_VERIFY, ref)
            counter.store.put(_NS_VERIFY, ref, {**record, "audited": True}, ttl=counter.requests.result_ttl)
            audit(officer, "verify.result", _hash(record["tid"]), view.verdict,
                  ",".join(p.code for p in result.problems)[:200] or preset.id)
        return render("_verdict.html", request, officer, view=view, preset=preset)

    @app.post(PREFIX + "/verify/{ref}/end", include_in_schema=False)
    async def verify_end(request: Request, ref: str) -> Response:
        """Start over: the page's record is deleted, so the result cannot be shown again."""
        found = verify_record(request, ref) if same_origin(request) else None
        if found is not None:
            counter.store.delete(_NS_VERIFY, ref)
            audit(found[0], "verify.start_over", _hash(found[1]["tid"]), "done")
        return RedirectResponse(PREFIX + "/verify", status_code=303, headers=_HEADERS)

    # -- the issuer counter ---------------------------------------------------------------------
    @app.get(PREFIX + "/issue", include_in_schema=False)
    async def issue_start(request: Request) -> Response:
        officer = officer_of(request)
        if officer is None:
            return to_login()
        if counter.issuance is None:
            return render("home.html", request, officer, 404)
        return render("issue_start.html", request, officer, cards=counter.demo_cards, values={})

    @app.post(PREFIX + "/issue", include_in_schema=False)
    async def issue_create(request: Request) -> Response:
        officer = officer_of(request)
        issuance = counter.issuance
        if officer is None or not same_origin(request):
            return to_login()
        if issuance is None:
            return render("home.html", request, officer, 404)
        fields = await form(request)
        names = ("citizen_id", "title_th", "given_th", "family_th", "birth_date_be", "laser_code", "face_ref")
        values = {n: fields.get(n, "").strip()[:200] for n in names}
        card = CardInput(**values, liveness=fields.get("liveness") == "on")
        outcome = await run_in_threadpool(officer_checks, card, dopa=issuance.dopa, face=issuance.face,
                                          clock=counter.clock, min_ial=issuance.min_ial)
        target = "citizen:" + _hash(card.citizen_id)
        if not outcome.ok or outcome.subject is None:
            audit(officer, "issue.checks", target, "refused", ",".join(c for _, _, c in outcome.steps if c))
            return render("issue_start.html", request, officer, 422, cards=counter.demo_cards, values=values,
                          steps=outcome.steps)
        audit(officer, "issue.checks", target, "passed", f"IAL {outcome.ial}")
        offer = await run_in_threadpool(issuance.service.create_offer, [issuance.configuration_id],
                                        outcome.subject)
        issuance.tracker.open(offer.offer_id)
        ref = secrets.token_urlsafe(32)
        ttl = issuance.service.config.pre_authorized_code_ttl
        counter.store.put(_NS_ISSUE, ref, {"offer": offer.offer_id, "officer": officer.id,
                                            "expires": counter.clock.now() + ttl}, ttl=ttl + 600)
        audit(officer, "issue.offer", target, "done", _hash(offer.offer_id))
        return render("issue_offer.html", request, officer, ref=ref, link=offer.deep_link,
                      qr=_qr(offer.deep_link), tx_code=offer.tx_code, steps=outcome.steps, ial=outcome.ial,
                      seconds=ttl)

    @app.get(PREFIX + "/issue/{ref}/state", include_in_schema=False)
    async def issue_state(request: Request, ref: str) -> Response:
        officer = officer_of(request)
        issuance = counter.issuance
        record = counter.store.get(_NS_ISSUE, ref) if officer and issuance and len(ref) == _REF_LEN else None
        if record is None or officer is None or issuance is None or record.value["officer"] != officer.id:
            return JSONResponse({"state": "gone"}, status_code=404, headers=_HEADERS)
        state = issuance.tracker.state(record.value["offer"]) or {"state": "failed"}
        remaining = max(0, int(record.value["expires"] - counter.clock.now()))
        if state["state"] in ("waiting", "code_wrong") and remaining <= 0:
            state = {"state": "expired"}
        if state["state"] in ("issued", "failed", "expired") and not record.value.get("final"):
            counter.store.delete(_NS_ISSUE, ref)
            counter.store.put(_NS_ISSUE, ref, {**record.value, "final": state["state"]}, ttl=600)
            audit(officer, "issue.outcome", _hash(record.value["offer"]), state["state"])
        return JSONResponse({**state, "remaining": remaining}, headers=_HEADERS)
