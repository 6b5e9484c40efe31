"""What the counter pages are given: the protocol objects, the presets, the sessions and the audit log.

The pages decide nothing about credentials: a :class:`~thaivc.oid4vp.PresentationVerifier` (a
:class:`~thaivc.oid4vp.JuristicActVerifier` when a preset asks for a company act) judges every answer
and a :class:`~thaivc.oid4vci.CredentialIssuerService` issues; the pages create requests and offers,
show them, follow them and put the outcome into words.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from thaivc.core.clock import Clock, SystemClock
from thaivc.core.errors import ThaiVCError
from thaivc.oid4vc import StateStore
from thaivc.oid4vci import CredentialIssuerService
from thaivc.oid4vp import JuristicActVerifier, PresentationResult, PresentationVerifier
from thaivc.registries.dopa import DopaCardChecker, DopaFaceVerifier
from thaivc.server.pages.issuing import OfferTracker
from thaivc.server.pages.officers import OidcLogin, SessionSigner
from thaivc.server.pages.presets import Preset
from thaivc.trust import TrustSource

__all__ = ["AuditSink", "Counter", "CounterIssuance", "LibraryRequests", "Requests"]

#: ``(actor, action, target, outcome, detail)`` → one audit row (never a citizen's data in clear).
AuditSink = Callable[[str, str, str, str, str], None]


class Requests(Protocol):
    """How the verifier page starts a request and reads its result (the verifier decides, not the page)."""

    request_ttl: float
    result_ttl: float

    def start(self, preset: Preset) -> tuple[str, str]:
        """``(transaction id, link)`` of a new request for ``preset``."""
        ...

    def result(self, transaction_id: str) -> PresentationResult | None: ...


class LibraryRequests:
    """Requests made directly on a library verifier (a juristic one for act presets)."""

    def __init__(self, verifier: PresentationVerifier) -> None:
        self.verifier = verifier
        self.request_ttl = verifier.config.request_ttl
        self.result_ttl = verifier.config.result_ttl

    def start(self, preset: Preset) -> tuple[str, str]:
        if preset.kind == "act":
            if not isinstance(self.verifier, JuristicActVerifier):
                raise ThaiVCError("config.invalid", "an act preset needs a juristic act verifier")
            assert preset.act is not None and preset.on_behalf_of is not None
            tx = self.verifier.create_act(preset.act, preset.on_behalf_of, value_thb=preset.value_thb)
        else:
            tx = self.verifier.create(preset.query())
        return tx.id, tx.link

    def result(self, transaction_id: str) -> PresentationResult | None:
        return self.verifier.result(transaction_id)


@dataclass
class CounterIssuance:
    """The issuer counter: the issuer service, the configuration it offers, and the DOPA adapter."""

    service: CredentialIssuerService
    configuration_id: str
    dopa: DopaCardChecker
    face: DopaFaceVerifier | None
    tracker: OfferTracker
    min_ial: str | None = None


@dataclass
class Counter:
    requests: Requests
    presets: Sequence[Preset]
    store: StateStore
    sessions: SessionSigner
    audit: AuditSink
    clock: Clock = field(default_factory=SystemClock)
    trust: TrustSource | None = None
    issuance: CounterIssuance | None = None
    demo: bool = False
    #: demo mode: fixture citizens the issuer form can be filled from (test data, bannered)
    demo_cards: Sequence[Mapping[str, Any]] = ()
    secure_cookies: bool = True
    #: officer login at the agency's OpenID Connect provider (``None``: demo account only, in demo mode)
    oidc: OidcLogin | None = None

    def preset(self, preset_id: str) -> Preset | None:
        return next((p for p in self.presets if p.id == preset_id), None)
