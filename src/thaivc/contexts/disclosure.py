"""What an ``ecdsa-sd-2023`` credential always reveals: the mandatory-pointer table, as data.

Selective disclosure lets a holder show some claims and withhold others; it must never let them
withhold what decides whether, and how, the rest may be trusted. So every credential thaivc's
:class:`~thaivc.Issuer` secures with ``ecdsa-sd-2023`` makes these mandatory, whatever the caller
asks for (pointers the credential does not contain are left out):

* :data:`ALWAYS_MANDATORY` — for every credential: who issued it (``/issuer``), what it is
  (``/type``), when it is valid (``/validFrom``, ``/validUntil``), the schema it is judged by
  (``/credentialSchema``) and its status entry (``/credentialStatus``: a revoked credential must not
  be presentable with its status withheld) and whom it is about (``/credentialSubject/id``: the
  holder binding of a presentation rests on it, and a credential must keep a subject);
* :data:`MANDATORY_BY_TYPE` — for thaivc's own types, what else the type's meaning rests on: the
  identity assurance level a citizen or foreigner was proofed at (``/credentialSubject/ial``).

A verifier holds a derived credential of thaivc's types to :data:`MUST_BE_DISCLOSED`
(``di.sd_mandatory_withheld``), so a credential from an issuer that did not follow this table is
refused rather than read without its assurance level. The schema check then runs on the disclosed
view, so claims a type's schema requires must be mandatory too: issuance refuses otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from thaivc.contexts.vocab import CITIZEN_TYPE, DELEGATION_TYPE, FOREIGNER_TYPE, JURISTIC_TYPE, OWN_TYPES

__all__ = [
    "ALWAYS_MANDATORY",
    "MANDATORY_BY_TYPE",
    "MUST_BE_DISCLOSED",
    "fixed_among",
    "mandatory_pointers",
    "may_withhold",
    "must_stay_visible",
    "withheld",
]

ALWAYS_MANDATORY: Final = (
    "/issuer",
    "/type",
    "/validFrom",
    "/validUntil",
    "/credentialSchema",
    "/credentialStatus",
    "/credentialSubject/id",
)

MANDATORY_BY_TYPE: Final[dict[str, tuple[str, ...]]] = {
    CITIZEN_TYPE: ("/credentialSubject/ial",),
    FOREIGNER_TYPE: ("/credentialSubject/ial",),
    JURISTIC_TYPE: (),
    DELEGATION_TYPE: (),
}

#: Pointers a disclosed credential of each thaivc type must contain (whatever its issuer made mandatory).
MUST_BE_DISCLOSED: Final[dict[str, tuple[str, ...]]] = {
    name: ("/issuer", "/type", "/validFrom", *extra) for name, extra in MANDATORY_BY_TYPE.items()
}


def _types(doc: Mapping[str, Any]) -> list[str]:
    """thaivc's own types ``doc`` is typed as, by the context that defines them."""
    types, contexts = doc.get("type"), doc.get("@context")
    type_list = types if isinstance(types, list) else [types]
    context_list = contexts if isinstance(contexts, list) else [contexts]
    return [name for name, (context, _) in OWN_TYPES.items() if name in type_list and context in context_list]


def _present(doc: Any, pointer: str) -> bool:
    node = doc
    for raw in pointer.split("/")[1:]:
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, Mapping) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return False
    return True


def mandatory_pointers(doc: Mapping[str, Any], requested: Sequence[str] = ()) -> list[str]:
    """``requested`` plus the table's pointers that ``doc`` contains, without repeats, in that order."""
    wanted = [*requested, *ALWAYS_MANDATORY]
    for name in _types(doc):
        wanted.extend(MANDATORY_BY_TYPE[name])
    out: list[str] = []
    for pointer in wanted:
        if pointer not in out and (pointer in requested or _present(doc, pointer)):
            out.append(pointer)
    return out


def must_stay_visible(doc: Mapping[str, Any]) -> tuple[str, ...]:
    """Pointers an SD-JWT VC of ``doc``'s types never makes disclosable: the mandatory table plus
    ``/@context`` (which fixes what every other claim means)."""
    extra = [p for name in _types(doc) for p in MANDATORY_BY_TYPE[name]]
    return ("/@context", *ALWAYS_MANDATORY, *extra)


def _overlaps(a: str, b: str) -> bool:
    """``a`` and ``b`` name the same claim, or one lies inside the other (on token boundaries)."""
    return a == b or a.startswith(b + "/") or b.startswith(a + "/")


def may_withhold(doc: Mapping[str, Any], pointer: str) -> bool:
    """Whether the claim at ``pointer`` may be selectively disclosable, and so absent from a view.

    This is the "checked when disclosed" rule for SD-JWT: a claim a schema requires may be withheld
    unless it is (or contains, or lies inside) one of :func:`must_stay_visible`; a verifier then
    treats it as *required when disclosed* — absent is allowed, present is checked against its type.
    """
    return not any(_overlaps(pointer, fixed) for fixed in must_stay_visible(doc))


def fixed_among(doc: Mapping[str, Any], pointers: Sequence[str]) -> list[str]:
    """The ``pointers`` that may *not* be withheld (:func:`may_withhold` false), in their order.

    :func:`may_withhold` for many pointers of one document: :func:`must_stay_visible` is worked out
    once, not once per pointer (an issuer checks every disclosable pointer of every credential).
    """
    fixed = frozenset(must_stay_visible(doc))
    # _overlaps(p, f) is: p == f, f a prefix of p ending before one of p's "/", or p such a prefix of f
    around = fixed.union(*(_slash_prefixes(f) for f in fixed))
    return [p for p in pointers if p in around or not fixed.isdisjoint(_slash_prefixes(p))]


def _slash_prefixes(pointer: str) -> set[str]:
    """Every ``pointer[:i]`` with ``pointer[i] == "/"``: the pointers of the claims ``pointer`` lies inside."""
    return {pointer[:i] for i, char in enumerate(pointer) if char == "/"}


def withheld(doc: Mapping[str, Any]) -> list[str]:
    """The :data:`MUST_BE_DISCLOSED` pointers of ``doc``'s thaivc types that ``doc`` lacks."""
    missing: list[str] = []
    for name in _types(doc):
        missing.extend(p for p in MUST_BE_DISCLOSED[name] if not _present(doc, p) and p not in missing)
    return missing
