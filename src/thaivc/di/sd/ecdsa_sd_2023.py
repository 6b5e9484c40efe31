"""``ecdsa-sd-2023``: selective disclosure with Data Integrity (vc-di-ecdsa §3.4–3.6).

Three parties, three functions:

* the **issuer** (:func:`base_proof_value`) signs every canonical statement of the credential on its
  own with a one-time P-256 key, signs that key together with the hash of the *mandatory*
  statements (those the issuer's ``mandatoryPointers`` select) and the proof configuration with its
  own key, and hands the holder the lot plus the HMAC key that hides blank-node labels;
* the **holder** (:func:`derive`) picks JSON Pointers to reveal, keeps the signatures of the
  revealed statements only, and tells the verifier which HMAC label each canonical blank-node label
  of the revealed document stands for — the HMAC key itself never leaves the holder;
* the **verifier** (:func:`verify_derived`) canonicalises the revealed document, relabels it with the
  label map, re-hashes the mandatory statements (so none can be withheld), checks the base signature
  and then every other statement against its signature, one for one and in order.

A *base* proof is never accepted by a verifier (``di.sd_base_proof``): it carries the HMAC key and is
meant for the holder only. P-256 with SHA-256 is the one curve supported, as in the reference
implementation; the suite registry refuses other key types before this module is reached.
"""

from __future__ import annotations

import copy
import hashlib
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from cryptography.hazmat.primitives.asymmetric import ec

from thaivc.contexts import ContextRegistry
from thaivc.core.budget import SIGNATURE_UNITS, spend
from thaivc.core.errors import InputError, UsageError
from thaivc.di.canon import rdfc
from thaivc.di.canon.dataset import Dataset
from thaivc.di.canon.jsonld_fast import fast_to_dataset
from thaivc.di.sd import proof_value as pv
from thaivc.di.sd.pointers import require_pointers, select_json_ld
from thaivc.di.sd.primitives import (
    Grouped,
    LabelMapFactory,
    canonicalize_and_group,
    hmac_label_map,
    label_replacement_canonicalize,
)
from thaivc.di.suites import ECDSA_SD_2023
from thaivc.di.transform import canonical_proof_config, loader_for, proof_config
from thaivc.keys import PrivateKey, PublicKey, Signer, generate_key

__all__ = [
    "SUITE",
    "DisclosureData",
    "VerifyData",
    "base_proof_value",
    "base_transform",
    "derive",
    "disclosure_data",
    "hash_mandatory",
    "proof_hash",
    "verify_data",
    "verify_derived",
]

SUITE: Final = ECDSA_SD_2023.name


def hash_mandatory(nquads: Sequence[str]) -> bytes:
    """hashMandatoryNQuads: SHA-256 of the mandatory statements joined in index order."""
    return hashlib.sha256("".join(nquads).encode("utf-8")).digest()


def proof_hash(
    options: Mapping[str, Any], document: Mapping[str, Any], contexts: ContextRegistry, max_work: int
) -> bytes:
    """SHA-256 of the canonical proof configuration (the proof without ``proofValue``)."""
    config = proof_config(options, document, ECDSA_SD_2023)
    return canonical_proof_config(config, ECDSA_SD_2023, "sha256", contexts=contexts, max_work=max_work).digest


def base_transform(
    document: Mapping[str, Any],
    hmac_key: bytes,
    mandatory_pointers: Sequence[str],
    *,
    contexts: ContextRegistry,
    max_work: int = rdfc.DEFAULT_MAX_WORK,
    random_string: str | None = None,
) -> Grouped:
    """Base Proof Transformation: the HMAC-relabelled statements, grouped as ``mandatory``."""
    return canonicalize_and_group(
        document,
        hmac_label_map(hmac_key),
        {"mandatory": require_pointers(mandatory_pointers)},
        contexts=contexts,
        max_work=max_work,
        random_string=random_string,
    )


