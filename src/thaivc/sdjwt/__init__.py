"""SD-JWT and SD-JWT VC (RFC 9901; draft-ietf-oauth-sd-jwt-vc): issue, present, verify.

Issuer: :func:`issue_sd_jwt` makes claims selectively disclosable by JSON pointer (object members,
array elements, nested). Holder: :func:`present_sd_jwt` reveals chosen claims and binds the
presentation with a KB-JWT. Verifier: :func:`verify_sd_jwt` checks everything RFC 9901 §7 asks and
the hardening of ``docs/security.md`` group F, and reports which claims were disclosed.

JWS signing and verification go through :mod:`thaivc.jose` by default: pass a
``thaivc.keys.PrivateKey`` as signer and have the key resolver return a ``thaivc.keys.PublicKey``.
Other backends plug into the small seam of :mod:`thaivc.sdjwt._jws` (:class:`JwsSigner`,
:class:`JwsVerifier`). :func:`check_sd_jwt` gives the same verdict as a report.
"""

from ._backend import JoseJwsSigner, JoseJwsVerifier
from ._disclosure import MAX_DISCLOSURE_BYTES
from ._hashing import ALLOWED_SD_ALGS, DEFAULT_SD_ALG
from ._holder import present_sd_jwt, receive_sd_jwt
from ._issue import RandomSource, issue_sd_jwt
from ._jws import JwsSigner, JwsVerifier
from ._kb import KB_TYP
from ._nonce import MemoryNonceStore, NonceStore
from ._pointer import withheld_view
from ._publish import https_key_id, issuer_metadata_document, type_metadata_document, vct_url
from ._report import check_sd_jwt
from ._serial import MAX_SD_JWT_BYTES
from ._vct import (
    check_issuer_metadata,
    check_jwks,
    check_vct_chain,
    issuer_metadata_url,
    require_issuer_metadata,
    require_jwks,
    require_vct_chain,
)
from ._verify import ACCEPTED_TYPS, SD_JWT_VC_TYP, SdJwtResult, verify_sd_jwt

__all__ = [
    "ACCEPTED_TYPS",
    "ALLOWED_SD_ALGS",
    "DEFAULT_SD_ALG",
    "KB_TYP",
    "MAX_DISCLOSURE_BYTES",
    "MAX_SD_JWT_BYTES",
    "SD_JWT_VC_TYP",
    "JoseJwsSigner",
    "JoseJwsVerifier",
    "JwsSigner",
    "JwsVerifier",
    "MemoryNonceStore",
    "NonceStore",
    "RandomSource",
    "SdJwtResult",
    "check_issuer_metadata",
    "check_jwks",
    "check_sd_jwt",
    "check_vct_chain",
    "https_key_id",
    "issue_sd_jwt",
    "issuer_metadata_document",
    "issuer_metadata_url",
    "present_sd_jwt",
    "receive_sd_jwt",
    "require_issuer_metadata",
    "require_jwks",
    "require_vct_chain",
    "type_metadata_document",
    "vct_url",
    "verify_sd_jwt",
    "withheld_view",
]
