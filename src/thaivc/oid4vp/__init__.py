"""OpenID for Verifiable Presentations 1.0 — the verifier side, framework-free.

``dcql`` builds and parses queries, ``evaluate`` judges a verified response against one.
"""

from thaivc.oid4vp.dcql import ClaimQuery, CredentialQuery, CredentialSetQuery, DcqlQuery, claim, credential
from thaivc.oid4vp.evaluate import DcqlResult, Presented, QueryReport, evaluate

__all__ = [
    "ClaimQuery",
    "CredentialQuery",
    "CredentialSetQuery",
    "DcqlQuery",
    "DcqlResult",
    "Presented",
    "QueryReport",
    "claim",
    "credential",
    "evaluate",
]
