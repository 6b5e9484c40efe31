"""Issuer side, end to end: status entries at issuance, and signed lists for publishing.

An issuer signs its status lists with the key it issues with, so a verifier can hold the list to
the same issuer (docs/security.md group H): the W3C ``BitstringStatusListCredential`` is issued like any
credential (``vc+jwt`` by default, Data Integrity on request), the IETF list as a compact JWS with
``typ: statuslist+jwt``.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final, Literal, Protocol, TypedDict, Unpack, get_args

from thaivc.core.errors import UsageError
from thaivc.core.options import refuse_unknown
from thaivc.jose.compact import sign_compact
from thaivc.jose.media import STATUSLIST_JWT
from thaivc.status.registry import ListSigner, StatusPurpose, StatusRegistry
from thaivc.status.store import ListFormat, Publication

if TYPE_CHECKING:
    from thaivc.keys import Signer as KeySigner

__all__ = [
    "ListIssuer",
    "PublishOptions",
    "StatusOption",
    "add_status",
    "list_credential_signer",
    "publish_lists",
    "status_list_token_signer",
]

#: What ``Issuer.issue(status=…)`` accepts: a registry (revocation only) or ``(registry, purposes)``.
StatusOption = StatusRegistry | tuple[StatusRegistry, "str | Sequence[str]"]
ListCredentialFormat = Literal["vc+jwt", "di"]

_PURPOSES: Final = frozenset(get_args(StatusPurpose))


class ListIssuer(Protocol):
    """What publishing a W3C list credential needs from an issuer; :class:`thaivc.Issuer` satisfies it.

    The status package is a format below the engine: it is handed an issuer through this protocol
    (and a :class:`thaivc.keys.Signer` for the IETF token) instead of importing ``Issuer``.
    """

    @property
    def issuer_id(self) -> str:
        """The id the registry must belong to; the lists' ``issuer``."""
        ...

    @property
    def key(self) -> KeySigner:
        """The key the issuer signs with, which also signs the IETF ``statuslist+jwt`` token."""
        ...

    def issue(self, credential: dict[str, Any], *, format: ListCredentialFormat, cryptosuite: str | None = None) -> Any:
        """Secure ``credential`` as ``vc+jwt`` (a compact JWS) or ``di`` (a document with a proof)."""
        ...


def _purposes(option: StatusOption) -> tuple[StatusRegistry, tuple[StatusPurpose, ...]]:
    if isinstance(option, StatusRegistry):
        return option, ("revocation",)
    if not isinstance(option, tuple) or len(option) != 2 or not isinstance(option[0], StatusRegistry):
        raise UsageError("usage.invalid_argument", "status= takes a StatusRegistry or (registry, purposes)")
    registry, wanted = option
    names = [p.strip() for p in wanted.split(",")] if isinstance(wanted, str) else list(wanted)
    if not names or any(p not in _PURPOSES for p in names) or len(set(names)) != len(names):
        raise UsageError("usage.invalid_argument", f"status purposes must be distinct, from {sorted(_PURPOSES)}")
    return registry, tuple(names)  # type: ignore[arg-type]


