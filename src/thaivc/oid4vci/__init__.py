"""OpenID for Verifiable Credential Issuance 1.0, issuer side, as framework-free endpoints.

Build an :class:`IssuerConfig`, give :class:`CredentialIssuerService` a :class:`thaivc.Issuer`, an
issuance callback and a :class:`~thaivc.oid4vc.StateStore`, and route every request of the issuer's
URL space to :meth:`CredentialIssuerService.handle` (``docs/oid4vc.md``). Steps of its own around
signing go in a ``sign`` hook that calls :meth:`CredentialIssuerService.default_sign`; a dependency
that did not answer is :class:`IssuanceUnavailable`.
"""

from thaivc.oid4vci.callback import (
    CredentialData,
    IssuanceCallback,
    IssuanceDenied,
    IssuanceRequest,
    IssuanceUnavailable,
    Pending,
    SignBatch,
    SignCredential,
)
from thaivc.oid4vci.metadata import CredentialConfiguration, Display, IssuerConfig
from thaivc.oid4vci.offer import OFFER_SCHEME, PRE_AUTHORIZED_GRANT, CredentialOffer
from thaivc.oid4vci.service import PROOF_TYP, CredentialIssuerService

__all__ = [
    "OFFER_SCHEME",
    "PRE_AUTHORIZED_GRANT",
    "PROOF_TYP",
    "CredentialConfiguration",
    "CredentialData",
    "CredentialIssuerService",
    "CredentialOffer",
    "Display",
    "IssuanceCallback",
    "IssuanceDenied",
    "IssuanceRequest",
    "IssuanceUnavailable",
    "IssuerConfig",
    "Pending",
    "SignBatch",
    "SignCredential",
]
