"""Transformation and hashing shared by signing and verifying: the bytes a proof signs.

For every cryptosuite the signed message is ``hash(canonical proof configuration) ‖
hash(canonical document)`` (vc-di-eddsa §3.2.4 / §3.3.4, vc-di-ecdsa §3.2.4 / §3.3.4), where the
document is the secured document *without* its ``proof`` — except in a proof chain, where it
carries the proofs that the new proof's ``previousProof`` names (VC Data Integrity §4.2 step 4,
§4.4 step 5).

RDFC suites convert JSON-LD to RDF through the offline loader of a
:class:`~thaivc.contexts.ContextRegistry` and the template fast path of
:mod:`thaivc.di.canon.jsonld_fast`; the loader object is kept per registry so that processed
contexts and templates are reused from one verification to the next.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from thaivc.contexts import ContextRegistry
from thaivc.core.errors import InputError
from thaivc.di.canon import jcs, rdfc
from thaivc.di.canon.jsonld_fast import fast_convert
from thaivc.di.canon.prepared import AnyDataset
from thaivc.di.suites import Cryptosuite, HashName

__all__ = [
    "Canonical",
    "canonical_dataset",
    "canonical_document",
    "canonical_proof_config",
    "hash_data",
    "loader_for",
    "proof_config",
    "shared_contexts",
]

_LOADERS_MAX: Final = 16
_SHAPES_MAX: Final = 256


class _RegistryLoader:
    """``loader(url) -> context`` over one registry; one object per registry so caches stick."""

    __slots__ = ("__weakref__", "_docs", "_json_terms", "_shapes", "registry")

    def __init__(self, registry: ContextRegistry) -> None:
        self.registry = registry
        self._docs: dict[str, dict[str, Any]] = {}
        self._shapes: OrderedDict[Any, None] = OrderedDict()
        self._json_terms: frozenset[str] | None = None

    def json_literal_terms(self) -> frozenset[str]:
        """Terms the registry's contexts type ``@json``: their values are signed whole (computed once)."""
        if self._json_terms is None:
            from thaivc.di.unsigned import json_literal_terms

            self._json_terms = json_literal_terms(self(url) for url in self.registry)
        return self._json_terms

    def shape_checked(self, shape: Any) -> bool:
        """Whether a document of this JSON-LD template shape already passed the full JSON-LD checks."""
        return shape in self._shapes

    def remember_shape(self, shape: Any) -> None:
        self._shapes[shape] = None
        while len(self._shapes) > _SHAPES_MAX:
            self._shapes.popitem(last=False)

    def __call__(self, url: str) -> Mapping[str, Any]:
        doc = self._docs.get(url)
        if doc is None:
            doc = self.registry.load(url)  # raises di.context_not_allowed for anything else
            self._docs[url] = doc
        return doc


_loaders: OrderedDict[int, _RegistryLoader] = OrderedDict()
_loaders_lock: Final = threading.Lock()


_shared: list[ContextRegistry] = []


def shared_contexts() -> ContextRegistry:
    """One process-wide frozen registry of the bundled contexts: the default everywhere, so the
    contexts it serves are processed once and the JSON-LD templates built from them are reused."""
    with _loaders_lock:
        if not _shared:
            _shared.append(ContextRegistry.default().freeze())
        return _shared[0]


def loader_for(registry: ContextRegistry) -> _RegistryLoader:
    """The (cached) context loader of ``registry``. It never touches the network."""
    with _loaders_lock:
        loader = _loaders.get(id(registry))
        if loader is not None and loader.registry is registry:
            _loaders.move_to_end(id(registry))
            return loader
        loader = _RegistryLoader(registry)
        _loaders[id(registry)] = loader
        while len(_loaders) > _LOADERS_MAX:
            _loaders.popitem(last=False)
        return loader


@dataclass(frozen=True, slots=True)
class Canonical:
    """A canonical form and its digest."""

    data: bytes
    digest: bytes


def proof_config(proof: Mapping[str, Any], document: Mapping[str, Any], suite: Cryptosuite) -> dict[str, Any]:
    """The proof configuration: the proof without ``proofValue``.

    For RDFC suites the configuration takes the document's ``@context`` (the proof is read with
    the document's terms). For JCS suites a ``@context`` carried by the proof is kept as it is;
    the verifier checks separately that it is a prefix of the document's (docs/security.md group E).
    """
    config = {key: value for key, value in proof.items() if key != "proofValue"}
    if suite.transform == "rdfc":
        config.pop("@context", None)
        if "@context" in document:
            config["@context"] = document["@context"]
    return config


def _digest(hash_name: HashName, data: bytes) -> bytes:
    return hashlib.sha384(data).digest() if hash_name == "sha384" else hashlib.sha256(data).digest()


def _rdfc(doc: Mapping[str, Any], hash_name: HashName, contexts: ContextRegistry, max_work: int) -> bytes:
    return _canonical_nquads(fast_convert(doc, loader_for(contexts)).dataset, hash_name, max_work)


def _canonical_nquads(dataset: AnyDataset, hash_name: HashName, max_work: int) -> bytes:
    if len(dataset) == 0:
        raise InputError("di.data_loss", "the document canonicalises to nothing: no statement would be signed")
    return rdfc.canonicalize(dataset, hash_name=hash_name, max_work=max_work).nquads.encode("utf-8")


def canonical_document(
    document: Mapping[str, Any],
    suite: Cryptosuite,
    hash_name: HashName,
    *,
    contexts: ContextRegistry,
    max_work: int = rdfc.DEFAULT_MAX_WORK,
) -> Canonical:
    """The transformed document (RDFC N-Quads or JCS bytes) and its hash. ``document`` has no proof
    other than the chain's previous proofs."""
    data = _rdfc(document, hash_name, contexts, max_work) if suite.transform == "rdfc" else jcs.canonicalize(document)
    return Canonical(data, _digest(hash_name, data))


def canonical_dataset(
    dataset: AnyDataset, hash_name: HashName, *, max_work: int = rdfc.DEFAULT_MAX_WORK
) -> Canonical:
    """:func:`canonical_document` of an RDFC suite for a document already converted to RDF, so a
    verifier that converted it to check its JSON-LD meaning does not convert it again."""
    data = _canonical_nquads(dataset, hash_name, max_work)
    return Canonical(data, _digest(hash_name, data))


def canonical_proof_config(
    config: Mapping[str, Any],
    suite: Cryptosuite,
    hash_name: HashName,
    *,
    contexts: ContextRegistry,
    max_work: int = rdfc.DEFAULT_MAX_WORK,
) -> Canonical:
    """The canonical proof configuration and its hash."""
    data = _rdfc(config, hash_name, contexts, max_work) if suite.transform == "rdfc" else jcs.canonicalize(config)
    return Canonical(data, _digest(hash_name, data))


def hash_data(config: Canonical, document: Canonical) -> bytes:
    """What is signed: proof configuration hash ‖ transformed document hash."""
    return config.digest + document.digest
