"""What a Data Integrity signature does not cover, found before it is believed.

An RDFC suite signs the RDF dataset a document expands to, not its JSON. JSON-LD expansion drops
some JSON without a trace: a member whose value is ``null`` or ``[]`` (or only such values), an
``@value`` of ``null``, ``@index``, and member names that look like keywords but are none
(``@foo``). Such members can be added to a signed document, or to its proof, and it still
verifies — yet :attr:`VerificationReport.document` is what a backend reads. So a document secured
by an RDFC proof, and every RDFC proof, is refused (``di.unsigned_member``) when it holds any of
them; a proof member that is no Data Integrity term is refused too (an undefined term expands to
nothing). The values of JSON-literal terms (``"@type": "@json"``, such as ``jsonSchema`` or
``publicKeyJwk``) are signed whole, nulls included, and are not searched.

A JCS suite signs the JSON itself, so none of this applies to it, with one exception that both
transforms share: a float with an integral value (``42.0``) canonicalises to the integer (``42``)
in JCS and in RDF alike. :func:`signed_numbers` returns the document with those numbers in the
form that was signed, so the caller reads exactly what the signer signed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any, Final

from thaivc.core import fastpath
from thaivc.core.errors import InputError

__all__ = [
    "PROOF_TERMS",
    "RDF_KEYWORDS",
    "json_literal_terms",
    "require_rdfc_document",
    "require_rdfc_proof",
    "signed_numbers",
]

#: JSON-LD keywords that produce RDF (``@context`` is checked by the context rules).
RDF_KEYWORDS: Final = frozenset(
    {"@context", "@id", "@type", "@value", "@language", "@direction", "@list", "@set", "@graph", "@included",
     "@json", "@nest"}
)
#: Members of a ``DataIntegrityProof`` (VC Data Integrity §2.1); all but ``proofValue`` are signed.
PROOF_TERMS: Final = frozenset(
    {"id", "type", "cryptosuite", "verificationMethod", "proofPurpose", "proofValue", "created", "expires",
     "challenge", "domain", "nonce", "previousProof", "@context"}
)
#: Containers visited before a (Python-built, cyclic or enormous) value is refused.
_MAX_VISITED: Final = 1_000_000
#: JSON-LD reads a number as xsd:integer below this (JSON-LD 1.1 §8.6); JCS prints it as one too.
_INTEGRAL_LIMIT: Final = 1e21


def _unsigned(where: tuple[str | int, ...], what: str) -> InputError:
    path = "/".join(str(step) for step in where)[:120] or "(root)"
    return InputError("di.unsigned_member", f"{what} at {path} is not covered by an RDFC signature")


def require_rdfc_document(
    document: Mapping[str, Any],
    json_terms: frozenset[str] = frozenset(),
    *,
    where: tuple[str | int, ...] = (),
) -> None:
    """Refuse a document (its ``proof`` aside) holding anything RDFC expansion would drop.

    ``json_terms`` names the members whose values are JSON literals (signed whole, not searched).
    The search is iterative, so a deep document cannot exhaust the stack. It runs on every RDFC
    verification, so a value's path is only built for a container (its children need it) or for
    the value refused, and strings, numbers and booleans, which cannot be refused here, never go
    on the stack.
    """
    top = {key: value for key, value in document.items() if key != "proof"}
    if fastpath.ON[0] and _plainly_signed(top):
        return
    stack: list[tuple[Any, tuple[str | int, ...], str | int]] = []
    visited = _push(stack, _members(top, where, json_terms), where, 0)
    while stack:
        node, parent, step = stack.pop()
        if node is None:
            raise _unsigned((*parent, step), "null")
        at = (*parent, step)
        if type(node) is list or isinstance(node, list):
            if not node:
                raise _unsigned(at, "an empty list")
            visited = _push(stack, enumerate(node), at, visited)
        else:
            visited = _push(stack, _members(node, at, json_terms), at, visited)


def _plainly_signed(document: dict[str, Any]) -> bool:
    """Whether ``document`` holds nothing the search could refuse, judged quickly and strictly.

    ``True`` only when no value anywhere is ``null``, an empty list or an empty object, every value
    is a plain JSON type, every member name starting with ``@`` is an RDF keyword, and the document
    is within the size the search visits; JSON literals and contexts are scanned too. Anything else
    — including what the search would accept — is left to the search, which words the refusal.
    """
    stack: list[Any] = [document]
    visited = 0
    while stack:
        node = stack.pop()
        if not node:
            return False  # an empty object or list (or an empty document)
        if type(node) is dict:
            # one C-level search of all the names: "@" in none of them is the common case
            try:
                names = "".join(node)
            except TypeError:
                return False  # a name that is no string (a Python-built value): the search judges it
            if "@" in names:
                for key in node:
                    if key[:1] == "@" and key not in RDF_KEYWORDS:
                        return False
            children: Iterable[Any] = node.values()
        else:
            children = node
        visited += len(node)
        for child in children:
            kind = type(child)
            if kind is dict or kind is list:
                stack.append(child)
            elif kind is not str and kind is not int and kind is not float and kind is not bool:
                return False  # null, or a subclass the search judges its own way
    return visited <= _MAX_VISITED


fastpath.register(
    "di.unsigned quick scan",
    "the RDFC unsigned-member search skipped for a plainly clean document: ~8 of its ~13 µs "
    "(eddsa-rdfc-2022 warm 1.5 KB, docs/performance.md issue 16 fourth round)",
    lambda: None,  # a shortcut, not a memo: nothing to empty
)


def _push(
    stack: list[tuple[Any, tuple[str | int, ...], str | int]],
    children: Iterable[tuple[str | int, Any]],
    at: tuple[str | int, ...],
    visited: int,
) -> int:
    """Stack the children that could be refused (``None``, lists, objects); count every child."""
    for step, value in children:
        visited += 1
        kind = type(value)
        if kind is str or kind is int or kind is float or kind is bool:
            continue
        if value is None or isinstance(value, list | dict):
            stack.append((value, at, step))
    if visited > _MAX_VISITED:
        raise InputError("input.too_large", "the document holds too many values to check")
    return visited


def _check_name(key: str, where: tuple[str | int, ...]) -> None:
    if key.startswith("@") and key not in RDF_KEYWORDS:
        raise _unsigned((*where, key), f"the keyword {key[:40]!r}")


def _members(node: dict[str, Any], where: tuple[str | int, ...], json_terms: frozenset[str]) -> list[tuple[str, Any]]:
    """The members of one JSON-LD object still to search (contexts and JSON literals are not).

    Every name is judged before any value is searched, as a list rather than a generator so that
    holds whoever consumes it.
    """
    literal = node.get("@type") == "@json"
    found = []
    for key, value in node.items():
        if key[:1] == "@":
            _check_name(key, where)
            if key == "@value":
                if value is None:
                    raise _unsigned((*where, key), "a null @value")
                if literal:
                    continue
            if key == "@context" or key in json_terms:
                continue
            if key not in ("@type", "@value") and isinstance(value, dict) and not value:
                raise _unsigned((*where, key), "an empty object")
        elif key in json_terms:
            continue
        found.append((key, value))
    return found


def require_rdfc_proof(proof: Mapping[str, Any], document_context: object) -> None:
    """Refuse an RDFC proof member that the signature does not cover.

    Every member but ``proofValue`` is canonicalised with the document's ``@context``; a member
    that is no proof term, or whose value expands to nothing, would ride along unsigned. A proof
    ``@context`` is replaced by the document's when the proof is hashed, so it must *be* the
    document's (``di.context_mismatch``); anything else in it would be unsigned.
    """
    for name in proof:
        if name not in PROOF_TERMS:
            raise _unsigned(("proof", name), f"the member {name[:40]!r}")
    members = {k: v for k, v in proof.items() if k not in ("@context", "proofValue")}
    require_rdfc_document(members, where=("proof",))
    if "@context" in proof and proof["@context"] != document_context:
        raise InputError("di.context_mismatch", "an RDFC proof's @context is not the document's @context")


def json_literal_terms(contexts: Iterable[Mapping[str, Any]]) -> frozenset[str]:
    """Names of the terms these context documents define with ``"@type": "@json"``."""
    found: set[str] = set()
    stack: list[Any] = list(contexts)
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            for key, value in node.items():
                if isinstance(value, dict):
                    if value.get("@type") == "@json":
                        found.add(key)
                    stack.append(value)
                elif isinstance(value, list):
                    stack.append(value)
    return frozenset(found)


def signed_numbers(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with each integral float (``42.0``) as the integer that was signed (``42``).

    JCS prints such a float as the integer, and JSON-LD reads it as an ``xsd:integer``; either way
    the signature covers ``42``, so that is what the caller gets. ``document`` is not modified;
    when it holds no such number it is returned as it is.
    """
    if not _has_integral_float(document):
        return document
    converted = _convert(document)
    assert isinstance(converted, dict)
    return converted


def _integral(value: object) -> bool:
    return (
        type(value) is float and math.isfinite(value) and value.is_integer() and abs(value) < _INTEGRAL_LIMIT
    )


def _has_integral_float(document: Any) -> bool:
    """Whether any number in ``document`` is an integral float.

    Only containers go on the stack and scalars are judged in place: this runs on every Data
    Integrity verification, and a call per string cost more than the rest of the walk.
    """
    stack = [document]
    visited = 1  # every value is counted once, when its container is opened
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            children: Iterable[Any] = node.values()
        elif isinstance(node, list):
            children = node
        else:
            if _integral(node):
                return True
            continue
        visited += len(node)
        if visited > _MAX_VISITED:
            raise InputError("input.too_large", "the document holds too many values to check")
        for child in children:
            kind = type(child)
            if kind is str or kind is int or kind is bool or child is None:
                continue
            if kind is float:
                if _integral(child):
                    return True
            else:
                stack.append(child)
    return False


def _convert(node: Any) -> Any:
    if isinstance(node, dict):
        return {key: _convert(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_convert(item) for item in node]
    return int(node) if _integral(node) else node
