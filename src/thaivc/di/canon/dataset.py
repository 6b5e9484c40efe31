"""A small immutable RDF dataset model (RDF 1.2 Concepts, restricted to what RDFC-1.0 needs).

Terms are frozen, slotted dataclasses so they hash and compare by value *and* kind: an IRI and a
blank node with the same text are different terms. Literals carry a datatype IRI, an optional
language tag and (RDF 1.2) an optional base direction; for language-tagged literals the datatype is
``rdf:langString`` or ``rdf:dirLangString`` as RDF requires. No value is ever normalised: lexical
forms keep the exact code points they were given, which is what a signature covers.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Final

__all__ = [
    "DEFAULT_GRAPH",
    "IRI",
    "RDF_DIR_LANG_STRING",
    "RDF_LANG_STRING",
    "XSD_STRING",
    "BlankNode",
    "Dataset",
    "DefaultGraph",
    "GraphTerm",
    "Literal",
    "ObjectTerm",
    "Quad",
    "SubjectTerm",
    "make_literal",
    "make_quad",
]

XSD_STRING: Final = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
RDF_DIR_LANG_STRING: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#dirLangString"


@dataclass(frozen=True, slots=True)
class IRI:
    """An absolute IRI, stored as given (no percent-encoding or case normalisation)."""

    value: str


@dataclass(frozen=True, slots=True)
class BlankNode:
    """A blank node; ``id`` is its label in the source document, without ``_:``."""

    id: str


@dataclass(frozen=True, slots=True)
class Literal:
    """A literal: lexical form, datatype IRI, and for language-tagged strings a tag and direction."""

    value: str
    datatype: str = XSD_STRING
    language: str | None = None
    direction: str | None = None


@dataclass(frozen=True, slots=True)
class DefaultGraph:
    """The default graph (one value; use :data:`DEFAULT_GRAPH`)."""


DEFAULT_GRAPH: Final = DefaultGraph()

SubjectTerm = IRI | BlankNode
ObjectTerm = IRI | BlankNode | Literal
GraphTerm = IRI | BlankNode | DefaultGraph


@dataclass(frozen=True, slots=True)
class Quad:
    """One statement, in a named graph or (by default) in the default graph."""

    subject: SubjectTerm
    predicate: IRI
    object: ObjectTerm
    graph: GraphTerm = DEFAULT_GRAPH


# Trusted constructors for the JSON-LD template path, which builds a thousand terms per credential.
# A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__`` inside a Python
# frame; writing the slots directly gives the same object (same fields, equality, hash and repr) in
# about a third of the time. They check nothing, just as ``__init__`` checks nothing.
_new: Final = object.__new__
_set_subject: Final = Quad.__dict__["subject"].__set__
_set_predicate: Final = Quad.__dict__["predicate"].__set__
_set_object: Final = Quad.__dict__["object"].__set__
_set_graph: Final = Quad.__dict__["graph"].__set__
_set_value: Final = Literal.__dict__["value"].__set__
_set_datatype: Final = Literal.__dict__["datatype"].__set__
_set_language: Final = Literal.__dict__["language"].__set__
_set_direction: Final = Literal.__dict__["direction"].__set__


def make_quad(subject: SubjectTerm, predicate: IRI, obj: ObjectTerm, graph: GraphTerm) -> Quad:
    """``Quad(subject, predicate, obj, graph)``, built faster (see above)."""
    quad: Quad = _new(Quad)
    _set_subject(quad, subject)
    _set_predicate(quad, predicate)
    _set_object(quad, obj)
    _set_graph(quad, graph)
    return quad


def make_literal(value: str, datatype: str, language: str | None) -> Literal:
    """``Literal(value, datatype, language)`` with no direction, built faster (see above)."""
    literal: Literal = _new(Literal)
    _set_value(literal, value)
    _set_datatype(literal, datatype)
    _set_language(literal, language)
    _set_direction(literal, None)
    return literal


@dataclass(frozen=True, slots=True)
class Dataset:
    """An RDF dataset: a *set* of quads, kept in first-seen order so results are reproducible.

    Build one with :meth:`of`, which drops duplicate quads (RDFC-1.0 treats the input as a set;
    test 076 of the W3C suite checks exactly that).
    """

    quads: tuple[Quad, ...] = field(default=())

    @classmethod
    def of(cls, quads: Iterable[Quad]) -> Dataset:
        return cls(tuple(dict.fromkeys(quads)))

    def __iter__(self) -> Iterator[Quad]:
        return iter(self.quads)

    def __len__(self) -> int:
        return len(self.quads)

    def blank_nodes(self) -> frozenset[str]:
        """Labels of every blank node in the dataset."""
        labels: set[str] = set()
        for quad in self.quads:
            for term in (quad.subject, quad.object, quad.graph):
                if isinstance(term, BlankNode):
                    labels.add(term.id)
        return frozenset(labels)
