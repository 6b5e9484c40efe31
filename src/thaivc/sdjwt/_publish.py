"""What an https issuer publishes: JWT VC Issuer Metadata and SD-JWT VC Type Metadata documents.

An issuer whose identifier is an https URL (not a DID) has no DID document to carry its keys; a
verifier finds them at ``/.well-known/jwt-vc-issuer`` under the issuer's host (SD-JWT VC §4). These
functions build the documents thaivc's own verifier (:class:`thaivc.trust.IssuerMetadataResolver`)
and other SD-JWT VC verifiers read, and check each against the same rules the verifier applies
before returning it, so an issuer never publishes what a verifier refuses. Serving them is the
agency's web server's job.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from thaivc.core.errors import UsageError
from thaivc.keys import PublicKey

from ._vct import issuer_metadata_url, require_issuer_metadata

__all__ = ["https_key_id", "issuer_metadata_document", "type_metadata_document", "vct_url"]

#: Path segment under the issuer where thaivc names its credential types (``vct``).
VCT_SEGMENT: Final = "vct"


def https_key_id(key: PublicKey) -> str:
    """The ``kid`` an https issuer's key has in its metadata and tokens: its RFC 7638 thumbprint."""
    return key.thumbprint()


def issuer_metadata_document(issuer_id: str, keys: Sequence[PublicKey]) -> dict[str, Any]:
    """The JWT VC Issuer Metadata of ``issuer_id``: ``{"issuer", "jwks": {"keys": [...]}}``.

    Each key is published as its public JWK with ``kid`` (its thumbprint, as thaivc's issuer
    writes in the token header), ``use: sig`` and ``alg``. Serve it at
    :func:`~thaivc.sdjwt.issuer_metadata_url` of ``issuer_id`` as ``application/json``.
    """
    issuer_metadata_url(issuer_id)  # an https URL without query or fragment, or a usage error
    if not keys or isinstance(keys, PublicKey):
        raise UsageError("usage.invalid_argument", "keys is a non-empty sequence of public keys")
    members = []
    for key in keys:
        if not isinstance(key, PublicKey):
            raise UsageError("usage.invalid_argument", "keys are thaivc.keys.PublicKey objects")
        members.append({**key.jwk, "kid": https_key_id(key), "use": "sig", "alg": key.alg})
    document: dict[str, Any] = {"issuer": issuer_id, "jwks": {"keys": members}}
    require_issuer_metadata(document, issuer_id)
    return document


def vct_url(issuer_id: str, type_name: str) -> str:
    """``<issuer_id>/vct/<type_name>``: a credential type named by a URL the issuer controls."""
    issuer_metadata_url(issuer_id)
    if not type_name or not type_name.isascii() or not type_name.replace("_", "").replace("-", "").isalnum():
        raise UsageError("usage.invalid_argument", "a type name is ASCII letters, digits, '-' and '_'")
    return f"{issuer_id.rstrip('/')}/{VCT_SEGMENT}/{type_name}"


def type_metadata_document(
    vct: str, *, display: Mapping[str, tuple[str, str]], extends: str | None = None
) -> dict[str, Any]:
    """SD-JWT VC Type Metadata for ``vct``: ``display`` maps a locale (``th``, ``en``) to (name, description).

    ``name``/``description`` at the top level are the English ones (the draft's default), else the
    first given; every locale appears under ``display``.
    """
    if not display:
        raise UsageError("usage.invalid_argument", "display names at least one locale")
    default = display.get("en") or next(iter(display.values()))
    document: dict[str, Any] = {
        "vct": vct,
        "name": default[0],
        "description": default[1],
        "display": [
            {"locale": locale, "name": name, "description": description}
            for locale, (name, description) in display.items()
        ],
    }
    if extends is not None:
        document["extends"] = extends
    return document
