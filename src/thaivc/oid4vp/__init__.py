"""OpenID for Verifiable Presentations 1.0 — the verifier side, framework-free.

``dcql`` builds and parses queries and ``evaluate`` judges verified credentials against one;
``request`` makes, signs and reads Authorization Requests; ``verifier`` is the set of endpoints an
agency mounts (:class:`PresentationVerifier`); ``juristic`` asks for a juristic act and answers with
an authority decision. The wallet's half lives in :mod:`thaivc.wallet.present`.
"""

from thaivc.oid4vp.dcql import ClaimQuery, CredentialQuery, CredentialSetQuery, DcqlQuery, claim, credential
from thaivc.oid4vp.evaluate import DcqlResult, Presented, QueryReport, evaluate
from thaivc.oid4vp.juristic import JuristicActVerifier, act_query
from thaivc.oid4vp.request import AuthorizationRequest, deep_link, qr_png, qr_svg, read_request_object, sign_request
from thaivc.oid4vp.verifier import PresentationResult, PresentationVerifier, Transaction, VerifierConfig

__all__ = [
    "AuthorizationRequest",
    "ClaimQuery",
    "CredentialQuery",
    "CredentialSetQuery",
    "DcqlQuery",
    "DcqlResult",
    "JuristicActVerifier",
    "PresentationResult",
    "PresentationVerifier",
    "Presented",
    "QueryReport",
    "Transaction",
    "VerifierConfig",
    "act_query",
    "claim",
    "credential",
    "deep_link",
    "evaluate",
    "qr_png",
    "qr_svg",
    "read_request_object",
    "sign_request",
]
