"""Configuration and wallets for the OpenID4VCI/VP tests of the service."""

from __future__ import annotations

import time
from typing import Any

SOMCHAI = {
    "citizen_id": "1999900001010",
    "given_th": "สมชาย",
    "family_th": "ใจดี",
    "birth_date_be": "25380812",
    "laser_code": "ZX0001000001",
}
VCT = "https://credentials.example.go.th/vct/citizen"

PROTOCOLS = f"""
[oid4vci]
callback = "thaivc.server.sample_callback:citizen"
require_dpop = true

[oid4vci.configurations.citizen]
format = "dc+sd-jwt"
vct = "{VCT}"
name_th = "บัตรประชาชนดิจิทัล"
name_en = "Digital citizen card"

[oid4vci.configurations.citizen_jwt]
format = "jwt_vc_json"
types = ["VerifiableCredential", "ThaiCitizenCredential"]
name_th = "บัตรประชาชน (JWT)"
name_en = "Citizen card (JWT)"

[oid4vp.presets.pid]
description = "name and assurance level"
dcql = {{ credentials = [{{ id = "pid", format = "dc+sd-jwt", meta = {{ vct_values = ["{VCT}"] }}, claims = [{{ path = ["credentialSubject", "givenNameTh"] }}, {{ path = ["credentialSubject", "ial"] }}] }}] }}

[registries.dopa]
kind = "fake"
"""


def offer_body(**extra: Any) -> dict[str, Any]:
    return {"configurations": ["citizen"], "subject": dict(SOMCHAI)} | extra


#: the state of the agency's own dependency in :func:`agency_callback` (the tests switch it)
AGENCY: dict[str, Any] = {"down": False, "raises": None}


def agency_callback(request: Any, context: Any) -> Any:
    """An agency's callback with a dependency of its own (``AGENCY["down"]``) and a case it cannot issue."""
    from thaivc.oid4vci import CredentialData, IssuanceUnavailable
    from thaivc.server.sample_callback import citizen

    if AGENCY["raises"] is not None:  # its registry adapter (DOPA, DBD) failed in a way of its own
        raise AGENCY["raises"]("DOPA said no for citizen 1999900001010")
    if AGENCY["down"]:
        raise IssuanceUnavailable("service.unavailable", "the agency's case database did not answer")
    if request.subject.get("unissuable"):  # a credential the data model refuses: no claims about the subject
        return CredentialData(
            credential={
                "@context": ["https://www.w3.org/ns/credentials/v2"],
                "type": ["VerifiableCredential"],
                "credentialSubject": {},
            }
        )
    return citizen(request, context)


#: :func:`deferred_callback` answers "not yet" until ``DEFERRED["ready"]`` (the agency's slow check is done)
DEFERRED: dict[str, Any] = {"ready": False, "delay": 0.0}


def deferred_callback(request: Any, context: Any) -> Any:
    """An agency whose check takes minutes or days: ``Pending`` until ``DEFERRED["ready"]``."""
    from thaivc.oid4vci import Pending
    from thaivc.server.sample_callback import citizen

    if not DEFERRED["ready"]:
        return Pending(interval=60)
    time.sleep(DEFERRED["delay"])  # a slow check: racing polls overlap inside it
    return citizen(request, context)
