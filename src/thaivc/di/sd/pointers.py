"""JSON Pointers (RFC 6901) and the *selectJsonLd* algorithm of Data Integrity selective disclosure.

``ecdsa-sd-2023`` names what an issuer makes mandatory and what a holder reveals with JSON
Pointers into the compact document (vc-di-ecdsa §3.4, *selectJsonLd*). A selection keeps, for every
object on a pointer's path, its ``id`` (unless a blank node identifier) and its ``type``, so the
revealed statements stay attached to the right nodes; the value the pointer reaches is copied whole.

A pointer that is malformed or selects nothing is an error (``di.sd_pointer``), never an empty
selection: a holder who asks to reveal ``/credentialSubject/nmae`` must learn about the typo, and an
issuer's mandatory pointer that selects nothing would protect nothing.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any, Final

from thaivc.core.errors import InputError

__all__ = ["MAX_POINTERS", "parse_pointer", "require_pointers", "select_json_ld"]

#: Pointers one call accepts: a credential has tens of claims; thousands of pointers are an attack.
MAX_POINTERS: Final = 256
_MAX_POINTER_LEN: Final = 1024


def parse_pointer(pointer: object) -> list[str]:
    """The reference tokens of an RFC 6901 pointer (``~1`` → ``/``, ``~0`` → ``~``)."""
    if not isinstance(pointer, str) or not pointer.startswith("/") or len(pointer) > _MAX_POINTER_LEN:
        shown = pointer[:60] if isinstance(pointer, str) else type(pointer).__name__
        raise InputError("di.sd_pointer", f"not a JSON pointer: {shown!r}")
    tokens = []
    for raw in pointer.split("/")[1:]:
        cleaned = raw.replace("~0", "").replace("~1", "")
        if "~" in cleaned:
            raise InputError("di.sd_pointer", f"a '~' escape other than ~0 or ~1 in {pointer[:60]!r}")
        tokens.append(raw.replace("~1", "/").replace("~0", "~"))
    return tokens


def require_pointers(pointers: object) -> list[str]:
    """``pointers`` as a list of well-formed pointers (each parsed once to check it)."""
    if isinstance(pointers, str) or not isinstance(pointers, Sequence):
        raise InputError("di.sd_pointer", "pointers are a list of JSON pointer strings")
    if len(pointers) > MAX_POINTERS:
        raise InputError("input.too_large", f"more than {MAX_POINTERS} JSON pointers")
    for pointer in pointers:
        parse_pointer(pointer)
    return list(pointers)


def _index(token: str, size: int, pointer: str) -> int:
    if not token.isdigit() or (len(token) > 1 and token.startswith("0")) or int(token) >= size:
        raise InputError("di.sd_pointer", f"JSON pointer {pointer[:60]!r} does not match the document")
    return int(token)


def _initial(source: Mapping[str, Any]) -> dict[str, Any]:
    selection: dict[str, Any] = {}
    node_id = source.get("id")
    if isinstance(node_id, str) and not node_id.startswith("_:"):
        selection["id"] = node_id
    if "type" in source:
        selection["type"] = copy.deepcopy(source["type"])
    return selection


def select_json_ld(document: Mapping[str, Any], pointers: Sequence[str]) -> dict[str, Any] | None:
    """The selection document of ``pointers`` in ``document`` (``None`` for no pointers)."""
    pointers = require_pointers(pointers)
    if not pointers:
        return None
    selection = _initial(document)
    if "@context" in document:
        selection["@context"] = copy.deepcopy(document["@context"])
    sparse: list[list[Any]] = []
    for pointer in pointers:
        _select(document, pointer, parse_pointer(pointer), selection, sparse)
    for array in sparse:  # arrays hold only what was selected, in document order
        array[:] = [item for item in array if item is not _HOLE]
    return selection


class _Hole:
    """An unselected array position (JavaScript's sparse-array hole)."""


_HOLE: Final = _Hole()


def _select(
    document: Mapping[str, Any], pointer: str, tokens: list[str], selection: dict[str, Any], sparse: list[list[Any]]
) -> None:
    value: Any = document
    selected_parent: Any = selection
    selected: Any = selection
    key: str | int = ""
    for token in tokens:
        selected_parent = selected
        if isinstance(value, list):
            key = _index(token, len(value), pointer)
            value = value[key]
            if not isinstance(selected_parent, list):  # pragma: no cover - mirrors the document's shape
                raise InputError("di.sd_pointer", f"JSON pointer {pointer[:60]!r} does not match the document")
            while len(selected_parent) <= key:
                selected_parent.append(_HOLE)
            selected = selected_parent[key]
        elif isinstance(value, Mapping):
            if token not in value:
                raise InputError("di.sd_pointer", f"JSON pointer {pointer[:60]!r} does not match the document")
            key = token
            value = value[token]
            selected = selected_parent.get(token, _HOLE)
        else:
            raise InputError("di.sd_pointer", f"JSON pointer {pointer[:60]!r} does not match the document")
        if selected is _HOLE:
            if isinstance(value, list):
                selected = []
                sparse.append(selected)
            elif isinstance(value, Mapping):
                selected = _initial(value)
            else:
                selected = None
            selected_parent[key] = selected
    if not tokens:  # "" is not a pointer here (parse_pointer refuses it); "/" is the key ""
        return
    if isinstance(value, list):
        result: Any = copy.deepcopy(value)
    elif isinstance(value, Mapping):
        result = {**(selected if isinstance(selected, dict) else {}), **copy.deepcopy(dict(value))}
    else:
        result = value
    selected_parent[key] = result
