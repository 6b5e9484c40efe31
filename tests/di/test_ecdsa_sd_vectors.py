"""Known answers: the W3C vc-di-ecdsa ``ecdsa-sd-2023`` vectors, every intermediate value, byte for byte.

Two vector sets (``employ``, ``prc``) from vc-di-ecdsa/TestVectors/ecdsa-sd-2023: the base
transformation (HMAC-relabelled canonical statements, mandatory/non-mandatory split), the proof
configuration and both hashes, every statement signature and the base signature (RFC 6979
deterministic ECDSA, as thaivc signs), the base ``proofValue``, the holder's groups, indexes, filtered
signatures, label map and revealed document, the derived ``proofValue``, and the verifier's
statements and hashes. The skolem names are random in the reference; the vectors' random string is
passed in, so the skolemised document and the groups' statements are compared too.

The ``prc`` vectors were made from a copy of ``prCredUnsigned.json`` whose description differs, so
its input is the signed base document without its proof.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from thaivc.contexts import ContextRegistry
from thaivc.core.clock import FixedClock
from thaivc.di import verify_proofs
from thaivc.di.canon import rdfc
from thaivc.di.canon.nquads import serialize_quad
from thaivc.di.sd import ecdsa_sd_2023 as sd
from thaivc.di.sd import proof_value as pv
from thaivc.di.sd.pointers import select_json_ld
from thaivc.keys import PrivateKey, load_key

SETS = [("employ", "employMandatory.json", "employSelective.json"), ("prc", "prCredMandatory.json", "prCredSelective.json")]
IDS = [s[0] for s in SETS]
CLOCK = FixedClock.at("2024-01-01T00:00:00Z")


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


class Vectors:
    def __init__(self, root: Path, name: str, mandatory: str, selective: str) -> None:
        self.root = root / "vc-di-ecdsa"
        self.dir = self.root / "ecdsa-sd-2023" / name
        keys = _json(self.root / "ecdsa-sd-2023" / "SDKeyMaterial.json")
        self.hmac_key = bytes.fromhex(keys["hmacKeyString"])
        self.issuer_key = self.key(keys["baseKeyPair"]["secretKeyMultibase"])
        self.proof_key = self.key(keys["proofKeyPair"]["secretKeyMultibase"])
        self.mandatory = _json(self.root / mandatory)
        self.selective = _json(self.root / selective)
        self.signed = self.file("addSignedSDBase.json")
        self.document = {k: v for k, v in self.signed.items() if k != "proof"}
        self.groups = self.file("derivedAllGroupData.json")
        compact_id = self.groups["skolemized"]["compact"]["id"]
        self.random = compact_id.removeprefix("urn:bnid:_").rsplit("_", 1)[0]

    @staticmethod
    def key(multibase: str) -> PrivateKey:
        key = load_key(multibase)
        assert isinstance(key, PrivateKey)
        return key

    def file(self, name: str) -> Any:
        return _json(self.dir / name)


@pytest.fixture(params=SETS, ids=IDS)
def v(request: pytest.FixtureRequest, vectors: Path) -> Vectors:
    return Vectors(vectors, *request.param)


@pytest.fixture(scope="module")
def registry() -> ContextRegistry:
    return ContextRegistry.default()


def _map(entries: dict[int, str]) -> list[list[Any]]:
    return [[i, nq] for i, nq in entries.items()]


def test_base_transformation(v: Vectors, registry: ContextRegistry) -> None:
    grouped = sd.base_transform(v.document, v.hmac_key, v.mandatory, contexts=registry)
    assert grouped.nquads == v.file("addBaseDocHMACCanon.json")
    expected = v.file("addBaseTransform.json")
    assert expected["mandatoryPointers"] == v.mandatory
    assert _map(grouped.groups["mandatory"].matching) == expected["mandatory"]["value"]
    assert _map(grouped.groups["mandatory"].non_matching) == expected["nonMandatory"]["value"]
    assert [{"pointer": p, "value": _pointer_value(v.document, p)} for p in v.mandatory] == v.file(
        "addPointerValues.json"
    )


def _pointer_value(document: dict[str, Any], pointer: str) -> Any:
    node: Any = document
    for token in pointer.split("/")[1:]:
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node


def test_base_document_canonical_form_before_relabelling(v: Vectors, registry: ContextRegistry) -> None:
    grouped = sd.base_transform(v.document, v.hmac_key, v.mandatory, contexts=registry)
    assert list(rdfc.canonicalize(grouped.deskolemized).lines) == v.file("addBaseDocCanon.json")


def test_proof_config_and_hashes(v: Vectors, registry: ContextRegistry) -> None:
    options = v.file("addProofConfig.json")
    canon = (v.dir / "addProofConfigCanon.txt").read_text(encoding="utf-8")
    from thaivc.di.suites import ECDSA_SD_2023
    from thaivc.di.transform import canonical_proof_config, proof_config

    config = canonical_proof_config(proof_config(options, v.document, ECDSA_SD_2023), ECDSA_SD_2023, "sha256",
                                    contexts=registry)
    assert config.data.decode() == canon
    grouped = sd.base_transform(v.document, v.hmac_key, v.mandatory, contexts=registry)
    hashes = v.file("addHashData.json")
    assert sd.proof_hash(options, v.document, registry, 10_000).hex() == hashes["proofHash"]
    assert sd.hash_mandatory(list(grouped.groups["mandatory"].matching.values())).hex() == hashes["mandatoryHash"]


def test_base_signatures_and_proof_value(v: Vectors, registry: ContextRegistry) -> None:
    options = v.file("addProofConfig.json")
    value = sd.base_proof_value(
        v.document, v.issuer_key, options, mandatory_pointers=v.mandatory, contexts=registry,
        hmac_key=v.hmac_key, proof_key=v.proof_key,
    )
    assert value == v.signed["proof"]["proofValue"]
    raw = v.file("addRawBaseSignatureInfo.json")
    base = pv.parse_base(value)
    assert base.base_signature.hex() == raw["baseSignature"]
    assert [s.hex() for s in base.signatures] == raw["signatures"]
    assert base.public_key == b"\x80\x24" + v.proof_key.public_key.raw
    assert raw["publicKey"] == v.proof_key.public_key.multikey
    assert list(base.mandatory_pointers) == raw["mandatoryPointers"] == v.mandatory
    recovered = v.file("derivedRecoveredBaseData.json")
    assert base.hmac_key.hex() == recovered["hmacKey"]
    assert [s.hex() for s in base.signatures] == recovered["signatures"]


def test_skolemised_document_and_groups(v: Vectors, registry: ContextRegistry) -> None:
    data = sd.disclosure_data(v.signed, v.selective, contexts=registry, random_string=v.random)
    grouped = data.grouped
    assert grouped.skolemized.compact == v.groups["skolemized"]["compact"]
    assert grouped.skolemized.expanded == v.groups["skolemized"]["expanded"]
    assert grouped.nquads == v.groups["nquads"]
    assert sorted(map(serialize_quad, grouped.deskolemized.quads)) == sorted(v.groups["deskolemizedNQuads"])
    assert [[k, val] for k, val in grouped.label_map.items()] == v.groups["labelMap"]["value"]
    for name in ("mandatory", "selective", "combined"):
        group, expected = grouped.groups[name], v.groups["groups"][name]
        assert _map(group.matching) == expected["matching"]["value"], name
        assert _map(group.non_matching) == expected["nonMatching"]["value"], name
        assert sorted(map(serialize_quad, group.deskolemized.quads)) == sorted(expected["deskolemizedNQuads"]), name
    indexes = v.file("derivedGroupIndexes.json")
    assert list(grouped.groups["combined"].matching) == indexes["combinedIndexes"]
    assert list(grouped.groups["mandatory"].matching) == indexes["mandatoryIndexes"]
    assert list(grouped.groups["mandatory"].non_matching) == indexes["nonMandatoryIndexes"]
    assert list(grouped.groups["selective"].matching) == indexes["selectiveIndexes"]


def test_disclosure_data(v: Vectors, registry: ContextRegistry) -> None:
    data = sd.disclosure_data(v.signed, v.selective, contexts=registry)
    assert data.mandatory_indexes == v.file("derivedAdjMandatoryIndexes.json")["adjMandatoryIndexes"]
    adjusted = v.file("derivedAdjSignatures.json")
    assert [s.hex() for s in data.signatures] == adjusted["filteredSignatures"]
    disclosure = v.file("derivedDisclosureData.json")
    assert data.base.base_signature.hex() == disclosure["baseSignature"]
    assert [s.hex() for s in data.signatures] == disclosure["signatures"]
    assert [[k, val] for k, val in data.label_map.items()] == disclosure["labelMap"]["value"]
    assert data.mandatory_indexes == disclosure["mandatoryIndexes"]
    assert data.reveal_document == v.file("derivedUnsignedReveal.json")
    assert select_json_ld(v.document, [*v.mandatory, *v.selective]) == v.file("derivedUnsignedReveal.json")


def test_derived_document_reproduced(v: Vectors, registry: ContextRegistry) -> None:
    assert sd.derive(v.signed, v.selective, contexts=registry) == v.file("derivedRevealDocument.json")


def test_verifier_side(v: Vectors, registry: ContextRegistry) -> None:
    revealed = v.file("derivedRevealDocument.json")
    unsecured = {k: val for k, val in revealed.items() if k != "proof"}
    data = sd.verify_data(unsecured, revealed["proof"], contexts=registry)
    assert data.nquads == v.file("verifyNQuads.json")
    expected = v.file("verifyCreateVerifyData.json")
    assert data.proof_hash.hex() == expected["proofHash"]
    assert data.mandatory_hash.hex() == expected["mandatoryHash"]
    assert data.non_mandatory == expected["nonMandatory"]
    assert data.derived.base_signature.hex() == expected["baseSignature"]
    assert [s.hex() for s in data.derived.signatures] == expected["signatures"]
    parsed = v.file("verifyDerivedProofValue.json")
    assert [[k, val] for k, val in data.derived.label_map.items()] == parsed["labelMap"]
    assert list(data.derived.mandatory_indexes) == parsed["mandatoryIndexes"]
    sd.verify_derived(unsecured, revealed["proof"], v.issuer_key.public_key, contexts=registry)


def test_derived_vector_verifies_through_verify_proofs(v: Vectors) -> None:
    result = verify_proofs(v.file("derivedRevealDocument.json"), clock=CLOCK)
    assert result.verified, result.proofs


def test_base_vector_is_refused_by_a_verifier(v: Vectors) -> None:
    result = verify_proofs(v.signed, clock=CLOCK)
    assert not result.verified
    assert result.proofs[0].code == "di.sd_base_proof"
