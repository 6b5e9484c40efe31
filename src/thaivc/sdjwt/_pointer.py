"""JSON Pointers (RFC 6901) naming claims to disclose, and back.

Pointers are how callers say *which* claims are selectively disclosable and which to reveal, and how
the verifier reports what was actually disclosed. Array indices follow RFC 6901 exactly: ASCII
digits, no leading zero, no ``-``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Final

from thaivc.core.errors import UsageError

__all__ = ["Path", "format_pointer", "is_index", "parse_pointer", "resolve_pointer", "withheld_view"]

Path = tuple[str | int, ...]

_INDEX: Final = re.compile(r"0|[1-9][0-9]*", re.ASCII)


def parse_pointer(pointer: str) -> tuple[str, ...]:
    """Split a pointer into unescaped reference tokens (indices stay strings until resolved)."""
    if not isinstance(pointer, str) or not pointer.startswith("/"):
        raise UsageError("usage.invalid_argument", f"not a JSON pointer: {pointer!r:.80}")
    tokens = pointer[1:].split("/")
    if "~" not in pointer:  # no escape at all (almost every pointer): the tokens are the names
        return tuple(tokens)
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


def withheld_view(claims: dict[str, Any], disclosable: Sequence[str]) -> dict[str, Any]:
    """``claims`` as a holder who reveals nothing shows them: every disclosable claim removed.

    The least a verifier can be shown, so an issuer can check before signing that what is left
    still passes the credential's schema (a claim the schema requires must not be withholdable).
    """
    paths = {resolve_pointer(claims, pointer) for pointer in disclosable}
    view = _without(claims, paths, ())
    assert isinstance(view, dict)
    return view


def _without(node: Any, paths: set[Path], at: Path) -> Any:
    if isinstance(node, dict):
        return {k: _without(v, paths, (*at, k)) for k, v in node.items() if (*at, k) not in paths}
    if isinstance(node, list):
        return [_without(v, paths, (*at, i)) for i, v in enumerate(node) if (*at, i) not in paths]
    return node
