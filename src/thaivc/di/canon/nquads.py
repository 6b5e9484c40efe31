"""N-Quads: a strict parser and the *canonical* N-Quads serialiser RDFC-1.0 hashes.

Canonical N-Quads (RDF 1.2 N-Quads §Canonical N-Quads, which RDFC-1.0 uses) fixes every choice the
syntax leaves open, so that equal datasets give equal bytes:

* one space between terms, `` .`` and a single LF at the end of each statement, no comments;
* IRIs written as they are, never ``\\u``-escaped;
* in a literal, ``\\b \\t \\n \\f \\r \\" \\\\`` use their short escapes, every other character
  in ``U+0000..U+001F`` and ``U+007F`` is written ``\\uXXXX`` with *upper-case* hex digits, and every
  other character (``'``, non-ASCII, astral) is written as itself;
* ``^^<xsd:string>`` and ``^^<rdf:langString>`` are omitted; a direction is ``@tag--dir``;
* the default graph has no graph term.

The parser accepts N-Quads 1.1/1.2 lines (``\\u``/``\\U`` escapes, ``#`` comments, blank lines) and
raises :class:`~thaivc.core.errors.InputError` ``di.nquads_invalid`` on anything else, including escapes
that would produce a lone surrogate or an IRI containing characters IRIs may not contain.
"""

from __future__ import annotations

import re
from typing import Final

from thaivc.core import fastpath
from thaivc.core.errors import InputError
from thaivc.di.canon.dataset import (
    DEFAULT_GRAPH,
    IRI,
    RDF_DIR_LANG_STRING,
    RDF_LANG_STRING,
    XSD_STRING,
    BlankNode,
    Dataset,
    GraphTerm,
    Literal,
    ObjectTerm,
    Quad,
    SubjectTerm,
)

__all__ = [
    "escape_literal",
    "parse_nquads",
    "serialize_iri",
    "serialize_nquads",
    "serialize_quad",
    "serialize_term",
]

_CODE: Final = "di.nquads_invalid"

# --- serialising -------------------------------------------------------------------------------

_IRI_FORBIDDEN: Final = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_LITERAL_SPECIAL: Final = re.compile(r'[\x00-\x1f"\\\x7f]')
_SHORT_ESCAPES: Final = {
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
    '"': '\\"',
    "\\": "\\\\",
}


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    short = _SHORT_ESCAPES.get(char)
    return short if short is not None else f"\\u{ord(char):04X}"


def escape_literal(text: str) -> str:
    """Escape a lexical form for a canonical N-Quads string literal (without the quotes)."""
    # str.isprintable is False for every control character (and some others, which then take the
    # regular expression): with no quote or backslash either, there is nothing to escape
    if (text.isprintable() and '"' not in text and "\\" not in text) or _LITERAL_SPECIAL.search(text) is None:
        return text
    return _LITERAL_SPECIAL.sub(_escape_char, text)


# IRIs repeat across quads and documents (predicates, types, issuers): remember the checked form.
_IRI_TEXT: dict[str, str] = {}
_IRI_TEXT_MAX: Final = 8192
fastpath.register("di.canon N-Quads IRIs", "the checked <iri> of repeated IRIs in RDFC output", _IRI_TEXT.clear)


def serialize_iri(value: str) -> str:
    """``<iri>``; an IRI that cannot be written without escapes is refused, not escaped."""
    text = _IRI_TEXT.get(value)
    if text is None:
        if _IRI_FORBIDDEN.search(value) is not None:
            raise InputError(_CODE, f"not an IRI that N-Quads can carry: {value[:80]!r}")
        text = f"<{value}>"
        if not fastpath.ON[0]:
            return text
        if len(_IRI_TEXT) >= _IRI_TEXT_MAX:
            _IRI_TEXT.clear()
        _IRI_TEXT[value] = text
    return text


def serialize_term(term: ObjectTerm | GraphTerm) -> str:
    """One term in canonical N-Quads form (the default graph serialises as the empty string)."""
    if type(term) is IRI:
        return serialize_iri(term.value)
    if isinstance(term, BlankNode):
        return "_:" + term.id
    if isinstance(term, Literal):
        body = '"' + escape_literal(term.value) + '"'
        if term.language is not None:
            body += "@" + term.language
            if term.direction is not None:
                body += "--" + term.direction
            return body
        if term.datatype == XSD_STRING:
            return body
        return body + "^^" + serialize_iri(term.datatype)
    return ""


