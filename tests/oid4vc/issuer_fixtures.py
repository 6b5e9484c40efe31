"""A DOPA-like issuer and a test wallet wired together through ``httpx.MockTransport``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from thaivc import Issuer, generate_key
from thaivc.core.clock import FixedClock
from thaivc.oid4vc import StateStore, mock_transport
from thaivc.oid4vci import (
    CredentialConfiguration,
    CredentialData,
    CredentialIssuerService,
    Display,
    IssuanceRequest,
    IssuerConfig,
    Pending,
)
from thaivc.wallet import IssuanceWallet

ISSUER_URL = "https://issuer.dopa.example.go.th/vci"
HOST = "issuer.dopa.example.go.th"
VCT = "https://credentials.example.go.th/vct/citizen"

CONFIGURATIONS = {
    "citizen_sd_jwt": CredentialConfiguration(
        format="dc+sd-jwt",
        vct=VCT,
        display=[Display("บัตรประชาชนดิจิทัล", "th"), Display("Digital citizen card", "en")],
    ),
    "citizen_jwt": CredentialConfiguration(
        format="jwt_vc_json",
        types=["VerifiableCredential", "ThaiCitizenCard"],
        display=[Display("บัตรประชาชน (JWT)", "th"), Display("Citizen card (JWT)", "en")],
    ),
}


@dataclass
class Agency:
    """The agency's side: what its callback was asked, and whether it says "not yet"."""

    pending: bool = False
    asked: list[IssuanceRequest] = field(default_factory=list)
    notifications: list[tuple[str, Any]] = field(default_factory=list)

    def callback(self, request: IssuanceRequest) -> CredentialData | Pending:
        self.asked.append(request)
        if self.pending:
            return Pending(interval=3)
        subject = request.subject
        return CredentialData(
            credential={
                "@context": ["https://www.w3.org/ns/credentials/v2"],
                "type": ["VerifiableCredential", "ThaiCitizenCard"],
                "credentialSubject": {"name": subject["name"], "ial": "2.3"},
            },
            disclosable=["/credentialSubject/name"] if request.configuration.format == "dc+sd-jwt" else [],
        )


@dataclass
class Setup:
    service: CredentialIssuerService
    agency: Agency
    http: httpx.Client
    clock: FixedClock
    issuer_key: Any

    def wallet(self, **options: Any) -> IssuanceWallet:
        return IssuanceWallet(self.http, clock=self.clock, **options)


def make_setup(
    store: StateStore, clock: FixedClock, *, require_dpop: bool = True, attesters: Any = None, **config: Any
) -> Setup:
    key = generate_key("P-256")
    agency = Agency()
    service = CredentialIssuerService(
        IssuerConfig(ISSUER_URL, CONFIGURATIONS, require_dpop=require_dpop, **config),
        issuer=Issuer(key, clock=clock),
        callback=agency.callback,
        store=store,
        clock=clock,
        on_notification=lambda event, record: agency.notifications.append((event, record)),
        attesters=attesters,
    )
    http = httpx.Client(transport=mock_transport({HOST: service.handle}))
    return Setup(service, agency, http, clock, key)


Factory = Callable[..., Setup]
