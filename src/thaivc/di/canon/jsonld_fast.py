"""A fast path for JSON-LD → RDF on credentials whose contexts are all pinned URLs.

pyld spends about a millisecond expanding one credential, most of it re-deciding, key by key, what
each term means. For a verifier those decisions depend on the *shape* of the document (its member
names, its ``type`` values, where it nests) and on the contexts, not on the data values: the same
credential type from the same issuer always expands the same way. So the first document of a shape
is converted by pyld with every string and integer replaced by a unique placeholder; where the
placeholders land in pyld's output gives a *template*; later documents of that shape are converted
by substituting their values into it, which costs tens of microseconds.

A value only takes part in a template when its treatment provably does not depend on the value:

* strings and integers become placeholders; booleans, floats, ``null`` and the values of
  ``type``/keyword-aliased members stay in the shape key (they steer scoped contexts and datatypes);
* every placeholder must come out of pyld whole and exactly once per kind — as an IRI or as a
  literal's lexical form — never inside another string (``@json``), a datatype or a language
  tag; an integer must keep its decimal form; ``xsd:double`` coercion of strings disqualifies;
* no statement may have a blank subject, object and graph all at once: RDFC-1.0 can break ties
  among those by input order, and pyld's order follows the identifiers the placeholders replace;
* a value substituted into an IRI position must be an absolute IRI whose scheme, and which itself,
  is not a term of any context involved (so no compact-IRI or term expansion can apply), and an
  integer must be below 10**21 in magnitude (pyld switches to doubles there).

Anything else — an inline or nested ``@context``, a context URL the loader refuses, a document that
pyld rejects, a value that fails a guard, a shape that does not template — goes to
:func:`~thaivc.di.canon.jsonld_rdf.to_dataset`, whose result and errors are the reference. Equality
with pyld is tested on the W3C vectors and on generated credentials. The one error that is never a
reason to fall back is the request's work budget running out (``di.canonicalization_limit``): it
propagates at once, and the shape is not remembered as untemplatable because one request was poor.
"""

from __future__ import annotations

import re
import threading
import weakref
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any, Final

from thaivc.core import fastpath
from thaivc.core.budget import BUDGET_CODE, current_budget, json_nodes
from thaivc.core.errors import InputError, ThaiVCError
from thaivc.di.canon.dataset import IRI, BlankNode, Dataset, DefaultGraph, Literal, Quad, make_literal, make_quad
from thaivc.di.canon.jsonld_rdf import ContextLoader, to_dataset
from thaivc.di.canon.nquads import escape_literal, serialize_iri, serialize_term
from thaivc.di.canon.prepared import AnyDataset, PreparedDataset, Row, new_row

__all__ = ["FastPathStats", "FastResult", "fast_convert", "fast_path_stats", "fast_to_dataset"]

_SLOT_PREFIX: Final = "urn:x-thaivc-slot:"
_INT_BASE: Final = 7_331_000_000_000
_ABSOLUTE_IRI: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s]*")
_MAX_TEMPLATES: Final = 256
_XSD_DOUBLE: Final = "http://www.w3.org/2001/XMLSchema#double"
#: Keywords whose values steer the conversion: kept whole in the shape, never slots (all start with "@").
_SHAPE_KEYWORDS: Final = frozenset({"@type", "@language", "@direction", "@index", "@json", "@vocab", "@base"})
#: Kinds of object in a compiled statement: written in advance, an IRI slot, a literal slot.
_FIXED: Final = 0
_IRI_SLOT: Final = 1
_LITERAL_SLOT: Final = 2


def _forget_templates() -> None:
    with _states_lock:
        states = list(_states.values())
    for state in states:
        with state.lock:
            state.templates.clear()
            state.facts.clear()


fastpath.register(
    "di.canon JSON-LD templates",
    "eddsa-rdfc-2022 warm 1.5 KB and 1,000 claims: a document of a known shape is converted from the "
    "template pyld's expansion of its first instance taught, not by pyld again (docs/performance.md)",
    _forget_templates,
)

fastpath.register(
    "di.canon JSON-LD prepared rows",
    "eddsa-rdfc-2022 warm 1.5 KB: no Quad objects for a templated document or proof configuration, "
    "and no second serialisation in RDFC (docs/performance.md, issue 16 fourth round)",
    lambda: None,  # nothing to empty: the rows are written from the template on every call
)