def add_status(doc: dict[str, Any], option: StatusOption, *, format: str, issuer_id: str | None) -> dict[str, Any]:
    """``doc`` with status entries allocated in the registry (a copy; ``doc`` is not changed).

    W3C formats (``vc+jwt``, ``di``) get one ``credentialStatus`` entry per purpose. An SD-JWT VC
    (``dc+sd-jwt``) gets the IETF ``status`` claim, which holds a single reference: one purpose.
    A credential without an ``id`` gets a fresh ``urn:uuid:`` one, the key its entries are filed by.
    The registry must be ``issuer_id``'s own; ``None`` is for an issuer without a key of its own
    (a company's delegation), whose lists a status service signs and verifiers are told to trust.
    """
    registry, purposes = _purposes(option)
    if issuer_id is not None and registry.issuer_id != issuer_id:
        raise UsageError(
            "usage.invalid_argument", f"the status registry is {registry.issuer_id}'s, not {issuer_id}'s"
        )
    if "credentialStatus" in doc or "status" in doc:
        raise UsageError("usage.invalid_argument", "the credential already carries a status entry")
    out = dict(doc)
    credential_id = out.get("id")
    if credential_id is None:
        credential_id = out["id"] = f"urn:uuid:{uuid.uuid4()}"
    if not isinstance(credential_id, str) or not credential_id:
        raise UsageError("usage.invalid_argument", "the credential id must be a non-empty string")
    if format == "dc+sd-jwt":
        if len(purposes) != 1:
            raise UsageError(
                "usage.invalid_argument", "an SD-JWT VC's status claim holds one list reference: give one purpose"
            )
        out["status"] = registry.entry_for(credential_id, purposes[0], format="ietf")
        return out
    entries = [registry.entry_for(credential_id, p) for p in purposes]
    out["credentialStatus"] = entries[0] if len(entries) == 1 else entries
    return out


def list_credential_signer(
    issuer: ListIssuer, format: ListCredentialFormat = "vc+jwt", *, cryptosuite: str | None = None
) -> ListSigner:
    """Signs W3C ``BitstringStatusListCredential`` documents with ``issuer`` (for ``publish``)."""
    if format not in ("vc+jwt", "di"):
        raise UsageError("usage.unsupported_format", f"a list credential is vc+jwt or di, not {format!r}")

    def sign(document: dict[str, Any]) -> str | dict[str, Any]:
        if format == "di":
            return issuer.issue(document, format="di", cryptosuite=cryptosuite)  # type: ignore[no-any-return]
        return issuer.issue(document, format="vc+jwt")  # type: ignore[no-any-return]

    return sign


def status_list_token_signer(key: KeySigner) -> ListSigner:
    """Signs IETF status list token payloads as ``typ: statuslist+jwt`` compact JWS with ``key``."""

    def sign(payload: dict[str, Any]) -> str:
        return sign_compact({"typ": STATUSLIST_JWT}, payload, key)

    return sign


class PublishOptions(TypedDict, total=False):
    """The settings of :func:`publish_lists`: the ``formats`` to publish (``"w3c"``, ``"ietf"``), the
    W3C list credential's ``list_format`` and ``cryptosuite``, ``valid_for`` and ``ttl`` in
    seconds, and the ``list_ids`` to publish (default: every list)."""

    formats: Sequence[ListFormat]
    list_format: ListCredentialFormat
    cryptosuite: str | None
    valid_for: int
    ttl: int
    list_ids: Sequence[str] | None


def publish_lists(
    registry: StatusRegistry,
    issuer: ListIssuer,
    **options: Unpack[PublishOptions],
) -> list[Publication]:
    """Sign and store the current version of every list (or ``list_ids``) in every format.

    Serve each publication's ``body`` at ``registry.list_url(list_id, format)``.
    """
    refuse_unknown(options, PublishOptions, "publish_lists")
    if registry.issuer_id != issuer.issuer_id:
        raise UsageError("usage.invalid_argument", "the registry belongs to another issuer than the signing key")
    w3c = list_credential_signer(issuer, options.get("list_format", "vc+jwt"), cryptosuite=options.get("cryptosuite"))
    ietf = status_list_token_signer(issuer.key)
    list_ids = options.get("list_ids")
    wanted = list(list_ids) if list_ids is not None else [info.list_id for info in registry.lists()]
    valid_for, ttl = options.get("valid_for", 86_400), options.get("ttl", 300)
    out = []
    for list_id in wanted:
        for fmt in options.get("formats", ("w3c", "ietf")):
            sign = w3c if fmt == "w3c" else ietf
            out.append(registry.publish(list_id, fmt, sign=sign, valid_for=valid_for, ttl=ttl))
    return out
