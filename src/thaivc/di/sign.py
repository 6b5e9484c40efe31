"""Adding a Data Integrity proof to a document: one signer at a time, so proof sets and chains
are built by calling :func:`add_proof` again on the signed output.

A second signer never disturbs existing proofs: a proof *set* member signs the document without
any proof, a *chain* member (``previous_proof=...``) also signs the proofs it names (VC Data
Integrity §4.2). The input document is never modified; a new dict is returned.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from thaivc.contexts import ContextRegistry
from thaivc.core.clock import Clock, SystemClock
from thaivc.core.errors import ThaiVCError, UsageError
from thaivc.di.canon import rdfc
from thaivc.di.multibase import encode_proof_value
from thaivc.di.sd.ecdsa_sd_2023 import base_proof_value
from thaivc.di.suites import ECDSA_SD_2023, Cryptosuite, CryptosuiteRegistry
from thaivc.di.transform import canonical_document, canonical_proof_config, hash_data, proof_config, shared_contexts
from thaivc.keys import Signer

__all__ = ["PROOF_TYPE", "ProofOptions", "SigningEnv", "add_proof", "proofs_of", "sign_proof", "xsd_now"]

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


@dataclass(frozen=True, slots=True)
class ProofOptions:
    """What one new proof says besides its value (VC Data Integrity §2.1 proof members).

    ``created`` defaults to the clock's now; ``previous_proof`` names (by ``id``) proofs already on
    the document that this proof chains to; ``mandatory_pointers`` (JSON Pointers, ``ecdsa-sd-2023``
    only) name what every derived presentation must reveal.
    """

    proof_purpose: str = "assertionMethod"
    verification_method: str | None = None
    created: str | None = None
    expires: str | None = None
    challenge: str | None = None
    domain: str | Sequence[str] | None = None
    previous_proof: str | Sequence[str] | None = None
    proof_id: str | None = None
    mandatory_pointers: Sequence[str] = ()


@dataclass(frozen=True, slots=True)
class SigningEnv:
    """The signer's side: the contexts a document may use, the suites on offer, the clock, the work ceiling."""

    contexts: ContextRegistry | None = None
    suites: CryptosuiteRegistry | None = None
    clock: Clock | None = None
    max_work: int = rdfc.DEFAULT_MAX_WORK


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

    The keyword form of :func:`sign_proof` (the options are those of :class:`ProofOptions` and
    :class:`SigningEnv`). With ``cryptosuite="ecdsa-sd-2023"`` the proof is a selective-disclosure
    *base* proof for the holder (see :func:`thaivc.di.derive`); other suites take no pointers.
    Raises :class:`~thaivc.core.errors.UsageError` for bad arguments and ``di.proof_generation``
    (or the canonicaliser's code) when the document cannot be secured.
    """
    options = ProofOptions(
        proof_purpose=proof_purpose,
        verification_method=verification_method,
        created=created,
        expires=expires,
        challenge=challenge,
        domain=domain,
        previous_proof=previous_proof,
        proof_id=proof_id,
        mandatory_pointers=mandatory_pointers,
    )
    return sign_proof(document, signer, cryptosuite, options, SigningEnv(contexts, suites, clock, max_work))


def sign_proof(
    document: Mapping[str, Any],
    signer: Signer,
    cryptosuite: str,
    options: ProofOptions = ProofOptions(),
    env: SigningEnv = SigningEnv(),
) -> dict[str, Any]:
    """:func:`add_proof` with its options as objects: check the arguments, build the proof, sign.

    The input document is never modified; the new proof is appended to any it already carries.
    """
    if not isinstance(document, Mapping):
        raise UsageError("usage.invalid_argument", "a document to sign is a JSON object")
    suite = _suite_for(cryptosuite, signer, options, env)
    existing = proofs_of(document)
    members = _proof_members(suite, signer, options, existing, env)
    unsecured: dict[str, Any] = {k: copy.deepcopy(v) for k, v in document.items() if k != "proof"}
    if options.previous_proof is not None:
        unsecured["proof"] = _chained_proofs(options.previous_proof, existing)
        members["previousProof"] = (
            options.previous_proof if isinstance(options.previous_proof, str) else list(options.previous_proof)
        )
    if suite.transform == "jcs" and "@context" in document:
        members["@context"] = copy.deepcopy(document["@context"])
    registry = shared_contexts() if env.contexts is None else env.contexts
    _refuse_data_loss(suite, unsecured, registry)
    try:
        if suite.name == ECDSA_SD_2023.name:
            value = base_proof_value(
                unsecured,
                signer,
                members,
                mandatory_pointers=options.mandatory_pointers,
                contexts=registry,
                max_work=env.max_work,
            )
        else:
            value = _signature(suite, signer, members, unsecured, registry=registry, max_work=env.max_work)
    except ThaiVCError:
        raise
    except Exception as exc:
        raise ThaiVCError("di.proof_generation", f"{type(exc).__name__} while creating the proof") from None
    proof = {**members, "proofValue": value}
    out: dict[str, Any] = {k: copy.deepcopy(v) for k, v in document.items() if k != "proof"}
    out["proof"] = [*copy.deepcopy(existing), proof] if existing else proof
    return out


def _suite_for(cryptosuite: str, signer: Signer, options: ProofOptions, env: SigningEnv) -> Cryptosuite:
    """The registered suite, if it can sign with this key for this purpose and these options."""
    suites = CryptosuiteRegistry() if env.suites is None else env.suites
    suite = suites.get(cryptosuite) if isinstance(cryptosuite, str) else None
    if suite is None:
        raise UsageError("usage.invalid_argument", "cryptosuite must be a string")
    key_type = signer.public_key.key_type
    if key_type not in suite.key_types:
        article = "an" if key_type.startswith("E") else "a"
        raise UsageError("usage.invalid_argument", f"{suite.name} cannot sign with {article} {key_type} key")
    if options.proof_purpose not in _PURPOSES:
        raise UsageError("usage.invalid_argument", f"unknown proof purpose {options.proof_purpose!r}")
    selective = suite.name == ECDSA_SD_2023.name
    if not selective and options.mandatory_pointers:
        raise UsageError("usage.invalid_argument", f"{suite.name} has no mandatory pointers: only ecdsa-sd-2023")
    if selective and options.previous_proof is not None:
        raise UsageError("usage.invalid_argument", "an ecdsa-sd-2023 proof cannot chain to another proof")
    return suite


def _proof_members(
    suite: Cryptosuite, signer: Signer, options: ProofOptions, existing: list[Any], env: SigningEnv
) -> dict[str, Any]:
    """The proof's members other than ``previousProof``, ``@context`` and ``proofValue``, in the usual order."""
    members: dict[str, Any] = {"type": PROOF_TYPE, "cryptosuite": suite.name}
    proof_id = options.proof_id
    if proof_id is not None:
        if not isinstance(proof_id, str) or not proof_id:
            raise UsageError("usage.invalid_argument", "a proof id is a non-empty string")
        if any(isinstance(p, dict) and p.get("id") == proof_id for p in existing):
            raise UsageError("usage.invalid_argument", "another proof already has this id")
        members["id"] = proof_id
    members["created"] = options.created if options.created is not None else xsd_now(env.clock or SystemClock())
    if options.expires is not None:
        members["expires"] = options.expires
    members["verificationMethod"] = options.verification_method or signer.kid
    members["proofPurpose"] = options.proof_purpose
    if options.challenge is not None:
        members["challenge"] = options.challenge
    if options.domain is not None:
        members["domain"] = options.domain if isinstance(options.domain, str) else list(options.domain)
    return members


def _chained_proofs(previous_proof: str | Sequence[str], existing: list[Any]) -> list[Any]:
    """Copies of the proofs a chain member signs with the document (VC Data Integrity §4.2)."""
    wanted = [previous_proof] if isinstance(previous_proof, str) else list(previous_proof)
    if not wanted or not all(isinstance(w, str) for w in wanted):
        raise UsageError("usage.invalid_argument", "previous_proof is a proof id or a list of them")
    matching = [p for p in existing if isinstance(p, dict) and p.get("id") in wanted]
    if len(matching) != len(wanted):
        raise UsageError("usage.invalid_argument", "previous_proof names a proof the document does not carry")
    return copy.deepcopy(matching)


def _refuse_data_loss(suite: Cryptosuite, unsecured: dict[str, Any], registry: ContextRegistry) -> None:
    """An RDFC signature covers only what expands: refuse to sign a credential whose terms would drop.

    The verifier would refuse it as ``di.data_loss`` anyway; this says so at issuance.
    """
    types = unsecured.get("type")
    typed = types if isinstance(types, list) else [types]
    if suite.transform != "jcs" and ("VerifiableCredential" in typed or "VerifiablePresentation" in typed):
        from thaivc.model import require_jsonld

        require_jsonld({k: v for k, v in unsecured.items() if k != "proof"}, registry)


def _signature(
    suite: Cryptosuite,
    signer: Signer,
    members: dict[str, Any],
    unsecured: dict[str, Any],
    *,
    registry: ContextRegistry,
    max_work: int,
) -> str:
    """VC Data Integrity §4.2 (Add Proof): hash the proof configuration and the document, sign, encode."""
    hash_name = suite.hash_for(signer.public_key.key_type)
    config = proof_config(members, unsecured, suite)
    canon_config = canonical_proof_config(config, suite, hash_name, contexts=registry, max_work=max_work)
    canon_doc = canonical_document(unsecured, suite, hash_name, contexts=registry, max_work=max_work)
    return encode_proof_value(signer.sign(hash_data(canon_config, canon_doc)))
