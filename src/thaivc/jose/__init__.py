"""Compact JWS and JWT claim checks for VC-JOSE (``vc+jwt``, ``vp+jwt``) and its siblings.

Hazardous-materials layer: these functions check structure, headers, signatures and claims one at
a time. Application code should use ``thaivc.Verifier``, which composes them with key resolution,
issuer binding and status checks. Nothing here trusts a header to choose an algorithm or a key.
"""

from __future__ import annotations

from thaivc.jose._header import ALLOWED_ALGS, key_alg_of
from thaivc.jose.claims import (
    check_jwt_times,
    check_vc_jwt_claims,
    effective_expiry,
    require_jwt_times,
    require_vc_jwt_claims,
)
from thaivc.jose.compact import ParsedJws, parse_compact, sign_compact, verify_compact
from thaivc.jose.media import (
    DC_SD_JWT,
    KB_JWT,
    STATUSLIST_JWT,
    VC_JWT,
    VC_SD_JWT,
    VP_JWT,
    envelope,
    unenvelope,
)
from thaivc.jose.types import JoseSigner, VerificationKey

__all__ = [
    "ALLOWED_ALGS",
    "DC_SD_JWT",
    "KB_JWT",
    "STATUSLIST_JWT",
    "VC_JWT",
    "VC_SD_JWT",
    "VP_JWT",
    "JoseSigner",
    "ParsedJws",
    "VerificationKey",
    "check_jwt_times",
    "check_vc_jwt_claims",
    "effective_expiry",
    "envelope",
    "key_alg_of",
    "parse_compact",
    "require_jwt_times",
    "require_vc_jwt_claims",
    "sign_compact",
    "unenvelope",
    "verify_compact",
]