@dataclass
class FastPathStats:
    """Counters, so tests and benchmarks can see which path ran."""

    hits: int = 0
    misses: int = 0
    fallbacks: int = 0


@dataclass(frozen=True, slots=True)
class _Slot:
    index: int
    iri: bool


@dataclass(frozen=True, slots=True)
class _ContextFacts:
    """What the guards need to know about a set of contexts: term names and keyword aliases."""

    terms: frozenset[str]
    shape_keys: frozenset[str]


@dataclass(frozen=True, slots=True)
class _Template:
    quads: tuple[tuple[Any, IRI, Any, Any], ...]
    iri_slots: tuple[int, ...]
    #: per quad, plain keys of its fixed terms (``None`` where a slot goes), for removing duplicates
    keys: tuple[tuple[Any, str, Any, Any], ...]
    #: the slots (pinned or not) that hold integers in every document of the shape
    int_slots: tuple[int, ...]
    #: per quad, its N-Quads row written in advance with the slots marked (see :func:`_compile`);
    #: ``None`` when a fixed term cannot be written (RDFC will refuse it from the terms)
    compiled: tuple[_Compiled, ...] | None


#: ``(subject slot or -1, subject text, predicate text, object kind, object slot or -1, object text —
#: the closing quote and suffix for a literal slot —, graph text, subject/object/graph blank labels)``
_Compiled = tuple[int, str, str, int, int, str, str, str | None, str | None, str | None]


def _term_key(term: Any) -> Any:
    """A plain, hashable stand-in for a term: equal exactly when the terms are equal.

    The kind comes first, so an IRI and a blank node with the same text stay apart, as they do as
    terms; hashing these tuples happens in C, which the terms' dataclass ``__hash__`` does not.
    """
    kind = type(term)
    if kind is IRI:
        return ("I", term.value)
    if kind is BlankNode:
        return ("B", term.id)
    if kind is Literal:
        return ("L", term.value, term.datatype, term.language, term.direction)
    return ("G", repr(term))  # the default graph: one value


class _LoaderState:
    def __init__(self) -> None:
        self.facts: dict[tuple[str, ...], _ContextFacts] = {}
        self.templates: OrderedDict[Any, _Template | None] = OrderedDict()
        self.stats = FastPathStats()
        self.lock = threading.Lock()


_states: weakref.WeakKeyDictionary[Any, _LoaderState] = weakref.WeakKeyDictionary()
_states_lock: Final = threading.Lock()


def _state_for(loader: ContextLoader) -> _LoaderState | None:
    with _states_lock:
        try:
            state = _states.get(loader)
            if state is None:
                state = _LoaderState()
                _states[loader] = state
            return state
        except TypeError:
            return None


def fast_path_stats(loader: ContextLoader) -> FastPathStats:
    """Hit/miss/fallback counters of the fast path for one loader."""
    state = _state_for(loader)
    return state.stats if state is not None else FastPathStats()


def fast_to_dataset(doc: Mapping[str, Any], document_loader: ContextLoader) -> Dataset:
    """Same result as :func:`~thaivc.di.canon.jsonld_rdf.to_dataset`, faster for repeated shapes.

    Reuse the same ``document_loader`` object: templates are cached per loader.
    """
    dataset = fast_convert(doc, document_loader).dataset
    return dataset.as_dataset() if isinstance(dataset, PreparedDataset) else dataset


@dataclass(frozen=True, slots=True)
class FastResult:
    """A conversion and, when a template served it, what identifies the template.

    ``dataset`` is a :class:`~thaivc.di.canon.prepared.PreparedDataset` when a template served the
    document and fast paths are on (RDFC reads its rows; :func:`~thaivc.di.canon.prepared.as_dataset`
    gives the terms). ``shape`` is the template's key (the document's shape plus any values pinned into it); two
    documents with equal ``shape`` differ only in values that landed, whole, as literals or as the
    absolute IRIs listed in ``iri_values``. ``shape`` is ``None`` when pyld converted the document.
    """

    dataset: AnyDataset
    shape: Any = None
    iri_values: tuple[str, ...] = ()


