"""JSON-LD document → RDF dataset, the step before RDFC-1.0 in ``*-rdfc-*`` cryptosuites.

This is JSON-LD 1.1 *Deserialize JSON-LD to RDF* done by pyld, mapped onto
:mod:`thaivc.di.canon.dataset`. Three pyld behaviours are pinned down here because each one is a
way for unsigned or altered data to slip through:

* **Base IRI.** pyld resolves relative IRIs against ``http://example.org/base/`` when the base is
  the empty string, its default for dict input. Data Integrity requires a null base, so ``base``
  is passed as ``None``: a relative ``id`` then produces no triple (detecting that loss is the
  cryptosuite's job, ``di.data_loss``), rather than a made-up absolute IRI that would be signed.
* **Context cache.** pyld keeps one process-wide cache of processed contexts keyed by URL, shared
  by every document loader. A context admitted by one loader would then be served to callers whose
  loader refuses it. Each loader here gets its own cache instead (reuse the same loader object to
  benefit from it).
* **Errors.** Whatever goes wrong inside pyld becomes a typed error: a
  :class:`~thaivc.core.errors.ThaiVCError` raised by the loader (``di.context_not_allowed``, …) is
  re-raised as is; a protected-term redefinition is ``di.context_not_allowed``; any other failure is
  ``di.jsonld_invalid``. Nothing escapes as a bare exception.

The loader is a parameter: ``loader(url) -> context document`` (the parsed JSON object). The
package's own registry of pinned contexts provides one; tests use the bundled vector files.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping
from typing import Any, Final

from cachetools import LRUCache

from thaivc.core.budget import JSONLD_NODE_UNITS, current_budget, json_nodes, meter_pyld
from thaivc.core.errors import InputError, ThaiVCError
from thaivc.di.canon.dataset import (
    DEFAULT_GRAPH,
    IRI,
    RDF_LANG_STRING,
    BlankNode,
    Dataset,
    GraphTerm,
    Literal,
    ObjectTerm,
    Quad,
    SubjectTerm,
)

__all__ = ["ContextLoader", "from_pyld_dataset", "pyld_options", "to_dataset"]

#: ``loader(url)`` returns the JSON document found at a context URL, or raises (ideally a
#: :class:`~thaivc.core.errors.ThaiVCError` such as ``di.context_not_allowed``).
ContextLoader = Callable[[str], Mapping[str, Any]]

_CACHE_SIZE: Final = 64
_caches: weakref.WeakKeyDictionary[Any, LRUCache[Any, Any]] = weakref.WeakKeyDictionary()
_PROTECTED: Final = frozenset({"protected term redefinition", "invalid context nullification"})


def _cache_for(loader: ContextLoader) -> LRUCache[Any, Any]:
    try:
        cache = _caches.get(loader)
        if cache is None:
            cache = LRUCache(maxsize=_CACHE_SIZE)
            _caches[loader] = cache
        return cache
    except TypeError:  # not weak-referenceable: no sharing across calls, still correct
        return LRUCache(maxsize=_CACHE_SIZE)


def pyld_options(loader: ContextLoader) -> dict[str, Any]:
    """The pyld options every conversion uses (exposed so tests can run pyld as an oracle)."""
    # pyld is imported where it is used: ``import thaivc`` and the vc+jwt path never need it
    from pyld.context_resolver import ContextResolver

    def document_loader(url: str, options: object = None) -> dict[str, Any]:
        # pyld edits context documents in place (it resolves nested context URLs) and accepts only
        # plain dicts: hand it a private copy so a registry's pinned, possibly frozen, copy stays intact.
        return {"contextUrl": None, "documentUrl": url, "document": _plain(loader(url))}

    return {
        "documentLoader": document_loader,
        "contextResolver": ContextResolver(_cache_for(loader), document_loader),
        "base": None,
        "produceGeneralizedRdf": False,
        "processingMode": "json-ld-1.1",
        "rdfDirection": None,
    }


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def to_dataset(doc: Mapping[str, Any], document_loader: ContextLoader) -> Dataset:
    """Convert a JSON-LD document to an RDF :class:`Dataset` with pyld.

    Raises :class:`~thaivc.core.errors.ThaiVCError` (see the module docstring) and never anything else.
    Under a request's :class:`~thaivc.core.budget.WorkBudget` the conversion is paid for before it
    starts (linear part) and while it runs (pyld's value comparisons), so it stops at the ceiling.
    """
    from pyld import jsonld  # lazily, as in pyld_options

    _charge(doc)
    try:
        raw = jsonld.to_rdf(dict(doc), pyld_options(document_loader))
    except ThaiVCError:
        raise
    except Exception as exc:
        raise _translate(exc) from None
    try:
        return from_pyld_dataset(raw)
    except ThaiVCError:
        raise
    except Exception as exc:  # pragma: no cover - pyld returned a shape it does not document
        raise InputError("di.jsonld_invalid", f"unexpected RDF from the JSON-LD processor: {exc}") from None


def _charge(doc: Mapping[str, Any]) -> None:
    budget = current_budget()
    if budget is not None:
        meter_pyld()
        budget.spend(JSONLD_NODE_UNITS * json_nodes(doc), "JSON-LD to RDF")


def _translate(exc: BaseException) -> ThaiVCError:
    """Find the first typed error in the cause chain; otherwise classify pyld's error."""
    seen: set[int] = set()
    node: BaseException | None = exc
    while node is not None and id(node) not in seen:
        seen.add(id(node))
        if isinstance(node, ThaiVCError):
            return node
        cause = getattr(node, "cause", None)
        node = cause if isinstance(cause, BaseException) else (node.__cause__ or node.__context__)
    node = exc
    seen.clear()
    while node is not None and id(node) not in seen:
        seen.add(id(node))
        code = getattr(node, "code", None)
        if code in _PROTECTED:
            return InputError("di.context_not_allowed", f"JSON-LD: {code}")
        node = node.__cause__ or node.__context__
    if isinstance(exc, RecursionError):
        return InputError("input.too_deep", "JSON-LD document nested too deep")
    message = getattr(exc, "code", None) or (exc.args[0] if exc.args else type(exc).__name__)
    return InputError("di.jsonld_invalid", f"JSON-LD to RDF failed: {str(message)[:200]}")


def _node(term: Mapping[str, Any]) -> IRI | BlankNode:
    value = term["value"]
    if term["type"] == "blank node":
        return BlankNode(value[2:] if value.startswith("_:") else value)
    return IRI(value)


def _object(term: Mapping[str, Any]) -> ObjectTerm:
    if term["type"] != "literal":
        return _node(term)
    language = term.get("language")
    if language is not None:
        return Literal(term["value"], RDF_LANG_STRING, language)
    return Literal(term["value"], term["datatype"])


def from_pyld_dataset(raw: Mapping[str, Any]) -> Dataset:
    """Map pyld's internal dataset (``{graph name: [triple, …]}``) onto :class:`Dataset`."""
    quads: list[Quad] = []
    for graph_name, triples in raw.items():
        graph: GraphTerm
        if graph_name == "@default":
            graph = DEFAULT_GRAPH
        elif graph_name.startswith("_:"):
            graph = BlankNode(graph_name[2:])
        else:
            graph = IRI(graph_name)
        for triple in triples:
            subject: SubjectTerm = _node(triple["subject"])
            predicate = triple["predicate"]
            if predicate["type"] != "IRI":  # pragma: no cover - generalized RDF is switched off
                raise InputError("di.jsonld_invalid", "a blank-node predicate")
            quads.append(Quad(subject, IRI(predicate["value"]), _object(triple["object"]), graph))
    return Dataset.of(quads)
