"""A dataset already written as N-Quads rows, so RDFC-1.0 can start without building RDF terms.

RDFC-1.0 (:mod:`thaivc.di.canon.rdfc`) reads every statement as a *row*: its IRIs and literals as
canonical N-Quads text, its blank nodes as labels still to be replaced by canonical ones. A JSON-LD
template (:mod:`thaivc.di.canon.jsonld_fast`) knows that text for every fixed term of a shape in
advance, so for a document of a known shape it can write the rows directly — a slot's value
escaped into place — instead of building ``Quad`` objects that RDFC would only serialise again.

A :class:`PreparedDataset` holds the two ways to the same statements: ``make_rows`` (the fast
one) and ``make_dataset`` (the terms, for callers that need them). Rows are made on demand, so an
IRI that N-Quads cannot carry is met where it always was, inside canonicalisation; a row maker
that meets one gives up (``None``), and RDFC then takes the terms and raises its usual error in
its usual order. Both ways drop duplicate statements, keeping the first: two rows are equal exactly
when their terms are, because canonical N-Quads writes each term one way and no two terms alike.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final, NamedTuple

from thaivc.core.errors import InputError
from thaivc.di.canon.dataset import Dataset

__all__ = ["AnyDataset", "PreparedDataset", "Row", "as_dataset", "new_row"]


class Row(NamedTuple):
    """A statement pre-serialised once: fixed terms as text, blank nodes kept as labels to substitute.

    ``s``/``o``/``g`` are empty where ``sb``/``ob``/``gb`` holds a blank node's label (``g`` is also
    empty for the default graph); ``p`` is the predicate's ``<iri>``.
    """

    s: str
    p: str
    o: str
    g: str
    sb: str | None
    ob: str | None
    gb: str | None


#: ``Row._make`` without its length check, for code that always passes seven fields:
#: ``new_row(Row, (s, p, o, g, sb, ob, gb))``.
new_row: Final = tuple.__new__


class PreparedDataset:
    """An RDF dataset given as a maker of its rows and a maker of its terms (see the module text).

    Lives for one verification: the rows, once made, are kept on the object.
    """

    __slots__ = ("_dataset", "_make_dataset", "_make_rows", "_rows")

    def __init__(self, make_rows: Callable[[], list[Row]], make_dataset: Callable[[], Dataset]) -> None:
        self._make_rows = make_rows
        self._make_dataset = make_dataset
        self._rows: tuple[Row, ...] | None = None
        self._dataset: Dataset | None = None

    def rows(self) -> tuple[Row, ...] | None:
        """The statements as rows, duplicates dropped; ``None`` when a term cannot be written as
        canonical N-Quads (the terms of :meth:`as_dataset` then raise the error where they always did)."""
        if self._rows is None:
            try:
                self._rows = tuple(self._make_rows())
            except InputError:
                return None
        return self._rows

    def as_dataset(self) -> Dataset:
        """The same statements as RDF terms, in the same order."""
        if self._dataset is None:
            self._dataset = self._make_dataset()
        return self._dataset

    def __len__(self) -> int:
        rows = self.rows()
        return len(rows) if rows is not None else len(self.as_dataset())


AnyDataset = Dataset | PreparedDataset


def as_dataset(dataset: AnyDataset) -> Dataset:
    """``dataset`` as RDF terms, whichever form it came in."""
    return dataset.as_dataset() if isinstance(dataset, PreparedDataset) else dataset
