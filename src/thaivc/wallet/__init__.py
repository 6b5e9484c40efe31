"""A small, honest wallet for tests, demos and agencies' integration suites.

It never shortcuts a protocol: it speaks exactly the messages another wallet would, over any
``httpx.Client``. The issuance half (OpenID4VCI) is :class:`IssuanceWallet`; credentials it receives
go into a :class:`CredentialStore`, from which the presentation half (OpenID4VP) draws.
"""

from thaivc.wallet.issuance import DeferredIssuance, IssuanceWallet, TokenGrant, WalletAttestation
from thaivc.wallet.store import CredentialStore, StoredCredential

__all__ = [
    "CredentialStore",
    "DeferredIssuance",
    "IssuanceWallet",
    "StoredCredential",
    "TokenGrant",
    "WalletAttestation",
]
