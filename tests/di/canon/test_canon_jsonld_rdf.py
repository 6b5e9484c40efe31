"""JSON-LD → dataset → RDFC-1.0 against the W3C cryptosuite vectors, pyld as oracle, and error mapping."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from pyld import jsonld

from thaivc.core.errors import InputError
from thaivc.core.jsonutil import loads_strict
from thaivc.di.canon.dataset import IRI, BlankNode
from thaivc.di.canon.jsonld_rdf import ContextLoader, pyld_options, to_dataset
from thaivc.di.canon.rdfc import HashName, canonicalize

# (input document, expected canonical N-Quads, RDFC hash) straight from the W3C specifications' test
# vectors. ecdsa-rdfc-2019 with P-384 runs RDFC-1.0 with SHA-384: its blank-node labels differ.
CANONICAL_VECTORS = [
    ("vc-di-eddsa/unsigned.json", "vc-di-eddsa/eddsa-rdfc-2022/canonDocDataInt.txt", "sha256"),
    (
        "vc-di-eddsa/eddsa-rdfc-2022/proofConfigDataInt.json",
        "vc-di-eddsa/eddsa-rdfc-2022/proofCanonDataInt.txt",
        "sha256",
    ),
    ("vc-di-eddsa/employmentAuth.json", "vc-di-eddsa/eddsa-rdfc-2022/employ/canonDocDataInt.txt", "sha256"),
    (
        "vc-di-eddsa/eddsa-rdfc-2022/employ/proofConfigDataInt.json",
        "vc-di-eddsa/eddsa-rdfc-2022/employ/proofCanonDataInt.txt",
        "sha256",
    ),
    ("vc-di-eddsa/unsigned.json", "vc-di-eddsa/Ed25519Signature2020/canonDocEdSig.txt", "sha256"),
    (
        "vc-di-eddsa/Ed25519Signature2020/proofConfigEdSig.json",
        "vc-di-eddsa/Ed25519Signature2020/proofCanonEdSig.txt",
        "sha256",
    ),
    ("vc-di-ecdsa/unsigned.json", "vc-di-ecdsa/ecdsa-rdfc-2019-p256/canonDocECDSAP256.txt", "sha256"),
    ("vc-di-ecdsa/unsigned.json", "vc-di-ecdsa/ecdsa-rdfc-2019-p384/canonDocECDSAP384.txt", "sha384"),
    (
        "vc-di-ecdsa/ecdsa-rdfc-2019-p256/proofConfigECDSAP256.json",
        "vc-di-ecdsa/ecdsa-rdfc-2019-p256/proofCanonECDSAP256.txt",
        "sha256",
    ),
    (
        "vc-di-ecdsa/ecdsa-rdfc-2019-p384/proofConfigECDSAP384.json",
        "vc-di-ecdsa/ecdsa-rdfc-2019-p384/proofCanonECDSAP384.txt",
        "sha384",
    ),
    (
        "vc-di-ecdsa/employmentAuth.json",
        "vc-di-ecdsa/ecdsa-rdfc-2019-p256/employ/canonDocECDSAP256.txt",
        "sha256",
    ),
    (
        "vc-di-ecdsa/employmentAuth.json",
        "vc-di-ecdsa/ecdsa-rdfc-2019-p384/employ/canonDocECDSAP384.txt",
        "sha384",
    ),
]


def _load(vectors: Path, relative: str) -> dict[str, Any]:
    document = loads_strict((vectors / relative).read_bytes(), require_object=True)
    assert isinstance(document, dict)
    return document


@pytest.mark.parametrize(
    ("source", "expected", "hash_name"), CANONICAL_VECTORS, ids=[e for _, e, _ in CANONICAL_VECTORS]
)
def test_w3c_canonical_documents(
    vectors: Path, context_loader: ContextLoader, source: str, expected: str, hash_name: HashName
) -> None:
    dataset = to_dataset(_load(vectors, source), context_loader)
    canonical = canonicalize(dataset, hash_name=hash_name).nquads
    assert canonical.encode("utf-8") == (vectors / expected).read_bytes()


def _signed_documents(vectors: Path) -> list[Path]:
    found = []
    for path in sorted(vectors.glob("vc-di-e*/**/*.json")):
        text = path.read_text(encoding="utf-8")
        if '"@context"' in text and "keyPair" not in path.name and "KeyPair" not in path.name:
            found.append(path)
    return found


def test_every_vector_document_matches_pyld(vectors: Path, context_loader: ContextLoader) -> None:
    # The oracle: pyld's own to_rdf + URDNA2015 on exactly the same options.
    paths = _signed_documents(vectors)
    assert len(paths) >= 30
    for path in paths:
        document = _load(vectors, str(path.relative_to(vectors)))
        expected = jsonld.normalize(
            copy.deepcopy(document),
            {**pyld_options(context_loader), "algorithm": "URDNA2015", "format": "application/n-quads"},
        )
        assert canonicalize(to_dataset(document, context_loader)).nquads == expected, path.name


def test_unknown_context_error_from_the_loader_is_kept(vectors: Path, context_loader: ContextLoader) -> None:
    document = _load(vectors, "vc-di-eddsa/unsigned.json")
    document["@context"] = [*document["@context"], "https://ctx.attacker.example/v1"]
    with pytest.raises(InputError) as info:
        to_dataset(document, context_loader)
    assert info.value.code == "di.context_not_allowed"


def test_protected_term_redefinition_is_refused(vectors: Path, context_loader: ContextLoader) -> None:
    document = _load(vectors, "vc-di-eddsa/unsigned.json")
    document["@context"] = [*document["@context"], {"VerifiableCredential": "https://evil.example/#VC"}]
    with pytest.raises(InputError) as info:
        to_dataset(document, context_loader)
    assert info.value.code == "di.context_not_allowed"


@pytest.mark.parametrize(
    "mutation",
    [
        lambda d: d.__setitem__("@context", 5),
        lambda d: d.__setitem__("@context", [{"@version": 2.0}]),
        lambda d: d.__setitem__("id", {"@id": 5}),
    ],
)
def test_invalid_json_ld_is_a_typed_error(vectors: Path, context_loader: ContextLoader, mutation: Any) -> None:
    document = _load(vectors, "vc-di-eddsa/unsigned.json")
    mutation(document)
    with pytest.raises(InputError) as info:
        to_dataset(document, context_loader)
    assert info.value.code == "di.jsonld_invalid"


def test_relative_ids_are_not_resolved_against_a_made_up_base(vectors: Path, context_loader: ContextLoader) -> None:
    document = _load(vectors, "vc-di-eddsa/unsigned.json")
    document["credentialSubject"]["id"] = "relative/subject"
    dataset = to_dataset(document, context_loader)
    text = canonicalize(dataset).nquads
    assert "example.org/base" not in text
    assert "relative/subject" not in text
    # the subject's statement is gone (null base): detecting that loss is the cryptosuite's job
    assert "alumniOf" not in text


def test_blank_nodes_and_language_literals_map(context_loader: ContextLoader) -> None:
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": "VerifiableCredential",
        "name": {"@value": "บัตรประชาชน", "@language": "th"},
        "credentialSubject": {"name": "สมชาย"},
    }
    dataset = to_dataset(document, context_loader)
    subjects = {q.subject for q in dataset}
    assert all(isinstance(s, BlankNode) for s in subjects)
    names = {q.object for q in dataset if q.predicate == IRI("https://schema.org/name")}
    languages = {getattr(o, "language", None) for o in names}
    assert languages == {"th", None}
    # Thai text passes through untouched (no normalisation before the signature)
    assert "\u0e1a\u0e31\u0e15\u0e23\u0e1b\u0e23\u0e30\u0e0a\u0e32\u0e0a\u0e19" in canonicalize(dataset).nquads


def test_each_loader_has_its_own_context_cache(vectors: Path, context_loader: ContextLoader) -> None:
    document = _load(vectors, "vc-di-eddsa/unsigned.json")
    to_dataset(document, context_loader)  # the permissive loader has processed both contexts

    def refusing(url: str) -> dict[str, Any]:
        raise InputError("di.context_not_allowed", url)

    with pytest.raises(InputError) as info:
        to_dataset(document, refusing)
    assert info.value.code == "di.context_not_allowed"


def test_plain_exceptions_from_a_loader_become_typed(vectors: Path) -> None:
    def broken(url: str) -> dict[str, Any]:
        raise OSError("disk on fire")

    with pytest.raises(InputError) as info:
        to_dataset(_load(vectors, "vc-di-eddsa/unsigned.json"), broken)
    assert info.value.code == "di.jsonld_invalid"


def test_loader_may_return_frozen_mappings_which_stay_untouched(vectors: Path) -> None:
    from types import MappingProxyType

    def freeze(value: Any) -> Any:
        if isinstance(value, dict):
            return MappingProxyType({k: freeze(v) for k, v in value.items()})
        if isinstance(value, list):
            return tuple(freeze(v) for v in value)
        return value

    files = {
        "https://www.w3.org/ns/credentials/v2": "contexts/credentials/v2.jsonld",
        "https://www.w3.org/ns/credentials/examples/v2": "contexts/credentials/examples/v2.jsonld",
    }
    frozen = {url: freeze(_load(vectors, path)) for url, path in files.items()}

    def loader(url: str) -> Any:
        return frozen[url]

    document = _load(vectors, "vc-di-eddsa/unsigned.json")
    canonical = canonicalize(to_dataset(document, loader)).nquads
    assert canonical.encode() == (vectors / "vc-di-eddsa/eddsa-rdfc-2022/canonDocDataInt.txt").read_bytes()
