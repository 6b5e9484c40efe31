"""The interoperability matrix: every (format, peer, direction) cell the interop tests cover.

Each interop test carries ``@pytest.mark.matrix(format, peer, direction)`` naming one of
:data:`CELLS`; ``tests/conftest.py`` records each cell's outcomes during the run into
``interop/matrix-results.json``, and ``tools/gen_interop_matrix.py`` renders ``docs/interop.md``
from those results. ``tests/interop/test_matrix_page.py`` checks that the page lists exactly
these cells, that every cell has a test and that the versions shown are the pinned ones, so the
page can never claim a pair nobody tests.
"""

from __future__ import annotations

from typing import Final, NamedTuple

__all__ = [
    "CELLS",
    "OID4VCI_ISSUER",
    "OID4VP_VERIFIER",
    "PEERS",
    "PEER_OPENVC",
    "PEER_VCI",
    "PEER_VP",
    "THEY_TO_US",
    "US_TO_THEM",
    "Cell",
]

THEY_TO_US: Final = "peer issues/signs → thaivc verifies"
US_TO_THEM: Final = "thaivc issues/signs → peer verifies"

#: peer label → (registry, package whose pinned version the page shows)
PEERS: Final = {
    "npm jose": ("npm", "jose"),
    "@sd-jwt/sd-jwt-vc": ("npm", "@sd-jwt/sd-jwt-vc"),
    "PyPI sd-jwt (reference)": ("pypi", "sd-jwt"),
    "@digitalbazaar/*": ("npm", "@digitalbazaar/data-integrity"),
    "@digitalbazaar/did-method-jwk": ("npm", "@digitalbazaar/did-method-jwk"),
    "@digitalbazaar/vc-bitstring-status-list": ("npm", "@digitalbazaar/vc-bitstring-status-list"),
    "@digitalbazaar/ecdsa-sd-2023-cryptosuite": ("npm", "@digitalbazaar/ecdsa-sd-2023-cryptosuite"),
    "@openid4vc/openid4vci": ("npm", "@openid4vc/openid4vci"),
    "@openid4vc/openid4vp": ("npm", "@openid4vc/openid4vp"),
    "PyPI openvc-core": ("pypi", "openvc-core"),
}

#: The OpenID4VC rows: the "format" column names the protocol and the roles of each side.
OID4VCI_ISSUER: Final = "OpenID4VCI 1.0 pre-authorized + tx_code + DPoP, dc+sd-jwt (issuer ↔ wallet)"
OID4VP_VERIFIER: Final = "OpenID4VP 1.0 DCQL, dc+sd-jwt + KB-JWT (verifier ↔ wallet)"
PEER_VCI: Final = "@openid4vc/openid4vci"
PEER_VP: Final = "@openid4vc/openid4vp"
PEER_OPENVC: Final = "PyPI openvc-core"


class Cell(NamedTuple):
    format: str
    peer: str
    direction: str


CELLS: Final = (
    Cell("vc+jwt (alg Ed25519, EdDSA, ES256)", "npm jose", THEY_TO_US),
    Cell("vc+jwt (alg Ed25519, EdDSA, ES256)", "npm jose", US_TO_THEM),
    Cell("vp+jwt", "npm jose", THEY_TO_US),
    Cell("vp+jwt", "npm jose", US_TO_THEM),
    Cell("dc+sd-jwt + KB-JWT", "@sd-jwt/sd-jwt-vc", THEY_TO_US),
    Cell("dc+sd-jwt + KB-JWT", "@sd-jwt/sd-jwt-vc", US_TO_THEM),
    Cell("dc+sd-jwt + KB-JWT", "PyPI sd-jwt (reference)", THEY_TO_US),
    Cell("dc+sd-jwt + KB-JWT", "PyPI sd-jwt (reference)", US_TO_THEM),
    Cell("Data Integrity eddsa-rdfc-2022, eddsa-jcs-2022, ecdsa-rdfc-2019 (did:key)", "@digitalbazaar/*", THEY_TO_US),
    Cell("Data Integrity eddsa-rdfc-2022, eddsa-jcs-2022, ecdsa-rdfc-2019 (did:key)", "@digitalbazaar/*", US_TO_THEM),
    Cell("did:jwk (holder = subject compared by key)", "@digitalbazaar/did-method-jwk", THEY_TO_US),
    Cell("did:jwk (holder = subject compared by key)", "@digitalbazaar/did-method-jwk", US_TO_THEM),
    Cell("Bitstring Status List (revocation bits, GZIP, multibase)", "@digitalbazaar/vc-bitstring-status-list",
         THEY_TO_US),
    Cell("Bitstring Status List (revocation bits, GZIP, multibase)", "@digitalbazaar/vc-bitstring-status-list",
         US_TO_THEM),
    Cell("ecdsa-sd-2023 (base proof, derived proof, verification)", "@digitalbazaar/ecdsa-sd-2023-cryptosuite",
         THEY_TO_US),
    Cell("ecdsa-sd-2023 (base proof, derived proof, verification)", "@digitalbazaar/ecdsa-sd-2023-cryptosuite",
         US_TO_THEM),
    # OpenID4VC over loopback HTTP: "thaivc issues/signs" = thaivc's issuer or verifier side serves,
    # the peer's wallet talks to it; "peer issues/signs" = the peer's verifier asks, thaivc's wallet answers.
    Cell(OID4VCI_ISSUER, PEER_VCI, US_TO_THEM),
    Cell(OID4VP_VERIFIER, PEER_VP, US_TO_THEM),
    Cell(OID4VP_VERIFIER, PEER_VP, THEY_TO_US),
    Cell(OID4VP_VERIFIER, PEER_OPENVC, US_TO_THEM),
)