def serialize_quad(quad: Quad) -> str:
    """One canonical N-Quads statement, LF included."""
    graph = serialize_term(quad.graph)
    subject, obj = serialize_term(quad.subject), serialize_term(quad.object)
    head = f"{subject} {serialize_iri(quad.predicate.value)} {obj}"
    return f"{head} {graph} .\n" if graph else f"{head} .\n"


def serialize_nquads(dataset: Dataset, *, sort: bool = False) -> str:
    """The dataset as N-Quads text, in dataset order or (``sort=True``) in code-point order."""
    lines = [serialize_quad(q) for q in dataset]
    if sort:
        lines.sort()
    return "".join(lines)


# --- parsing -----------------------------------------------------------------------------------

_UCHAR: Final = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_IRIREF: Final = rf'<(?:[^\x00-\x20<>"{{}}|^`\\]|{_UCHAR})*>'
_PN_CHARS_BASE: Final = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS_U: Final = _PN_CHARS_BASE + "_:"
_PN_CHARS: Final = _PN_CHARS_U + "\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_BNODE: Final = rf"_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_STRING: Final = rf'"(?:[^"\\\n\r]|\\[tbnrf"\'\\]|{_UCHAR})*"'
_LANG_DIR: Final = r"@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*(?:--[a-zA-Z]+)?"
_LITERAL: Final = rf"{_STRING}(?:\^\^[ \t]*{_IRIREF}|{_LANG_DIR})?"
_WS: Final = "[ \t]*"

_STATEMENT: Final = re.compile(
    rf"{_WS}(?P<s>{_IRIREF}|{_BNODE}){_WS}(?P<p>{_IRIREF}){_WS}(?P<o>{_IRIREF}|{_BNODE}|{_LITERAL})"
    rf"{_WS}(?P<g>{_IRIREF}|{_BNODE})?{_WS}\.{_WS}(?:#.*)?"
)
_EMPTY: Final = re.compile(rf"{_WS}(?:#.*)?")
_LITERAL_PARTS: Final = re.compile(rf"(?P<str>{_STRING})(?:\^\^[ \t]*(?P<dt>{_IRIREF})|@(?P<lang>{_LANG_DIR[1:]}))?")
_ESCAPE: Final = re.compile(rf"\\[tbnrf\"'\\]|{_UCHAR}")
_ECHAR: Final = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def _unescape_one(match: re.Match[str]) -> str:
    token = match.group()
    if token[1] in "uU":
        code = int(token[2:], 16)
        if 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
            raise InputError(_CODE, f"escape {token} is not a Unicode scalar value")
        return chr(code)
    return _ECHAR[token[1]]


def _unescape(text: str) -> str:
    return _ESCAPE.sub(_unescape_one, text) if "\\" in text else text


def _iri(token: str) -> IRI:
    value = _unescape(token[1:-1])
    if _IRI_FORBIDDEN.search(value) is not None:
        raise InputError(_CODE, f"an escape puts a forbidden character in an IRI: {token[:80]!r}")
    return IRI(value)


def _node(token: str) -> IRI | BlankNode:
    return BlankNode(token[2:]) if token.startswith("_:") else _iri(token)


def _object(token: str) -> ObjectTerm:
    if not token.startswith('"'):
        return _node(token)
    parts = _LITERAL_PARTS.fullmatch(token)
    if parts is None:  # pragma: no cover - _STATEMENT already matched the same grammar
        raise InputError(_CODE, "malformed literal")
    value = _unescape(parts["str"][1:-1])
    lang = parts["lang"]
    if lang is not None:
        tag, _, direction = lang.partition("--")
        if direction:
            return Literal(value, RDF_DIR_LANG_STRING, tag, direction)
        return Literal(value, RDF_LANG_STRING, tag)
    datatype = parts["dt"]
    return Literal(value, _iri(datatype).value if datatype else XSD_STRING)


_LINE_BREAK: Final = re.compile(r"[\r\n]+")


def parse_nquads(text: str) -> Dataset:
    """Parse N-Quads text into a :class:`Dataset` (duplicates dropped, order kept)."""
    quads: list[Quad] = []
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):
        match = _STATEMENT.fullmatch(line)
        if match is None:
            if _EMPTY.fullmatch(line) is not None:
                continue
            raise InputError(_CODE, f"line {number} is not an N-Quads statement", loc=(number,))
        subject: SubjectTerm = _node(match["s"])
        graph_token = match["g"]
        graph: GraphTerm = DEFAULT_GRAPH if graph_token is None else _node(graph_token)
        quad = Quad(subject, _iri(match["p"]), _object(match["o"]), graph)
        quads.append(quad)
    return Dataset.of(quads)
