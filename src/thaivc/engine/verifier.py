"""The verifier: the one place where checks are composed into a verdict.

``Verifier.check`` accepts whatever arrived (a compact JWS, an SD-JWT, a Data Integrity document,
an enveloped credential, bytes or JSON text), detects its securing format, and runs every check in a
fixed order, recording each in the report. It never raises on bad input: hostile input becomes a
``failed`` report with a stable code, and anything it could not decide becomes ``indeterminate``.
``Verifier.verify`` is the raising form for callers who only want the verified document.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from thaivc.core.budget import request_budget
from thaivc.core.clock import Clock, SystemClock
from thaivc.core.errors import Indeterminate, InputError, ThaiVCError, UsageError, VerificationFailed
from thaivc.core.jsonutil import loads_strict
from thaivc.core.report import ReportBuilder, VerificationReport
from thaivc.did import UniversalResolver
from thaivc.engine.challenge import (
    DEFAULT_CHALLENGE_TTL,
    ChallengeLedger,
    ChallengeState,
    ChallengeStore,
    MemoryChallengeStore,
    new_challenge,
    redeem,
    require_ttl,
)
from thaivc.engine.embedded import DEFAULT_EMBEDDED, EmbeddedPolicy
from thaivc.engine.policy import AssuranceRule, Policy
from thaivc.engine.verify.di import check_di
from thaivc.engine.verify.jose import check_jwt
from thaivc.engine.verify.sdjwt import IssuerPublicKeyResolver, check_sd_jwt_presentation, did_issuer_key_resolver

if TYPE_CHECKING:
    # the one domain name the engine mentions, for the ``authorize`` convenience (see its docstring)
    from thaivc.authorization.authorizer import AuthorityDecision, AuthorityPolicy
    from thaivc.contexts import ContextRegistry
    from thaivc.di.verify import ProofSetPolicy
    from thaivc.keys import PublicKey
    from thaivc.status import CustomStatusCheck, StatusChecker
    from thaivc.trust import TrustSource
    from thaivc.trust.x509 import X509Trust

__all__ = ["Verifier"]

#: Envelope media types whose content is an SD-JWT (``~``-separated), never a bare compact JWS.
#: Verdicts at INFO with their problem codes (``thaivc.verify``); see docs/verification.md.
_log = logging.getLogger("thaivc.verify")
_SD_JWT_MEDIA: Final = frozenset({"dc+sd-jwt", "vc+sd-jwt"})
#: ``type`` values of a VCDM 2.0 envelope (a string, or a one-item list as some peers write it).
_ENVELOPED_TYPES: Final = (
    "EnvelopedVerifiableCredential",
    ["EnvelopedVerifiableCredential"],
    "EnvelopedVerifiablePresentation",
    ["EnvelopedVerifiablePresentation"],
)
#: The document member of a VC-API verify request body (``/credentials/verify``, ``/presentations/verify``).
_VC_API_DOCUMENT: Final = frozenset({"verifiableCredential", "verifiablePresentation"})


class Verifier:
    """Holds the verification environment: policy, DID resolver, clock, challenge store.

    Every dependency is injected; the defaults do no I/O (did:key and did:jwk only).
    """

    def __init__(
        self,
        policy: Policy | None = None,
        *,
        resolver: UniversalResolver | None = None,
        clock: Clock | None = None,
        challenge_store: ChallengeStore | None = None,
        status_checker: StatusChecker | CustomStatusCheck | None = None,
        trust: TrustSource | None = None,
        sd_jwt_key_resolver: IssuerPublicKeyResolver | None = None,
        contexts: ContextRegistry | None = None,
        proof_set_policy: ProofSetPolicy | None = None,
        related_documents: Mapping[str, bytes] | None = None,
        x509_trust: X509Trust | None = None,
        assurance: AssuranceRule | None = None,
    ) -> None:
        self.policy = policy or Policy()
        self.resolver: UniversalResolver = resolver or UniversalResolver()
        self.clock: Clock = clock or SystemClock()
        self.challenges: ChallengeStore = challenge_store or MemoryChallengeStore(clock=self.clock)
        if self.policy.require_issued_challenge and not isinstance(self.challenges, ChallengeLedger):
            raise UsageError("usage.invalid_argument",
                             "require_issued_challenge needs a challenge store that records issuance (issue/redeem)")
        #: Checks credentialStatus / status claims; lists are verified by this verifier (bound here).
        self.status_checker: StatusChecker | CustomStatusCheck | None = status_checker
        bind = getattr(status_checker, "bind", None)
        if bind is not None:
            bind(self)
        #: Asked ``check(issuer_id, credential)`` after every other check passed (thaivc.trust).
        self.trust: TrustSource | None = trust
        self.sd_jwt_key_resolver = sd_jwt_key_resolver
        #: JSON-LD contexts a Data Integrity document may use (default: the bundled ones).
        self.contexts = contexts
        #: Signers a Data Integrity credential's proof set must contain (default: any one valid set).
        self.proof_set_policy = proof_set_policy
        #: Bytes of documents a ``relatedResource`` may name, by URL (bundled contexts need none).
        self.related_documents: Mapping[str, bytes] = dict(related_documents or {})
        #: Anchors for issuer keys carried as ``x5c`` chains (default: ``x5c`` is refused, RFC 8725 §3.10).
        self.x509_trust: X509Trust | None = x509_trust
        #: The minimum identity assurance a credential must carry, re-derived from its evidence
        #: (``thaivc.assurance.AssurancePolicy``); checked for every credential, nested ones included.
        if assurance is not None and not isinstance(assurance, AssuranceRule):
            raise UsageError("usage.invalid_argument", "assurance is a thaivc.assurance.AssurancePolicy")
        self.assurance: AssuranceRule | None = assurance

    # -- public API ---------------------------------------------------------------------------

    def check(
        self,
        anything: object,
        *,
        challenge: str | None = None,
        domain: str | None = None,
        embedded: EmbeddedPolicy = DEFAULT_EMBEDDED,
        challenges: ChallengeStore | None = None,
    ) -> VerificationReport:
        """Verify ``anything`` and return the full report. Never raises on bad input.

        ``embedded`` says how this call treats the credentials inside a presentation (see
        :mod:`thaivc.engine.embedded`); it never applies to the top-level document. ``challenges`` is the
        store this call consumes ``challenge`` from (default: the verifier's own), for a caller that
        answers one request with several presentations and consumes the challenge once for all.
        The whole call — nested credentials, status lists and every proof included — runs on one
        :class:`~thaivc.core.budget.WorkBudget`: input under the size caps cannot buy unbounded work.
        """
        if not isinstance(embedded, EmbeddedPolicy):
            raise UsageError("usage.invalid_argument", "embedded is an EmbeddedPolicy")
        call = _Call(embedded, challenges if challenges is not None else self.challenges)
        report = self._check(anything, challenge=challenge, domain=domain, call=call)
        if _log.isEnabledFor(logging.INFO):
            # the verdict and codes only: never a claim value, a token, a challenge or a key
            _log.info("verify status=%s format=%s codes=%s", report.status, report.format or "-",
                      ",".join(report.all_codes) or "-")
        return report

    def _check(self, anything: object, *, challenge: str | None, domain: str | None,
               call: _Call) -> VerificationReport:
        try:
            with request_budget():
                return self._dispatch(anything, challenge=challenge, domain=domain, depth=0, call=call)
        except ThaiVCError as err:
            builder = ReportBuilder()
            builder.error("parse", err)
            return builder.build()
        except Exception as exc:  # the contract is: never raise on bad input
            # a thaivc bug; its message may quote the input, so only the exception's type is logged
            _log.error("verify internal error (%s)", type(exc).__name__)
            builder = ReportBuilder()
            builder.fail("internal", "internal.error", f"{type(exc).__name__} while verifying")
            return builder.build()

    def verify(self, anything: object, *, challenge: str | None = None, domain: str | None = None) -> dict[str, Any]:
        """Return the verified document, or raise :class:`~thaivc.core.errors.VerificationFailed`."""
        report = self.check(anything, challenge=challenge, domain=domain)
        if not report.ok or report.document is None:
            raise VerificationFailed(report)
        return report.document

    def authorize(self, presentation: object, *, policy: AuthorityPolicy, **options: Any) -> AuthorityDecision:
        """A convenience for ``thaivc.authorization.Authorizer(self, policy).authorize(presentation, ...)``.

        May the presenter act for a juristic person? That is Thai law, which lives above the engine
        in :mod:`thaivc.authorization`; this method only composes it, importing it when called, so
        the engine never loads the domain. ``options`` are those of
        :meth:`~thaivc.authorization.Authorizer.authorize`, plus ``dbd`` (the live registry).
        """
        from thaivc.authorization.authorizer import Authorizer

        return Authorizer(self, policy, dbd=options.pop("dbd", None)).authorize(presentation, **options)

    # -- the status-list path (thaivc.status.ListCredentialVerifier) ------------------------------

    def check_status_list(self, listed: str | dict[str, Any], *, max_bytes: int) -> VerificationReport:
        """Verify a W3C status list credential with this verifier's rules, on a path of its own.

        The list path is a separate verifier built through the constructor from this one's
        resolver, clock, challenge store, SD-JWT key resolver and contexts, *without* what is about
        credentials rather than lists: no status checker (a list carrying ``credentialStatus``
        cannot send the checker round in a loop), no trust source and no proof-set policy (the
        status checker decides who may sign a list, per credential); and with room for a list of
        up to ``max_bytes``. This verifier is never changed.
        """
        policy = self.policy
        if policy.max_bytes < max_bytes:
            policy = policy.model_copy(update={"max_bytes": max_bytes})
        lists = Verifier(
            policy,
            resolver=self.resolver,
            clock=self.clock,
            challenge_store=self.challenges,
            sd_jwt_key_resolver=self.sd_jwt_key_resolver,
            contexts=self.contexts,
        )
        return lists.check(listed)

    def status_list_token_key(self, header: dict[str, Any], payload: dict[str, Any]) -> PublicKey:
        """The key that signed an IETF ``statuslist+jwt`` token: its ``alg`` must pass this policy,
        and ``iss`` is resolved exactly as for an SD-JWT VC (a DID issuer's ``kid`` must be one of
        its ``assertionMethod`` keys; an HTTPS issuer needs ``sd_jwt_key_resolver``)."""
        alg = header.get("alg")
        if alg not in self.policy.allowed_algs:
            raise InputError("jose.alg_not_allowed", f"{alg} is not allowed by policy")
        return did_issuer_key_resolver(self)(header, payload)

    # -- dispatch -----------------------------------------------------------------------------

    def _dispatch(
        self,
        anything: object,
        *,
        challenge: str | None,
        domain: str | None,
        depth: int,
        call: _Call | None = None,
        media: str | None = None,
    ) -> VerificationReport:
        """Route to a securing format; ``media`` is the media type an envelope declared, if any.

        An envelope's media type is binding: a ``vc+jwt`` envelope holding a ``vp+jwt`` token, an
        SD-JWT, or a JSON document is a type confusion (``jose.typ_mismatch``), not a second chance.
        ``call`` defaults to the verifier's own settings (as for an embedded credential).
        """
        call = call or _Call(DEFAULT_EMBEDDED, self.challenges)
        value = _normalise_input(anything, self.policy.max_bytes)
        if isinstance(value, str):
            is_sd_jwt = "~" in value
            if media is not None and is_sd_jwt != (media in _SD_JWT_MEDIA):
                raise ThaiVCError("jose.typ_mismatch", f"the envelope declares {media}, but the token is not one")
            if is_sd_jwt:
                return check_sd_jwt_presentation(
                    self, value, challenge=challenge, domain=domain, nested=depth > 0, challenges=call.challenges
                )
            expected = frozenset({media}) if media is not None else None
            return self._check_compact(
                value, challenge=challenge, domain=domain, depth=depth, expected_typ=expected, call=call
            )
        if media is not None:
            raise ThaiVCError("jose.typ_mismatch", f"the envelope declares {media}, but holds a JSON document")
        if depth == 0 and _is_vc_api_body(value):
            document = _unwrap_vc_api_body(value, challenge=challenge, domain=domain)
            return self._dispatch(document, challenge=challenge, domain=domain, depth=depth, call=call)
        if value.get("type") in _ENVELOPED_TYPES:
            from thaivc.jose.media import unenvelope

            declared, token = unenvelope(value)
            return self._dispatch(token, challenge=challenge, domain=domain, depth=depth, call=call, media=declared)
        if "proof" in value:
            return self._check_data_integrity(value, challenge=challenge, domain=domain, depth=depth, call=call)
        builder = ReportBuilder()
        types = value.get("type")
        is_vp = types == "VerifiablePresentation" or (isinstance(types, list) and "VerifiablePresentation" in types)
        builder.fail("proof", "vp.unsigned" if is_vp else "di.proof_missing", "the document carries no proof")
        return builder.build()

    def _check_compact(
        self,
        token: str,
        *,
        challenge: str | None,
        domain: str | None,
        depth: int,
        expected_typ: frozenset[str] | None = None,
        call: _Call | None = None,
    ) -> VerificationReport:
        call = call or _Call(DEFAULT_EMBEDDED, self.challenges)
        return check_jwt(
            self, token, challenge=challenge, domain=domain, depth=depth, expected_typ=expected_typ,
            embedded=call.embedded, challenges=call.challenges,
        )

    def _check_data_integrity(
        self, doc: dict[str, Any], *, challenge: str | None, domain: str | None, depth: int = 0,
        call: _Call | None = None,
    ) -> VerificationReport:
        call = call or _Call(DEFAULT_EMBEDDED, self.challenges)
        return check_di(self, doc, challenge=challenge, domain=domain, depth=depth, embedded=call.embedded,
                        challenges=call.challenges)

    def new_challenge(self, *, ttl: float = DEFAULT_CHALLENGE_TTL) -> str:
        """A fresh challenge for one login, recorded as issued and answerable for ``ttl`` seconds.

        With ``Policy(require_issued_challenge=True)`` only challenges issued here (by this or any
        verifier sharing the store) are accepted, each once, before they expire; the refusals are
        ``vp.challenge_unknown`` (never issued, or expired) and ``vp.challenge_replayed``.
        """
        seconds = require_ttl(ttl)
        challenge = new_challenge()
        store = self.challenges
        if isinstance(store, ChallengeLedger):
            store.issue(challenge, ttl=seconds)
        return challenge

    # -- what the pipelines of thaivc.engine.verify ask of the verifier ----------------------------

    def redeem_challenge(self, challenge: str, store: ChallengeStore | None = None) -> ChallengeState:
        """Spend ``challenge`` in ``store`` (default: the verifier's) and say how it stood.

        The presentation pipelines call this once the presentation's signature verified, so junk
        cannot burn a challenge; only ``"fresh"`` is an answer (:func:`thaivc.engine.challenge.refusal`
        names the others). It follows this verifier's ``Policy.require_issued_challenge``. A store
        that breaks raises :class:`~thaivc.core.errors.Indeterminate`: a replay must never pass because
        the ledger could not be read. A store that names its failure in thaivc's words keeps that code
        (``service.unavailable`` is the database, which a service answers with 503); anything else is
        ``vp.challenge_unknown``.
        """
        try:
            return redeem(store if store is not None else self.challenges, challenge,
                          require_issued=self.policy.require_issued_challenge)
        except ThaiVCError as exc:  # the store's own words: its outage stays an outage
            raise Indeterminate(exc.code, exc.detail) from None
        except Exception as exc:  # a broken store must not let a replay through
            raise Indeterminate("vp.challenge_unknown", f"challenge store failed: {type(exc).__name__}") from None

    def check_embedded(self, item: object, *, depth: int) -> VerificationReport:
        """The report of a credential carried inside a presentation verified at ``depth`` (0: top level).

        ``item`` is dispatched like any input, one level deeper, with this verifier's own defaults
        (its challenge store, the default embedded policy): the presentation's challenge and domain
        are never passed on, and at depth 1 a nested presentation is refused by its pipeline. An
        item refused before any of its own checks ran (not a credential at all, a mislabelled
        envelope) is a ``failed`` report whose ``parse`` check names why; never a raise on input.
        Within :meth:`check` the work is paid from the call's budget; alone, from a budget of its own.
        """
        if isinstance(depth, bool) or not isinstance(depth, int) or depth < 0:
            raise UsageError("usage.invalid_argument", "depth is the presentation's depth, an int >= 0")
        try:
            with request_budget():
                return self._dispatch(item, challenge=None, domain=None, depth=depth + 1)
        except ThaiVCError as err:
            builder = ReportBuilder()
            builder.error("parse", err)
            return builder.build()


@dataclass(frozen=True, slots=True)
class _Call:
    """What one ``check()`` call decided before reading any input, passed down through dispatch."""

    embedded: EmbeddedPolicy
    challenges: ChallengeStore


def _normalise_input(anything: object, max_bytes: int) -> str | dict[str, Any]:
    """Bytes or text or a dict in; a stripped token string or a parsed JSON object out.

    Anything that starts like JSON text (a byte order mark, or ``{`` after whitespace) goes to the
    strict loader as it arrived, so a BOM or invalid UTF-8 inside a JSON document is named
    ``json.not_ijson`` (docs/security.md group A) rather than being read as a malformed token.
    """
    if isinstance(anything, bytes | bytearray | memoryview):
        raw = bytes(anything)
        if len(raw) > max_bytes:
            raise ThaiVCError("input.too_large", f"{len(raw)} bytes exceeds the cap of {max_bytes}")
        if raw.startswith(b"\xef\xbb\xbf") or raw.lstrip()[:1] == b"{":
            return _json_object(raw, max_bytes)
        try:
            anything = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ThaiVCError("input.unreadable", "input is not UTF-8") from None
    if isinstance(anything, str):
        if len(anything) > max_bytes:
            raise ThaiVCError("input.too_large", f"input exceeds the cap of {max_bytes} bytes")
        if anything.startswith("\ufeff"):
            raise ThaiVCError("json.not_ijson", "byte order mark before the input")
        text = anything.strip()
        if text.startswith("{"):
            return _json_object(text, max_bytes)
        if not text:
            raise ThaiVCError("jose.malformed", "empty input")
        return text
    if isinstance(anything, dict):
        _refuse_jws_json(anything)
        return anything
    if hasattr(anything, "model_dump"):
        dumped = anything.model_dump(by_alias=True, exclude_none=True)
        if isinstance(dumped, dict):
            return dumped
    raise ThaiVCError("input.unreadable", f"cannot verify a {type(anything).__name__}")


def _is_vc_api_body(value: dict[str, Any]) -> bool:
    """A VC-API verify request: one document member and optional ``options``, nothing else."""
    keys = value.keys()
    return len(keys & _VC_API_DOCUMENT) == 1 and keys <= _VC_API_DOCUMENT | {"options"}


def _unwrap_vc_api_body(value: dict[str, Any], *, challenge: str | None, domain: str | None) -> str | dict[str, Any]:
    """The document of a VC-API body; its ``options`` may repeat the caller's challenge, never replace it.

    The challenge a presentation must answer is the one this verifier issued (the caller's
    argument): a body's ``options.challenge`` that differs from it is a replay attempt, and one
    given where the caller gave none proves nothing (the presentation check then asks for one).
    """
    options = value.get("options", {})
    if not isinstance(options, dict):
        raise ThaiVCError("input.unrecognized", "options of a VC-API request must be an object")
    expected = (("challenge", challenge, "vp.challenge_mismatch"), ("domain", domain, "vp.domain_mismatch"))
    for name, mine, code in expected:
        if name in options and mine is not None and options[name] != mine:
            raise ThaiVCError(code, f"the request's options.{name} is not the one this verifier expects")
    document = next(value[name] for name in _VC_API_DOCUMENT if name in value)
    if isinstance(document, str):
        return document
    if not isinstance(document, dict) or _is_vc_api_body(document):
        raise ThaiVCError("input.unrecognized", "the request's document must be a credential or presentation")
    return document


def _json_object(data: str | bytes, max_bytes: int) -> dict[str, Any]:
    """Parse a JSON document strictly; a JWS JSON serialization is refused, not unwrapped."""
    value = loads_strict(data, max_bytes=max_bytes, require_object=True)
    _refuse_jws_json(value)
    return dict(value)


def _refuse_jws_json(value: dict[str, Any]) -> None:
    """A JWS JSON serialization (general or flattened) is refused, whether text or a dict (docs/security.md group B)."""
    if "payload" in value and ("signature" in value or "signatures" in value or "protected" in value):
        raise ThaiVCError("jose.serialization_not_allowed", "only compact JWS is accepted")
