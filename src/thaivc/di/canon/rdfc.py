"""RDF Dataset Canonicalization (RDFC-1.0, W3C Recommendation 2024), written from the specification.

``eddsa-rdfc-2022`` and ``ecdsa-rdfc-2019`` sign the hash of the canonical N-Quads of a credential, so
two parties must label its blank nodes identically without sharing anything but the data. RDFC-1.0
does this by hashing each blank node's neighbourhood (§4.6 *Hash First Degree Quads*), issuing
``c14n`` labels to the nodes whose hash is unique, and breaking the remaining ties with a search over
permutations of related nodes (§4.8 *Hash N-Degree Quads*).

That search is exponential for adversarial graphs: a ten-node clique ("poisoned dataset", test 074
of the W3C suite) would keep a verifier busy for hours. Every call of Hash N-Degree Quads and every
permutation it explores therefore costs *work* (a call also pays for each quad it reads, so one
node with thousands of statements cannot make each unit expensive); past ``max_work`` the canonicaliser
raises ``di.canonicalization_limit`` instead of spinning. Credentials have a handful of blank nodes
and need a few dozen units; the default leaves ample room for honest data and none for a clique.

One property of RDFC-1.0 itself matters to callers: *Hash Related Blank Node* hashes each neighbour
in a statement on its own, so in statements whose subject, object and graph are all blank nodes the
pairing is lost, two nodes that are not interchangeable can tie, and the tie is settled by the order
of the input. The canonical form is then a function of the dataset *and* its order, so signer and
verifier must produce quads in the same order (pyld and jsonld.js both emit them sorted by graph
name, subject and property).
This implementation follows the specification exactly, ties included, and keeps the input order.

pyld also implements this algorithm (as URDNA2015), but without any work limit and more slowly,
which is why it is not used here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import permutations
from types import MappingProxyType
from typing import Final, Literal

from thaivc.core.budget import WorkBudget, current_budget
from thaivc.core.errors import InputError, UsageError
from thaivc.di.canon.dataset import IRI, BlankNode, Dataset, DefaultGraph, Quad
from thaivc.di.canon.nquads import serialize_iri, serialize_term
from thaivc.di.canon.prepared import PreparedDataset, new_row
from thaivc.di.canon.prepared import Row as _Row

__all__ = ["DEFAULT_MAX_WORK", "CanonResult", "HashName", "canonicalize", "canonicalize_nquads"]

HashName = Literal["sha256", "sha384"]

#: Units of work allowed by default. A call of Hash N-Degree Quads costs one unit plus one per quad it
#: reads, a permutation one unit. The whole W3C suite needs at most 6,156 (the "poison – evil" tests
#: 044-046, under 10 ms); a ten-node clique needs millions and is refused within a few tens of ms.
DEFAULT_MAX_WORK: Final = 10_000

_HASHES: Final[dict[str, Callable[[bytes], hashlib._Hash]]] = {
    "sha256": hashlib.sha256,
    "sha384": hashlib.sha384,
}


@dataclass(frozen=True, slots=True)
class CanonResult:
    """The outcome of canonicalisation.

    ``nquads`` is the canonical N-Quads document (what gets hashed and signed); ``lines`` the same
    statements one per entry, sorted, each ending in LF; ``issued`` maps every input blank-node
    label to its canonical ``c14nN`` label (RDFC-1.0 §4.4.3 step 7, the *issued identifiers map*);
    ``work`` is the number of work units spent.
    """

    nquads: str
    lines: tuple[str, ...]
    issued: Mapping[str, str]
    work: int


class _Issuer:
    """Identifier Issuer (§4.5): hands out ``prefix + counter`` in order and remembers the order."""

    __slots__ = ("counter", "issued", "prefix")

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.counter = 0
        self.issued: dict[str, str] = {}

    def issue(self, existing: str) -> str:
        found = self.issued.get(existing)
        if found is not None:
            return found
        issued = f"{self.prefix}{self.counter}"
        self.counter += 1
        self.issued[existing] = issued
        return issued

    def copy(self) -> _Issuer:
        twin = _Issuer(self.prefix)
        twin.counter = self.counter
        twin.issued = dict(self.issued)
        return twin


def _row(quad: Quad) -> _Row:
    subject, obj, graph = quad.subject, quad.object, quad.graph
    # the common kinds first, by exact type: most quads are <iri> <iri> "literal" in the default graph
    if type(subject) is BlankNode:
        sb, s = subject.id, ""
    else:
        sb, s = None, serialize_iri(subject.value) if type(subject) is IRI else serialize_term(subject)
    if type(obj) is BlankNode:
        ob, o = obj.id, ""
    else:
        ob, o = None, serialize_iri(obj.value) if type(obj) is IRI else serialize_term(obj)
    if type(graph) is DefaultGraph:
        gb, g = None, ""
    elif type(graph) is BlankNode:
        gb, g = graph.id, ""
    else:
        gb, g = None, serialize_term(graph)
    return new_row(_Row, (s, serialize_iri(quad.predicate.value), o, g, sb, ob, gb))


class _State:
    """Canonicalization state (§4.3) plus the work meter."""

    def __init__(self, rows: Sequence[_Row], hash_name: str, max_work: int, budget: WorkBudget | None = None) -> None:
        self.hasher = _HASHES[hash_name]
        # the request's budget, when it has less left than this call's own limit, is the limit
        self.budget = budget if budget is not None and budget.remaining < max_work else None
        self.max_work = max_work if self.budget is None else self.budget.remaining
        self.work = 0
        self.canonical = _Issuer("c14n")
        # each row once under each blank node it mentions (a node in two positions: still once)
        quads_of: dict[str, list[_Row]] = {}
        for row in rows:
            _, _, _, _, sb, ob, gb = row
            if sb is not None:
                quads_of.setdefault(sb, []).append(row)
            if ob is not None and ob != sb:
                quads_of.setdefault(ob, []).append(row)
            if gb is not None and gb not in (sb, ob):
                quads_of.setdefault(gb, []).append(row)
        self.quads_of = quads_of
        self.first_degree: dict[str, str] = {}

    def spend(self, units: int = 1) -> None:
        self.work += units
        if self.work > self.max_work:
            if self.budget is not None:
                raise self.budget.exhausted("RDF canonicalisation")
            raise InputError(
                "di.canonicalization_limit",
                f"RDF canonicalisation needs more than {self.max_work} units of work",
            )

    def digest(self, text: str) -> str:
        return self.hasher(text.encode("utf-8")).hexdigest()

    # §4.6 Hash First Degree Quads
    def hash_first_degree(self, reference: str) -> str:
        cached = self.first_degree.get(reference)
        if cached is not None:
            return cached
        lines = []
        for s_text, p, o_text, g_text, sb, ob, gb in self.quads_of[reference]:
            s = s_text if sb is None else ("_:a" if sb == reference else "_:z")
            o = o_text if ob is None else ("_:a" if ob == reference else "_:z")
            g = g_text if gb is None else ("_:a" if gb == reference else "_:z")
            # _line inline: this runs for every statement of every blank node of a verified document
            lines.append(f"{s} {p} {o} {g} .\n" if g else f"{s} {p} {o} .\n")
        lines.sort()
        result = self.digest("".join(lines))
        self.first_degree[reference] = result
        return result

    # §4.7 Hash Related Blank Node
    def hash_related(self, related: str, row: _Row, issuer: _Issuer, position: str) -> str:
        text = position if position == "g" else position + row.p
        canonical = self.canonical.issued.get(related)
        if canonical is not None:
            text += "_:" + canonical
        else:
            temporary = issuer.issued.get(related)
            text += "_:" + temporary if temporary is not None else self.hash_first_degree(related)
        return self.digest(text)

    # §4.8 Hash N-Degree Quads
    def hash_n_degree(self, identifier: str, issuer: _Issuer) -> tuple[str, _Issuer]:
        quads = self.quads_of[identifier]
        self.spend(1 + len(quads))  # a call costs in proportion to the quads it reads
        related_by_hash: dict[str, list[str]] = {}
        for row in quads:
            for label, position in ((row.sb, "s"), (row.ob, "o"), (row.gb, "g")):
                if label is not None and label != identifier:
                    key = self.hash_related(label, row, issuer, position)
                    related_by_hash.setdefault(key, []).append(label)
        data = []
        for related_hash in sorted(related_by_hash):
            data.append(related_hash)
            chosen_path = ""
            chosen_issuer: _Issuer | None = None
            for permutation in permutations(related_by_hash[related_hash]):
                self.spend()
                issuer_copy = issuer.copy()
                path = ""
                recursion: list[str] = []
                skip = False
                for related in permutation:
                    canonical = self.canonical.issued.get(related)
                    if canonical is not None:
                        path += "_:" + canonical
                    else:
                        if related not in issuer_copy.issued:
                            recursion.append(related)
                        path += "_:" + issuer_copy.issue(related)
                    if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                        skip = True
                        break
                if skip:
                    continue
                for related in recursion:
                    result_hash, result_issuer = self.hash_n_degree(related, issuer_copy)
                    path += "_:" + issuer_copy.issue(related) + "<" + result_hash + ">"
                    issuer_copy = result_issuer
                    if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                        skip = True
                        break
                if skip:
                    continue
                if not chosen_path or path < chosen_path:
                    chosen_path = path
                    chosen_issuer = issuer_copy
            data.append(chosen_path)
            if chosen_issuer is not None:
                issuer = chosen_issuer
        return self.digest("".join(data)), issuer


def canonicalize(
    dataset: Dataset | PreparedDataset | Iterable[Quad],
    *,
    hash_name: HashName = "sha256",
    max_work: int = DEFAULT_MAX_WORK,
) -> CanonResult:
    """Canonicalise an RDF dataset with RDFC-1.0 (§4.4) using SHA-256 or SHA-384.

    Raises :class:`~thaivc.core.errors.InputError` ``di.canonicalization_limit`` when the dataset needs
    more than ``max_work`` units of work or more than the active request's
    :class:`~thaivc.core.budget.WorkBudget` has left (which pays one unit per statement, for the linear
    passes, plus the units spent), and ``di.nquads_invalid`` for an IRI that canonical
    N-Quads cannot carry.

    A :class:`~thaivc.di.canon.prepared.PreparedDataset` is read from its rows when it can make
    them (same statements, same order, same charges), else from its terms.
    """
    if hash_name not in _HASHES:
        raise UsageError("usage.invalid_argument", f"hash_name must be one of {sorted(_HASHES)}")
    if isinstance(max_work, bool) or not isinstance(max_work, int) or max_work < 0:
        raise UsageError("usage.invalid_argument", "max_work must be a non-negative integer")
    prepared, quads = _statements(dataset)
    budget = current_budget()
    if budget is not None:
        budget.spend(len(prepared) if prepared is not None else len(quads), "RDF statements to canonicalise")
    rows = prepared if prepared is not None else [_row(q) for q in quads]
    state = _State(rows, hash_name, max_work, budget)
    try:
        _issue_labels(state)
    except RecursionError:
        raise InputError("di.canonicalization_limit", "blank nodes nested too deep to canonicalise") from None
    finally:
        if budget is not None:
            budget.spend(min(state.work, budget.remaining), "RDF canonicalisation")

    issued = state.canonical.issued
    lines = []
    for s_text, p, o_text, g, sb, ob, gb in rows:
        s = s_text if sb is None else "_:" + issued[sb]
        o = o_text if ob is None else "_:" + issued[ob]
        if gb is None:
            # _line inline: this loop runs once per statement of every verified document
            lines.append(f"{s} {p} {o} {g} .\n" if g else f"{s} {p} {o} .\n")
        else:
            lines.append(f"{s} {p} {o} _:{issued[gb]} .\n")
    lines.sort()
    return CanonResult("".join(lines), tuple(lines), MappingProxyType(dict(issued)), state.work)


def _statements(dataset: Dataset | PreparedDataset | Iterable[Quad]) -> tuple[Sequence[_Row] | None, tuple[Quad, ...]]:
    """The rows of a prepared dataset that can make them; else the quads, which are serialised
    only after the budget has paid for them, as they always were."""
    if isinstance(dataset, PreparedDataset):
        rows = dataset.rows()
        return (rows, ()) if rows is not None else (None, dataset.as_dataset().quads)
    return None, dataset.quads if isinstance(dataset, Dataset) else Dataset.of(dataset).quads


def _issue_labels(state: _State) -> None:
    """Steps 3-5 of §4.4.3: label unique first-degree hashes, then break ties by N-degree hashing.

    A dataset with a single blank node (a proof configuration, say) needs no hash: its one
    first-degree hash is unique whatever it is, so step 4 labels it ``c14n0`` at once.
    """
    if len(state.quads_of) == 1:
        state.canonical.issue(next(iter(state.quads_of)))
        return
    by_hash: dict[str, list[str]] = {}
    for label in state.quads_of:
        by_hash.setdefault(state.hash_first_degree(label), []).append(label)
    for first_hash in sorted(by_hash):
        labels = by_hash[first_hash]
        if len(labels) == 1:
            state.canonical.issue(labels[0])
            del by_hash[first_hash]
    for first_hash in sorted(by_hash):
        paths: list[tuple[str, _Issuer]] = []
        for label in by_hash[first_hash]:
            if label in state.canonical.issued:
                continue
            temporary = _Issuer("b")
            temporary.issue(label)
            paths.append(state.hash_n_degree(label, temporary))
        paths.sort(key=lambda item: item[0])
        for _, issuer in paths:
            for existing in issuer.issued:
                state.canonical.issue(existing)


def canonicalize_nquads(text: str, *, hash_name: HashName = "sha256", max_work: int = DEFAULT_MAX_WORK) -> CanonResult:
    """Parse N-Quads text and canonicalise it (a convenience for tests and tooling)."""
    from thaivc.di.canon.nquads import parse_nquads

    return canonicalize(parse_nquads(text), hash_name=hash_name, max_work=max_work)
