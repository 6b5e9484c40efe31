"""The seam between the protocol and the agency: the issuance callback.

The protocol layer knows *that* a wallet holding certain keys redeemed a certain offer; only the
agency knows *who* that is and what to put in the credential (a DOPA or DBD lookup, a ThaiD
login). So the issuer service asks a callback, and the registry lookups stay in the agency's code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from thaivc.keys import PublicKey
from thaivc.oid4vci.metadata import CredentialConfiguration

__all__ = ["CredentialData", "IssuanceCallback", "IssuanceDenied", "IssuanceRequest", "Pending"]


@dataclass(frozen=True, slots=True)
class IssuanceRequest:
    """What the callback is asked: which credential, for which offer's subject, bound to which keys.

    ``subject`` is exactly what the agency attached to the offer (or to the authorization, after a
    login); it never comes from the wallet. ``holder_keys`` are the keys the wallet proved it holds:
    one credential is issued per key, each bound to it.
    """

    configuration_id: str
    configuration: CredentialConfiguration
    subject: Mapping[str, Any]
    holder_keys: tuple[PublicKey, ...]
    deferred: bool = False


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


IssuanceCallback = Callable[[IssuanceRequest], CredentialData | Pending]
