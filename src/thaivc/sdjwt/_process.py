"""Rebuilding the claims from an SD-JWT payload and its disclosures (RFC 9901 §7.1 steps 3–5).

One walker serves the verifier (what did the holder reveal?) and the holder (which disclosures sit
on the path to a claim?). It is deliberately strict:

* every digest may appear once in the whole payload, disclosed values included
  (``sdjwt.duplicate_digest``) — otherwise one disclosure could be placed at two locations;
* a disclosure must match the kind of its reference (named for ``_sd``, unnamed for ``...``) and
  may not shadow a claim that already exists at its level (``sdjwt.disclosure_malformed``);
* every received disclosure must be referenced by a digest reachable from the signed payload
  (``sdjwt.disclosure_unreferenced``) — a tampered or injected disclosure is refused, not ignored.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final, NamedTuple

from thaivc.core.errors import InputError

from ._disclosure import Disclosure
from ._pointer import Path

__all__ = ["MAX_PROCESSING_DEPTH", "Processed", "process_payload"]

#: Depth of payload plus nested disclosures together: disclosures nest through digests, so the JSON
#: parser's own cap on each piece does not bound the combined depth.
MAX_PROCESSING_DEPTH: Final = 64


class Revealed(NamedTuple):
    """A disclosure placed in the processed claims at ``path``; ``parent`` is the enclosing one."""

    path: Path
    disclosure: Disclosure
    parent: str | None


class Processed(NamedTuple):
    payload: dict[str, Any]
    revealed: tuple[Revealed, ...]


#: Members never copied into the processed claims: ``_sd`` everywhere, ``_sd_alg`` at the top.
_SKIP_NESTED: Final = frozenset({"_sd"})
_SKIP_TOP: Final = frozenset({"_sd", "_sd_alg"})


def _too_deep() -> InputError:
    return InputError("input.too_deep", "disclosures nest deeper than the cap")


class _Walker:
    """One pass over the payload and the disclosed values it references.

    Every node is visited once. The dispatch on a node's kind and the digest bookkeeping are
    written inline in the two visitors (no per-node helper call): a payload is mostly small
    objects and arrays, so call overhead, not work, dominated this walk.
    """

    __slots__ = ("by_digest", "revealed", "seen")

    def __init__(self, by_digest: dict[str, Disclosure]) -> None:
        self.by_digest = by_digest
        self.seen: set[str] = set()
        self.revealed: list[Revealed] = []

    def mark(self, digest: object) -> Disclosure | None:
        """Record a digest (each may appear once) and return the disclosure it names, if presented."""
        if not isinstance(digest, str):
            raise InputError("sdjwt.malformed", "a digest is not a string")
        seen = self.seen
        if digest in seen:
            raise InputError("sdjwt.duplicate_digest", f"digest {digest[:64]!r} appears more than once")
        seen.add(digest)
        return self.by_digest.get(digest)

    def walk(self, node: Any, path: Path, parent: str | None, depth: int) -> Any:
        """Process any value found at ``depth`` (a disclosed value, which may be a scalar)."""
        if depth > MAX_PROCESSING_DEPTH:
            raise _too_deep()
        if isinstance(node, dict):
            return self.walk_object(node, path, parent, depth)
        if isinstance(node, list):
            return self.walk_array(node, path, parent, depth)
        return node

    def walk_object(
        self, obj: dict[str, Any], path: Path, parent: str | None, depth: int, skip: frozenset[str] = _SKIP_NESTED
    ) -> dict[str, Any]:
        out: dict[str, Any] = {}
        inner = depth + 1
        for key, value in obj.items():
            if key in skip:
                continue
            # scalars need no walk (and no path): most of a payload is leaves, most leaves text
            if type(value) is str:
                out[key] = value
            elif isinstance(value, dict):
                if inner > MAX_PROCESSING_DEPTH:
                    raise _too_deep()
                out[key] = self.walk_object(value, (*path, key), parent, inner)
            elif isinstance(value, list):
                if inner > MAX_PROCESSING_DEPTH:
                    raise _too_deep()
                out[key] = self.walk_array(value, (*path, key), parent, inner)
            else:
                out[key] = value
        if "_sd" not in obj:
            return out
        digests = obj["_sd"]
        if not isinstance(digests, list):
            raise InputError("sdjwt.malformed", "_sd is not an array")
        seen, by_digest, revealed = self.seen, self.by_digest, self.revealed
        for digest in digests:
            # self.mark, inline: an object's _sd holds every digest of its members and decoys
            if type(digest) is not str and not isinstance(digest, str):
                raise InputError("sdjwt.malformed", "a digest is not a string")
            if digest in seen:
                raise InputError("sdjwt.duplicate_digest", f"digest {digest[:64]!r} appears more than once")
            seen.add(digest)
            found = by_digest.get(digest)
            if found is None:
                continue  # a decoy, or a disclosure the holder withheld
            name = found.name
            if name is None:
                raise InputError("sdjwt.disclosure_malformed", "an array-element disclosure referenced from _sd")
            if name in out:
                raise InputError(
                    "sdjwt.disclosure_malformed", f"disclosure for {name[:64]!r} shadows an existing claim"
                )
            where = (*path, name)
            revealed.append(Revealed(where, found, parent))
            out[name] = self.walk(found.value, where, found.digest, inner)
        return out

    def walk_array(self, arr: list[Any], path: Path, parent: str | None, depth: int) -> list[Any]:
        out: list[Any] = []
        inner = depth + 1
        for element in arr:
            if type(element) is str:
                out.append(element)
            elif isinstance(element, dict):
                if len(element) == 1 and "..." in element:
                    found = self.mark(element["..."])
                    if found is None:
                        continue
                    if found.name is not None:
                        raise InputError(
                            "sdjwt.disclosure_malformed", "an object-property disclosure referenced from an array"
                        )
                    where = (*path, len(out))
                    self.revealed.append(Revealed(where, found, parent))
                    out.append(self.walk(found.value, where, found.digest, inner))
                else:
                    if inner > MAX_PROCESSING_DEPTH:
                        raise _too_deep()
                    out.append(self.walk_object(element, (*path, len(out)), parent, inner))
            elif isinstance(element, list):
                if inner > MAX_PROCESSING_DEPTH:
                    raise _too_deep()
                out.append(self.walk_array(element, (*path, len(out)), parent, inner))
            else:
                out.append(element)
        return out


def index_disclosures(disclosures: Sequence[Disclosure]) -> dict[str, Disclosure]:
    """Map digest → disclosure; the same disclosure twice is a duplicate digest."""
    by_digest: dict[str, Disclosure] = {}
    for d in disclosures:
        if d.digest in by_digest:
            raise InputError("sdjwt.duplicate_digest", "the same disclosure is presented twice")
        by_digest[d.digest] = d
    return by_digest


def _check_unique_digests(payload: dict[str, Any], disclosures: Sequence[Disclosure]) -> None:
    """Every digest, in the payload and in every received disclosure, must be unique (RFC 9901 §7.1 4).

    The walker finds repeats on its way; this full pass runs only when processing failed, so that a
    repeated digest is reported as such whatever else is wrong with the disclosure it names.
    """
    seen: set[str] = set()

    def record(digest: object) -> None:
        if isinstance(digest, str):
            if digest in seen:
                raise InputError("sdjwt.duplicate_digest", f"digest {digest[:64]!r} appears more than once")
            seen.add(digest)

    stack: list[Any] = [payload, *(d.value for d in disclosures)]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            sd = node.get("_sd")
            if isinstance(sd, list):
                for digest in sd:
                    record(digest)
            stack.extend(node.values())
        elif isinstance(node, list):
            for element in node:
                if isinstance(element, dict) and len(element) == 1 and "..." in element:
                    record(element["..."])
            stack.extend(node)


def process_payload(payload: dict[str, Any], disclosures: Sequence[Disclosure]) -> Processed:
    """Replace digests by disclosed claims; drop ``_sd``/``_sd_alg``; refuse anything unreferenced."""
    by_digest = index_disclosures(disclosures)
    walker = _Walker(by_digest)
    try:
        result = walker.walk_object(payload, (), None, 0, _SKIP_TOP)
        if len(walker.revealed) != len(by_digest):
            used = {r.disclosure.digest for r in walker.revealed}
            orphan = next(d for d in disclosures if d.digest not in used)
            raise InputError(
                "sdjwt.disclosure_unreferenced",
                f"disclosure {orphan.encoded[:24]}… is not referenced by any digest in the signed payload",
            )
    except InputError as err:
        # Only on the failure path: a repeated digest anywhere outranks whatever else was found first.
        if err.code != "sdjwt.duplicate_digest":
            _check_unique_digests(payload, disclosures)
        raise
    return Processed(result, tuple(walker.revealed))
