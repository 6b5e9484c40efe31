"""The verifier: the one place where checks are composed into a verdict.

``Verifier.check`` accepts whatever arrived (a compact JWS, an SD-JWT, a Data Integrity document,
an enveloped credential, bytes or JSON text), detects its securing format, and runs every check in a
fixed order, recording each in the report. It never raises on bad input: hostile input becomes a
``failed`` report with a stable code, and anything it could not decide becomes ``indeterminate``.
``Verifier.verify`` is the raising form for callers who only want the verified document.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from thaivc.budget import request_budget
from thaivc.challenge import (
    DEFAULT_CHALLENGE_TTL,
    ChallengeLedger,
    ChallengeState,
    ChallengeStore,
    MemoryChallengeStore,
    check_ttl,
    new_challenge,
    redeem,
)
from thaivc.clock import Clock, SystemClock
from thaivc.did import UniversalResolver
from thaivc.embedded import DEFAULT_EMBEDDED, EmbeddedPolicy
from thaivc.errors import Indeterminate, ThaiVCError, UsageError, VerificationFailed
from thaivc.jsonutil import loads_strict
from thaivc.policy import AssuranceRule, Policy
from thaivc.report import ReportBuilder, VerificationReport
from thaivc.verify_di import check_di
from thaivc.verify_jose import check_jwt
from thaivc.verify_sdjwt import IssuerKeyResolver, check_sd_jwt_presentation

if TYPE_CHECKING:
    from thaivc.authority import Act
    from thaivc.authorize import AuthorityDecision, AuthorityPolicy
    from thaivc.contexts import ContextRegistry
    from thaivc.di.verify import ProofSetPolicy
    from thaivc.registries.dbd import DbdRegistry
    from thaivc.status import CustomStatusCheck, StatusChecker
    from thaivc.trust import TrustSource

__all__ = ["Verifier"]

#: Envelope media types whose content is an SD-JWT (``~``-separated), never a bare compact JWS.
#: Verdicts at INFO with their problem codes (``thaivc.verify``); see docs/verification.md.
_log = logging.getLogger("thaivc.verify")
_SD_JWT_MEDIA: Final = frozenset({"dc+sd-jwt", "vc+sd-jwt"})


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
        sd_jwt_key_resolver: IssuerKeyResolver | None = None,
        contexts: ContextRegistry | None = None,
        proof_set_policy: ProofSetPolicy | None = None,
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
        :mod:`thaivc.embedded`); it never applies to the top-level document. ``challenges`` is the
        store this call consumes ``challenge`` from (default: the verifier's own), for a caller that
        answers one request with several presentations and consumes the challenge once for all.
        The whole call — nested credentials, status lists and every proof included — runs on one
        :class:`~thaivc.budget.WorkBudget`: input under the size caps cannot buy unbounded work.
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
        """Return the verified document, or raise :class:`~thaivc.errors.VerificationFailed`."""
        report = self.check(anything, challenge=challenge, domain=domain)
        if not report.ok or report.document is None:
            raise VerificationFailed(report)
        return report.document

    def authorize(
        self,
        presentation: object,
        *,
        act: Act | str,
        on_behalf_of: str,
        challenge: str | None,
        domain: str | None,
        policy: AuthorityPolicy,
        value_thb: int | None = None,
        dbd: DbdRegistry | None = None,
        seal: bool | None = None,
    ) -> AuthorityDecision:
        """May the presenter act for juristic person ``on_behalf_of``? See :mod:`thaivc.authorize`.

        Every check the decision needs (presentations, credentials, delegation proof sets) spends
        from one :class:`~thaivc.budget.WorkBudget` for the whole call.
        """
        from thaivc.authorize import authorize

        with request_budget():
            return authorize(self, presentation, act=act, on_behalf_of=on_behalf_of, challenge=challenge,
                             domain=domain, policy=policy, value_thb=value_thb, dbd=dbd, seal=seal)

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
        if value.get("type") == "EnvelopedVerifiableCredential" or value.get("type") == [
            "EnvelopedVerifiableCredential"
        ]:
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
        seconds = check_ttl(ttl)
        challenge = new_challenge()
        store = self.challenges
        if isinstance(store, ChallengeLedger):
            store.issue(challenge, ttl=seconds)
        return challenge

    def _redeem_challenge(self, challenge: str, store: ChallengeStore | None = None) -> ChallengeState:
        """Spend ``challenge`` in ``store`` (default: the verifier's); a broken store is indeterminate."""
        try:
            return redeem(store if store is not None else self.challenges, challenge,
                          require_issued=self.policy.require_issued_challenge)
        except Exception as exc:  # a broken store must not let a replay through
            raise Indeterminate("vp.challenge_unknown", f"challenge store failed: {type(exc).__name__}") from None


@dataclass(frozen=True, slots=True)
class _Call:
    """What one ``check()`` call decided before reading any input, passed down through dispatch."""

    embedded: EmbeddedPolicy
    challenges: ChallengeStore


def _normalise_input(anything: object, max_bytes: int) -> str | dict[str, Any]:
    """Bytes or text or a dict in; a stripped token string or a parsed JSON object out.

    Anything that starts like JSON text (a byte order mark, or ``{`` after whitespace) goes to the
    strict loader as it arrived, so a BOM or invalid UTF-8 inside a JSON document is named
    ``json.not_ijson`` (security.md A.4) rather than being read as a malformed token.
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


def _json_object(data: str | bytes, max_bytes: int) -> dict[str, Any]:
    """Parse a JSON document strictly; a JWS JSON serialization is refused, not unwrapped."""
    value = loads_strict(data, max_bytes=max_bytes, require_object=True)
    _refuse_jws_json(value)
    return dict(value)


def _refuse_jws_json(value: dict[str, Any]) -> None:
    """A JWS JSON serialization (general or flattened) is refused, whether text or a dict (SEC-15)."""
    if "payload" in value and ("signature" in value or "signatures" in value or "protected" in value):
        raise ThaiVCError("jose.serialization_not_allowed", "only compact JWS is accepted")
