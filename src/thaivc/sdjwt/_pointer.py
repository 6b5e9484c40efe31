"""JSON Pointers (RFC 6901) naming claims to disclose, and back.

Pointers are how callers say *which* claims are selectively disclosable and which to reveal, and how
the verifier reports what was actually disclosed. Array indices follow RFC 6901 exactly: ASCII
digits, no leading zero, no ``-``.
"""

from __future__ import annotations

import re
from typing import Any, Final

from thaivc.errors import UsageError

__all__ = ["Path", "format_pointer", "is_index", "parse_pointer", "resolve_pointer"]

Path = tuple[str | int, ...]

_INDEX: Final = re.compile(r"0|[1-9][0-9]*", re.ASCII)


def parse_pointer(pointer: str) -> tuple[str, ...]:
    """Split a pointer into unescaped reference tokens (indices stay strings until resolved)."""
    if not isinstance(pointer, str) or not pointer.startswith("/"):
        raise UsageError("usage.invalid_argument", f"not a JSON pointer: {pointer!r:.80}")
    tokens = pointer[1:].split("/")
    out: list[str] = []
    for token in tokens:
        if re.search(r"~(?![01])", token):
            raise UsageError("usage.invalid_argument", f"bad escape in JSON pointer {pointer!r:.80}")
        out.append(token.replace("~1", "/").replace("~0", "~"))
    return tuple(out)


def is_index(token: str) -> bool:
    return _INDEX.fullmatch(token) is not None


def format_pointer(path: Path) -> str:
    """The RFC 6901 pointer for a resolved path (names escaped, indices as decimal).

    Every verify formats one pointer per disclosed claim; names rarely hold ``~`` or ``/``, so the
    two replacements run only when one of them is present.
    """
    out = ""
    for p in path:
        if isinstance(p, int):
            out += "/" + str(p)
        elif "~" in p or "/" in p:
            out += "/" + p.replace("~", "~0").replace("/", "~1")
        else:
            out += "/" + p
    return out


def resolve_pointer(document: Any, pointer: str) -> Path:
    """Resolve ``pointer`` in ``document`` to a path (array indices as ``int``); absent → usage error."""
    node: Any = document
    path: list[str | int] = []
    for token in parse_pointer(pointer):
        if isinstance(node, dict) and token in node:
            node = node[token]
            path.append(token)
        elif isinstance(node, list) and is_index(token) and int(token) < len(node):
            node = node[int(token)]
            path.append(int(token))
        else:
            raise UsageError("usage.invalid_argument", f"{pointer!r:.80} does not name a claim")
    return tuple(path)
