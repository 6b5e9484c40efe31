"""VC Data Model 1.1 JWTs (``typ: JWT`` with a ``vc`` or ``vp`` claim), read on opt-in only.

Many wallets still send these (OpenID4VP ``jwt_vc_json``). They are refused by default
(``vc.legacy_jwt_claims``); with ``Policy(accept_vcdm11_jwt=True)`` the verifier decodes them as
VC-JWT 1.1 §6.3.1 says: ``iss`` is the issuer (or the holder of a presentation), ``sub`` the
subject's ``id``, ``nbf`` the ``issuanceDate``, ``exp`` the ``expirationDate``, ``jti`` the ``id``.
A JWT claim that contradicts the same member inside ``vc``/``vp`` is refused rather than one
silently winning. The model check is VC 1.1's few MUSTs; nothing here reads VCDM 2.0 rules.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any, Final, Literal

from thaivc.core.errors import InputError
from thaivc.model._rules import is_url

__all__ = ["JWT_TYP", "V1_CONTEXT", "VC11_FORMAT", "VP11_FORMAT", "vc11_document"]

JWT_TYP: Final = "JWT"
V1_CONTEXT: Final = "https://www.w3.org/2018/credentials/v1"
#: The format names OpenID4VP uses for these, reported as the report's ``format``.
VC11_FORMAT: Final = "jwt_vc_json"
VP11_FORMAT: Final = "jwt_vp_json"


def _stamp(value: object, name: str) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError("claims.malformed", f"{name} must be a JSON number", loc=(name,))
    try:
        return datetime.fromtimestamp(int(value), tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (OverflowError, OSError, ValueError):
        raise InputError("claims.malformed", f"{name} is out of range", loc=(name,)) from None


def _id_of(value: object) -> object:
    return value.get("id") if isinstance(value, dict) else value


def _bind(doc: dict[str, Any], member: str, value: object, *, code: str) -> None:
    """Set ``doc[member]`` (or its ``id``) from a JWT claim; refuse when ``doc`` says something else."""
    if member in doc and _id_of(doc[member]) not in (None, value):
        raise InputError(code, f"the JWT claim and {member} disagree", loc=(member,))
    if member not in doc:
        doc[member] = value
    elif isinstance(doc[member], dict):
        doc[member] = {**doc[member], "id": value}


def vc11_document(payload: dict[str, Any], kind: Literal["credential", "presentation"]) -> dict[str, Any]:
    """The VC 1.1 document a JWT carries, with its registered claims mapped in (§6.3.1).

    Raises ``vc.legacy_jwt_claims`` when the claim for ``kind`` is missing or both are present,
    ``vc.issuer_mismatch``/``vp.holder_mismatch``/``vc.id_invalid`` on a contradiction, and
    ``vc.context_invalid``/``vc.type_invalid``/``vc.issuer_invalid``/``vc.subject_invalid`` when the
    result breaks a VC 1.1 MUST.
    """
    claim = "vc" if kind == "credential" else "vp"
    if ("vc" in payload) == ("vp" in payload) or claim not in payload:
        raise InputError("vc.legacy_jwt_claims", f"a VC 1.1 {kind} JWT carries exactly one {claim!r} claim")
    inner = payload[claim]
    if not isinstance(inner, dict):
        raise InputError("vc.legacy_jwt_claims", f"{claim} is not an object", loc=(claim,))
    doc: dict[str, Any] = copy.deepcopy(inner)
    iss, jti, sub = payload.get("iss"), payload.get("jti"), payload.get("sub")
    if iss is not None:
        if not isinstance(iss, str):
            raise InputError("claims.malformed", "iss must be a string", loc=("iss",))
        _bind(doc, "issuer" if kind == "credential" else "holder", iss,
              code="vc.issuer_mismatch" if kind == "credential" else "vp.holder_mismatch")
    if jti is not None:
        if not isinstance(jti, str):
            raise InputError("claims.malformed", "jti must be a string", loc=("jti",))
        _bind(doc, "id", jti, code="vc.id_invalid")
    if kind == "credential":
        for name, member in (("nbf", "issuanceDate"), ("exp", "expirationDate")):
            if name in payload:
                stamp = _stamp(payload[name], name)
                if member in doc and doc[member] != stamp:
                    raise InputError("vc.datetime_invalid", f"{name} and {member} disagree", loc=(member,))
                doc[member] = stamp
        if sub is not None:
            subject = doc.get("credentialSubject")
            if not isinstance(sub, str) or not isinstance(subject, dict):
                raise InputError("vc.subject_invalid", "sub is a string naming one credentialSubject object")
            _bind(doc, "credentialSubject", sub, code="vc.subject_invalid")
    _check_model(doc, kind)
    return doc


def _check_model(doc: dict[str, Any], kind: Literal["credential", "presentation"]) -> None:
    context = doc.get("@context")
    if not isinstance(context, list) or not context or context[0] != V1_CONTEXT:
        raise InputError("vc.context_invalid", f"@context must start with {V1_CONTEXT}", loc=("@context",))
    required = "VerifiableCredential" if kind == "credential" else "VerifiablePresentation"
    types = doc.get("type")
    type_list = types if isinstance(types, list) else [types]
    if required not in type_list:
        raise InputError("vc.type_invalid", f"type must include {required}", loc=("type",))
    if kind == "presentation":
        return
    if not is_url(_id_of(doc.get("issuer"))):
        raise InputError("vc.issuer_invalid", "issuer is missing or not a URL", loc=("issuer",))
    subject = doc.get("credentialSubject")
    if not isinstance(subject, dict | list) or not subject:
        raise InputError("vc.subject_invalid", "credentialSubject is missing", loc=("credentialSubject",))