def fast_convert(doc: Mapping[str, Any], document_loader: ContextLoader) -> FastResult:
    """:func:`fast_to_dataset`, also telling which template (if any) produced the result.

    Even a template hit walks the whole document, so under a request's work budget it pays one
    unit per JSON value (a fallback to pyld pays pyld's price on top).
    """
    budget = current_budget()
    if budget is not None:
        budget.spend(json_nodes(doc), "JSON-LD template conversion")
    state = _state_for(document_loader) if fastpath.ON[0] else None
    if state is None:  # no state for this loader, or every fast path switched off: pyld converts
        return FastResult(to_dataset(doc, document_loader))
    urls = _context_urls(doc)
    facts = None if urls is None else _facts(state, urls, document_loader)
    if facts is None:
        state.stats.fallbacks += 1
        return FastResult(to_dataset(doc, document_loader))
    values: list[Any] = []
    try:
        shape = _shape(doc, values, facts.shape_keys, top=True)
    except _Unsupported:
        state.stats.fallbacks += 1
        return FastResult(to_dataset(doc, document_loader))
    pinned: frozenset[int] = frozenset()
    template, known = _template_for(state, shape, doc, values, facts, loader=document_loader, pinned=pinned)
    fits = template is not None and _values_fit(template, values, facts)
    if template is not None and not fits:
        # A value the template cannot take (say a term such as "assertionMethod" where an IRI is
        # expected): pin those values into a more specific template built for them.
        pinned = frozenset(_misfits(template, values, facts))
        template, known = _template_for(state, shape, doc, values, facts, loader=document_loader, pinned=pinned)
        fits = template is not None and _values_fit(template, values, facts)
    if template is None or not fits:
        state.stats.fallbacks += 1
        return FastResult(to_dataset(doc, document_loader))
    state.stats.hits += known
    key = (shape, tuple(sorted((i, values[i]) for i in pinned)))
    dataset: AnyDataset
    if template.compiled is not None and fastpath.ON[0]:
        dataset = PreparedDataset(partial(_rows, template.compiled, values), partial(_instantiate, template, values))
    else:
        dataset = _instantiate(template, values)
    return FastResult(dataset, key, tuple(values[i] for i in template.iri_slots))


def _template_for(
    state: _LoaderState,
    shape: Any,
    doc: Mapping[str, Any],
    values: list[Any],
    facts: _ContextFacts,
    *,
    loader: ContextLoader,
    pinned: frozenset[int],
) -> tuple[_Template | None, bool]:
    key = (shape, tuple(sorted((i, values[i]) for i in pinned))) if pinned else shape
    with state.lock:
        known = key in state.templates
        template = state.templates.get(key)
        if known:
            state.templates.move_to_end(key)
    if not known:
        state.stats.misses += 1
        template = _build_template(doc, values, facts, loader, pinned)
        with state.lock:
            state.templates[key] = template
            while len(state.templates) > _MAX_TEMPLATES:
                state.templates.popitem(last=False)
    return template, known


class _Unsupported(Exception):
    """The document is outside what the fast path handles."""


def _context_urls(doc: Mapping[str, Any]) -> tuple[str, ...] | None:
    context = doc.get("@context")
    if isinstance(context, str):
        return (context,)
    if isinstance(context, list) and context and all(isinstance(c, str) for c in context):
        return tuple(context)
    return None


def _facts(state: _LoaderState, urls: tuple[str, ...], loader: ContextLoader) -> _ContextFacts | None:
    """Facts for a list of context URLs; ``None`` (not cached) when the loader refuses one."""
    cached = state.facts.get(urls)
    if cached is not None:
        return cached
    terms: set[str] = set()
    aliases: set[str] = set()
    try:
        pending = list(urls)
        seen: set[str] = set()
        while pending:
            url = pending.pop()
            if url in seen:
                continue
            seen.add(url)
            _collect(loader(url), terms, aliases, pending)
    except Exception:
        return None  # the reference path will raise the right error
    if _SLOT_PREFIX.split(":", 1)[0] in terms:
        return None
    facts = _ContextFacts(frozenset(terms), frozenset(aliases))
    with state.lock:
        if len(state.facts) >= _MAX_TEMPLATES:
            state.facts.clear()
        state.facts[urls] = facts
    return facts


