"""Assurance: IAL/AAL levels, the evidence behind them, and policies that require a minimum.

Levels are ordered NDID codes; unknown codes are kept but never ranked. The IAL a credential claims
is checked against the evidence it carries, through a table that is configuration, not code.
"""

from thaivc.assurance.derive import DEFAULT_IAL_TABLE, FLAGS, IALTable, derive_ial
from thaivc.assurance.evidence import (
    DocumentPresentedEvidence,
    DopaCardStatusEvidence,
    Evidence,
    EvidenceItem,
    FaceMatchEvidence,
    LivenessEvidence,
    ThaidLoginEvidence,
)
from thaivc.assurance.levels import AAL, AAL_CODES, IAL, IAL_CODES, AssuranceLevel
from thaivc.assurance.policy import AssuranceDecision, AssurancePolicy

__all__ = [
    "AAL",
    "AAL_CODES",
    "DEFAULT_IAL_TABLE",
    "FLAGS",
    "IAL",
    "IAL_CODES",
    "AssuranceDecision",
    "AssuranceLevel",
    "AssurancePolicy",
    "DocumentPresentedEvidence",
    "DopaCardStatusEvidence",
    "Evidence",
    "EvidenceItem",
    "FaceMatchEvidence",
    "IALTable",
    "LivenessEvidence",
    "ThaidLoginEvidence",
    "derive_ial",
]
