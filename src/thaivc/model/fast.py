"""Fast plain-Python VCDM 2.0 checks for the verify hot path.

``require_credential`` and ``require_presentation`` apply exactly the MUSTs the pydantic models apply
(they share :mod:`thaivc.model._rules`) but build no objects, so a credential of about 1.5 KB is
checked in a few microseconds. They inspect the decoded payload and never modify it: the
signature has already been (or will be) checked over the bytes that were received.

Neither function does JSON-LD processing; :func:`thaivc.model.jsonld.require_jsonld` adds that where
the securing mechanism needs it (RDF canonicalisation).
"""

from __future__ import annotations

from typing import Any

from typing_extensions import deprecated

from thaivc.core.errors import InputError, ThaiVCError
from thaivc.model import _rules as r

__all__ = ["require_credential", "require_presentation", "require_self_asserted"]


def require_credential(doc: object, *, loc: r.Loc = ()) -> list[str]:
    """Check a VCDM 2.0 credential; return warnings, raise ``InputError`` with a ``vc.*`` code.

    ``loc`` prefixes error locations (used for credentials embedded in a presentation).
    """
    if not isinstance(doc, dict):
        raise InputError("vc.malformed", "a credential must be a JSON object", loc=loc)
    warnings: list[str] = []
    if "@context" not in doc:
        raise InputError("vc.context_invalid", "@context is missing", loc=(*loc, "@context"))
    r.require_context(doc["@context"], loc)
    r.require_types(doc.get("type"), r.VC_TYPE, "vc.type_invalid", loc)
    if "id" in doc:
        r.require_id(doc["id"], loc)
    if "issuer" not in doc:
        raise InputError("vc.issuer_invalid", "issuer is missing", loc=(*loc, "issuer"))
    r.require_party(doc["issuer"], "issuer", "vc.issuer_invalid", loc)
    if "credentialSubject" not in doc:
        raise InputError(
            "vc.subject_invalid", "credentialSubject is missing", loc=(*loc, "credentialSubject")
        )
    r.require_subjects(doc["credentialSubject"], loc)
    if "validFrom" in doc or "validUntil" in doc:
        r.require_validity(doc, loc, warnings)
    if "name" in doc or "description" in doc:
        r.require_names(doc, loc)
    for field, id_required in r.TYPED_FIELDS:
        if field in doc:
            r.require_typed_objects(doc[field], field, loc, id_required=id_required)
    if "proof" in doc:
        r.require_typed_objects(doc["proof"], "proof", loc)
    return warnings


def require_presentation(doc: object) -> list[str]:
    """Check a VCDM 2.0 presentation and every credential embedded in it; return warnings.

    Embedded credentials are checked with :func:`require_credential` (errors keep their ``vc.*``
    code, located under ``verifiableCredential``); ``EnvelopedVerifiableCredential`` entries are
    checked for shape only, since their content is only readable after its own signature check.
    """
    if not isinstance(doc, dict):
        raise InputError("vp.malformed", "a presentation must be a JSON object")
    if "@context" not in doc:
        raise InputError("vc.context_invalid", "@context is missing", loc=("@context",))
    r.require_context(doc["@context"], ())
    r.require_types(doc.get("type"), r.VP_TYPE, "vp.malformed", ())
    if "id" in doc:
        r.require_id(doc["id"], ())
    if "holder" in doc:
        r.require_party(doc["holder"], "holder", "vp.malformed", ())
    if "name" in doc or "description" in doc:
        r.require_names(doc, ())
    warnings: list[str] = []
    if "verifiableCredential" in doc:
        _check_embedded(doc["verifiableCredential"], warnings)
    if "proof" in doc:
        r.require_typed_objects(doc["proof"], "proof", ())
    return warnings


def _check_embedded(value: object, warnings: list[str]) -> None:
    items: list[Any]
    if isinstance(value, dict):
        items = [value]
    elif isinstance(value, list):
        items = value
    else:
        raise InputError(
            "vp.malformed", "verifiableCredential must be objects", loc=("verifiableCredential",)
        )
    for index, item in enumerate(items):
        here: r.Loc = ("verifiableCredential", index)
        if not isinstance(item, dict):
            raise InputError("vp.malformed", "a verifiableCredential entry must be an object", loc=here)
        if r.is_enveloped(item):
            r.require_enveloped(item, here)
        else:
            warnings.extend(require_credential(item, loc=here))


def require_self_asserted(presentation: dict[str, Any]) -> None:
    """Holder claims: credentials secured only by the presentation's proof must be the holder's.

    VCDM 2.0 §Presentations Including Holder Claims: a self-asserted credential (no securing
    mechanism of its own) requires a ``holder``, and its ``issuer`` must be identical to it.
    Call this only once the embedded credentials are known to carry no proof of their own; the
    data model alone cannot tell a self-asserted credential from one that lost its proof.
    Raises ``vp.holder_mismatch``.
    """
    holder = presentation.get("holder")
    holder_id = holder.get("id") if isinstance(holder, dict) else holder
    if not isinstance(holder_id, str):
        raise ThaiVCError("vp.holder_mismatch", "a presentation of self-asserted claims needs a holder")
    value = presentation.get("verifiableCredential", [])
    for index, item in enumerate(value if isinstance(value, list) else [value]):
        if not isinstance(item, dict) or r.is_enveloped(item) or "proof" in item:
            continue
        issuer = item.get("issuer")
        issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
        if issuer_id != holder_id:
            raise ThaiVCError(
                "vp.holder_mismatch",
                "a self-asserted credential's issuer is not the holder",
                loc=("verifiableCredential", index, "issuer"),
            )


# -- deprecated names (issue 10: one contract per verb) --


@deprecated("check_credential is now require_credential (docs/architecture.md, Verbs)")
def check_credential(doc: object, *, loc: r.Loc = ()) -> list[str]:
    """Deprecated: the old name of :func:`require_credential`, which raises on what it refuses."""
    return require_credential(doc, loc=loc)


@deprecated("check_presentation is now require_presentation (docs/architecture.md, Verbs)")
def check_presentation(doc: object) -> list[str]:
    """Deprecated: the old name of :func:`require_presentation`, which raises on what it refuses."""
    return require_presentation(doc)


@deprecated("check_self_asserted is now require_self_asserted (docs/architecture.md, Verbs)")
def check_self_asserted(presentation: dict[str, Any]) -> None:
    """Deprecated: the old name of :func:`require_self_asserted`, which raises on what it refuses."""
    require_self_asserted(presentation)