def _collect(node: Any, terms: set[str], aliases: set[str], pending: list[str]) -> None:
    """Walk a context document: every term name, every alias of a keyword, every nested URL."""
    if isinstance(node, list | tuple):
        for item in node:
            _collect(item, terms, aliases, pending)
        return
    if isinstance(node, str):
        pending.append(node)
        return
    if not isinstance(node, Mapping):
        return
    for key, value in node.items():
        if key == "@context":
            _collect(value, terms, aliases, pending)
            continue
        if key.startswith("@"):
            if key == "@import" and isinstance(value, str):
                pending.append(value)
            continue
        terms.add(key)
        target = value.get("@id") if isinstance(value, Mapping) else value
        if isinstance(target, str) and target.startswith("@") and target not in ("@id", "@value"):
            aliases.add(key)
        if isinstance(value, Mapping) and "@context" in value:
            _collect(value["@context"], terms, aliases, pending)


def _shape(node: Any, values: list[Any], shape_keys: frozenset[str], *, top: bool = False) -> Any:
    """Shape key of a JSON value; strings and integers are appended to ``values`` as slots.

    Runs on every Data Integrity verification, so a string or integer member or item (most of a
    credential) is judged in its container's loop rather than in a call of its own; the order in
    which values are appended is :func:`_placeholder_doc`'s.
    """
    kind = type(node)
    if kind is dict:
        items: list[tuple[str, Any]] = []
        append = items.append
        for key, value in node.items():
            kind = type(value)
            if key == "@context":
                if not top:
                    raise _Unsupported
                append((key, _frozen(value)))
            elif key in shape_keys or key in _SHAPE_KEYWORDS:
                append((key, _frozen(value)))
            elif kind is str:
                values.append(value)
                append((key, "s"))
            else:
                append((key, _shape(value, values, shape_keys)))
        return ("d", tuple(items))
    if kind is list:
        shapes = []
        for item in node:
            if type(item) is str:
                values.append(item)
                shapes.append("s")
            else:
                shapes.append(_shape(item, values, shape_keys))
        return ("l", tuple(shapes))
    if kind is str:
        values.append(node)
        return "s"
    if kind is int:
        values.append(node)
        return "i"
    if node is None or kind is bool or kind is float:
        return _leaf(node)
    raise _Unsupported


def _leaf(node: Any) -> Any:
    # repr keeps apart what == merges (0.0 and -0.0, 1 and True): a shape never stands for two values
    return ("v", type(node).__name__, repr(node))


def _frozen(node: Any) -> Any:
    if type(node) is str:
        return ("t", node)  # the commonest pinned value (a type name, a context URL), kept whole
    if isinstance(node, dict):
        return ("d", tuple((k, _frozen(v)) for k, v in node.items()))
    if isinstance(node, list):
        return ("l", tuple(_frozen(v) for v in node))
    return _leaf(node)


def _placeholder_doc(node: Any, counter: list[int], shape_keys: frozenset[str], pinned: frozenset[int]) -> Any:
    """The document with each slot value replaced by its placeholder, in ``_shape`` order."""
    kind = type(node)
    if kind is str or kind is int:
        index = counter[0]
        counter[0] += 1
        if index in pinned:
            return node
        return f"{_SLOT_PREFIX}{index}" if kind is str else _INT_BASE + index
    if kind is dict:
        out = {}
        for key, value in node.items():
            if key == "@context" or key in shape_keys or key in _SHAPE_KEYWORDS:
                out[key] = value
            else:
                out[key] = _placeholder_doc(value, counter, shape_keys, pinned)
        return out
    if kind is list:
        return [_placeholder_doc(item, counter, shape_keys, pinned) for item in node]
    return node


