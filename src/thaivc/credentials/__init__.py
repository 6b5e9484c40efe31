"""Thai credential types: citizen, foreigner and juristic-person credentials, their JSON-LD
context and JSON Schemas, offline schema validation, and the proofing flows that issue them.
"""

from thaivc.credentials.formats import ALL_FORMATS, SUPPORTED_FORMATS, format_available
from thaivc.credentials.proofing import (
    CardData,
    JuristicIssuance,
    ProofingResult,
    issue_juristic,
    proof_citizen,
    registry_source,
)
from thaivc.credentials.schema import bundled_schema_ids, load_schema, validate_credential_schema
from thaivc.credentials.types import (
    FOREIGN_ID_FIRST_DIGITS,
    CitizenPerson,
    ForeignPerson,
    citizen_credential,
    foreigner_credential,
    juristic_credential,
    name_fields,
)
from thaivc.credentials.vocab import (
    CITIZEN_SCHEMA,
    CITIZEN_TYPE,
    CONTEXTS,
    FOREIGNER_SCHEMA,
    FOREIGNER_TYPE,
    JURISTIC_SCHEMA,
    JURISTIC_TYPE,
    THAIVC_V1,
)

__all__ = [
    "ALL_FORMATS",
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
