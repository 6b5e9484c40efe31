"""JSON-LD checks for documents that are secured through RDF (Data Integrity ``*-rdfc-*``).

A signature over canonical RDF covers only what the contexts turn into RDF. Whatever does not
expand (an undefined term with no ``@vocab``, a term mapped to ``null``, a relative IRI) is not
signed, and whatever a context redefines means something else than the issuer intended. So,
before such a document is canonicalised or trusted, :func:`require_jsonld` makes sure that:

* every context comes from the :class:`~thaivc.contexts.ContextRegistry` — never the network
  (``di.context_not_allowed``); an inline context may only *add* terms, never redefine one an
  earlier context defines (JSON-LD itself refuses protected terms); a nested ``@context`` below
  the top level (except at the root of an embedded credential) must be an allowed URL;
* no inline context sets ``@vocab`` or ``@base`` (``di.vocab_not_allowed``);
* expansion drops nothing and every property, type and ``@id`` is an absolute IRI
  (``di.data_loss``, the W3C ``DATA_LOSS_DETECTION_ERROR``) — pyld has no "safe mode", so this
  uses its ``on_property_dropped`` hook plus a walk of the expanded output;
* the expanded document is typed as a credential or presentation (``vc.type_invalid``).

Embedded ``proof`` members (of the document and of credentials embedded in a presentation) are
left out: Data Integrity canonicalises the document without its proof and the proof options
separately, and :mod:`thaivc.di` checks those with the cryptosuite's own contexts.
"""

from __future__ import annotations

from typing import Any, Final

from typing_extensions import deprecated

from thaivc.contexts import ContextRegistry
from thaivc.core.budget import JSONLD_NODE_UNITS, current_budget, json_nodes, meter_pyld
from thaivc.core.errors import InputError, ThaiVCError
from thaivc.model._rules import is_url

__all__ = ["RELATIVE_BASE", "require_context_value", "require_jsonld", "walk_contexts", "without_proofs"]

_CRED: Final = "https://www.w3.org/2018/credentials#"
_ROOT_TYPES: Final = frozenset({_CRED + "VerifiableCredential", _CRED + "VerifiablePresentation"})
#: Base IRI for expansion: any @id that resolves against it was relative in the input. The
#: ``.invalid`` TLD is reserved (RFC 2606), so no real identifier can start with it.
RELATIVE_BASE: Final = "https://relative-iri.invalid/"
_CONTEXT_ERRORS: Final = frozenset(
    {
        "protected term redefinition",
        "loading remote context failed",
        "loading document failed",
        "recursive context inclusion",
        "context overflow",
        "invalid remote context",
        "invalid scoped context",
    }
)
_DATA_LOSS_ERRORS: Final = frozenset({"invalid IRI mapping", "invalid type mapping", "invalid vocab mapping"})


def require_jsonld(doc: dict[str, Any], registry: ContextRegistry) -> None:
    """Refuse a credential or presentation whose JSON-LD meaning is not fixed by allowed contexts.

    Raises :class:`~thaivc.core.errors.InputError` with ``di.context_not_allowed``,
    ``di.vocab_not_allowed``, ``di.data_loss``, ``vc.type_invalid`` or ``vc.malformed``.
    Never fetches anything; never modifies ``doc``.
    """
    if not isinstance(doc, dict):
        raise InputError("vc.malformed", "a JSON-LD document must be an object")
    doc = without_proofs(doc)
    try:
        walk_contexts(doc, registry, (), root=True)
    except RecursionError:  # only reachable for a dict built in Python: loads_strict caps depth
        raise InputError("input.too_deep", "JSON-LD nesting too deep") from None
    from pyld import jsonld  # imported here: the vc+jwt hot path never needs it

    _charge(doc)
    dropped: list[str | None] = []
    options = registry.jsonld_options()
    options["base"] = RELATIVE_BASE
    try:
        expanded = jsonld.expand(doc, options, on_property_dropped=dropped.append)
    except Exception as exc:  # pyld raises JsonLdError, and KeyError/TypeError on some bad input
        raise _from_pyld(exc) from None
    if dropped:
        shown = ", ".join(str(term) for term in dropped[:5])
        raise InputError("di.data_loss", f"terms that do not expand to IRIs would go unsigned: {shown}")
    if not isinstance(expanded, list) or len(expanded) != 1 or not isinstance(expanded[0], dict):
        raise InputError("di.data_loss", "the document does not expand to a single node")
    _check_expanded(expanded[0])
    types = expanded[0].get("@type", [])
    if not _ROOT_TYPES.intersection(types):
        raise InputError(
            "vc.type_invalid", "the document does not expand to a VerifiableCredential or Presentation"
        )