def base_proof_value(
    document: Mapping[str, Any],
    signer: Signer,
    options: Mapping[str, Any],
    *,
    mandatory_pointers: Sequence[str],
    contexts: ContextRegistry,
    max_work: int = rdfc.DEFAULT_MAX_WORK,
    hmac_key: bytes | None = None,
    proof_key: PrivateKey | None = None,
) -> str:
    """The base ``proofValue`` for ``document`` (no proof) under the proof ``options`` (no proofValue).

    ``hmac_key`` and ``proof_key`` are drawn fresh for every credential; passing them is for
    known-answer tests only (reusing either links a holder's presentations together).
    """
    if signer.public_key.key_type != "P-256":
        raise UsageError("usage.invalid_argument", "ecdsa-sd-2023 signs with a P-256 key")
    pointers = require_pointers(mandatory_pointers)
    key = hmac_key if hmac_key is not None else secrets.token_bytes(32)
    if not isinstance(key, bytes) or len(key) != 32:
        raise UsageError("usage.invalid_argument", "the HMAC key is 32 bytes")
    scoped = proof_key if proof_key is not None else generate_key("P-256")
    if scoped.key_type != "P-256":
        raise UsageError("usage.invalid_argument", "the proof-scoped key is a P-256 key")

    mandatory = base_transform(document, key, pointers, contexts=contexts, max_work=max_work).groups["mandatory"]
    if len(mandatory.non_matching) > pv.MAX_STATEMENTS:
        raise InputError("input.too_large", f"more than {pv.MAX_STATEMENTS} statements to sign one by one")
    config_hash = proof_hash(options, document, contexts, max_work)
    mandatory_hash = hash_mandatory(list(mandatory.matching.values()))
    signatures = [scoped.sign(nq.encode("utf-8")) for nq in mandatory.non_matching.values()]
    public_key = _multikey_bytes(scoped.public_key)
    base_signature = signer.sign(config_hash + public_key + mandatory_hash)
    return pv.serialize_base(base_signature, public_key, key, signatures, pointers)


def _multikey_bytes(key: PublicKey) -> bytes:
    return b"\x80\x24" + key.raw


@dataclass(frozen=True, slots=True)
class DisclosureData:
    """createDisclosureData's result, with the grouping it was computed from."""

    base: pv.BaseProofValue
    grouped: Grouped
    signatures: list[bytes]
    label_map: dict[str, str]
    mandatory_indexes: list[int]
    reveal_document: dict[str, Any]


def disclosure_data(
    secured: Mapping[str, Any],
    selective_pointers: Sequence[str],
    *,
    contexts: ContextRegistry,
    max_work: int = rdfc.DEFAULT_MAX_WORK,
    random_string: str | None = None,
) -> DisclosureData:
    """createDisclosureData: what the holder reveals, from a document with a base proof."""
    proof = secured.get("proof")
    if not isinstance(proof, dict) or proof.get("cryptosuite") != SUITE:
        raise UsageError("usage.invalid_argument", "derive needs a document with one ecdsa-sd-2023 base proof")
    base = pv.parse_base(proof.get("proofValue"))
    selective = require_pointers(selective_pointers)
    document = {k: v for k, v in secured.items() if k != "proof"}
    mandatory_pointers = list(base.mandatory_pointers)
    combined = mandatory_pointers + selective
    grouped = canonicalize_and_group(
        document,
        hmac_label_map(base.hmac_key),
        {"mandatory": mandatory_pointers, "selective": selective, "combined": combined},
        contexts=contexts,
        max_work=max_work,
        random_string=random_string,
    )
    mandatory_group = grouped.groups["mandatory"]
    selective_group = grouped.groups["selective"]
    combined_group = grouped.groups["combined"]

    mandatory_indexes = [
        relative for relative, absolute in enumerate(combined_group.matching) if absolute in mandatory_group.matching
    ]
    non_mandatory = list(mandatory_group.non_matching)
    if len(non_mandatory) != len(base.signatures):
        raise InputError("di.sd_signature_count", "the base proof does not sign this document's statements")
    signatures = [
        sig for index, sig in zip(non_mandatory, base.signatures, strict=True) if index in selective_group.matching
    ]
    reveal = select_json_ld(document, combined)
    if reveal is None:
        raise UsageError("usage.invalid_argument", "nothing to reveal: no mandatory and no selective pointers")
    canon = rdfc.canonicalize(combined_group.deskolemized, hash_name="sha256", max_work=max_work)
    verifier_labels = {c14n: grouped.label_map[input_label] for input_label, c14n in canon.issued.items()}
    return DisclosureData(base, grouped, signatures, verifier_labels, mandatory_indexes, reveal)


