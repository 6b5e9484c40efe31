"""Verifying the proofs of a Data Integrity document: each proof, the set, the chains, the policy.

VC Data Integrity §4.4 (Verify Proof) and §4.5 (Verify Proof Sets and Chains), with the checks a
verifier must add around them:

* every proof is reported on its own, and one failing member fails the whole set — so the first
  failure ends the verification: the proofs after it get only their structural checks and are
  otherwise reported as skipped, not paid for;
* a proof chain reaches at most :data:`MAX_CHAIN` earlier proofs, and one set hashes at most
  :data:`MAX_CHAIN` distinct chain documents (``input.too_large``): each one is the whole document
  again, converted and canonicalised again;
* all of it — every conversion, canonicalisation and signature check — is paid from the request's
  :class:`~thaivc.core.budget.WorkBudget` (``di.canonicalization_limit`` once it is spent);
* ``previousProof`` must be a string or a list of strings naming proofs that are present; a
  self-reference, a cycle or a missing (truncated) link fails the proof that names it;
* the proof purpose must be the caller's (``assertionMethod`` for credentials, ``authentication``
  for presentations), and the verification method must be authorised for it in its controller's
  DID document *and* be controlled by the expected party (issuer or holder) unless a
  :class:`ProofSetPolicy` names it as an accepted co-signer (``di.vm_not_authorized``);
* ``created``/``expires`` must be XSD dateTimeStamps, not in the future / not past (with leeway);
* ``challenge`` and ``domain`` must match what the caller expects;
* every proof member has the shape Data Integrity gives it (``di.proof_invalid`` otherwise, never
  an internal error), and in an RDFC proof every member is covered by the signature or refused
  (:mod:`thaivc.di.unsigned`), as is every member of an RDFC-secured document;
* a proof's ``@context`` is the document's (``di.context_mismatch``); with
  ``allow_context_extension`` a JCS document may append contexts after it, as the spec allows.

Stripping a proof from a set cannot be detected cryptographically (every member signs the same
document), so a caller that needs several signers says so with a :class:`ProofSetPolicy`: all of
these methods, or at least N distinct controllers from this set. A policy adds co-signers; it
never replaces the issuer: one valid proof must still come from the expected controller.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final, Literal

from thaivc.contexts import ContextRegistry
from thaivc.core.budget import SIGNATURE_UNITS, request_budget, spend
from thaivc.core.clock import DEFAULT_LEEWAY, Clock, SystemClock
from thaivc.core.errors import Indeterminate, InputError, ThaiVCError, UsageError
from thaivc.core.report import Problem
from thaivc.di.canon import rdfc
from thaivc.di.canon.prepared import AnyDataset, as_dataset
from thaivc.di.multibase import decode_proof_value
from thaivc.di.sd.ecdsa_sd_2023 import verify_derived
from thaivc.di.sd.proof_value import proof_value_kind
from thaivc.di.sign import PROOF_TYPE, proofs_of
from thaivc.di.suites import ECDSA_SD_2023, Cryptosuite, CryptosuiteRegistry, HashName
from thaivc.di.transform import (
    Canonical,
    canonical_dataset,
    canonical_document,
    canonical_proof_config,
    hash_data,
    loader_for,
    proof_config,
    shared_contexts,
)
from thaivc.di.unsigned import require_rdfc_document, require_rdfc_proof
from thaivc.did import Relationship, UniversalResolver, same_key_did
from thaivc.keys import PublicKey
from thaivc.model import parse_datetime_stamp

__all__ = [
    "PriorChecks",
    "ProofEnv",
    "ProofExpectation",
    "ProofOutcome",
    "ProofSetPolicy",
    "ProofsResult",
    "check_proof_set",
    "verify_proofs",
]

#: Proofs examined per document: a proof set of directors is small; thousands are an attack.
MAX_PROOFS: Final = 32
#: Earlier proofs one chain may reach, and distinct chain documents one set may hash. Honest chains
#: (a notary countersigning an issuer) are two or three long; each link costs a whole document.
MAX_CHAIN: Final = 8


@dataclass(frozen=True, slots=True)
class ProofSetPolicy:
    """Which signers a proof set must contain, and which credentials that applies to.

    ``required_methods``: every listed verification method (or DID: any of its methods) must have
    a valid proof. ``min_proofs`` with ``from_methods``: at least that many *distinct controllers*
    among the listed methods/DIDs must have a valid proof; one controller signing twice counts
    once. Methods listed in either field are accepted co-signers even when they are not the
    issuer's (or holder's) own — *in addition to* the issuer: a proof set without a valid proof by
    a key the expected controller (the issuer) controls fails (``di.proof_set_unsatisfied``), so a
    listed co-signer can never issue in another party's name.

    ``types`` and ``issuers`` scope the policy: when given, it applies only to credentials whose
    ``type`` includes one of ``types`` and whose issuer is one of ``issuers``. Any other
    credential is verified as if no policy were configured (every proof by the issuer's keys).
    Scope every policy to the credentials it is meant for, so that a co-signer trusted for board
    resolutions is not a co-signer of everything else.
    """

    required_methods: tuple[str, ...] = ()
    min_proofs: int = 0
    from_methods: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    issuers: tuple[str, ...] = ()

    def __init__(
        self,
        required_methods: Iterable[str] = (),
        *,
        min_proofs: int = 0,
        from_methods: Iterable[str] = (),
        types: Iterable[str] = (),
        issuers: Iterable[str] = (),
    ) -> None:
        required = tuple(required_methods)
        pool = tuple(from_methods)
        scope_types, scope_issuers = _strings(types, "types"), _strings(issuers, "issuers")
        if not all(isinstance(m, str) and m for m in (*required, *pool)):
            raise UsageError("usage.invalid_argument", "verification methods are non-empty strings")
        if isinstance(min_proofs, bool) or not isinstance(min_proofs, int) or min_proofs < 0:
            raise UsageError("usage.invalid_argument", "min_proofs is a non-negative integer")
        if min_proofs and not pool:
            raise UsageError("usage.invalid_argument", "min_proofs needs from_methods to count from")
        if min_proofs > len(pool):
            raise UsageError("usage.invalid_argument", "min_proofs exceeds the number of methods listed")
        object.__setattr__(self, "required_methods", required)
        object.__setattr__(self, "min_proofs", min_proofs)
        object.__setattr__(self, "from_methods", pool)
        object.__setattr__(self, "types", scope_types)
        object.__setattr__(self, "issuers", scope_issuers)

    def names(self, vm_id: str, controller: str) -> bool:
        """True iff this policy lists ``vm_id`` (or its controller DID)."""
        listed = (*self.required_methods, *self.from_methods)
        return vm_id in listed or controller in listed

    def applies_to(self, document: Mapping[str, Any]) -> bool:
        """Whether ``document`` is in this policy's scope (its ``types`` and ``issuers``)."""
        if self.types:
            kinds = document.get("type")
            kinds = kinds if isinstance(kinds, list) else [kinds]
            if not any(isinstance(k, str) and k in self.types for k in kinds):
                return False
        if self.issuers:
            issuer = document.get("issuer")
            issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
            if not (isinstance(issuer_id, str) and issuer_id in self.issuers):
                return False
        return True


def _strings(values: Iterable[str], name: str) -> tuple[str, ...]:
    if isinstance(values, str):
        raise UsageError("usage.invalid_argument", f"{name} is a list of strings, not one string")
    found = tuple(values)
    if not all(isinstance(v, str) and v for v in found):
        raise UsageError("usage.invalid_argument", f"{name} are non-empty strings")
    return found


@dataclass(frozen=True, slots=True)
class ProofOutcome:
    """The verdict on one proof of the set."""

    index: int
    #: ``skipped``: not checked, because an earlier proof already failed the set.
    status: Literal["pass", "fail", "indeterminate", "skipped"]
    code: str | None = None
    detail: str = ""
    proof_id: str | None = None
    cryptosuite: str | None = None
    verification_method: str | None = None
    controller: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == "pass"

    @property
    def problem(self) -> Problem | None:
        return None if self.code is None else Problem.of(self.code, self.detail)


@dataclass(frozen=True, slots=True)
class ProofsResult:
    """Every proof's outcome and the policy verdict. ``verified`` only when all are good."""

    proofs: tuple[ProofOutcome, ...]
    policy_problem: Problem | None = None
    problems: tuple[Problem, ...] = field(default=())

    @property
    def verified(self) -> bool:
        return bool(self.proofs) and all(p.ok for p in self.proofs) and self.policy_problem is None

    @property
    def indeterminate(self) -> bool:
        return not self.verified and not any(p.status == "fail" for p in self.proofs) and self.policy_problem is None

    @property
    def controllers(self) -> frozenset[str]:
        """Controllers (DIDs) of the verification methods whose proofs verified."""
        return frozenset(p.controller for p in self.proofs if p.ok and p.controller)


@dataclass(frozen=True, slots=True)
class ProofEnv:
    """The verifier's side of a proof check, the same for every document it verifies.

    Where keys come from (``resolver``: did:key and did:jwk only by default), the time and its
    ``leeway`` (seconds), the contexts a document may use, the cryptosuites it accepts (deny by
    default), the canonicalisation ceiling, and whether a JCS document may append contexts after its
    proof's. One frozen object instead of a dozen keyword arguments passed down three calls.
    """

    resolver: UniversalResolver | None = None
    clock: Clock | None = None
    leeway: int = DEFAULT_LEEWAY
    contexts: ContextRegistry | None = None
    suites: CryptosuiteRegistry | None = None
    max_work: int = rdfc.DEFAULT_MAX_WORK
    allow_context_extension: bool = False


@dataclass(frozen=True, slots=True)
class ProofExpectation:
    """What the caller expects of every proof of this one document.

    ``purpose`` is the verification relationship the method must be authorised for
    (``assertionMethod`` for credentials, ``authentication`` for presentations); ``controller`` the
    issuer or holder the methods must belong to (``None`` skips that binding); ``challenge`` and
    ``domain`` what a presentation's proof must carry; ``policy`` the co-signers a set may add.
    """

    purpose: Relationship = "assertionMethod"
    controller: str | None = None
    challenge: str | None = None
    domain: str | None = None
    policy: ProofSetPolicy | None = None


@dataclass(frozen=True, slots=True)
class PriorChecks:
    """Work the caller already did on this document, *in this same call*, so it is not done twice.

    ``jsonld``: :func:`thaivc.model.require_jsonld` passed; ``unsigned``:
    :func:`~thaivc.di.unsigned.require_rdfc_document` passed; ``dataset``: the document without its
    ``proof`` converted to RDF through the loader of the environment's contexts. The dataset is
    never kept beyond the call, and stands only for the unchained document (a proof with
    ``previousProof`` hashes a different document, converted here).
    """

    jsonld: bool = False
    unsigned: bool = False
    dataset: AnyDataset | None = None


class _Skipped(Exception):
    """The verdict is already decided: the rest of this proof's checks would be wasted work."""


class _Fail(Exception):
    def __init__(self, err: ThaiVCError) -> None:
        self.err = err


def _fail(code: str, detail: str) -> _Fail:
    return _Fail(InputError(code, detail))


def verify_proofs(
    document: Mapping[str, Any],
    *,
    resolver: UniversalResolver | None = None,
    expected_purpose: Relationship = "assertionMethod",
    expected_controller: str | None = None,
    challenge: str | None = None,
    domain: str | None = None,
    clock: Clock | None = None,
    leeway: int = DEFAULT_LEEWAY,
    contexts: ContextRegistry | None = None,
    suites: CryptosuiteRegistry | None = None,
    policy: ProofSetPolicy | None = None,
    max_work: int = rdfc.DEFAULT_MAX_WORK,
    jsonld_checked: bool = False,
    allow_context_extension: bool = False,
) -> ProofsResult:
    """Verify the proofs on ``document`` in order until one fails; never raises on bad input.

    ``expected_controller`` is the issuer (credentials) or holder (presentations) the verification
    methods must belong to; ``None`` skips that binding. Unless ``jsonld_checked`` says the caller
    already did it, documents secured with an RDFC suite are first checked with
    :func:`thaivc.model.require_jsonld` (allowed contexts only, no data loss). A JCS document may
    carry contexts after its proof's ``@context`` only with ``allow_context_extension``. The call runs on the
    request's :class:`~thaivc.core.budget.WorkBudget`, or on a budget of its own when there is none.
    """
    env = ProofEnv(resolver, clock, leeway, contexts, suites, max_work, allow_context_extension)
    expect = ProofExpectation(expected_purpose, expected_controller, challenge, domain, policy)
    with request_budget():
        return check_proof_set(document, env, expect, PriorChecks(jsonld=jsonld_checked))


def check_proof_set(
    document: Mapping[str, Any], env: ProofEnv, expect: ProofExpectation, prior: PriorChecks = PriorChecks()
) -> ProofsResult:
    """:func:`verify_proofs` on the caller's budget, with the settings as objects; never raises on bad input.

    :func:`thaivc.engine.verify.di.check_di` converts the document to RDF once to check its JSON-LD
    meaning and hands the conversion over in ``prior``, so it is not converted a second time.
    """
    if not isinstance(document, Mapping):
        outcome = ProofOutcome(0, "fail", "di.proof_invalid", "the secured document is not a JSON object")
        return ProofsResult((outcome,))
    proof_value = document.get("proof")
    not_maps = isinstance(proof_value, list) and not all(isinstance(p, dict) for p in proof_value)
    if "proof" in document and (not_maps or not isinstance(proof_value, dict | list)):
        detail = "proof is not a map or a list of maps"
        return ProofsResult((ProofOutcome(0, "fail", "di.proof_malformed", detail),))
    raw = proofs_of(document)
    if not raw:
        return ProofsResult((ProofOutcome(0, "fail", "di.proof_missing", "the document carries no proof"),))
    if len(raw) > MAX_PROOFS:
        return ProofsResult((ProofOutcome(0, "fail", "input.too_large", f"more than {MAX_PROOFS} proofs"),))

    policy = expect.policy
    if policy is not None and not policy.applies_to(document):
        policy = None  # out of the policy's scope: every proof must be the controller's own
        expect = replace(expect, policy=None)
    ctx = _Context(document, raw, env, prior)
    outcomes = _verify_until_decided(ctx, expect)
    policy_problem = _check_policy(outcomes, policy, expect.controller) if policy is not None else None
    problems = tuple(p.problem for p in outcomes if p.problem is not None)
    if policy_problem is not None:
        problems = (*problems, policy_problem)
    return ProofsResult(outcomes, policy_problem, problems)


def _verify_until_decided(ctx: _Context, expect: ProofExpectation) -> tuple[ProofOutcome, ...]:
    """Each proof in order; after the first failure, only the cheap checks of the rest.

    One failing member fails the whole set whatever the others say, so verifying them would only
    spend work an attacker chose (32 proofs over one costly body). Their structure (members, ids,
    times, chain) is still checked, so every malformed proof is named; what would need a DID, a
    canonicalisation or a signature is reported as skipped. An indeterminate proof decides nothing
    (a later failure would still fail the set), so verification goes on after one.
    """
    outcomes: list[ProofOutcome] = []
    failed: int | None = None
    for index, proof in enumerate(ctx.raw):
        outcome = ctx.check_one(index, proof, expect, decided_by=failed)
        if outcome.status == "fail" and failed is None:
            failed = index
        outcomes.append(outcome)
    return tuple(outcomes)


_DEFAULT_RESOLVER: list[UniversalResolver] = []
#: The five standard suites, for a call that names none: a registry has no way to change, so one is shared.
_STANDARD_SUITES: Final = CryptosuiteRegistry()


def _default_resolver() -> UniversalResolver:
    """did:key and did:jwk only (no I/O); shared so its verification-method cache is reused."""
    if not _DEFAULT_RESOLVER:
        _DEFAULT_RESOLVER.append(UniversalResolver())
    return _DEFAULT_RESOLVER[0]


def _check_policy(outcomes: Sequence[ProofOutcome], policy: ProofSetPolicy, controller: str | None) -> Problem | None:
    """The policy's verdict on a set whose proofs each verified (or not) on their own.

    Co-signers the policy lists are accepted *besides* the expected controller, never instead of
    it: without one valid proof by the issuer's (or holder's) own key the set fails.
    """
    good = [p for p in outcomes if p.ok and p.verification_method and p.controller]
    if controller is not None and not any(p.controller == controller for p in good):
        return Problem.of("di.proof_set_unsatisfied", "no valid proof by a key of " + controller[:100])
    for wanted in policy.required_methods:
        if not any(wanted in (p.verification_method, p.controller) for p in good):
            return Problem.of("di.proof_set_unsatisfied", f"no valid proof by required signer {wanted[:100]}")
    if policy.min_proofs:
        pool = set(policy.from_methods)
        controllers = {p.controller for p in good if p.verification_method in pool or p.controller in pool}
        if len(controllers) < policy.min_proofs:
            return Problem.of(
                "di.proof_set_unsatisfied",
                f"{len(controllers)} distinct signer(s) of the {policy.min_proofs} the policy requires",
            )
    return None


class _Context:
    """Per-call state: proofs by id, chain checks, and canonical documents shared across proofs."""

    def __init__(self, document: Mapping[str, Any], raw: list[Any], env: ProofEnv, prior: PriorChecks) -> None:
        self.document = document
        self.raw = raw
        self.resolver = env.resolver or _default_resolver()
        self.now = (env.clock or SystemClock()).now()
        self.leeway = env.leeway
        self.contexts = shared_contexts() if env.contexts is None else env.contexts
        # an empty registry accepts nothing: only "no registry" means the standard five
        self.suites = env.suites if env.suites is not None else _STANDARD_SUITES
        self.max_work = env.max_work
        self.jsonld_error: ThaiVCError | None = None
        self.jsonld_done = prior.jsonld
        self.unsecured = {k: v for k, v in document.items() if k != "proof"}
        self.unsecured_dataset = prior.dataset
        self.allow_context_extension = env.allow_context_extension
        self.unsigned_error: ThaiVCError | None = None
        self.unsigned_done = prior.unsigned
        self.by_id: dict[str, list[int]] = {}
        for index, proof in enumerate(raw):
            if isinstance(proof, dict) and isinstance(proof.get("id"), str):
                self.by_id.setdefault(proof["id"], []).append(index)
        self.canon_cache: dict[tuple[str, str, tuple[int, ...]], Canonical] = {}
        self.chain_documents: set[tuple[int, ...]] = set()

    # -- one proof ------------------------------------------------------------------------------

    def check_one(
        self, index: int, proof: Any, expect: ProofExpectation, decided_by: int | None = None
    ) -> ProofOutcome:
        """One proof's outcome; with ``decided_by`` (an earlier proof that failed) the cheap checks only."""
        info: dict[str, Any] = {}
        try:
            self._verify(proof, expect, info, decided=decided_by is not None)
        except _Skipped:
            detail = f"not checked: proof[{decided_by}] already failed the set"
            return ProofOutcome(index, "skipped", None, detail, proof_id=info.get("proof_id"))
        except _Fail as failure:
            return self._outcome(index, failure.err, info)
        except Indeterminate as err:
            return self._outcome(index, err, info)
        except ThaiVCError as err:
            return self._outcome(index, err, info)
        except Exception as exc:  # fail closed: an unexpected error is never a pass
            return self._outcome(index, InputError("di.proof_invalid", f"{type(exc).__name__} while verifying"), info)
        return ProofOutcome(index, "pass", **info)

    @staticmethod
    def _outcome(index: int, err: ThaiVCError, info: dict[str, Any]) -> ProofOutcome:
        status: Literal["fail", "indeterminate"] = "indeterminate" if isinstance(err, Indeterminate) else "fail"
        return ProofOutcome(index, status, err.code, err.detail, **info)

    def _verify(self, proof: Any, expect: ProofExpectation, info: dict[str, Any], *, decided: bool = False) -> None:
        """VC Data Integrity §4.4 for one proof: its shape, its chain, its key, its signature.

        The structural checks run for every proof; once the set is ``decided`` (an earlier proof
        failed), nothing that needs a DID, a canonicalisation or a signature is paid for.
        """
        suite = self._check_structure(proof, expect, info)
        chain = self._previous(proof)
        selective = suite.name == ECDSA_SD_2023.name
        if selective:
            _check_selective(proof, chain)
        if decided:
            raise _Skipped
        key = self._authorised_key(proof["verificationMethod"], expect, info)
        if selective:
            self._verify_derived(proof, key)
        else:
            self._verify_signature(proof, suite, key, chain)

    def _check_structure(self, proof: Any, expect: ProofExpectation, info: dict[str, Any]) -> Cryptosuite:
        """Members, type, suite, shapes, purpose, id, times, challenge and domain: no key, no hash."""
        if not isinstance(proof, dict):
            raise _fail("di.proof_malformed", "a proof is not a JSON object")  # docs/security.md group A
        if isinstance(proof.get("id"), str):
            info["proof_id"] = proof["id"]
        for member in ("type", "verificationMethod", "proofPurpose", "cryptosuite", "proofValue"):
            if member not in proof:
                raise _fail("di.proof_invalid", f"the proof has no {member}")
        if proof["type"] != PROOF_TYPE:
            raise _fail("di.proof_invalid", f"proof type {_shown(proof['type'])} is not {PROOF_TYPE}")
        suite = self.suites.get(proof["cryptosuite"])
        info["cryptosuite"] = suite.name
        if suite.transform == "rdfc":
            require_rdfc_proof(proof, self.document.get("@context"))
            self._check_unsigned_document()
        _check_shapes(proof)
        info["verification_method"] = proof["verificationMethod"]
        if proof["proofPurpose"] != expect.purpose:
            shown = _shown(proof["proofPurpose"])
            raise _fail("di.proof_invalid", f"proofPurpose {shown} is not the expected {expect.purpose}")
        if isinstance(proof.get("id"), str) and len(self.by_id.get(proof["id"], ())) > 1:
            raise _fail("di.proof_invalid", "two proofs share one id")
        self._check_times(proof)
        self._check_challenge_domain(proof, expect.challenge, expect.domain)
        return suite

    def _authorised_key(self, vm_id: str, expect: ProofExpectation, info: dict[str, Any]) -> PublicKey:
        """The method's key, once its controller lists it for the purpose and is the expected party."""
        try:
            did_doc, vm = self.resolver.resolve_verification_method(vm_id)
        except Indeterminate:
            raise
        except ThaiVCError as err:
            raise _fail(err.code if err.code.startswith(("did.", "key.")) else "di.proof_invalid", err.detail) from None
        info["controller"] = did_doc.id
        if not did_doc.is_authorized(vm.id, expect.purpose):
            raise _fail("di.vm_not_authorized", f"the method is not listed under {expect.purpose} by its controller")
        controller, policy = expect.controller, expect.policy
        if (
            controller is not None
            and not same_key_did(did_doc.id, controller)
            and not (policy is not None and policy.names(vm.id, did_doc.id))
        ):
            raise _fail("di.vm_not_authorized", "the verification method is not controlled by " + controller[:100])
        return vm.public_key

    def _verify_derived(self, proof: dict[str, Any], key: PublicKey) -> None:
        """An ``ecdsa-sd-2023`` derived proof, against the disclosed document (always RDF)."""
        if not self.jsonld_done:
            self._check_jsonld()
        verify_derived(
            self.unsecured,
            proof,
            key,
            contexts=self.contexts,
            max_work=self.max_work,
            dataset=None if self.unsecured_dataset is None else as_dataset(self.unsecured_dataset),
        )

    def _verify_signature(
        self, proof: dict[str, Any], suite: Cryptosuite, key: PublicKey, chain: tuple[int, ...]
    ) -> None:
        """VC Data Integrity §4.4 steps: hash the proof configuration and the document, check the signature."""
        hash_name = suite.hash_for(key.key_type)
        signature = decode_proof_value(proof["proofValue"], key.key_type)
        if "@context" in proof and suite.transform == "jcs":
            self._check_jcs_context(proof["@context"])
        if suite.transform == "rdfc" and not self.jsonld_done:
            self._check_jsonld()
        config = proof_config(proof, self.unsecured, suite)
        canon_config = canonical_proof_config(config, suite, hash_name, contexts=self.contexts, max_work=self.max_work)
        proof_context = proof.get("@context")
        if suite.transform == "jcs" and proof_context is not None and proof_context != self.unsecured.get("@context"):
            # eddsa-jcs-2022 §3.3.2 step 4.2: the document is hashed with the proof's @context
            doc = {**self.unsecured, "@context": proof_context}
            if chain:
                doc["proof"] = [self.raw[i] for i in chain]
            canon_doc = canonical_document(doc, suite, hash_name, contexts=self.contexts, max_work=self.max_work)
        else:
            canon_doc = self._canonical_document(suite.transform, hash_name, chain, suite)
        spend(SIGNATURE_UNITS, "signature check")
        if not key.verify(signature, hash_data(canon_config, canon_doc)):
            raise _fail("di.proof_invalid", "the signature does not verify")

    # -- pieces ---------------------------------------------------------------------------------

    def _check_unsigned_document(self) -> None:
        """:func:`~thaivc.di.unsigned.require_rdfc_document` once per call, for every RDFC proof."""
        if not self.unsigned_done:
            self.unsigned_done = True
            try:
                terms = loader_for(self.contexts).json_literal_terms()
                require_rdfc_document(self.unsecured, terms)
            except ThaiVCError as err:
                self.unsigned_error = err
        if self.unsigned_error is not None:
            raise self.unsigned_error

    def _check_jsonld(self) -> None:
        from thaivc.model import require_jsonld

        if self.jsonld_error is None and not self.jsonld_done:
            try:
                require_jsonld(dict(self.document), self.contexts)
            except ThaiVCError as err:
                self.jsonld_error = err
            self.jsonld_done = True
        if self.jsonld_error is not None:
            raise self.jsonld_error

    def _check_times(self, proof: dict[str, Any]) -> None:
        for name in ("created", "expires"):
            if name not in proof:
                continue
            try:
                moment, _ = parse_datetime_stamp(proof[name], field=name)
            except ThaiVCError:
                raise _fail("di.proof_invalid", f"proof {name} is not an XSD dateTimeStamp") from None
            if _lacks_offset(proof[name]):
                raise _fail("di.proof_invalid", f"proof {name} has no time zone: not a dateTimeStamp")
            ts = moment.timestamp()
            if name == "created" and ts > self.now + self.leeway:
                raise _fail("di.proof_invalid", "the proof was created in the future")
            if name == "expires" and ts < self.now - self.leeway:
                raise _fail("di.proof_invalid", "the proof has expired")

    @staticmethod
    def _check_challenge_domain(proof: dict[str, Any], challenge: str | None, domain: str | None) -> None:
        if challenge is not None and proof.get("challenge") != challenge:
            raise _fail("di.challenge_mismatch", "the proof does not carry the expected challenge")
        if domain is not None:
            given = proof.get("domain")
            domains = given if isinstance(given, list) else [given]
            if domain not in domains:
                raise _fail("di.domain_mismatch", "the proof is bound to another domain")

    def _check_jcs_context(self, proof_context: Any) -> None:
        """The document's ``@context`` is the one the proof signed.

        VC Data Integrity lets a JCS document append contexts after the proof's (the proof hashes
        the document with its own), but the appended ones are unsigned and may change what a
        JSON-LD consumer reads, so that takes ``allow_context_extension``.
        """
        doc_context = self.document.get("@context")
        if proof_context == doc_context:
            return
        doc_items = doc_context if isinstance(doc_context, list) else [doc_context]
        proof_items = proof_context if isinstance(proof_context, list) else [proof_context]
        if len(proof_items) > len(doc_items) or doc_items[: len(proof_items)] != proof_items:
            raise _fail("di.proof_invalid", "the proof's @context is not a prefix of the document's")
        if not self.allow_context_extension:
            raise _fail("di.context_mismatch", "contexts were appended to the document after the proof's @context")

    def _previous(self, proof: dict[str, Any]) -> tuple[int, ...]:
        """Indexes of the proofs ``previousProof`` names, after checking the chain is whole."""
        if "previousProof" not in proof:
            return ()
        wanted = self._references(proof)
        own = proof.get("id")
        if isinstance(own, str) and own in wanted:
            raise _fail("di.proof_invalid", "previousProof refers to the proof itself")
        indexes = []
        for ref in wanted:
            found = self.by_id.get(ref)
            if not found:
                raise _fail("di.proof_invalid", f"previousProof {ref[:100]!r} is not in the document")
            indexes.extend(found)
        self._walk_back(proof, indexes)
        chain = tuple(sorted(set(indexes)))
        self.chain_documents.add(chain)
        if len(self.chain_documents) > MAX_CHAIN:
            raise _fail("input.too_large", f"the proofs chain to more than {MAX_CHAIN} distinct documents")
        return chain

    def _walk_back(self, proof: dict[str, Any], indexes: list[int]) -> None:
        """Follow the chain behind ``proof``: a cycle or a missing link anywhere makes it unverifiable."""
        seen: set[int] = set()
        stack = list(indexes)
        origin = [i for i, p in enumerate(self.raw) if p is proof]
        while stack:
            current = stack.pop()
            if current in origin:
                raise _fail("di.proof_invalid", "previousProof forms a cycle")
            if current in seen:
                continue
            seen.add(current)
            earlier = self.raw[current]
            if isinstance(earlier, dict) and "previousProof" in earlier:
                for ref in self._references(earlier):
                    found = self.by_id.get(ref)
                    if not found:
                        raise _fail("di.proof_invalid", f"the chain is truncated: {ref[:100]!r} is missing")
                    stack.extend(found)
            if len(seen) > MAX_CHAIN:
                raise _fail("input.too_large", f"the proof chain reaches more than {MAX_CHAIN} earlier proofs")

    @staticmethod
    def _references(proof: dict[str, Any]) -> list[str]:
        value = proof["previousProof"]
        refs = [value] if isinstance(value, str) else value
        if not isinstance(refs, list) or not refs or not all(isinstance(r, str) for r in refs):
            raise _fail("di.proof_invalid", "previousProof is not a proof id or a list of them")
        return refs

    def _canonical_document(
        self, transform: str, hash_name: HashName, chain: tuple[int, ...], suite: Cryptosuite
    ) -> Canonical:
        key = (transform, hash_name, chain)
        cached = self.canon_cache.get(key)
        if cached is None:
            doc: dict[str, Any] = dict(self.unsecured)
            if chain:
                doc["proof"] = [self.raw[i] for i in chain]
            if transform == "rdfc" and not chain and self.unsecured_dataset is not None:
                cached = canonical_dataset(self.unsecured_dataset, hash_name, max_work=self.max_work)
            else:
                cached = canonical_document(doc, suite, hash_name, contexts=self.contexts, max_work=self.max_work)
            self.canon_cache[key] = cached
        return cached


def _check_selective(proof: dict[str, Any], chain: tuple[int, ...]) -> None:
    """An ``ecdsa-sd-2023`` proof is a derived proof on its own: never a base proof, never chained."""
    if chain:
        raise _fail("di.proof_invalid", "an ecdsa-sd-2023 proof cannot be part of a proof chain")
    if proof_value_kind(proof["proofValue"]) == "base":
        raise _fail("di.sd_base_proof", "an ecdsa-sd-2023 base proof is for the holder: present a derived one")


def _shown(value: object) -> str:
    """A member's value for a message: a string's start, otherwise only its JSON type."""
    return repr(value[:60]) if isinstance(value, str) else f"of type {type(value).__name__}"


#: Members whose value must be a non-empty string (VC Data Integrity §2.1).
_STRING_MEMBERS: Final = (
    "verificationMethod",
    "proofPurpose",
    "proofValue",
    "created",
    "expires",
    "challenge",
    "nonce",
)


def _check_shapes(proof: Mapping[str, Any]) -> None:
    """Each proof member has the JSON type Data Integrity gives it, before any of it is used."""
    for name in _STRING_MEMBERS:
        if name in proof and not (isinstance(proof[name], str) and proof[name]):
            raise _fail("di.proof_invalid", f"proof {name} is not a non-empty string")
    if "id" in proof and not isinstance(proof["id"], str):
        raise _fail("di.proof_invalid", "a proof id is not a string")
    if "domain" in proof and not _string_or_strings(proof["domain"]):
        raise _fail("di.proof_invalid", "proof domain is not a string or a list of strings")


def _string_or_strings(value: object) -> bool:
    if isinstance(value, str):
        return bool(value)
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) and v for v in value)


def _lacks_offset(value: str) -> bool:
    """True for a date-time with no ``Z`` or ``±hh:mm``: an xsd:dateTime, not a dateTimeStamp."""
    tail = value[-6:]
    return not (value.endswith("Z") or (len(tail) == 6 and tail[0] in "+-" and tail[3] == ":"))
