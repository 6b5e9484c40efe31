"""Verifier policy: every decision a verifier makes that is not dictated by a specification.

A policy is frozen data. It is set before any input is parsed, so nothing about what is required
(key binding, a challenge, holder binding) is ever inferred from the input itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

from thaivc.core.clock import DEFAULT_LEEWAY
from thaivc.core.jsonutil import DEFAULT_MAX_BYTES

__all__ = ["AssuranceRule", "Policy"]


@runtime_checkable
class AssuranceRule(Protocol):
    """What a verifier asks of every credential it verified, after trust: is its assurance enough?

    :class:`thaivc.assurance.AssurancePolicy` is the implementation (``Verifier(assurance=
    AssurancePolicy(min_ial="2.3"))``); the verifier only knows this shape, so the engine does not
    depend on the Thai assurance rules it enforces.
    """

    def check_credential(self, credential: Mapping[str, Any]) -> tuple[str | None, str] | None:
        """``None`` when the rule does not apply to this credential, else ``(code or None, detail)``."""
        ...


class Policy(BaseModel):
    """What a verifier requires. Defaults are the safe choice for an agency backend."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    leeway: int = Field(DEFAULT_LEEWAY, ge=0, le=300, description="clock skew tolerated, seconds (≤ 300)")
    max_bytes: int = Field(DEFAULT_MAX_BYTES, gt=0, description="cap on any one input, bytes")
    allowed_algs: frozenset[str] = Field(
        frozenset({"EdDSA", "Ed25519", "ES256", "ES384"}),
        description="JOSE algorithms accepted (Ed25519 is RFC 9864's name for EdDSA with an Ed25519 key)",
    )
    require_challenge: bool = Field(
        True, description="a presentation must carry the challenge the verifier issued (replay protection)"
    )
    require_issued_challenge: bool = Field(
        False,
        description="a presentation's challenge must be one this verifier issued (Verifier.new_challenge) and"
        " not yet expired; needs a challenge store that records issuance",
    )
    require_domain: bool = Field(False, description="a presentation must name this verifier (aud/domain)")
    require_holder_binding: bool = Field(
        True, description="each credential's subject must be the presentation's holder"
    )
    require_status_check: bool = Field(
        True, description="a credential with credentialStatus is indeterminate unless its status was checked"
    )
    require_known_schema: bool = Field(
        False, description="a credentialSchema thaivc does not bundle makes the verdict indeterminate"
    )
    require_related_resources: bool = Field(
        False,
        description=(
            "a relatedResource whose bytes the verifier does not hold (not a bundled context nor a "
            "registered document) makes the verdict indeterminate; otherwise it is reported as skipped"
        ),
    )
    max_year: int = Field(2200, description="a later year is taken for a Buddhist-Era slip (time.implausible_year)")
    max_kid_candidates: int = Field(4, ge=1, description="keys tried when a token names no kid")
    max_presentation_credentials: int = Field(16, ge=1, description="credentials accepted in one presentation")
    accept_legacy_sd_jwt_typ: bool = True
    accept_vcdm11_jwt: bool = Field(
        False,
        description=(
            "read VC 1.1 JWTs (typ JWT, vc/vp claims; OpenID4VP jwt_vc_json), reported as format "
            "jwt_vc_json/jwt_vp_json with details.data_model '1.1'"
        ),
    )
    require_key_binding: bool = Field(True, description="SD-JWT presentations must carry a key-binding JWT")
    allow_context_extension: bool = Field(
        False,
        description=(
            "a JCS-secured document may carry contexts appended after its proof's @context "
            "(VC Data Integrity allows it; the extra contexts are then unsigned)"
        ),
    )
