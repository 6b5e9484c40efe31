"""Putting the counter pages into ``thaivc serve`` from the ``[pages]`` section.

In demo mode the pages run on the demo world (its own endpoints under ``/demo/…``). Otherwise they
use what the service already mounted: the OpenID4VP verifier of ``[oid4vp]`` (each page preset is a
named service preset, so the nonce is registered exactly as for the agency's back end) and the
OpenID4VCI issuer of ``[oid4vci]`` (``issue_configuration`` is what the issuer page offers), with the
service's state store, audit log and DOPA adapter.
"""

from __future__ import annotations

import time
from typing import Any

import httpx
from fastapi import FastAPI

from thaivc.core.jsonutil import loads_strict
from thaivc.oid4vp import PresentationResult
from thaivc.registries.dopa import DopaFaceVerifier
from thaivc.server.auth import Client
from thaivc.server.config import ServerConfig
from thaivc.server.db import AuditEntry
from thaivc.server.guard import REQUEST_ID
from thaivc.server.pages.counter import AuditSink, Counter, CounterIssuance
from thaivc.server.pages.demo import demo_counter, mount_demo_protocols
from thaivc.server.pages.issuing import OfferTracker
from thaivc.server.pages.officers import OidcLogin, SessionSigner
from thaivc.server.pages.presets import Preset
from thaivc.server.pages.routes import PREFIX, mount_pages
from thaivc.server.service import Service

__all__ = ["ServiceRequests", "mount_counter", "offer_tracker"]

_PAGE_CLIENT = Client("counter-pages", frozenset({"verify"}), "none")


class ServiceRequests:
    """The verifier page's requests through the service's own OpenID4VP verifier (by preset name)."""

    def __init__(self, vp: Any) -> None:
        self.vp = vp
        self.request_ttl = float(vp.protocol.request_ttl)
        self.result_ttl = float(vp.protocol.result_ttl)

    def start(self, preset: Preset) -> tuple[str, str]:
        made = self.vp.create({"preset": preset.id}, _PAGE_CLIENT)
        return str(made["transactionId"]), str(made["link"])

    def result(self, transaction_id: str) -> PresentationResult | None:
        found: PresentationResult | None = self.vp.verifier.result(transaction_id)
        return found


def _audit_sink(service: Service) -> AuditSink:
    def audit(actor: str, action: str, target: str, outcome: str, detail: str) -> None:
        service.db.audit(AuditEntry(int(time.time()), actor, action, target, outcome, detail, REQUEST_ID.get()))

    return audit


def offer_tracker(config: ServerConfig, service: Service) -> OfferTracker | None:
    """The tracker the issuer page follows offers with (made before the issuer, which reports to it)."""
    pages = config.pages
    if pages is None or not pages.enabled or pages.demo or pages.issue_configuration is None:
        return None
    return OfferTracker(service.db.state_store())


def _sessions(config: ServerConfig) -> SessionSigner:
    pages = config.pages
    assert pages is not None
    if pages.session_secret_file is None:
        return SessionSigner.random(ttl=pages.session_ttl)
    return SessionSigner(config.path(pages.session_secret_file).read_bytes().strip(), ttl=pages.session_ttl)


def mount_counter(app: FastAPI, config: ServerConfig, service: Service, tracker: OfferTracker | None) -> None:
    """Mount the counter pages configured in ``[pages]`` (nothing without the section)."""
    pages = config.pages
    if pages is None or not pages.enabled:
        return
    audit = _audit_sink(service)
    if pages.demo:
        demo = demo_counter(config.public_url, audit, sessions=_sessions(config))
        mount_demo_protocols(app, demo)
        mount_pages(app, demo.counter, public_url=config.public_url)
        return
    vp = getattr(app.state, "oid4vp", None)
    issuer = getattr(app.state, "oid4vci", None)
    presets = [Preset(name, label.label_th, label.label_en, dcql=vp.presets[name])
               for name, label in pages.presets.items()] if vp is not None else []
    issuance = None
    if issuer is not None and tracker is not None and pages.issue_configuration is not None:
        dopa = issuer.context.dopa
        face = dopa if isinstance(dopa, DopaFaceVerifier) else None
        if dopa is not None:
            # the library's issuer (the page makes offers with create_offer); the service's wraps it
            issuance = CounterIssuance(issuer.vci, pages.issue_configuration, dopa, face, tracker)
    sessions = _sessions(config)
    counter = Counter(
        requests=ServiceRequests(vp) if vp is not None else _NoRequests(),
        presets=presets, store=service.db.state_store(), sessions=sessions, audit=audit,
        issuance=issuance, secure_cookies=config.public_url.startswith("https://"),
        oidc=_oidc(config, sessions),
    )
    mount_pages(app, counter, public_url=config.public_url)


def _oidc(config: ServerConfig, sessions: SessionSigner) -> OidcLogin | None:
    oidc = config.pages.oidc if config.pages is not None else None
    if oidc is None:
        return None
    jwks: Any = oidc.jwks
    if jwks is None:
        assert oidc.jwks_file is not None
        jwks = loads_strict(config.path(oidc.jwks_file).read_bytes(), max_bytes=1 << 20)
    return OidcLogin(issuer=oidc.issuer, client_id=oidc.client_id, client_secret=oidc.client_secret,
                     authorization_endpoint=oidc.authorization_endpoint, token_endpoint=oidc.token_endpoint,
                     jwks=jwks, redirect_uri=config.public_url + PREFIX + "/login/callback", sessions=sessions,
                     http=httpx.Client(timeout=5.0, follow_redirects=False), scope=oidc.scope,
                     algorithms=tuple(oidc.algorithms))


class _NoRequests:
    """No ``[oid4vp]``: the verifier page has no presets to offer, and says so."""

    request_ttl = 60.0
    result_ttl = 60.0

    def start(self, preset: Preset) -> tuple[str, str]:
        from thaivc.core.errors import ThaiVCError

        raise ThaiVCError("config.invalid", "no [oid4vp] section: the verifier page cannot make requests")

    def result(self, transaction_id: str) -> PresentationResult | None:
        return None
