"""The sample issuance callback ``thaivc serve sample`` configures: a citizen card checked with DOPA.

An agency writes its own (``[oid4vci] callback = "agency.issuance:citizen"``); this one shows the
shape. The officer's offer carries what was read from the card at the counter; the callback asks DOPA
whether that card is valid and matches, and only then says what to issue. A DOPA that does not answer
raises ``registry.unavailable``, which the service turns into a 503: nothing is issued on a guess.
"""

from __future__ import annotations

from typing import Any

from thaivc.oid4vci import CredentialData, IssuanceDenied, IssuanceRequest
from thaivc.server.protocols import IssuanceContext

__all__ = ["citizen"]

_FIELDS = ("citizen_id", "given_th", "family_th", "birth_date_be", "laser_code")


def citizen(request: IssuanceRequest, context: IssuanceContext) -> CredentialData:
    """A ``ThaiCitizenCredential`` for the card the officer checked, once DOPA says it is valid."""
    subject = request.subject
    values = [subject.get(name) for name in _FIELDS]
    if not all(isinstance(v, str) and v for v in values):
        raise IssuanceDenied(f"the offer's subject needs {', '.join(_FIELDS)}")
    if context.dopa is None:
        raise IssuanceDenied("no DOPA adapter is configured ([registries.dopa])")
    citizen_id, given, family, birth_be, laser = (str(v) for v in values)
    answer = context.dopa.check_card(citizen_id, given, family, birth_be, laser)
    if not answer.ok:
        raise IssuanceDenied(f"DOPA: {answer.status.value}")
    body: dict[str, Any] = {
        "citizenId": citizen_id,
        "givenNameTh": given,
        "familyNameTh": family,
        "ial": "2.3",
    }
    disclosable = [f"/credentialSubject/{name}" for name in ("citizenId", "givenNameTh", "familyNameTh")]
    return CredentialData(
        credential={
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential", "ThaiCitizenCredential"],
            "credentialSubject": body,
        },
        disclosable=disclosable if request.configuration.format == "dc+sd-jwt" else (),
    )
