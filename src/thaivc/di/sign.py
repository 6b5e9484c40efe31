"""Adding a Data Integrity proof to a document: one signer at a time, so proof sets and chains
are built by calling :func:`add_proof` again on the signed output.

A second signer never disturbs existing proofs: a proof *set* member signs the document without
any proof, a *chain* member (``previous_proof=...``) also signs the proofs it names (VC Data
Integrity §4.2). The input document is never modified; a new dict is returned.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Final

from thaivc.contexts import ContextRegistry
from thaivc.core.clock import Clock, SystemClock
from thaivc.core.errors import ThaiVCError, UsageError
from thaivc.di.canon import rdfc
from thaivc.di.multibase import encode_proof_value
from thaivc.di.sd.ecdsa_sd_2023 import base_proof_value
from thaivc.di.suites import ECDSA_SD_2023, CryptosuiteRegistry
from thaivc.di.transform import canonical_document, canonical_proof_config, hash_data, proof_config, shared_contexts
from thaivc.keys import Signer

__all__ = ["PROOF_TYPE", "add_proof", "proofs_of", "xsd_now"]

PROOF_TYPE: Final = "DataIntegrityProof"
_PURPOSES: Final = frozenset({"assertionMethod", "authentication", "capabilityInvocation", "capabilityDelegation"})


def xsd_now(clock: Clock) -> str:
    """An XSD dateTimeStamp in UTC with second precision for the clock's now."""
    return datetime.fromtimestamp(int(clock.now()), tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def proofs_of(document: Mapping[str, Any]) -> list[Any]:
    """The document's proofs as a list (``proof`` may be one object or a set)."""
    proof = document.get("proof")
    if proof is None:
        return []
    return list(proof) if isinstance(proof, list) else [proof]


def add_proof(
    document: Mapping[str, Any],
    signer: Signer,
    cryptosuite: str = "eddsa-rdfc-2022",
    *,
    proof_purpose: str = "assertionMethod",
    verification_method: str | None = None,
    created: str | None = None,
    expires: str | None = None,
    challenge: str | None = None,
    domain: str | Sequence[str] | None = None,
    previous_proof: str | Sequence[str] | None = None,
    proof_id: str | None = None,
    contexts: ContextRegistry | None = None,
    suites: CryptosuiteRegistry | None = None,
    clock: Clock | None = None,
    max_work: int = rdfc.DEFAULT_MAX_WORK,
    mandatory_pointers: Sequence[str] = (),
) -> dict[str, Any]:
    """Return a copy of ``document`` with one more ``DataIntegrityProof`` by ``signer``.

    With ``cryptosuite="ecdsa-sd-2023"`` the proof is a selective-disclosure *base* proof for the
    holder (see :func:`thaivc.di.derive`); ``mandatory_pointers`` (JSON Pointers) name what every
    derived presentation must reveal. Other suites take no pointers.

    ``created`` defaults to the clock's now. ``previous_proof`` names (by ``id``) proofs already
    on the document that this proof chains to. Raises :class:`~thaivc.core.errors.UsageError` for bad
    arguments and ``di.proof_generation`` (or the canonicaliser's code) when the document cannot
    be secured.
    """
    if not isinstance(document, Mapping):
        raise UsageError("usage.invalid_argument", "a document to sign is a JSON object")
    suite = (suites or CryptosuiteRegistry()).get(cryptosuite) if isinstance(cryptosuite, str) else None
    if suite is None:
        raise UsageError("usage.invalid_argument", "cryptosuite must be a string")
    key_type = signer.public_key.key_type
    if key_type not in suite.key_types:
        article = "an" if key_type.startswith("E") else "a"
        raise UsageError("usage.invalid_argument", f"{suite.name} cannot sign with {article} {key_type} key")
    hash_name = suite.hash_for(key_type)
    if proof_purpose not in _PURPOSES:
        raise UsageError("usage.invalid_argument", f"unknown proof purpose {proof_purpose!r}")
    registry = contexts or shared_contexts()

    existing = proofs_of(document)
    options: dict[str, Any] = {"type": PROOF_TYPE, "cryptosuite": suite.name}
    if proof_id is not None:
        if not isinstance(proof_id, str) or not proof_id:
            raise UsageError("usage.invalid_argument", "a proof id is a non-empty string")
        if any(isinstance(p, dict) and p.get("id") == proof_id for p in existing):
            raise UsageError("usage.invalid_argument", "another proof already has this id")
        options["id"] = proof_id
    options["created"] = created if created is not None else xsd_now(clock or SystemClock())
    if expires is not None:
        options["expires"] = expires
    options["verificationMethod"] = verification_method or signer.kid
    options["proofPurpose"] = proof_purpose
    if challenge is not None:
        options["challenge"] = challenge
    if domain is not None:
        options["domain"] = domain if isinstance(domain, str) else list(domain)
    unsecured: dict[str, Any] = {k: copy.deepcopy(v) for k, v in document.items() if k != "proof"}
    if previous_proof is not None:
        wanted = [previous_proof] if isinstance(previous_proof, str) else list(previous_proof)
        if not wanted or not all(isinstance(w, str) for w in wanted):
            raise UsageError("usage.invalid_argument", "previous_proof is a proof id or a list of them")
        matching = [p for p in existing if isinstance(p, dict) and p.get("id") in wanted]
        if len(matching) != len(wanted):
            raise UsageError("usage.invalid_argument", "previous_proof names a proof the document does not carry")
        options["previousProof"] = previous_proof if isinstance(previous_proof, str) else wanted
        unsecured["proof"] = copy.deepcopy(matching)
    if suite.transform == "jcs" and "@context" in document:
        options["@context"] = copy.deepcopy(document["@context"])

    types = unsecured.get("type")
    typed = types if isinstance(types, list) else [types]
    if suite.transform != "jcs" and ("VerifiableCredential" in typed or "VerifiablePresentation" in typed):
        # An RDFC signature covers only what expands: refuse to sign a document whose terms would
        # be dropped (the verifier would refuse it as di.data_loss anyway; say so at issuance).
        from thaivc.model import check_jsonld

        check_jsonld({k: v for k, v in unsecured.items() if k != "proof"}, registry)
    selective = suite.name == ECDSA_SD_2023.name
    if not selective and mandatory_pointers:
        raise UsageError("usage.invalid_argument", f"{suite.name} has no mandatory pointers: only ecdsa-sd-2023")
    if selective and previous_proof is not None:
        raise UsageError("usage.invalid_argument", "an ecdsa-sd-2023 proof cannot chain to another proof")
    try:
        if selective:
            value = base_proof_value(
                unsecured, signer, options, mandatory_pointers=mandatory_pointers, contexts=registry, max_work=max_work
            )
            out_sd: dict[str, Any] = {k: copy.deepcopy(v) for k, v in document.items() if k != "proof"}
            proof_sd = {**options, "proofValue": value}
            out_sd["proof"] = [*copy.deepcopy(existing), proof_sd] if existing else proof_sd
            return out_sd
        config = proof_config(options, unsecured, suite)
        canon_config = canonical_proof_config(config, suite, hash_name, contexts=registry, max_work=max_work)
        canon_doc = canonical_document(unsecured, suite, hash_name, contexts=registry, max_work=max_work)
        signature = signer.sign(hash_data(canon_config, canon_doc))
    except ThaiVCError:
        raise
    except Exception as exc:
        raise ThaiVCError("di.proof_generation", f"{type(exc).__name__} while creating the proof") from None

    proof = dict(options)
    proof["proofValue"] = encode_proof_value(signature)
    out: dict[str, Any] = {k: copy.deepcopy(v) for k, v in document.items() if k != "proof"}
    out["proof"] = [*copy.deepcopy(existing), proof] if existing else proof
    return out
