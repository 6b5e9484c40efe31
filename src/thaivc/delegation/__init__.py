"""Juristic authority delegation: who signed, powers of attorney as credentials, verified chains.

* :mod:`~thaivc.delegation.binding` — bind authenticated people to DBD directors;
* :mod:`~thaivc.delegation.credential` — ``DelegationCredential`` and :func:`sign_as_director`;
* :mod:`~thaivc.delegation.chain` — root → leaf chain verification;
* :mod:`~thaivc.authorization.scenario` — a ready-made world for demos and tests (import it
  explicitly; it is not loaded here).

The decision that puts these together is :meth:`thaivc.Verifier.authorize` (:mod:`thaivc.authorization.authorizer`).
"""

from thaivc.delegation._proofs import DiProofSuite, ProofCheck, ProofSuite, controllers_of, default_proof_suite
from thaivc.delegation.binding import (
    DirectorBinding,
    bind_director,
    citizen_name_th,
    directors_from_credential,
    directors_from_registry,
)
from thaivc.delegation.chain import MAX_CHAIN_LENGTH, ChainQuestion, ChainResult, StatusCheck, check_chain
from thaivc.delegation.credential import (
    DELEGATION_CONTEXT,
    DELEGATION_SCHEMA,
    DELEGATION_TYPE,
    Delegation,
    DelegationScope,
    DelegationTerms,
    delegation_credential,
    draft_delegation,
    juristic_issuer_id,
    parse_delegation,
    sign_as_director,
)

__all__ = [
    "DELEGATION_CONTEXT",
    "DELEGATION_SCHEMA",
    "DELEGATION_TYPE",
    "MAX_CHAIN_LENGTH",
    "ChainQuestion",
    "ChainResult",
    "Delegation",
    "DelegationScope",
    "DelegationTerms",
    "DiProofSuite",
    "DirectorBinding",
    "ProofCheck",
    "ProofSuite",
    "StatusCheck",
    "bind_director",
    "check_chain",
    "citizen_name_th",
    "controllers_of",
    "default_proof_suite",
    "delegation_credential",
    "directors_from_credential",
    "directors_from_registry",
    "draft_delegation",
    "juristic_issuer_id",
    "parse_delegation",
    "sign_as_director",
]
