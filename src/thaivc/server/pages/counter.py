"""What the counter pages are given: the protocol objects, the presets, the sessions and the audit log.

The pages decide nothing about credentials: a :class:`~thaivc.oid4vp.PresentationVerifier` (a
:class:`~thaivc.oid4vp.JuristicActVerifier` when a preset asks for a company act) judges every answer
and a :class:`~thaivc.oid4vci.CredentialIssuerService` issues; the pages create requests and offers,
show them, follow them and put the outcome into words.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from thaivc.core.clock import Clock, SystemClock
from thaivc.oid4vc import StateStore
from thaivc.oid4vci import CredentialIssuerService
from thaivc.oid4vp import PresentationVerifier
from thaivc.registries.dopa import DopaCardChecker, DopaFaceVerifier
from thaivc.server.pages.issuing import OfferTracker
from thaivc.server.pages.officers import SessionSigner
from thaivc.server.pages.presets import Preset
from thaivc.trust import TrustSource

__all__ = ["AuditSink", "Counter", "CounterIssuance"]

#: ``(actor, action, target, outcome, detail)`` → one audit row (never a citizen's data in clear).
AuditSink = Callable[[str, str, str, str, str], None]


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
    verifier: PresentationVerifier
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

    def preset(self, preset_id: str) -> Preset | None:
        return next((p for p in self.presets if p.id == preset_id), None)
