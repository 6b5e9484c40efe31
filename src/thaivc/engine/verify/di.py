"""Verification of Data Integrity documents (credentials and presentations with an embedded ``proof``).

The order of checks, and what each refuses, is declared in :mod:`thaivc.engine.verify.order` (the
"Data Integrity credential" and "… presentation" orders), which ``tests/test_verify_order.py`` holds
every report to; it is not repeated here. What is particular to this pipeline: each proof of a
proof set is reported on its own (``proof[i]``) until one fails; the JSON-LD meaning of a document a
proof reads as RDF is established once and handed to the proof checks; and all of it, nested
credentials included, is paid from the one :class:`~thaivc.core.budget.WorkBudget` of the
``check()`` call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import orjson

from thaivc.contexts import ContextRegistry
from thaivc.contexts.disclosure import withheld
from thaivc.core import fastpath
from thaivc.core.budget import BUDGET_CODE
from thaivc.core.errors import ThaiVCError
from thaivc.core.report import ReportBuilder, VerificationReport
from thaivc.di.canon.jsonld_fast import fast_convert
from thaivc.di.canon.prepared import AnyDataset
from thaivc.di.suites import ECDSA_SD_2023
from thaivc.di.transform import loader_for, shared_contexts
from thaivc.di.unsigned import require_rdfc_document, signed_numbers
from thaivc.di.verify import (
    PriorChecks,
    ProofEnv,
    ProofExpectation,
    ProofSetPolicy,
    ProofsResult,
    check_proof_set,
)
from thaivc.engine.embedded import DEFAULT_EMBEDDED, EmbeddedPolicy
from thaivc.engine.verify.jose import (
    record_challenge,
    record_credentials,
    record_related,
    record_status,
    record_times,
    record_trust,
    refuse_unanswered,
)
from thaivc.model import require_credential, require_jsonld, require_presentation
from thaivc.model._rules import is_url
from thaivc.model.jsonld import RELATIVE_BASE, require_context_value, walk_contexts, without_proofs
from thaivc.model.schema_check import record_schema

if TYPE_CHECKING:
    from thaivc.engine.challenge import ChallengeStore
    from thaivc.engine.verifier import Verifier

__all__ = ["check_di", "contexts_of", "default_contexts"]

_MAX_NESTING: Final = 1
_JCS_SUITES: Final = frozenset({"eddsa-jcs-2022", "ecdsa-jcs-2019"})
#: Objects and arrays the context pre-scan visits before handing over to the full walk.
_MAX_SCANNED: Final = 100_000
#: orjson writes these natively (a datetime as text, a dataclass as an object): let it refuse them.
_PASSTHROUGH: Final = (
    orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_SUBCLASS
)


def default_contexts() -> ContextRegistry:
    """One shared, frozen registry of the bundled contexts, so processed contexts stay cached."""
    return shared_contexts()


def contexts_of(verifier: object) -> ContextRegistry:
    """The verifier's context registry. Only an absent registry means the defaults: an empty one
    the caller built allows no context at all (``or`` would have turned it into the defaults)."""
    own: ContextRegistry | None = getattr(verifier, "contexts", None)
    return default_contexts() if own is None else own


def _is_presentation(doc: dict[str, Any]) -> bool:
    types = doc.get("type")
    return types == "VerifiablePresentation" or (isinstance(types, list) and "VerifiablePresentation" in types)


def _needs_rdf(doc: dict[str, Any]) -> bool:
    """Whether any proof reads the document as RDF (then every term must expand: docs/security.md group E).

    A JCS proof signs the JSON itself, so nothing can ride along unsigned; its contexts are still
    held to the allowlist (never fetched, no ``@vocab``), but undefined terms are not data loss.
    """
    proof = doc.get("proof")
    proofs = proof if isinstance(proof, list) else [proof]
    # a cryptosuite may be any JSON value here (a list is unhashable): only a known string is JCS
    return any(not (isinstance(p, dict) and _is_jcs(p.get("cryptosuite"))) for p in proofs)


def _is_jcs(cryptosuite: object) -> bool:
    return isinstance(cryptosuite, str) and cryptosuite in _JCS_SUITES


def require_contexts(doc: dict[str, Any], registry: ContextRegistry, *, source: bytes | None = None) -> None:
    """Only the context rules of :func:`~thaivc.model.require_jsonld` (allowlisted, never fetched, no
    ``@vocab``/``@base``, no redefinition), without JSON-LD expansion.

    Almost every credential carries ``@context`` at its root only. The root value is checked
    directly, and the rest of the document is scanned (without building locations) for any
    ``@context`` below it; only when there is one, or the scan gives up, does the full walk of
    :func:`~thaivc.model.jsonld.walk_contexts` run, which then gives the same verdict, code and
    location as it always did.

    ``source`` is the exact JSON text ``doc`` was parsed from (a JWT payload), when the caller has
    it: without a ``\\u`` escape, a member named ``@context`` can only be spelt ``"@context"``, so
    one occurrence of those bytes is the root's own and the walk is skipped (issue 16: a Python
    walk over 1,000 claims cost more than the signature).
    """
    if source is None and fastpath.ON[0] and "proof" not in doc:
        source = _json_text(doc)
    if "@context" in doc and (_only_root_context(source) if source is not None else not _nested_context(doc)):
        require_context_value(doc["@context"], registry, ("@context",), inline_allowed=True)
        return
    try:
        walk_contexts(without_proofs(doc), registry, (), root=True)
    except RecursionError:
        raise ThaiVCError("input.too_deep", "JSON-LD nesting too deep") from None


fastpath.register(
    "engine.verify.di context scan on orjson text",
    "vc+jwt issue: the nested-@context walk replaced by one serialisation and a count, ~6 µs at 1.5 KB",
    lambda: None,
)


def _json_text(doc: dict[str, Any]) -> bytes | None:
    """``doc`` as JSON text for :func:`_only_root_context` (issuance has no received text); ``None``: walk.

    orjson writes every member name of every object as ``"name"`` (a quote inside a string is
    written ``\\"``), so a nested ``@context`` member cannot hide from the count; a value it cannot
    write is left to the walk.
    """
    try:
        return orjson.dumps(doc, option=_PASSTHROUGH)
    except orjson.JSONEncodeError:
        return None


def _only_root_context(source: bytes) -> bool:
    """Whether JSON text whose root has ``@context`` names it nowhere else (``False``: not proven)."""
    # one-byte search first: it is memchr, the two-byte one is not
    return source.count(b'"@context"') == 1 and (b"\\" not in source or b"\\u" not in source)


def _nested_context(doc: dict[str, Any]) -> bool:
    """Whether ``@context`` may occur anywhere but at the root (outside ``proof``), conservatively.

    ``True`` also when the document holds more than :data:`_MAX_SCANNED` objects and arrays, which
    is also what ends the scan of a value that contains itself (the full walk refuses that one).
    """
    stack: list[Any] = [{key: value for key, value in doc.items() if key not in ("proof", "@context")}]
    visited = -1  # the root stands in for the document, which is not one of the objects counted
    while stack:
        node = stack.pop()
        visited += 1
        if visited > _MAX_SCANNED:
            return True
        # only objects and arrays go on the stack, scalars are judged where they are met
        for child in node.values() if type(node) is dict else node:
            kind = type(child)
            if kind is dict:
                if "@context" in child:
                    return True
                stack.append(child)
            elif kind is list:
                stack.append(child)
            elif kind is not str and kind is not int and kind is not float and kind is not bool and child is not None:
                return True  # a subclass or an unusual value: leave it to the full walk
    return False


def _check_rdf_meaning(doc: dict[str, Any], contexts: ContextRegistry, *, presentation: bool) -> AnyDataset | None:
    """:func:`~thaivc.model.require_jsonld`, run once per JSON-LD *shape* of credential.

    pyld's expansion costs about a millisecond. The JSON-LD fast path converts documents of one
    shape (member names, types, pinned values) from one template learnt from pyld, and serves a
    document from it only when every value lands whole — as a literal, or at an IRI position as an
    absolute IRI that is no term or compact IRI. Such a document expands exactly like the first one
    of its shape, except for those literals and IRIs; so once a document of the shape passed the
    full check, a later one passes it too provided its IRIs are absolute URLs. Anything else
    (presentations, fallbacks to pyld, a new shape) gets the full check — except after a refusal by
    the request's work budget, which ends the check: the full check would pay for the same work again.

    Returns the RDF conversion of the unsecured document when one was made, so the proof check can
    canonicalise it instead of converting the document again; ``None`` otherwise.
    """
    if presentation:
        require_jsonld(doc, contexts)
        return None
    loader = loader_for(contexts)
    unsecured = {key: value for key, value in doc.items() if key != "proof"}
    try:
        converted = fast_convert(unsecured, loader)
    except ThaiVCError as err:
        if err.code == BUDGET_CODE:
            raise  # the request's work is spent: the full check would only pay for the same work again
        converted = None
    shape = None if converted is None else converted.shape
    if (
        converted is not None
        and shape is not None
        and loader.shape_checked(shape)
        and all(is_url(iri) and not iri.startswith(RELATIVE_BASE) for iri in converted.iri_values)
    ):
        return converted.dataset
    require_jsonld(doc, contexts)
    if shape is not None:
        loader.remember_shape(shape)
    return None if converted is None else converted.dataset


def _party_id(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return str(value["id"])
    return None


def check_di(
    verifier: Verifier,
    doc: dict[str, Any],
    *,
    challenge: str | None,
    domain: str | None,
    depth: int = 0,
    embedded: EmbeddedPolicy = DEFAULT_EMBEDDED,
    challenges: ChallengeStore | None = None,
) -> VerificationReport:
    """Verify a Data Integrity credential or presentation and report every check. Never raises.

    ``embedded`` and ``challenges`` are the call's choices (see :meth:`thaivc.Verifier.check`).
    """
    b = ReportBuilder("di")
    if not isinstance(doc, dict) or "proof" not in doc:
        b.fail("parse", "di.proof_missing", "the document carries no proof")
        return b.build()
    b.ok("parse")
    presentation = _is_presentation(doc)
    if presentation and depth >= _MAX_NESTING:
        b.fail("model", "vp.malformed", "a presentation cannot be nested in a presentation")
        return b.build()
    contexts: ContextRegistry = contexts_of(verifier)
    dataset = _check_document(b, doc, contexts, presentation=presentation)
    if b.failed or b.undecided:
        return b.build()
    controller = _party_id(doc.get("holder")) if presentation else _party_id(doc.get("issuer"))
    expect = _expectation(verifier, doc, controller, challenge, domain, presentation=presentation)
    result = _record_proofs(verifier, b, doc, expect, PriorChecks(jsonld=True, unsigned=True, dataset=dataset))
    if not (b.failed or b.undecided):
        b.details["proof_controllers"] = sorted(result.controllers)
        if not presentation:
            _check_disclosure(b, doc, result)
    if b.failed or b.undecided:
        return b.build()
    record_times(verifier, doc, b)
    if presentation:
        holder_id = controller or next(iter(sorted(result.controllers)), "")
        record_challenge(verifier, b, challenge, challenges, carried=challenge)
        _check_domain(b, domain, required=verifier.policy.require_domain)
        record_credentials(verifier, doc, b, holder_id=holder_id, depth=depth, embedded=embedded)
        return b.build(document=signed_numbers(doc))
    record_schema(doc, b, require_known=verifier.policy.require_known_schema)
    record_related(verifier, doc, b)
    record_status(verifier, doc, b)
    record_trust(verifier, controller or "", doc, b)
    refuse_unanswered(b, challenge=challenge, domain=domain)
    return b.build(document=signed_numbers(doc))


def _check_document(
    b: ReportBuilder, doc: dict[str, Any], contexts: ContextRegistry, *, presentation: bool
) -> AnyDataset | None:
    """The ``model`` and ``context`` steps; the document as RDF when a proof reads it so (else ``None``).

    The dataset is made once for this call only and handed to the proof checks, which would
    otherwise convert the same document again.
    """
    try:
        # the proof's own shape is judged by the proof checks, with Data Integrity's codes
        unsecured = {key: value for key, value in doc.items() if key != "proof"}
        if _needs_rdf(doc):  # before the model: a null member is refused as unsigned, not as a bad value
            require_rdfc_document(unsecured, loader_for(contexts).json_literal_terms())
        warnings = require_presentation(unsecured) if presentation else require_credential(unsecured)
    except ThaiVCError as err:
        b.error("model", err)
        return None
    for warning in warnings:
        b.warn(warning)
    b.ok("model")
    dataset: AnyDataset | None = None
    try:
        require_contexts(doc, contexts)
        if _needs_rdf(doc):
            dataset = _check_rdf_meaning(doc, contexts, presentation=presentation)
    except ThaiVCError as err:
        b.error("context", err)
        return None
    b.ok("context")
    return dataset


def _expectation(
    verifier: Verifier,
    doc: dict[str, Any],
    controller: str | None,
    challenge: str | None,
    domain: str | None,
    *,
    presentation: bool,
) -> ProofExpectation:
    """What every proof of ``doc`` must be: the purpose and party of its kind, the co-signers in scope."""
    proof_set: ProofSetPolicy | None = None if presentation else getattr(verifier, "proof_set_policy", None)
    if proof_set is not None and not proof_set.applies_to(doc):
        proof_set = None  # out of its scope: every proof must be the issuer's own
    return ProofExpectation(
        purpose="authentication" if presentation else "assertionMethod",
        controller=controller,
        challenge=challenge if presentation else None,
        domain=domain if presentation else None,
        policy=proof_set,
    )


def _record_proofs(
    verifier: Verifier, b: ReportBuilder, doc: dict[str, Any], expect: ProofExpectation, prior: PriorChecks
) -> ProofsResult:
    """The ``proof[i]`` steps, one a proof, and ``proof-set`` when a proof-set policy is in scope."""
    policy = verifier.policy
    env = ProofEnv(
        resolver=verifier.resolver,
        clock=verifier.clock,
        leeway=policy.leeway,
        contexts=contexts_of(verifier),
        allow_context_extension=policy.allow_context_extension,
    )
    result = check_proof_set(doc, env, expect, prior)
    for outcome in result.proofs:
        name = f"proof[{outcome.index}]"
        detail = outcome.detail or f"{outcome.cryptosuite} by {outcome.verification_method}"
        if outcome.status == "pass":
            b.ok(name, detail[:200])
        elif outcome.status == "indeterminate":
            b.undecidable(name, outcome.code or "internal.error", detail)
        elif outcome.status == "skipped":
            b.skip(name, detail)
        else:
            b.fail(name, outcome.code or "di.proof_invalid", detail)
    if result.policy_problem is not None:
        b.fail("proof-set", result.policy_problem.code, result.policy_problem.detail)
    elif expect.policy is not None:
        b.ok("proof-set", f"{len(result.controllers)} distinct signer(s)")
    return result


def _check_disclosure(b: ReportBuilder, doc: dict[str, Any], result: ProofsResult) -> None:
    """An ``ecdsa-sd-2023`` credential must disclose what its issuer made mandatory."""
    if any(outcome.cryptosuite == ECDSA_SD_2023.name for outcome in result.proofs):
        missing = withheld(doc)
        if missing:
            b.fail("disclosure", "di.sd_mandatory_withheld", "not disclosed: " + ", ".join(missing))
        else:
            b.ok("disclosure")


def _check_domain(b: ReportBuilder, domain: str | None, *, required: bool) -> None:
    """The proof's domain already matched ``domain``; here: whether one was required at all."""
    if domain is None:
        if required:
            b.fail("domain", "di.domain_mismatch", "no domain was given to the verifier; policy requires one")
        else:
            b.skip("domain", "no domain requested")
        return
    b.ok("domain")
