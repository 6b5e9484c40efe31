"""What an officer can ask for at the counter: one preset per service, named in the service's file.

A preset is the only way a counter page asks a wallet for anything: the officer picks one, never
types a query, so the page cannot be talked into asking a citizen for more than the service decided.
An ``identity`` preset becomes a DCQL query for a ``ThaiCitizenCredential`` with the named claims and,
with ``min_ial``, a ``values`` constraint on ``ial`` listing every level at or above it (so a weaker
credential does not match, in the wallet or at the verifier). An ``act`` preset asks for a juristic
act (:func:`thaivc.oid4vp.act_query`) whose answer is an authority decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from thaivc.assurance import IAL_CODES
from thaivc.core.errors import UsageError
from thaivc.oid4vp import DcqlQuery, claim, credential

__all__ = ["DEFAULT_CLAIMS", "IDENTITY_QUERY_ID", "Preset", "demo_presets"]

IDENTITY_QUERY_ID: Final = "id"
#: What an identity check shows the officer by default: the name and the assurance level.
DEFAULT_CLAIMS: Final = ("titleTh", "givenNameTh", "familyNameTh", "ial")


@dataclass(frozen=True, slots=True)
class Preset:
    """One request an officer can make: ``id`` is what the form posts, the labels what it shows."""

    id: str
    label_th: str
    label_en: str
    kind: Literal["identity", "act"] = "identity"
    claims: tuple[str, ...] = DEFAULT_CLAIMS
    min_ial: str | None = None
    act: str | None = None
    value_thb: int | None = None
    on_behalf_of: str | None = None
    #: an explicit query (a service preset from ``[oid4vp.presets]``) instead of one built from ``claims``
    dcql: DcqlQuery | None = None

    def __post_init__(self) -> None:
        if self.min_ial is not None and self.min_ial not in IAL_CODES:
            raise UsageError("usage.invalid_argument", f"min_ial is one of {', '.join(IAL_CODES)}")
        if self.kind == "act" and (not self.act or not self.on_behalf_of):
            raise UsageError("usage.invalid_argument", "an act preset names the act and the juristic person")
        if self.kind == "identity" and not self.claims:
            raise UsageError("usage.invalid_argument", "an identity preset asks for at least one claim")

    def query(self) -> DcqlQuery:
        """The DCQL query of an identity preset (an act's query is the juristic verifier's own)."""
        if self.dcql is not None:
            return self.dcql
        claims = [claim(["credentialSubject", name]) for name in self.claims if name != "ial"]
        if self.min_ial is not None:
            claims.append(claim(["credentialSubject", "ial"], values=list(IAL_CODES[IAL_CODES.index(self.min_ial):])))
        elif "ial" in self.claims:
            claims.append(claim(["credentialSubject", "ial"]))
        return DcqlQuery.of(credential(IDENTITY_QUERY_ID, format="jwt_vc_json", types=["ThaiCitizenCredential"],
                                       claims=claims))


def demo_presets(company: str) -> tuple[Preset, ...]:
    """The presets of the demo service: an identity check at IAL 2.3 and a company's tax filing."""
    return (
        Preset("identity", "ยืนยันตัวตน (IAL ≥ 2.3)", "Identity (IAL ≥ 2.3)", min_ial="2.3"),
        Preset("tax-filing", "ทำการแทนบริษัท: ยื่นภาษี ไม่เกิน 1,000,000 บาท",
               "Act for a company: tax filing up to 1,000,000 baht", kind="act", act="tax_filing",
               value_thb=1_000_000, on_behalf_of=company),
    )
