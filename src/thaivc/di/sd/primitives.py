"""The selective-disclosure primitives of vc-di-ecdsa §3.4 that ``ecdsa-sd-2023`` is built from.

* **Skolemisation.** Blank nodes have no names a JSON Pointer could follow from one document to
  another, so before selecting, every node without an ``@id`` gets a temporary IRI (expanded form,
  then compacted again with the document's own context, as the reference does): a selection then
  keeps the node's identity, and its statements line up with the full document's.
* **Label replacement.** RDFC-1.0 labels (``c14n0`` …) would reveal how many nodes the issuer's
  document had and in which order; the issuer replaces each with ``u`` + base64url(HMAC-SHA-256(key,
  label)) instead (:func:`hmac_label_map`), and the holder later tells the verifier which HMAC label
  each of the *revealed* document's canonical labels stands for.
* **Grouping.** The canonical statements of the full document, by index, split into those a group
  of pointers selects (``matching``) and the rest.

Canonicalisation is the package's RDFC-1.0 (:mod:`thaivc.di.canon.rdfc`), with its work limit;
JSON-LD expansion and compaction are pyld's, through the same offline context loader as every other
RDFC suite, and paid from the request's work budget.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from thaivc.contexts import ContextRegistry
from thaivc.core.budget import JSONLD_NODE_UNITS, current_budget, json_nodes, meter_pyld
from thaivc.core.errors import InputError, ThaiVCError
from thaivc.di.canon import rdfc
from thaivc.di.canon.dataset import IRI, BlankNode, Dataset, Quad
from thaivc.di.canon.jsonld_fast import fast_to_dataset
from thaivc.di.canon.jsonld_rdf import pyld_options
from thaivc.di.canon.nquads import serialize_quad
from thaivc.di.sd.pointers import select_json_ld
from thaivc.di.transform import loader_for

__all__ = [
    "Group",
    "Grouped",
    "Skolemized",
    "canonicalize_and_group",
    "hmac_label_map",
    "relabel",
    "skolemize",
]

_SKOLEM: Final = "urn:bnid:"
LabelMapFactory = Callable[[Mapping[str, str]], dict[str, str]]


def hmac_label_map(hmac_key: bytes) -> LabelMapFactory:
    """createHmacIdLabelMapFunction: each canonical label → ``u`` + base64url(HMAC-SHA-256(label))."""

    def factory(canonical_ids: Mapping[str, str]) -> dict[str, str]:
        out = {}
        for input_label, c14n_label in canonical_ids.items():
            digest = hmac.new(hmac_key, c14n_label.encode("utf-8"), hashlib.sha256).digest()
            out[input_label] = "u" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
        return out

    return factory


def relabel(dataset: Dataset, labels: Mapping[str, str]) -> list[str]:
    """The statements of ``dataset`` as N-Quads lines, every blank node renamed through ``labels``.

    A blank node ``labels`` does not name is an error: it would otherwise keep a label the other
    party cannot know (``di.sd_label_map``).
    """

    def node(term: Any) -> Any:
        if type(term) is BlankNode:
            new = labels.get(term.id)
            if new is None:
                raise InputError("di.sd_label_map", "a blank node has no label in the label map")
            return BlankNode(new)
        return term

    return [serialize_quad(Quad(node(q.subject), q.predicate, node(q.object), node(q.graph))) for q in dataset.quads]


def label_replacement_canonicalize(
    dataset: Dataset, factory: LabelMapFactory, *, max_work: int
) -> tuple[dict[str, str], list[str]]:
    """labelReplacementCanonicalizeNQuads: RDFC-1.0, labels replaced, statements sorted.

    Returns the label map (input blank-node label → new label) and the sorted statements.
    """
    if len(dataset) == 0:
        raise InputError("di.data_loss", "the document canonicalises to nothing: no statement would be signed")
    canon = rdfc.canonicalize(dataset, hash_name="sha256", max_work=max_work)
    labels = factory(canon.issued)
    return labels, sorted(relabel(dataset, labels))


def _charge(doc: Any) -> None:
    budget = current_budget()
    if budget is not None:
        meter_pyld()
        budget.spend(JSONLD_NODE_UNITS * json_nodes(doc), "JSON-LD skolemisation")


@dataclass(frozen=True, slots=True)
class Skolemized:
    """A document with every blank node named: expanded and compacted, and the names' prefix."""

    expanded: list[Any]
    compact: dict[str, Any]
    prefix: str


