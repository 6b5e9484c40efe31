"""The trust seam: a verifier asks a :class:`TrustSource` whether an issuer may issue a credential.

A signature only proves *who* signed; whether that signer is an authority for a citizen or company
credential is a policy question answered here (never because a signature verifies: docs/verification.md).
Issuer identifiers are compared as exact ASCII strings: a punycode homoglyph of a trusted DID is a
different string and is simply absent from the list (docs/security.md group I).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, Final, Protocol, runtime_checkable

from thaivc.core.errors import InputError, ThaiVCError
from thaivc.model.timestamps import parse_datetime_stamp

__all__ = ["BASE_TYPE", "TrustDecision", "TrustSource", "credential_types", "parse_instant"]

#: The type every credential has; it says nothing about what the issuer vouches for.
BASE_TYPE: Final = "VerifiableCredential"


@dataclasses.dataclass(frozen=True, slots=True)
class TrustDecision:
    """Why an issuer was trusted: which list entry admitted it, for which credential types."""

    issuer_id: str
    credential_types: tuple[str, ...]
    source: str
    name_th: str | None = None
    name_en: str | None = None


@runtime_checkable
class TrustSource(Protocol):
    """Return a decision for a trusted issuer, or raise ``trust.untrusted_issuer``.

    Raise :class:`~thaivc.core.errors.Indeterminate` (e.g. ``trust.list_stale``) when the answer cannot
    be known; the verifier reports the trust check as indeterminate, never as passed.
    """

    def check(self, issuer_id: str, credential: Mapping[str, Any]) -> TrustDecision: ...


def credential_types(credential: Mapping[str, Any]) -> tuple[str, ...]:
    """The specific types a credential claims (``type`` minus the base type, plus an SD-JWT ``vct``).

    An issuer must be trusted for *every* one of them: otherwise a registry trusted for one type
    could mint another by listing both.
    """
    declared = credential.get("type", ())
    if isinstance(declared, str):
        declared = [declared]
    if not isinstance(declared, list | tuple) or not all(isinstance(t, str) for t in declared):
        raise ThaiVCError("trust.untrusted_issuer", "the credential's type is not a list of strings")
    types = [t for t in declared if t != BASE_TYPE]
    vct = credential.get("vct")
    if isinstance(vct, str):
        types.append(vct)
    return tuple(dict.fromkeys(types)) or (BASE_TYPE,)


def parse_instant(value: object, field: str, code: str) -> float:
    """An XSD dateTimeStamp member of a trust document as a POSIX time, or ``code``."""
    try:
        parsed, _ = parse_datetime_stamp(value, field=field)
    except InputError as err:
        raise ThaiVCError(code, f"{field}: {err.detail}") from None
    return parsed.timestamp()