def _charge(doc: dict[str, Any]) -> None:
    """Pay for the expansion from the request's work budget, if any (see :mod:`thaivc.core.budget`)."""
    budget = current_budget()
    if budget is not None:
        meter_pyld()
        budget.spend(JSONLD_NODE_UNITS * json_nodes(doc), "JSON-LD expansion")


def without_proofs(doc: dict[str, Any]) -> dict[str, Any]:
    """Shallow copies without ``proof``; ``doc`` itself is never modified."""
    trimmed = {key: value for key, value in doc.items() if key != "proof"}
    embedded = trimmed.get("verifiableCredential")
    if isinstance(embedded, dict):
        trimmed["verifiableCredential"] = without_proofs(embedded)
    elif isinstance(embedded, list):
        trimmed["verifiableCredential"] = [
            without_proofs(item) if isinstance(item, dict) else item for item in embedded
        ]
    return trimmed


# -- contexts ------------------------------------------------------------------------------------


def walk_contexts(node: Any, registry: ContextRegistry, loc: tuple[str | int, ...], *, root: bool) -> None:
    """Walk the document for ``@context`` members, checking each against the allowlist."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            walk_contexts(item, registry, (*loc, index), root=root)
        return
    if not isinstance(node, dict):
        return
    if "@context" in node:
        require_context_value(node["@context"], registry, (*loc, "@context"), inline_allowed=root)
    for key, value in node.items():
        if key == "@context":
            continue
        # an embedded credential is a document of its own and may carry its own contexts
        walk_contexts(value, registry, (*loc, key), root=root and key == "verifiableCredential")


def require_context_value(
    value: Any, registry: ContextRegistry, loc: tuple[str | int, ...], *, inline_allowed: bool
) -> None:
    """Check one ``@context`` value: bundled or allowlisted URLs, and inline objects that only add terms."""
    if value.__class__ is list:
        for item in value:
            if item.__class__ is not str or item not in registry:
                break
        else:
            return  # only allowlisted URLs (almost every credential): nothing defines or redefines a term
    items = value if isinstance(value, list) else [value]
    # the terms defined so far matter only to a later inline context: a list of URLs alone (almost
    # every credential) never builds the set, the allowlisted contexts define hundreds of terms
    last_inline = max((i for i, item in enumerate(items) if isinstance(item, dict)), default=-1)
    defined: set[str] = set()
    for index, item in enumerate(items):
        here = (*loc, index)
        if isinstance(item, str):
            if item not in registry:
                raise InputError("di.context_not_allowed", f"context {item[:200]!r} is not allowed", loc=here)
            if index < last_inline:
                defined.update(registry.defined_terms(item))
        elif isinstance(item, dict):
            if not inline_allowed:
                raise InputError("di.context_not_allowed", "an inline context below the top level", loc=here)
            _check_inline(item, registry, here)
            redefined = sorted(key for key in item if not key.startswith("@") and key in defined)
            if redefined:
                raise InputError(
                    "di.context_not_allowed", f"an inline context redefines {redefined[0][:100]!r}", loc=here
                )
            defined.update(item)
        else:
            raise InputError("vc.context_invalid", "a context is neither a URL nor an object", loc=here)


#: ``@type`` values of a term definition that are keywords rather than IRIs (JSON-LD 1.1 §4.2.2).
_TYPE_KEYWORDS: Final = frozenset({"@id", "@vocab", "@json", "@none"})


def _check_term_iri(term: str, definition: Any, loc: tuple[str | int, ...]) -> None:
    """A term an inline context defines must map to an absolute IRI (or compact IRI), or a keyword.

    Without this, ``{"ExampleTestCredential": "https ://not-a-url#…"}`` names a type that means
    nothing: an RDFC proof would drop it (``di.data_loss``), and a ``vc+jwt`` or JCS proof would sign
    a type no JSON-LD reader can interpret. The check reads the definition only (no expansion), so
    it is cheap enough for every securing format (VCDM 2.0 §4.5).
    """
    if isinstance(definition, dict):
        iri = definition.get("@id", definition.get("@reverse"))
        kind = definition.get("@type")
        if kind is not None and kind not in _TYPE_KEYWORDS and not is_url(kind):
            raise InputError("di.data_loss", f"term {term[:100]!r} has a @type that is not an IRI", loc=(*loc, term))
        if iri is None and "@id" not in definition and "@reverse" not in definition:
            return  # no @id: the term expands through the active @vocab (thaivc refuses an inline one)
    else:
        iri = definition
    if isinstance(iri, str) and (iri.startswith("@") or is_url(iri)):
        return
    raise InputError("di.data_loss", f"term {term[:100]!r} does not map to an absolute IRI", loc=(*loc, term))


def _check_inline(context: dict[str, Any], registry: ContextRegistry, loc: tuple[str | int, ...]) -> None:
    """An inline context: no ``@vocab``/``@base`` anywhere, every term an IRI, and scoped contexts too."""
    for key, value in context.items():
        if key in ("@vocab", "@base"):
            raise InputError("di.vocab_not_allowed", f"{key} in an inline context", loc=(*loc, key))
        if key == "@import":
            raise InputError("di.context_not_allowed", "@import in an inline context", loc=(*loc, key))
        if not key.startswith("@"):
            _check_term_iri(key, value, loc)
        if isinstance(value, dict):
            scoped = value.get("@context")
            if scoped is not None:
                scoped_items = scoped if isinstance(scoped, list) else [scoped]
                for index, item in enumerate(scoped_items):
                    where = (*loc, key, "@context", index)
                    if isinstance(item, dict):
                        _check_inline(item, registry, where)
                    elif not isinstance(item, str) or item not in registry:
                        raise InputError(
                            "di.context_not_allowed", "a scoped context that is not allowed", loc=where
                        )


# -- expansion -----------------------------------------------------------------------------------


def _from_pyld(exc: BaseException) -> ThaiVCError:
    """Map a pyld failure to a stable code, preferring a code raised by our own loader."""
    cause: BaseException | None = exc
    seen = 0
    while cause is not None and seen < 20:
        if isinstance(cause, ThaiVCError):
            return InputError(cause.code, cause.detail, loc=cause.loc)
        cause = cause.__cause__ or cause.__context__
        seen += 1
    code = getattr(exc, "code", None)
    if code in _CONTEXT_ERRORS:
        return InputError("di.context_not_allowed", f"JSON-LD context error: {code}")
    if code in _DATA_LOSS_ERRORS:
        return InputError("di.data_loss", f"a term does not map to an absolute IRI: {code}")
    if isinstance(exc, RecursionError):
        return InputError("input.too_deep", "JSON-LD nesting too deep")
    return InputError("vc.malformed", f"JSON-LD expansion failed: {code or type(exc).__name__}")


def _check_expanded(node: Any) -> None:
    """Every key, ``@type`` and ``@id`` of the expanded form must be an absolute IRI."""
    stack: list[Any] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
            continue
        if not isinstance(item, dict):
            continue
        if "@value" in item:
            continue  # a literal: pyld already requires an absolute IRI (or @json) for its @type
        ident = item.get("@id")
        if ident is not None and not _is_node_id(ident):
            raise InputError("di.data_loss", f"@id {str(ident)[:100]!r} is not an absolute IRI")
        kinds = item.get("@type", [])
        for kind in kinds if isinstance(kinds, list) else [kinds]:
            if not _is_iri(kind):
                raise InputError("di.data_loss", f"type {str(kind)[:100]!r} is not an absolute IRI")
        for key, value in item.items():
            if not key.startswith("@") and not _is_iri(key):
                raise InputError("di.data_loss", f"property {key[:100]!r} is not an absolute IRI")
            if key not in ("@id", "@type"):
                stack.append(value)


def _is_iri(value: object) -> bool:
    return isinstance(value, str) and is_url(value) and not value.startswith(RELATIVE_BASE)


def _is_node_id(value: object) -> bool:
    return isinstance(value, str) and (value.startswith("_:") or _is_iri(value))


# -- deprecated names (issue 10: one contract per verb) --


@deprecated("check_jsonld is now require_jsonld (docs/architecture.md, Verbs)")
def check_jsonld(doc: dict[str, Any], registry: ContextRegistry) -> None:
    """Deprecated: the old name of :func:`require_jsonld`, which raises on what it refuses."""
    require_jsonld(doc, registry)
