"""Which issuers a verifier trusts: static lists, the ETDA national list, issuer metadata keys."""

from thaivc.trust._base import BASE_TYPE, TrustDecision, TrustSource, credential_types
from thaivc.trust.etda import ETDA_CONTEXT, EtdaTrustedList, TrustedList, TrustedService
from thaivc.trust.issuer_metadata import IssuerMetadata, IssuerMetadataResolver, metadata_url
from thaivc.trust.static import IssuerEntry, StaticTrustList
from thaivc.trust.x509 import X509Trust

__all__ = [
    "BASE_TYPE",
    "ETDA_CONTEXT",
    "EtdaTrustedList",
    "IssuerEntry",
    "IssuerMetadata",
    "IssuerMetadataResolver",
    "StaticTrustList",
    "TrustDecision",
    "TrustSource",
    "TrustedList",
    "TrustedService",
    "X509Trust",
    "credential_types",
    "metadata_url",
]
