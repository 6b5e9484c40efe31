"""Stable identifiers of the Thai credential types: context URL, type names and schema ids.

These strings are part of every issued credential, so they never change for a version; a
breaking change to a type gets a new schema id (``…/v2.json``), never an edit of the old one.
"""

from __future__ import annotations

from typing import Final

from thaivc.contexts import CREDENTIALS_V2, DELEGATION_V1, THAIVC_V1

__all__ = [
    "CITIZEN_SCHEMA",
    "CITIZEN_TYPE",
    "COMMON_SCHEMA",
    "CONTEXTS",
    "CREDENTIALS_V2",
    "DELEGATION_SCHEMA",
    "DELEGATION_TYPE",
    "FOREIGNER_SCHEMA",
    "FOREIGNER_TYPE",
    "JURISTIC_SCHEMA",
    "JURISTIC_TYPE",
    "OWN_TYPES",
    "SCHEMA_BASE",
    "THAIVC_V1",
]

#: ``@context`` of every credential built here: the VCDM 2.0 context, then ours (protected terms).
CONTEXTS: Final = (CREDENTIALS_V2, THAIVC_V1)

CITIZEN_TYPE: Final = "ThaiCitizenCredential"
FOREIGNER_TYPE: Final = "ForeignerIdentityCredential"
JURISTIC_TYPE: Final = "JuristicPersonCredential"
DELEGATION_TYPE: Final = "DelegationCredential"

SCHEMA_BASE: Final = "https://schemas.thaivc.dev/"
COMMON_SCHEMA: Final = SCHEMA_BASE + "common/v1.json"
CITIZEN_SCHEMA: Final = SCHEMA_BASE + "thai-citizen/v1.json"
FOREIGNER_SCHEMA: Final = SCHEMA_BASE + "foreigner-identity/v1.json"
JURISTIC_SCHEMA: Final = SCHEMA_BASE + "juristic-person/v1.json"
DELEGATION_SCHEMA: Final = SCHEMA_BASE + "delegation/v1.json"

#: thaivc's own credential types: the context that defines the type name, and the bundled schema
#: every credential of that type is held to at issuance (whether or not it names the schema).
#: Without the defining context the same name is another vocabulary's term, not thaivc's type.
OWN_TYPES: Final = {
    CITIZEN_TYPE: (THAIVC_V1, CITIZEN_SCHEMA),
    FOREIGNER_TYPE: (THAIVC_V1, FOREIGNER_SCHEMA),
    JURISTIC_TYPE: (THAIVC_V1, JURISTIC_SCHEMA),
    DELEGATION_TYPE: (DELEGATION_V1, DELEGATION_SCHEMA),
}