def _build_template(
    doc: Mapping[str, Any],
    values: list[Any],
    facts: _ContextFacts,
    loader: ContextLoader,
    pinned: frozenset[int],
) -> _Template | None:
    counter = [0]
    probe = _placeholder_doc(dict(doc), counter, facts.shape_keys, pinned)
    if counter[0] != len(values):  # pragma: no cover - both walks visit the same slots
        return None
    try:
        dataset = to_dataset(probe, loader)
    except ThaiVCError as err:
        if err.code == BUDGET_CODE:
            # the request ran out, not the shape: refuse it, and build (and cache) nothing
            raise
        return None
    except Exception:  # pragma: no cover - to_dataset raises ThaiVCError only
        return None
    if any(_three_blank_nodes(quad) for quad in dataset):
        # RDFC-1.0 may break ties among such quads by input order, and pyld orders quads by their
        # identifiers, which the placeholders change: leave these documents to pyld.
        return None
    is_int = [type(v) is int for v in values]
    uses: dict[int, set[bool]] = {}
    quads: list[tuple[Any, IRI, Any, Any]] = []
    for quad in dataset:
        if _mentions_slot(quad.predicate.value) or _mentions_slot_in_graph(quad.graph):
            return None
        parts: list[Any] = []
        for term in (quad.subject, quad.object):
            if isinstance(term, IRI) and _mentions_slot(term.value):
                index = _slot_of_string(term.value)
                if index is None or index >= len(values) or is_int[index]:
                    return None
                uses.setdefault(index, set()).add(True)
                parts.append(_Slot(index, iri=True))
            elif isinstance(term, Literal):
                literal_slot = _literal_slot(term, is_int)
                if literal_slot is False:
                    return None
                if literal_slot is None:
                    parts.append(term)
                else:
                    uses.setdefault(literal_slot, set()).add(False)
                    parts.append((_Slot(literal_slot, iri=False), term.datatype, term.language))
            else:
                parts.append(term)
        quads.append((parts[0], quad.predicate, parts[1], quad.graph))
    if any(len(kinds) != 1 for kinds in uses.values()) or len(uses) + len(pinned) != len(values):
        return None
    if any(index in pinned for index in uses):  # pragma: no cover - pinned values are not placeholders
        return None
    iri_slots = tuple(sorted(i for i, kinds in uses.items() if True in kinds))
    keys = tuple(
        (
            None if type(subject) is _Slot else _term_key(subject),
            predicate.value,
            None if type(obj) is _Slot or type(obj) is tuple else _term_key(obj),
            _term_key(graph),
        )
        for subject, predicate, obj, graph in quads
    )
    int_slots = tuple(index for index, integer in enumerate(is_int) if integer)
    return _Template(tuple(quads), iri_slots, keys, int_slots, _compile(quads))


def _compile(quads: list[tuple[Any, IRI, Any, Any]]) -> tuple[_Compiled, ...] | None:
    """The template's statements as N-Quads rows with holes, written with the same functions RDFC
    uses (:func:`~thaivc.di.canon.rdfc.canonicalize` would write the same text from the terms).

    A literal slot keeps only what follows its lexical form: ``serialize_term`` of the literal with
    an empty form, less the opening quote.
    """
    compiled: list[_Compiled] = []
    try:
        for subject, predicate, obj, graph in quads:
            s_slot, s_text, s_blank = _compile_node(subject)
            if type(obj) is _Slot:
                o_kind, o_slot, o_text, o_blank = _IRI_SLOT, obj.index, "", None
            elif type(obj) is tuple:
                slot, datatype, language = obj
                o_kind, o_slot, o_blank = _LITERAL_SLOT, slot.index, None
                o_text = serialize_term(make_literal("", datatype, language))[1:]
            else:
                o_kind = _FIXED
                _, o_text, o_blank = _compile_node(obj)
                o_slot = -1
            if type(graph) is DefaultGraph:
                g_text, g_blank = "", None
            else:
                _, g_text, g_blank = _compile_node(graph)
            p_text = serialize_iri(predicate.value)
            compiled.append((s_slot, s_text, p_text, o_kind, o_slot, o_text, g_text, s_blank, o_blank, g_blank))
    except InputError:
        return None
    return tuple(compiled)


def _compile_node(term: Any) -> tuple[int, str, str | None]:
    """(IRI slot or -1, text, blank-node label) of a subject, fixed object or graph name."""
    if type(term) is _Slot:
        return term.index, "", None
    if type(term) is BlankNode:
        return -1, "", term.id
    return -1, serialize_term(term), None


