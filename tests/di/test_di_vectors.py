"""Known answers: the W3C vc-di-eddsa and vc-di-ecdsa test vectors, reproduced step by step.

Each vector set gives the unsigned document, the proof options, and every intermediate value:
canonical document, canonical proof configuration, both hashes, the combined hash, the signature in
hex and as ``proofValue``, and the signed document. The ECDSA vectors were produced with RFC 6979
deterministic nonces, as thaivc signs, so they are reproduced byte for byte too.

Deliberately left out: ``vc-di-eddsa/Ed25519Signature2020/`` (the legacy ``Ed25519Signature2020``
proof type with the v1 contexts, not ``DataIntegrityProof``), the ``ecdsa-sd-2023`` folders and
the ``*Selective*``/``*Mandatory*`` inputs (tested in ``test_ecdsa_sd_vectors.py``), and the
vc-di-ecdsa-test-suite ``vc1.1`` mocks (VCDM 1.1 documents, which the verifier refuses, E.24).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from thaivc.contexts import ContextRegistry
from thaivc.core.clock import FixedClock
from thaivc.di import CryptosuiteRegistry, ProofSetPolicy, add_proof, verify_proofs
from thaivc.di.transform import canonical_document, canonical_proof_config, hash_data, proof_config
from thaivc.keys import PrivateKey, load_key

CLOCK = FixedClock.at("2024-01-01T00:00:00Z")
# (folder, file suffix, unsigned document, key file, private member, suite)
SETS = [
    (
        "vc-di-eddsa/eddsa-rdfc-2022",
        "DataInt",
        "vc-di-eddsa/unsigned.json",
        "vc-di-eddsa/keyPair.json",
        "privateKeyMultibase",
        "eddsa-rdfc-2022",
    ),
    (
        "vc-di-eddsa/eddsa-rdfc-2022/employ",
        "DataInt",
        "vc-di-eddsa/employmentAuth.json",
        "vc-di-eddsa/keyPair.json",
        "privateKeyMultibase",
        "eddsa-rdfc-2022",
    ),
    (
        "vc-di-eddsa/eddsa-jcs-2022",
        "JCS",
        "vc-di-eddsa/unsigned.json",
        "vc-di-eddsa/keyPair.json",
        "privateKeyMultibase",
        "eddsa-jcs-2022",
    ),
    (
        "vc-di-ecdsa/ecdsa-rdfc-2019-p256",
        "ECDSAP256",
        "vc-di-ecdsa/unsigned.json",
        "vc-di-ecdsa/p256KeyPair.json",
        "secretKeyMultibase",
        "ecdsa-rdfc-2019",
    ),
    (
        "vc-di-ecdsa/ecdsa-rdfc-2019-p256/employ",
        "ECDSAP256",
        "vc-di-ecdsa/employmentAuth.json",
        "vc-di-ecdsa/p256KeyPair.json",
        "secretKeyMultibase",
        "ecdsa-rdfc-2019",
    ),
    (
        "vc-di-ecdsa/ecdsa-rdfc-2019-p384",
        "ECDSAP384",
        "vc-di-ecdsa/unsigned.json",
        "vc-di-ecdsa/p384KeyPair.json",
        "secretKeyMultibase",
        "ecdsa-rdfc-2019",
    ),
    (
        "vc-di-ecdsa/ecdsa-rdfc-2019-p384/employ",
        "ECDSAP384",
        "vc-di-ecdsa/employmentAuth.json",
        "vc-di-ecdsa/p384KeyPair.json",
        "secretKeyMultibase",
        "ecdsa-rdfc-2019",
    ),
    (
        "vc-di-ecdsa/ecdsa-jcs-2019-p256",
        "JCSECDSAP256",
        "vc-di-ecdsa/unsigned.json",
        "vc-di-ecdsa/p256KeyPair.json",
        "secretKeyMultibase",
        "ecdsa-jcs-2019",
    ),
    (
        "vc-di-ecdsa/ecdsa-jcs-2019-p384",
        "JCSECDSAP384",
        "vc-di-ecdsa/unsigned.json",
        "vc-di-ecdsa/p384KeyPair.json",
        "secretKeyMultibase",
        "ecdsa-jcs-2019",
    ),
]
IDS = [s[0].split("/", 1)[1] for s in SETS]


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8").strip()


def _key(vectors: Path, key_file: str, member: str) -> PrivateKey:
    key = load_key(_json(vectors / key_file)[member])
    assert isinstance(key, PrivateKey)
    return key


def _file(folder: Path, stem: str, suffix: str, ext: str = "txt") -> Path:
    return folder / f"{stem}{suffix}.{ext}"


@pytest.mark.parametrize(("folder", "suffix", "unsigned", "key_file", "member", "suite_name"), SETS, ids=IDS)
def test_intermediate_steps(
    vectors: Path, folder: str, suffix: str, unsigned: str, key_file: str, member: str, suite_name: str
) -> None:
    base = vectors / folder
    doc = _json(vectors / unsigned)
    options = _json(_file(base, "proofConfig", suffix, "json"))
    key = _key(vectors, key_file, member)
    suite = CryptosuiteRegistry().get(suite_name)
    hash_name = suite.hash_for(key.key_type)
    registry = ContextRegistry.default()

    config = proof_config(options, doc, suite)
    canon_config = canonical_proof_config(config, suite, hash_name, contexts=registry)
    canon_doc = canonical_document(doc, suite, hash_name, contexts=registry)
    assert canon_doc.data.decode() == _file(base, "canonDoc", suffix).read_text(encoding="utf-8").rstrip("\n") + (
        "\n" if suite.transform == "rdfc" else ""
    )
    assert canon_config.data.decode().rstrip("\n") == _file(base, "proofCanon", suffix).read_text().rstrip("\n")
    assert canon_doc.digest.hex() == _text(_file(base, "docHash", suffix))
    assert canon_config.digest.hex() == _text(_file(base, "proofHash", suffix))
    combined = hash_data(canon_config, canon_doc)
    assert combined.hex() == _text(_file(base, "combinedHash", suffix))
    assert key.sign(combined).hex() == _text(_file(base, "sigHex", suffix))


@pytest.mark.parametrize(("folder", "suffix", "unsigned", "key_file", "member", "suite_name"), SETS, ids=IDS)
def test_signed_document_reproduced_and_verifies(
    vectors: Path, folder: str, suffix: str, unsigned: str, key_file: str, member: str, suite_name: str
) -> None:
    base = vectors / folder
    expected = _json(_file(base, "signed", suffix, "json"))
    options = _json(_file(base, "proofConfig", suffix, "json"))
    key = _key(vectors, key_file, member)
    signed = add_proof(_json(vectors / unsigned), key, suite_name, created=options["created"])
    assert signed == expected
    assert signed["proof"]["proofValue"] == _text(_file(base, "sigBTC58", suffix))
    result = verify_proofs(expected, clock=CLOCK)
    assert result.verified, result.problems
    tampered = json.loads(json.dumps(expected))
    tampered["credentialSubject"]["id"] = "did:example:someone-else"
    assert not verify_proofs(tampered, clock=CLOCK).verified


# -- proof sets and chains (vc-di-eddsa/TestVectors/proof-set-chain) ----------------------------


def _chain_key(vectors: Path, vm: str) -> PrivateKey:
    pairs = _json(vectors / "vc-di-eddsa/proof-set-chain/multiKeyPairs.json")
    for pair in pairs.values():
        if vm.endswith("#" + pair["publicKeyMultibase"]):
            key = load_key(pair["privateKeyMultibase"])
            assert isinstance(key, PrivateKey)
            return key
    raise AssertionError(f"no key pair for {vm}")


@pytest.mark.parametrize(
    ("before", "config", "after"),
    [
        ("unsigned.json", "proofSetConfig1.json", "signedProofSet1.json"),
        ("signedProofSet1.json", "proofSetConfig2.json", "signedProofSet2.json"),
        ("signedProofSet2.json", "proofChainConfig1.json", "signedProofChain1.json"),
        ("signedProofChain1.json", "proofChainConfig2.json", "signedProofChain2.json"),
    ],
)
def test_proof_set_and_chain_reproduced(vectors: Path, before: str, config: str, after: str) -> None:
    base = vectors / "vc-di-eddsa/proof-set-chain"
    options = _json(base / config)
    key = _chain_key(vectors, options["verificationMethod"])
    signed = add_proof(
        _json(base / before),
        key,
        options["cryptosuite"],
        created=options["created"],
        proof_id=options.get("id"),
        previous_proof=options.get("previousProof"),
    )
    assert signed == _json(base / after)
    signed_config = _json(base / config.replace("Config", "ConfigSigned"))
    assert (
        signed_config["proofValue"]
        == (signed["proof"][-1] if isinstance(signed["proof"], list) else signed["proof"])["proofValue"]
    )


@pytest.mark.parametrize("name", ["signedProofSet1", "signedProofSet2", "signedProofChain1", "signedProofChain2"])
def test_proof_set_and_chain_vectors_verify(vectors: Path, name: str) -> None:
    doc = _json(vectors / f"vc-di-eddsa/proof-set-chain/{name}.json")
    result = verify_proofs(doc, clock=CLOCK)
    assert result.verified, result.problems
    proofs = doc["proof"] if isinstance(doc["proof"], list) else [doc["proof"]]
    assert len(result.proofs) == len(proofs)


def test_chain_temp_document_is_what_the_chained_proof_signs(vectors: Path) -> None:
    """proofChainTempDoc2 is the document plus the proofs that proofChainConfig2 chains to."""
    base = vectors / "vc-di-eddsa/proof-set-chain"
    temp = _json(base / "proofChainTempDoc2.json")
    signed = _json(base / "signedProofChain2.json")
    wanted = _json(base / "proofChainConfig2.json")["previousProof"]
    wanted = [wanted] if isinstance(wanted, str) else wanted
    assert temp["proof"] == [p for p in signed["proof"] if p.get("id") in wanted]


# -- data-integrity-test-suite-assertion previousProof inputs ------------------------------------

ASSERTION = sorted(
    (Path(__file__).parents[1] / "vectors/data-integrity-test-suite-assertion/eddsa-rdfc-2022").glob("*.json")
)


@pytest.mark.parametrize("path", ASSERTION, ids=[p.name for p in ASSERTION])
def test_previous_proof_inputs_behave_as_named(path: Path) -> None:
    doc = _json(path)
    # the proofs come from two different did:key signers; both are accepted co-signers here
    signers = [p["verificationMethod"] for p in doc["proof"]]
    policy = ProofSetPolicy(min_proofs=2, from_methods=signers)
    issuer = doc["issuer"] if isinstance(doc["issuer"], str) else doc["issuer"]["id"]
    result = verify_proofs(doc, clock=CLOCK, expected_controller=issuer, policy=policy)
    if "Ok" in path.name:
        assert result.verified, result.problems
    else:
        assert "Fail" in path.name
        assert not result.verified
        assert any(p.type is not None and p.type.endswith("#PROOF_VERIFICATION_ERROR") for p in result.problems) or any(
            p.code == "di.data_loss" for p in result.problems
        )
        # the chained (second) proof is the one that fails
        assert result.proofs[-1].status == "fail"
        assert result.proofs[-1].code == "di.proof_invalid"


# -- vc-di-ecdsa-test-suite mocks (the vc2.0 documents; their pointers are for ecdsa-sd-2023) -------

MOCKS = ["valid/vc2.0/document.json", "achievement/vc2.0/document.json"]


@pytest.mark.parametrize("mock", MOCKS)
@pytest.mark.parametrize("suite_name", ["ecdsa-rdfc-2019", "ecdsa-jcs-2019"])
@pytest.mark.parametrize("key_file", ["p256KeyPair.json", "p384KeyPair.json"])
def test_ecdsa_test_suite_documents_round_trip(vectors: Path, mock: str, suite_name: str, key_file: str) -> None:
    doc = _json(vectors / "vc-di-ecdsa-test-suite" / mock)
    key = _key(vectors, f"vc-di-ecdsa/{key_file}", "secretKeyMultibase")
    doc["issuer"] = key.did
    signed = add_proof(doc, key, suite_name, clock=CLOCK)
    result = verify_proofs(signed, clock=CLOCK, expected_controller=key.did)
    assert result.verified, result.problems
    assert len(signed["proof"]["proofValue"]) > 80
    signed["credentialSubject"]["extra"] = "unsigned"
    assert not verify_proofs(signed, clock=CLOCK, expected_controller=key.did).verified
