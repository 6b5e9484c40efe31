"""The table of JSON-LD contexts shipped inside the package, each pinned by SHA-256.

A context decides what every term of a credential *means* once it is turned into RDF, so a
context that silently changed would change what a Data Integrity signature covers. The files
are therefore read from package data only and refused unless their bytes hash to the value
written here; ``tests/contexts`` recomputes every digest. Provenance: ``data/SOURCES.md``.
"""

from __future__ import annotations

from typing import Final, NamedTuple

__all__ = [
    "BUNDLED", "CREDENTIALS_V1", "CREDENTIALS_V2", "DELEGATION_V1", "EXAMPLES_V2", "OWN", "THAIVC_V1", "BundledContext",
]

CREDENTIALS_V2: Final = "https://www.w3.org/ns/credentials/v2"
CREDENTIALS_V1: Final = "https://www.w3.org/2018/credentials/v1"
EXAMPLES_V2: Final = "https://www.w3.org/ns/credentials/examples/v2"
#: thaivc's own vocabulary for the Thai credential types (``thaivc.credentials``).
THAIVC_V1: Final = "https://contexts.thaivc.dev/v1"
#: thaivc's vocabulary for powers of attorney (``thaivc.delegation``).
DELEGATION_V1: Final = "https://contexts.thaivc.dev/delegation/v1"


class BundledContext(NamedTuple):
    """Where a bundled context lives under ``data/`` and the SHA-256 of its exact bytes."""

    path: str
    sha256: str


#: context URL -> bundled file and digest. Immutable: a registry copies it, never edits it.
BUNDLED: Final[dict[str, BundledContext]] = {
    CREDENTIALS_V2: BundledContext(
        "credentials/v2.jsonld", "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734"
    ),
    CREDENTIALS_V1: BundledContext(
        "credentials/v1.jsonld", "ab4ddd9a531758807a79a5b450510d61ae8d147eab966cc9a200c07095b0cdcc"
    ),
    EXAMPLES_V2: BundledContext(
        "credentials/examples/v2.jsonld", "57393fbc69d6efb9b9b5dc9cb6b9880b0944360abfe2eaf459c9e58cf2279d7c"
    ),
    "https://w3id.org/security/data-integrity/v1": BundledContext(
        "data-integrity/v1.jsonld", "b5d829bd09aa7c42abc6efa0c8ed7635313b5487f37ccfce3ecd149ca9418554"
    ),
    "https://w3id.org/security/data-integrity/v2": BundledContext(
        "data-integrity/v2.jsonld", "67f21e6e33a6c14e5ccfd2fc7865f7474fb71a04af7e94136cb399dfac8ae8f4"
    ),
    "https://w3id.org/security/multikey/v1": BundledContext(
        "multikey/v1.jsonld", "ba2c182de2d92f7e47184bcca8fcf0beaee6d3986c527bf664c195bbc7c58597"
    ),
    "https://w3id.org/security/jwk/v1": BundledContext(
        "jwk/v1.jsonld", "0f14b62f6071aafe00df265770ea0c7508e118247d79b7d861a406d2aa00bece"
    ),
    "https://www.w3.org/ns/credentials/status/v1": BundledContext(
        "bitstring-status-list/v1.jsonld", "fda5add353231e6a6884a46b12e6c75464281900cb348284d9c360f62381d9f7"
    ),
    "https://w3id.org/citizenship/v4rc1": BundledContext(
        "citizenship/v4rc1.jsonld", "5038c7383afd7ab2158f1b997913a8f60978a0abcf96e0b0d08e29f146d2db1e"
    ),
    "https://w3id.org/security/suites/ed25519-2020/v1": BundledContext(
        "ed25519-2020/v1.jsonld", "3db5c19efb0047a6edfd3b36e24346a8a3caad369d749e3c2d69e862696403e5"
    ),
}

#: Contexts thaivc itself publishes (not copies of W3C files), pinned the same way. Kept apart from
#: :data:`BUNDLED` because that table is checked byte-for-byte against the W3C test vectors.
OWN: Final[dict[str, BundledContext]] = {
    THAIVC_V1: BundledContext("thaivc-v1.jsonld", "c28ddbde9c1b56ef55473e2f4b5985078fc74f7ac8998c2c1c936e940414633b"),
    DELEGATION_V1: BundledContext(
        "delegation-v1.jsonld", "a832025bbb21e11af34faa250022d4b0a8aa97f8372ef9cc6a41397612d1627b"
    ),
}