def _rows(compiled: tuple[_Compiled, ...], values: list[Any]) -> list[Row]:
    """The statements of a templated document as RDFC rows, duplicates dropped (the first kept).

    Raises ``di.nquads_invalid`` (from :func:`~thaivc.di.canon.nquads.serialize_iri`) for a slot
    value N-Quads cannot carry; :class:`~thaivc.di.canon.prepared.PreparedDataset` then declines.
    """
    rows: list[Row] = []
    append = rows.append
    for s_slot, s_text, p, o_kind, o_slot, o_text, g, sb, ob, gb in compiled:
        s = serialize_iri(values[s_slot]) if s_slot >= 0 else s_text
        if o_kind == _LITERAL_SLOT:
            value = values[o_slot]
            o = '"' + escape_literal(value if type(value) is str else str(value)) + o_text
        elif o_kind == _IRI_SLOT:
            o = serialize_iri(values[o_slot])
        else:
            o = o_text
        append(new_row(Row, (s, p, o, g, sb, ob, gb)))
    return list(dict.fromkeys(rows))


def _three_blank_nodes(quad: Quad) -> bool:
    s, o, g = quad.subject, quad.object, quad.graph
    return (
        isinstance(s, BlankNode)
        and isinstance(o, BlankNode)
        and isinstance(g, BlankNode)
        and len({s.id, o.id, g.id}) == 3
    )


def _mentions_slot(text: str) -> bool:
    return _SLOT_PREFIX in text or str(_INT_BASE)[:7] in text


def _mentions_slot_in_graph(graph: Any) -> bool:
    return isinstance(graph, IRI) and _mentions_slot(graph.value)


def _slot_of_string(text: str) -> int | None:
    if not text.startswith(_SLOT_PREFIX):
        return None
    tail = text[len(_SLOT_PREFIX) :]
    return int(tail) if tail.isdigit() and str(int(tail)) == tail else None


def _literal_slot(term: Literal, is_int: list[bool]) -> int | bool | None:
    """Slot index of a literal made from one placeholder; ``None`` if none; ``False`` to refuse."""
    if _mentions_slot(term.datatype) or (term.language is not None and _mentions_slot(term.language)):
        return False
    value = term.value
    if not _mentions_slot(value):
        return None
    index = _slot_of_string(value)
    if index is not None:
        if index >= len(is_int) or is_int[index] or term.datatype == _XSD_DOUBLE:
            return False
        return index
    if value.isdigit():
        index = int(value) - _INT_BASE
        if 0 <= index < len(is_int) and is_int[index] and str(_INT_BASE + index) == value:
            return index
    return False


def _misfits(template: _Template, values: list[Any], facts: _ContextFacts) -> list[int]:
    """Slots whose value the template cannot take."""
    terms = facts.terms
    found = []
    for index in template.iri_slots:
        value = values[index]
        if not _ABSOLUTE_IRI.fullmatch(value) or value in terms or value.partition(":")[0] in terms:
            found.append(index)
    return found


def _values_fit(template: _Template, values: list[Any], facts: _ContextFacts) -> bool:
    if _misfits(template, values, facts):
        return False
    # which slots hold integers is part of the shape ("i"), so the template lists them
    return all(-(10**21) < values[index] < 10**21 for index in template.int_slots)


def _instantiate(template: _Template, values: list[Any]) -> Dataset:
    """The template's quads with ``values`` in their slots, duplicates removed as
    :meth:`Dataset.of` would (first one kept), but compared by plain keys (see :func:`_term_key`)."""
    quads = []
    seen: set[Any] = set()
    for (subject_part, predicate, object_part, graph), (fixed_s, p_key, fixed_o, g_key) in zip(
        template.quads, template.keys, strict=True
    ):
        subject: Any
        s_key, o_key = fixed_s, fixed_o
        if type(subject_part) is _Slot:
            text = values[subject_part.index]
            subject, s_key = IRI(text), ("I", text)
        else:
            subject = subject_part
        obj: Any
        if type(object_part) is _Slot:
            text = values[object_part.index]
            obj, o_key = IRI(text), ("I", text)
        elif type(object_part) is tuple:
            slot, datatype, language = object_part
            value = values[slot.index]
            text = value if type(value) is str else str(value)
            obj, o_key = make_literal(text, datatype, language), ("L", text, datatype, language, None)
        else:
            obj = object_part
        key = (s_key, p_key, o_key, g_key)
        if key in seen:
            continue
        seen.add(key)
        quads.append(make_quad(subject, predicate, obj, graph))
    return Dataset(tuple(quads))