def derive(
    secured: Mapping[str, Any],
    selective_pointers: Sequence[str],
    *,
    contexts: ContextRegistry,
    max_work: int = rdfc.DEFAULT_MAX_WORK,
) -> dict[str, Any]:
    """The revealed document with a derived proof, from a document with an ecdsa-sd-2023 base proof.

    The issuer's mandatory pointers are always revealed; ``selective_pointers`` add to them. The
    base proof is not verified here (the holder verifies it on receipt; the verifier will anyway).
    """
    data = disclosure_data(secured, selective_pointers, contexts=contexts, max_work=max_work)
    derived_proof = copy.deepcopy(dict(secured["proof"]))
    derived_proof["proofValue"] = pv.serialize_derived(
        data.base.base_signature, data.base.public_key, data.signatures, data.label_map, data.mandatory_indexes
    )
    reveal = data.reveal_document
    reveal["proof"] = derived_proof
    return reveal


@dataclass(frozen=True, slots=True)
class VerifyData:
    """createVerifyData's result: what the two signature checks run over."""

    derived: pv.DerivedProofValue
    proof_hash: bytes
    nquads: list[str]
    mandatory: list[str]
    non_mandatory: list[str]
    mandatory_hash: bytes


def verify_data(
    unsecured: Mapping[str, Any],
    proof: Mapping[str, Any],
    *,
    contexts: ContextRegistry,
    max_work: int = rdfc.DEFAULT_MAX_WORK,
    dataset: Dataset | None = None,
) -> VerifyData:
    """createVerifyData over the revealed document (``dataset``: its RDF, when already converted)."""
    derived = pv.parse_derived(proof.get("proofValue"))
    config_hash = proof_hash(proof, unsecured, contexts, max_work)
    rdf = dataset if dataset is not None else fast_to_dataset(unsecured, loader_for(contexts))
    _, nquads = label_replacement_canonicalize(rdf, _label_map_function(derived.label_map), max_work=max_work)
    if derived.mandatory_indexes and derived.mandatory_indexes[-1] >= len(nquads):
        raise InputError("di.sd_proof_value", "a mandatory index is past the last disclosed statement")
    wanted = set(derived.mandatory_indexes)
    mandatory = [nq for i, nq in enumerate(nquads) if i in wanted]
    non_mandatory = [nq for i, nq in enumerate(nquads) if i not in wanted]
    return VerifyData(derived, config_hash, nquads, mandatory, non_mandatory, hash_mandatory(mandatory))


def verify_derived(
    unsecured: Mapping[str, Any],
    proof: Mapping[str, Any],
    issuer_key: PublicKey,
    *,
    contexts: ContextRegistry,
    max_work: int = rdfc.DEFAULT_MAX_WORK,
    dataset: Dataset | None = None,
) -> None:
    """Verify a derived proof on the revealed ``unsecured`` document; raises on any failure."""
    data = verify_data(unsecured, proof, contexts=contexts, max_work=max_work, dataset=dataset)
    derived = data.derived
    if len(derived.signatures) != len(data.non_mandatory):
        raise InputError(
            "di.sd_signature_count",
            f"{len(derived.signatures)} statement signatures for {len(data.non_mandatory)} disclosed statements",
        )
    spend(SIGNATURE_UNITS, "signature check")
    if not issuer_key.verify(derived.base_signature, data.proof_hash + derived.public_key + data.mandatory_hash):
        raise InputError("di.proof_invalid", "the base signature does not verify")
    try:
        point = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), derived.public_key[2:])
        scoped = PublicKey.from_crypto(point)
    except Exception:
        raise InputError("di.sd_proof_value", "the proof-scoped public key is not a valid P-256 point") from None
    for index, (signature, nq) in enumerate(zip(derived.signatures, data.non_mandatory, strict=True)):
        spend(SIGNATURE_UNITS, "signature check")
        if not scoped.verify(signature, nq.encode("utf-8")):
            detail = f"the signature of disclosed statement {index} does not verify"
            raise InputError("di.sd_statement_signature", detail)


def _label_map_function(label_map: Mapping[str, str]) -> LabelMapFactory:
    """createLabelMapFunction: the verifier's canonical labels through the holder's label map.

    The map must name exactly the revealed document's blank nodes: a missing label leaves a node
    the base signature cannot cover, an extra one is a sign the map was made for another document.
    """

    def factory(canonical_ids: Mapping[str, str]) -> dict[str, str]:
        issued = set(canonical_ids.values())
        if issued != set(label_map):
            raise InputError("di.sd_label_map", "the label map does not name exactly the disclosed blank nodes")
        return {input_label: label_map[c14n] for input_label, c14n in canonical_ids.items()}

    return factory
