"""The seams between the protocol and the agency: the issuance callback and the signing hook.

The protocol layer knows *that* a wallet holding certain keys redeemed a certain offer; only the
agency knows *who* that is and what to put in the credential (a DOPA or DBD lookup, a ThaiD
login). So the issuer service asks a callback, and the registry lookups stay in the agency's code.
What the agency adds around signing (status entries, a register, an audit) goes in a signing hook
that calls :meth:`CredentialIssuerService.default_sign <thaivc.oid4vci.CredentialIssuerService.default_sign>`;
a dependency that does not answer is :class:`IssuanceUnavailable` from either. These are public so
that nobody needs to subclass the service and replace its internals to add a step.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from thaivc.keys import PublicKey
from thaivc.oid4vci.metadata import CredentialConfiguration

__all__ = [
    "CredentialData",
    "IssuanceCallback",
    "IssuanceDenied",
    "IssuanceRequest",
    "IssuanceUnavailable",
    "Pending",
    "SignBatch",
    "SignCredential",
]

#: the longest ``Retry-After`` a hook may ask for: a day; longer is a configuration mistake
MAX_RETRY_AFTER: Final = 86_400


@dataclass(frozen=True, slots=True)
class IssuanceRequest:
    """What the callback is asked: which credential, for which offer's subject, bound to which keys.

    ``subject`` is exactly what the agency attached to the offer (or to the authorization, after a
    login); it never comes from the wallet. ``holder_keys`` are the keys the wallet proved it holds:
    one credential is issued per key, each bound to it. ``offer_id`` is the id
    :meth:`~thaivc.oid4vci.CredentialIssuerService.create_offer` returned (for an authorization
    without an offer, one made up for it), so the agency can tie the request to its own records; it
    fetches an offer by reference, so log a hash of it, not the id itself.
    """

    configuration_id: str
    configuration: CredentialConfiguration
    subject: Mapping[str, Any]
    holder_keys: tuple[PublicKey, ...]
    deferred: bool = False
    offer_id: str | None = None


@dataclass(frozen=True, slots=True)
class CredentialData:
    """The callback's answer: the unsigned VCDM 2.0 credential, what may be withheld, and its status.

    ``status`` is what :meth:`thaivc.Issuer.issue` takes (a :class:`~thaivc.status.StatusRegistry`,
    ``(registry, purposes)`` or a ready ``status`` claim); each issued copy gets its own index.
    """

    credential: Mapping[str, Any]
    disclosable: Sequence[str] = ()
    status: Any = None


@dataclass(frozen=True, slots=True)
class Pending:
    """ "Not yet" (a manual check, a registry that answers later): the wallet is told to come back."""

    interval: int | None = None


class IssuanceDenied(Exception):
    """Raised by the callback to refuse (the wallet is told ``credential_request_denied``)."""


class IssuanceUnavailable(Exception):
    """Raised by the callback or the signing hook when a dependency (a registry, the status store,
    the agency's database) did not answer: nothing was issued and the wallet may try again.

    The service answers ``503 temporarily_unavailable`` with ``thaivc_code`` (``code`` when it is a
    catalogued problem code, else ``service.unavailable``) and ``Retry-After``, tells the offer's
    ``on_event`` ``credential_unavailable``, and frees the proven keys so the retry (a fresh
    ``c_nonce``, the same access token and keys) is served. It is not :class:`IssuanceDenied`: a
    refusal is final, an outage is not.
    """

    def __init__(self, code: str, detail: str = "", *, retry_after: int = 5) -> None:
        if isinstance(retry_after, bool) or not isinstance(retry_after, int) or not 1 <= retry_after <= MAX_RETRY_AFTER:
            raise ValueError(f"retry_after is whole seconds from 1 to {MAX_RETRY_AFTER}")
        super().__init__(code)
        self.code = code
        self.detail = detail
        self.retry_after = retry_after


IssuanceCallback = Callable[[IssuanceRequest], CredentialData | Pending]

SignCredential = Callable[[IssuanceRequest, CredentialData, PublicKey], Any]
"""The signing hook: ``(request, data, holder_key) -> credential``, called once per proven key.

The default is :meth:`CredentialIssuerService.default_sign
<thaivc.oid4vci.CredentialIssuerService.default_sign>`; a hook does its own step (allocate status,
register, audit) and calls it. A :class:`~thaivc.core.errors.ThaiVCError` it raises is a refusal
(``credential_request_denied``); :class:`IssuanceUnavailable` is an outage (``503``).
"""

SignBatch = Callable[[IssuanceRequest, CredentialData], Sequence[Any]]
"""The batch signing hook: ``(request, data) -> credentials``, one per ``request.holder_keys``, in order.

Called once per credential request, it answers for the whole request: every credential is returned,
or none is (it raises). A service that keeps a register signs them all first and registers them
together, so a failure on the second key never leaves the first registered but undelivered. The
default calls the ``sign`` hook once per key (:meth:`CredentialIssuerService.default_sign_batch
<thaivc.oid4vci.CredentialIssuerService.default_sign_batch>`). It raises what ``sign`` raises.
"""
