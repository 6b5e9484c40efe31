"""Thai credential types: citizen, foreigner and juristic-person credentials, their JSON-LD
context and JSON Schemas, offline schema validation, and the proofing flows that issue them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from thaivc.contexts.vocab import (
        CITIZEN_SCHEMA,
        CITIZEN_TYPE,
        CONTEXTS,
        FOREIGNER_SCHEMA,
        FOREIGNER_TYPE,
        JURISTIC_SCHEMA,
        JURISTIC_TYPE,
        THAIVC_V1,
    )
    from thaivc.credentials.formats import ALL_FORMATS, SUPPORTED_FORMATS, format_available
    from thaivc.credentials.proofing import (
        CardData,
        JuristicIssuance,
        ProofingResult,
        issue_juristic,
        proof_citizen,
        registry_source,
    )
    from thaivc.credentials.types import (
        CITIZEN_PERSONAL_CLAIMS,
        FOREIGN_ID_FIRST_DIGITS,
        CitizenPerson,
        ForeignPerson,
        citizen_credential,
        citizen_disclosable,
        foreigner_credential,
        juristic_credential,
        name_fields,
    )
    from thaivc.model.schema import bundled_schema_ids, load_schema, validate_credential_schema

#: Names are imported on first use, so that ``thaivc.engine.verify.jose`` can import the schema check
#: without loading the registries and proofing flows into every verifier process.
_LAZY: dict[str, str] = {
    "ALL_FORMATS": "thaivc.credentials.formats",
    "CITIZEN_PERSONAL_CLAIMS": "thaivc.credentials.types",
    "CITIZEN_SCHEMA": "thaivc.contexts.vocab",
    "CITIZEN_TYPE": "thaivc.contexts.vocab",
    "CONTEXTS": "thaivc.contexts.vocab",
    "CardData": "thaivc.credentials.proofing",
    "CitizenPerson": "thaivc.credentials.types",
    "FOREIGNER_SCHEMA": "thaivc.contexts.vocab",
    "FOREIGNER_TYPE": "thaivc.contexts.vocab",
    "FOREIGN_ID_FIRST_DIGITS": "thaivc.credentials.types",
    "ForeignPerson": "thaivc.credentials.types",
    "JURISTIC_SCHEMA": "thaivc.contexts.vocab",
    "JURISTIC_TYPE": "thaivc.contexts.vocab",
    "JuristicIssuance": "thaivc.credentials.proofing",
    "ProofingResult": "thaivc.credentials.proofing",
    "SUPPORTED_FORMATS": "thaivc.credentials.formats",
    "THAIVC_V1": "thaivc.contexts.vocab",
    "bundled_schema_ids": "thaivc.model.schema",
    "citizen_credential": "thaivc.credentials.types",
    "citizen_disclosable": "thaivc.credentials.types",
    "foreigner_credential": "thaivc.credentials.types",
    "format_available": "thaivc.credentials.formats",
    "issue_juristic": "thaivc.credentials.proofing",
    "juristic_credential": "thaivc.credentials.types",
    "load_schema": "thaivc.model.schema",
    "name_fields": "thaivc.credentials.types",
    "proof_citizen": "thaivc.credentials.proofing",
    "registry_source": "thaivc.credentials.proofing",
    "validate_credential_schema": "thaivc.model.schema",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'thaivc.credentials' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "ALL_FORMATS",
    "CITIZEN_PERSONAL_CLAIMS",
    "CITIZEN_SCHEMA",
    "CITIZEN_TYPE",
    "CONTEXTS",
    "FOREIGNER_SCHEMA",
    "FOREIGNER_TYPE",
    "FOREIGN_ID_FIRST_DIGITS",
    "JURISTIC_SCHEMA",
    "JURISTIC_TYPE",
    "SUPPORTED_FORMATS",
    "THAIVC_V1",
    "CardData",
    "CitizenPerson",
    "ForeignPerson",
    "JuristicIssuance",
    "ProofingResult",
    "bundled_schema_ids",
    "citizen_credential",
    "citizen_disclosable",
    "foreigner_credential",
    "format_available",
    "issue_juristic",
    "juristic_credential",
    "load_schema",
    "name_fields",
    "proof_citizen",
    "registry_source",
    "validate_credential_schema",
]
