"""SD-JWT VC type metadata chains and JWT VC Issuer Metadata (draft-ietf-oauth-sd-jwt-vc §4, §6).

Both are documents a verifier fetches by a name taken from the credential. Fetching is the
caller's business (through an injected lookup or HTTP client); this module only judges what was
fetched: an ``extends`` chain must end without revisiting a type, and issuer metadata must be
about exactly the ``iss`` it was fetched for, or an attacker could serve their own keys for it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final
from urllib.parse import urlsplit, urlunsplit

from typing_extensions import deprecated

from thaivc.core.errors import InputError, UsageError

from ._kb import PRIVATE_JWK_MEMBERS

__all__ = ["MAX_VCT_CHAIN", "issuer_metadata_url", "require_issuer_metadata", "require_jwks", "require_vct_chain"]

#: Longest ``extends`` chain followed; deeper is treated as hostile.
MAX_VCT_CHAIN: Final = 16
WELL_KNOWN: Final = "/.well-known/jwt-vc-issuer"

MetadataLookup = Callable[[str], dict[str, Any] | None]


def require_vct_chain(vct: str, metadata_lookup: MetadataLookup) -> list[str]:
    """Follow ``extends`` from ``vct``; return the chain (``vct`` first).

    A cycle, a chain longer than :data:`MAX_VCT_CHAIN`, a non-string ``extends`` or a type with no
    metadata → ``sdjwt.vct_invalid``. Errors raised by ``metadata_lookup`` (e.g. ``Indeterminate``
    when the network is down) pass through unchanged.
    """
    if not isinstance(vct, str) or not vct:
        raise InputError("sdjwt.vct_invalid", "vct is not a non-empty string")
    chain = [vct]
    seen = {vct}
    current = vct
    while True:
        metadata = metadata_lookup(current)
        if not isinstance(metadata, dict):
            raise InputError("sdjwt.vct_invalid", f"no type metadata for {current[:80]!r}")
        if "vct" in metadata and metadata["vct"] != current:
            raise InputError("sdjwt.vct_invalid", f"type metadata fetched for {current[:80]!r} names another vct")
        parent = metadata.get("extends")
        if parent is None:
            return chain
        if not isinstance(parent, str) or not parent:
            raise InputError("sdjwt.vct_invalid", "extends is not a non-empty string")
        if parent in seen:
            raise InputError("sdjwt.vct_invalid", f"circular extends chain through {parent[:80]!r}")
        if len(chain) >= MAX_VCT_CHAIN:
            raise InputError("sdjwt.vct_invalid", f"extends chain longer than {MAX_VCT_CHAIN}")
        chain.append(parent)
        seen.add(parent)
        current = parent


def issuer_metadata_url(iss: str) -> str:
    """Where JWT VC Issuer Metadata lives: the well-known segment goes between host and path."""
    parts = urlsplit(iss)
    if parts.scheme != "https" or not parts.netloc or parts.query or parts.fragment:
        raise UsageError("usage.invalid_argument", "iss must be an https URL without query or fragment")
    path = parts.path.rstrip("/")
    return urlunsplit(("https", parts.netloc, WELL_KNOWN + path, "", ""))


def require_issuer_metadata(
    metadata: dict[str, Any], iss: str, *, fetch_jwks: Callable[[str], Any] | None = None
) -> dict[str, Any]:
    """Check JWT VC Issuer Metadata fetched for ``iss``; return its JWK Set.

    ``issuer`` must equal ``iss`` exactly (no normalisation of case, slashes or ports):
    ``vc.issuer_mismatch``. Exactly one of ``jwks``/``jwks_uri`` may appear (``sdjwt.malformed``).
    A ``jwks_uri`` is fetched only through the caller's ``fetch_jwks``, which owns the network
    safeguards; metadata naming one without a fetcher is a usage error. A member that is not a
    public JWK refuses the whole set (``key.invalid``).
    """
    if not isinstance(metadata, dict):
        raise InputError("sdjwt.malformed", "issuer metadata is not a JSON object")
    if metadata.get("issuer") != iss:
        raise InputError("vc.issuer_mismatch", "issuer metadata names another issuer than iss")
    has_jwks = "jwks" in metadata
    has_uri = "jwks_uri" in metadata
    if has_jwks == has_uri:
        raise InputError("sdjwt.malformed", "issuer metadata needs exactly one of jwks, jwks_uri")
    if has_uri:
        uri = metadata["jwks_uri"]
        if not isinstance(uri, str) or urlsplit(uri).scheme != "https":
            raise InputError("sdjwt.malformed", "jwks_uri is not an https URL")
        if fetch_jwks is None:
            raise UsageError("usage.invalid_argument", "metadata names a jwks_uri: pass fetch_jwks")
        return require_jwks(fetch_jwks(uri))
    return require_jwks(metadata["jwks"])


def require_jwks(jwks: Any) -> dict[str, Any]:
    """A JWK Set of public keys: ``{"keys": [{"kty": …}, …]}``, no private members."""
    if not isinstance(jwks, dict) or not isinstance(jwks.get("keys"), list) or not jwks["keys"]:
        raise InputError("sdjwt.malformed", "jwks is not a non-empty JWK Set")
    for key in jwks["keys"]:
        if not isinstance(key, dict) or not isinstance(key.get("kty"), str):
            raise InputError("key.invalid", "a JWK Set member is not a JWK")
        if PRIVATE_JWK_MEMBERS & key.keys():
            raise InputError("key.invalid", "issuer metadata publishes a private key")
    return jwks


# -- deprecated names (issue 10: one contract per verb) --


@deprecated("check_vct_chain is now require_vct_chain (docs/architecture.md, Verbs)")
def check_vct_chain(vct: str, metadata_lookup: MetadataLookup) -> list[str]:
    """Deprecated: the old name of :func:`require_vct_chain`, which raises on what it refuses."""
    return require_vct_chain(vct, metadata_lookup)


@deprecated("check_issuer_metadata is now require_issuer_metadata (docs/architecture.md, Verbs)")
def check_issuer_metadata(
    metadata: dict[str, Any], iss: str, *, fetch_jwks: Callable[[str], Any] | None = None
) -> dict[str, Any]:
    """Deprecated: the old name of :func:`require_issuer_metadata`, which raises on what it refuses."""
    return require_issuer_metadata(metadata, iss, fetch_jwks=fetch_jwks)


@deprecated("check_jwks is now require_jwks (docs/architecture.md, Verbs)")
def check_jwks(jwks: Any) -> dict[str, Any]:
    """Deprecated: the old name of :func:`require_jwks`, which raises on what it refuses."""
    return require_jwks(jwks)