def skolemize(
    document: Mapping[str, Any], contexts: ContextRegistry, *, random_string: str | None = None
) -> Skolemized:
    """The document with every blank node named ``urn:bnid:_<random>_<n>`` (children first).

    The random part keeps the temporary names apart from any IRI the document itself contains;
    ``random_string`` fixes it for known-answer tests only.
    """
    from pyld import jsonld

    prefix = f"{_SKOLEM}_{random_string if random_string is not None else secrets.token_hex(16)}_"
    options = pyld_options(loader_for(contexts))
    _charge(document)
    try:
        expanded = jsonld.expand(dict(document), options)
        counter = [0]
        named = _skolemize_expanded(expanded, prefix, counter)
        compacted = jsonld.compact(named, document.get("@context", {}), options)
    except ThaiVCError:
        raise
    except RecursionError:
        raise InputError("input.too_deep", "JSON-LD document nested too deep") from None
    except Exception as exc:
        message = getattr(exc, "code", None) or type(exc).__name__
        raise InputError("di.jsonld_invalid", f"JSON-LD skolemisation failed: {str(message)[:200]}") from None
    if not isinstance(compacted, dict) or not isinstance(named, list):  # pragma: no cover - pyld's shapes
        raise InputError("di.jsonld_invalid", "JSON-LD compaction did not return an object")
    return Skolemized(named, compacted, prefix)


def _skolemize_expanded(nodes: Any, prefix: str, counter: list[int]) -> Any:
    if not isinstance(nodes, list):
        return _skolemize_expanded([nodes], prefix, counter)[0]
    out = []
    for element in nodes:
        if not isinstance(element, dict) or "@value" in element:
            out.append(element)
            continue
        node = {key: _skolemize_expanded(value, prefix, counter) if isinstance(value, list | dict) else value
                for key, value in element.items()}
        if "@list" in element or "@set" in element:
            out.append(node)
            continue
        node_id = node.get("@id")
        if node_id is None:
            node["@id"] = f"{prefix}{counter[0]}"
            counter[0] += 1
        elif isinstance(node_id, str) and node_id.startswith("_:"):
            node["@id"] = f"{prefix}e{node_id[2:]}"
        out.append(node)
    return out


def to_deskolemized(document: Mapping[str, Any], prefix: str, contexts: ContextRegistry) -> Dataset:
    """The RDF of a skolemised document with its temporary IRIs turned back into blank nodes."""

    def node(term: Any) -> Any:
        if type(term) is IRI and term.value.startswith(prefix):
            return BlankNode(term.value[len(_SKOLEM):])
        return term

    dataset = fast_to_dataset(document, loader_for(contexts))
    return Dataset.of(Quad(node(q.subject), q.predicate, node(q.object), node(q.graph)) for q in dataset.quads)


@dataclass(frozen=True, slots=True)
class Group:
    """The canonical statements one group of pointers selects (``matching``) and the others."""

    matching: dict[int, str]
    non_matching: dict[int, str]
    deskolemized: Dataset


@dataclass(frozen=True, slots=True)
class Grouped:
    """canonicalizeAndGroup's result: the groups, the label map and the sorted statements."""

    groups: dict[str, Group]
    label_map: dict[str, str]
    nquads: list[str]
    skolemized: Skolemized
    deskolemized: Dataset


def canonicalize_and_group(
    document: Mapping[str, Any],
    factory: LabelMapFactory,
    groups: Mapping[str, Sequence[str]],
    *,
    contexts: ContextRegistry,
    max_work: int = rdfc.DEFAULT_MAX_WORK,
    random_string: str | None = None,
) -> Grouped:
    """canonicalizeAndGroup (vc-di-ecdsa §3.4) over ``document``, which carries no proof."""
    skolem = skolemize(document, contexts, random_string=random_string)
    skolemized, prefix = skolem.compact, skolem.prefix
    full = to_deskolemized(skolemized, prefix, contexts)
    label_map, nquads = label_replacement_canonicalize(full, factory, max_work=max_work)
    out: dict[str, Group] = {}
    for name, pointers in groups.items():
        selection = select_json_ld(skolemized, pointers)
        if selection is None:
            out[name] = Group({}, dict(enumerate(nquads)), Dataset.of([]))
            continue
        deskolemized = to_deskolemized(selection, prefix, contexts)
        selected = set(relabel(deskolemized, label_map))
        matching = {i: nq for i, nq in enumerate(nquads) if nq in selected}
        non_matching = {i: nq for i, nq in enumerate(nquads) if nq not in selected}
        out[name] = Group(matching, non_matching, deskolemized)
    return Grouped(out, label_map, nquads, skolem, full)
