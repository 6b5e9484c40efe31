"""The verifier's OpenID4VP endpoints as a framework-free object (OpenID4VP 1.0 §5, §8).

:class:`PresentationVerifier` makes a transaction per request (nonce, state, an ephemeral response
key), serves its signed request object at ``request_uri``, receives the wallet's ``direct_post`` /
``direct_post.jwt`` response, verifies every presentation with :meth:`thaivc.Verifier.check` bound to
the request's ``nonce`` (challenge) and ``client_id`` (domain, KB-JWT ``aud``), judges the
credentials against the DCQL query, and stores one result per transaction. Every piece of state is
in the injected :class:`~thaivc.oid4vc.StateStore`, so several processes can serve one verifier.

Each transaction is answered once: the response that first reaches it takes it (an atomic
``take`` in the store) and every later one — a replay, a second wallet, a race — gets
``openid.transaction_finished``. Results are read by polling the transaction id (cross-device) or,
on the same device, with the ``response_code`` the wallet's redirect carries.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, Literal, TypedDict

from cryptography import x509

from thaivc.core.errors import InputError, ThaiVCError, UsageError
from thaivc.core.jsonutil import loads_strict
from thaivc.core.report import Problem, VerificationReport
from thaivc.jose.types import JoseSigner
from thaivc.oid4vc import DEFAULT_MAX_BODY, HttpRequest, HttpResponse, StateStore, oauth_error, outage_error
from thaivc.oid4vp.dcql import DcqlQuery
from thaivc.oid4vp.errors import oauth_error_for
from thaivc.oid4vp.evaluate import DcqlResult, Presented, evaluate
from thaivc.oid4vp.jwe import ENC_VALUES, decrypt_response, new_response_key, peek_kid, public_jwk
from thaivc.oid4vp.request import (
    REQUEST_TYP,
    AuthorizationRequest,
    ResponseMode,
    deep_link,
    parse_client_id,
    qr_png,
    qr_svg,
    sign_request,
)

if TYPE_CHECKING:
    from thaivc import Verifier

__all__ = [
    "PresentationOptions", "PresentationResult", "PresentationVerifier", "Transaction", "VerifierConfig",
]

_TX: Final = "oid4vp.tx"
_OPEN: Final = "oid4vp.open"
_STATE: Final = "oid4vp.state"
_KID: Final = "oid4vp.kid"
_RESULT: Final = "oid4vp.result"
#: OpenID4VP format → the formats thaivc's verifier reports for a presentation of it.
_FORMAT_OF: Final = {"dc+sd-jwt": "dc+sd-jwt", "vp+jwt": "jwt_vc_json", "di": "ldp_vc"}
MAX_PRESENTATIONS: Final = 16
_ALGS: Final = ["ES256", "ES384", "EdDSA"]
_VP_FORMATS: Final = {
    "dc+sd-jwt": {"sd-jwt_alg_values": _ALGS, "kb-jwt_alg_values": _ALGS},
    "jwt_vc_json": {"alg_values": _ALGS},
    "ldp_vc": {"proof_type_values": ["DataIntegrityProof"],
               "cryptosuite_values": ["eddsa-rdfc-2022", "eddsa-jcs-2022", "ecdsa-rdfc-2019", "ecdsa-jcs-2019"]},
}

Accept = Callable[[Mapping[str, Any]], Problem | None]


class PresentationOptions(TypedDict, total=False):
    """The optional keywords of :class:`PresentationVerifier`, for a subclass to pass on unchanged:
    the request ``signer`` and its ``x5c`` chain, and the deployment's ``accept`` hook."""

    signer: JoseSigner | None
    x5c: Sequence[x509.Certificate] | None
    accept: Accept | None


@dataclass(frozen=True)
class VerifierConfig:
    """Where the verifier lives and how it asks.

    ``base_url`` is the public URL the endpoints are mounted under: the request object is served
    at ``{base_url}/request/{transaction_id}`` and responses are posted to ``{base_url}/response``.
    ``redirect_uri`` (same-device flow) is where the wallet sends the user after posting; it gets
    ``#response_code=…`` appended.
    """

    client_id: str
    base_url: str
    response_mode: ResponseMode = "direct_post.jwt"
    enc: str = "A128GCM"
    request_ttl: float = 300.0
    result_ttl: float = 600.0
    redirect_uri: str | None = None
    max_body: int = DEFAULT_MAX_BODY

    def __post_init__(self) -> None:
        parse_client_id(self.client_id)
        if self.enc not in ENC_VALUES:
            raise UsageError("usage.invalid_argument", f"enc is one of {ENC_VALUES}")
        if not self.base_url.startswith(("https://", "http://")) or self.base_url.endswith("/"):
            raise UsageError("usage.invalid_argument", "base_url is an absolute URL without a trailing slash")

    @property
    def response_uri(self) -> str:
        return self.base_url + "/response"


@dataclass(frozen=True)
class Transaction:
    """What the agency shows the citizen: the link (as text and QR) and the id it polls with."""

    id: str
    request: AuthorizationRequest
    request_uri: str | None
    link: str

    def qr_png(self) -> bytes:
        return qr_png(self.link)

    def qr_svg(self) -> str:
        return qr_svg(self.link)


@dataclass(frozen=True)
class PresentationResult:
    """One transaction's outcome: ``verified`` with the DCQL result, or ``failed`` with problems."""

    transaction_id: str
    status: Literal["verified", "failed"]
    dcql: dict[str, Any] | None
    problems: tuple[Problem, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == "verified"

    @property
    def code(self) -> str | None:
        return self.problems[0].code if self.problems else None

    def claims(self, query_id: str) -> dict[str, Any] | None:
        """The requested claims of the credential accepted for ``query_id``."""
        if not self.ok or self.dcql is None:
            return None
        report = self.dcql["queries"].get(query_id)
        if not report or report["status"] != "satisfied" or not report["credentials"]:
            return None
        first: dict[str, Any] = report["credentials"][0]
        return first

    @property
    def decision(self) -> dict[str, Any] | None:
        """For a juristic act: the :class:`~thaivc.authorization.authorizer.AuthorityDecision` as JSON."""
        found = self.extra.get("decision")
        return found if isinstance(found, dict) else None

    def to_json(self) -> dict[str, Any]:
        return {"transaction_id": self.transaction_id, "status": self.status, "dcql": self.dcql,
                "problems": [p.to_json() for p in self.problems], **({"extra": self.extra} if self.extra else {})}

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> PresentationResult:
        problems = tuple(Problem.of(p["code"], p.get("detail", "")) for p in obj.get("problems", []))
        return cls(obj["transaction_id"], obj["status"], obj.get("dcql"), problems, dict(obj.get("extra", {})))


#: The DCQL verdict of a transaction whose credentials a subclass judges by other means.
_NOT_JUDGED: Final = DcqlResult(True, {})


def _digest(value: str) -> str:
    """Secrets (response codes) are stored hashed: a copy of the database hands none out."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


class _OneNonce:
    """The challenge store one response's presentations answer through.

    Every presentation in a ``vp_token`` answers the same nonce; the verifier's own store is consumed
    exactly once, by the first presentation whose signature verified, so a replay of the nonce in any
    other channel is refused while the response is not refused as its own replay.
    """

    def __init__(self, inner: Any, nonce: str, uses: int) -> None:
        self._inner = inner
        self._nonce = nonce
        self._left = uses
        self._consumed = False

    def consume(self, challenge: str) -> bool:
        if challenge != self._nonce or self._left <= 0:
            return False
        if not self._consumed:
            if not self._inner.consume(challenge):
                return False
            self._consumed = True
        self._left -= 1
        return True


class PresentationVerifier:
    """The verifier side of OpenID4VP: create requests, serve them, receive and judge responses.

    ``verifier`` is the agency's :class:`thaivc.Verifier` (policy, trust, status, resolver, clock);
    ``signer`` signs request objects (with ``x5c`` for an ``x509_san_dns:`` client). ``accept`` is
    asked about every verified credential document after the DCQL checks (assurance and business
    rules); a :class:`~thaivc.core.report.Problem` it returns fails the transaction.
    ``on_verdict`` is told every judged result (a service counts verdicts with it); it observes
    and cannot change the result.
    """

    def __init__(
        self,
        config: VerifierConfig,
        verifier: Verifier,
        store: StateStore,
        *,
        signer: JoseSigner | None = None,
        x5c: Sequence[x509.Certificate] | None = None,
        accept: Accept | None = None,
        on_verdict: Callable[[PresentationResult], None] | None = None,
    ) -> None:
        self.config = config
        self.on_verdict = on_verdict
        self.verifier = verifier
        self.store = store
        self.signer = signer
        self.x5c = tuple(x5c or ())
        self.accept = accept
        prefix = parse_client_id(config.client_id).prefix
        if prefix != "redirect_uri" and signer is None:
            raise UsageError("usage.invalid_argument", f"a {prefix}: client signs its requests: pass signer")

    # -- creating a request --------------------------------------------------------------------

    def create(self, query: DcqlQuery, *, same_device: bool = False,
               extra: Mapping[str, Any] | None = None) -> Transaction:
        """A new transaction asking for ``query``; ``extra`` is kept with it for the result's reader."""
        tid = secrets.token_urlsafe(24)
        now = int(self.verifier.clock.now())
        metadata: dict[str, Any] = {"vp_formats_supported": _VP_FORMATS}
        key: dict[str, str] | None = None
        if self.config.response_mode == "direct_post.jwt":
            key = new_response_key()
            metadata["jwks"] = {"keys": [public_jwk(key)]}
            metadata["encrypted_response_enc_values_supported"] = [self.config.enc]
        request = AuthorizationRequest(
            client_id=self.config.client_id,
            response_uri=self.config.response_uri,
            nonce=secrets.token_urlsafe(24),
            state=secrets.token_urlsafe(24),
            dcql_query=query,
            response_mode=self.config.response_mode,
            client_metadata=metadata,
            iat=now,
            exp=now + int(self.config.request_ttl),
        )
        record = {"request": request.to_claims(), "key": key, "same_device": same_device, "extra": dict(extra or {})}
        ttl = self.config.request_ttl
        self.store.put(_TX, tid, record, ttl=ttl + self.config.result_ttl)
        self.store.put(_OPEN, tid, {}, ttl=ttl)
        self.store.put(_STATE, _digest(request.state), {"tid": tid}, ttl=ttl)
        if key is not None:
            self.store.put(_KID, key["kid"], {"tid": tid}, ttl=ttl)
        if parse_client_id(self.config.client_id).prefix == "redirect_uri":
            return Transaction(tid, request, None, deep_link(request.client_id, request=request))
        request_uri = f"{self.config.base_url}/request/{tid}"
        return Transaction(tid, request, request_uri, deep_link(request.client_id, request_uri))

    # -- the request_uri endpoint ---------------------------------------------------------------

    def request_object(self, transaction_id: str) -> str:
        """The signed request object of an open transaction (``openid.transaction_unknown`` otherwise)."""
        record = self._open_record(transaction_id)
        request = AuthorizationRequest.from_claims(record["request"])
        assert self.signer is not None
        return sign_request(request, self.signer, x5c=self.x5c or None)

    def handle_request_uri(self, http: HttpRequest, transaction_id: str) -> HttpResponse:
        """``GET`` (or ``POST``, §5.10) ``{base_url}/request/{transaction_id}``."""
        if http.method not in ("GET", "POST"):
            return oauth_error(405, "invalid_request", "GET or POST")
        try:
            token = self.request_object(transaction_id)
        except ThaiVCError as err:
            return _error(err)
        return HttpResponse.text(200, token, f"application/{REQUEST_TYP}")

    def _open_record(self, transaction_id: str) -> dict[str, Any]:
        if not isinstance(transaction_id, str) or not 1 <= len(transaction_id) <= 64:
            raise InputError("openid.transaction_unknown", "no such transaction")
        if self.store.get(_OPEN, transaction_id) is None:
            raise InputError("openid.transaction_unknown", "no open transaction has this id")
        record = self.store.get(_TX, transaction_id)
        if record is None:
            raise InputError("openid.transaction_unknown", "no open transaction has this id")
        return record.value

    # -- the response endpoint ------------------------------------------------------------------

    def handle_response(self, http: HttpRequest) -> HttpResponse:
        """``POST {base_url}/response``: the wallet's form-encoded ``vp_token`` + ``state`` or ``response``.

        Never raises: a store that does not answer at any step is ``503 temporarily_unavailable``
        with ``Retry-After`` (the wallet may post again), never a 500 or an ``invalid_request``.
        """
        try:
            return self._respond(http)
        except ThaiVCError as err:
            return _error(err)

    def _respond(self, http: HttpRequest) -> HttpResponse:
        if http.method != "POST":
            return oauth_error(405, "invalid_request", "POST only")
        if http.content_type != "application/x-www-form-urlencoded":
            return oauth_error(400, "invalid_request", "the response is form-encoded")
        try:
            form = http.form(max_bytes=self.config.max_body)
            tid, params = self._locate(form)
        except ThaiVCError as err:
            return _error(err)
        if self.store.take(_OPEN, tid) is None:  # the one atomic step: of racing responses exactly one goes on
            code = "openid.transaction_finished" if self.store.get(_RESULT, tid) else "openid.transaction_unknown"
            return _error(InputError(code, "this transaction takes no more responses"))
        record = self.store.get(_TX, tid)
        if record is None:
            return _error(InputError("openid.transaction_unknown", "the transaction expired"))
        try:
            result = self._judge(tid, record.value, params)
        except Exception as exc:  # the transaction is taken: it must end with a result, and a refusal
            problem = Problem.of("internal.error", f"{type(exc).__name__} while judging the response")
            result = PresentationResult(tid, "failed", None, (problem,), dict(record.value.get("extra", {})))
        if self.on_verdict is not None:
            self.on_verdict(result)
        body: dict[str, Any] = {}
        stored = result.to_json()
        if record.value.get("same_device") and self.config.redirect_uri:
            code = secrets.token_urlsafe(24)
            stored["response_code"] = _digest(code)
            body["redirect_uri"] = f"{self.config.redirect_uri}#response_code={code}"
        self.store.put(_RESULT, tid, stored, ttl=self.config.result_ttl)
        return HttpResponse.json_body(200, body)

    def _locate(self, form: Mapping[str, str]) -> tuple[str, dict[str, Any]]:
        """The transaction a response belongs to, and its parameters (decrypted if need be)."""
        if "error" in form:
            state = form.get("state", "")
            found = self.store.get(_STATE, _digest(state)) if state else None
            if found is None:
                raise InputError("openid.transaction_unknown", "an error response for no open transaction")
            return found.value["tid"], dict(form)
        if self.config.response_mode == "direct_post.jwt":
            if set(form) != {"response"}:
                raise InputError("openid.response_invalid", "direct_post.jwt sends exactly one parameter: response")
            token = form["response"]
            kid = peek_kid(token)
            found = self.store.get(_KID, kid) if kid else None
            if found is None:
                raise InputError("openid.transaction_unknown", "the response is encrypted to no open transaction")
            tid = found.value["tid"]
            record = self.store.get(_TX, tid)
            if record is None or record.value.get("key") is None:
                raise InputError("openid.transaction_unknown", "the transaction expired")
            params = decrypt_response(token, record.value["key"], max_bytes=self.config.max_body)
            if not hmac.compare_digest(str(params.get("state", "")), record.value["request"]["state"]):
                raise InputError("openid.response_invalid", "the encrypted response carries another state")
            return tid, params
        if "response" in form:
            raise InputError("openid.response_invalid", "this verifier asked for direct_post, not encrypted")
        plain_state = form.get("state")
        found = self.store.get(_STATE, _digest(plain_state)) if plain_state else None
        if found is None:
            raise InputError("openid.transaction_unknown", "no open transaction has this state")
        return found.value["tid"], dict(form)

    def _judge(self, tid: str, record: Mapping[str, Any], params: Mapping[str, Any]) -> PresentationResult:
        request = AuthorizationRequest.from_claims(record["request"])
        extra = dict(record.get("extra", {}))
        if "error" in params:
            detail = str(params.get("error_description", params["error"]))[:200]
            return PresentationResult(tid, "failed", None, (Problem.of("openid.response_invalid",
                                                                       f"the wallet answered {detail}"),), extra)
        try:
            vp_token = _vp_token(params.get("vp_token"), self.config.max_body)
            unasked = [k for k in vp_token if request.dcql_query.query(k) is None]
            if unasked:  # refused before any verification work is spent on it
                raise InputError("openid.credential_unrequested", f"no credential query has id {unasked[0][:64]!r}")
            presented, reports = self._verify(request, vp_token)
        except _Refused as refused:
            return PresentationResult(tid, "failed", None, refused.problems, extra)
        except ThaiVCError as err:
            return PresentationResult(tid, "failed", None, (Problem.from_error(err),), extra)
        result: DcqlResult = evaluate(request.dcql_query, presented) if self._evaluate_dcql(request) else _NOT_JUDGED
        if not result.ok:
            return PresentationResult(tid, "failed", result.to_json(), result.problems, extra)
        outcome = self._refused_by_accept(reports)
        if outcome is None:
            outcome = self._after(request, vp_token, reports, extra)
        if outcome is not None:
            return PresentationResult(tid, "failed", result.to_json(), (outcome,), extra)
        return PresentationResult(tid, "verified", result.to_json(), (), extra)

    def _refused_by_accept(self, reports: Sequence[VerificationReport]) -> Problem | None:
        """The first problem the deployment's ``accept`` hook finds in a verified document, if any."""
        if self.accept is None:
            return None
        for report in reports:
            for doc in _documents(report):
                problem = self.accept(doc)
                if problem is not None:
                    return problem
        return None

    def _evaluate_dcql(self, request: AuthorizationRequest) -> bool:
        """Whether DCQL judges this transaction's credentials (a subclass may judge them otherwise)."""
        return True

    def _after(self, request: AuthorizationRequest, vp_token: Mapping[str, list[Any]],
               reports: Sequence[VerificationReport], extra: dict[str, Any]) -> Problem | None:
        """A hook for subclasses that decide more than "verified" (juristic acts); ``extra`` is the result's."""
        return None

    def _verify(self, request: AuthorizationRequest, vp_token: Mapping[str, list[Any]]
                ) -> tuple[dict[str, list[Presented]], list[VerificationReport]]:
        count = sum(len(v) for v in vp_token.values())
        nonce = _OneNonce(self.verifier.challenges, request.nonce, count)
        presented: dict[str, list[Presented]] = {}
        reports: list[VerificationReport] = []
        for query_id, items in vp_token.items():
            for item in items:
                report = self.verifier.check(item, challenge=request.nonce, domain=request.client_id, challenges=nonce)
                if not report.ok:
                    inner = [*report.problems, *(p for c in report.children for p in c.problems)]
                    first = inner[0].code if inner else "?"
                    head = Problem.of("openid.presentation_invalid", f"the presentation for {query_id[:64]!r}: {first}")
                    raise _Refused((head, *inner))
                reports.append(report)
                presented.setdefault(query_id, []).extend(_presented(report))
        return presented, reports

    # -- reading results ------------------------------------------------------------------------

    def result(self, transaction_id: str) -> PresentationResult | None:
        """Polling (cross-device): the result once the wallet answered, ``None`` while pending."""
        record = self.store.get(_RESULT, transaction_id) if 0 < len(transaction_id) <= 64 else None
        return None if record is None else PresentationResult.from_json(record.value)

    def result_for_code(self, transaction_id: str, response_code: str) -> PresentationResult:
        """Same-device: the result the redirect's ``response_code`` unlocks, once."""
        record = self.store.get(_RESULT, transaction_id) if 0 < len(transaction_id) <= 64 else None
        expected = None if record is None else record.value.get("response_code")
        if not isinstance(expected, str) or not hmac.compare_digest(expected, _digest(response_code)):
            raise InputError("openid.response_code_invalid", "no result for this response_code")
        if self.store.take(_RESULT, transaction_id) is None:
            raise InputError("openid.response_code_invalid", "the response_code was already used")
        assert record is not None
        return PresentationResult.from_json(record.value)

    def handle_status(self, http: HttpRequest, transaction_id: str) -> HttpResponse:
        """``GET {base_url}/status/{transaction_id}`` for the agency's own front end (not the wallet)."""
        try:
            result = self.result(transaction_id)
        except ThaiVCError as err:
            return _error(err)
        if result is None:
            return HttpResponse.json_body(200, {"status": "pending"})
        return HttpResponse.json_body(200, result.to_json())


class _Refused(Exception):
    """A presentation failed: the protocol's code first, then the verifier's own problems."""

    def __init__(self, problems: tuple[Problem, ...]) -> None:
        super().__init__(problems[0].code)
        self.problems = problems


def _vp_token(raw: object, max_bytes: int) -> dict[str, list[Any]]:
    """``vp_token`` as OpenID4VP 1.0 §8.1 shapes it: an object of query id → non-empty array."""
    if isinstance(raw, str):
        raw = loads_strict(raw, max_bytes=max_bytes, require_object=True)
    if not isinstance(raw, dict) or not raw:
        raise InputError("openid.response_invalid", "vp_token is a non-empty JSON object of credential query ids")
    out: dict[str, list[Any]] = {}
    total = 0
    for key, value in raw.items():
        if not isinstance(value, list) or not value:
            raise InputError("openid.response_invalid", "each vp_token member is a non-empty array")
        if not all(isinstance(v, str | dict) for v in value):
            raise InputError("openid.response_invalid", "a presentation is a string or a JSON object")
        total += len(value)
        out[key] = value
    if total > MAX_PRESENTATIONS:
        raise InputError("input.too_large", f"more than {MAX_PRESENTATIONS} presentations")
    return out


def _presented(report: VerificationReport) -> list[Presented]:
    """What DCQL sees of one verified presentation: one entry per credential it carries."""
    fmt = _FORMAT_OF.get(report.format or "", report.format or "")
    if report.format == "dc+sd-jwt":
        kb = report.check("key_binding")
        bound = kb is not None and kb.status == "pass"
        return [Presented(fmt, report.document or {}, bound)]
    doc = report.document or {}
    holder = doc.get("holder")
    holder_id = holder.get("id") if isinstance(holder, dict) else holder
    out: list[Presented] = []
    for child in report.children:
        cred = child.document or {}
        subject = cred.get("credentialSubject")
        subjects = subject if isinstance(subject, list) else [subject]
        bound = isinstance(holder_id, str) and any(isinstance(s, dict) and s.get("id") == holder_id for s in subjects)
        out.append(Presented(fmt, cred, bound))
    return out


def _documents(report: VerificationReport) -> list[Mapping[str, Any]]:
    if report.format == "dc+sd-jwt":
        return [report.document or {}]
    return [c.document for c in report.children if c.document is not None]


def _error(err: ThaiVCError) -> HttpResponse:
    """The OAuth error for ``err``: a store outage is a 503 (:func:`~thaivc.oid4vc.http.outage_error`)."""
    outage = outage_error(err)
    if outage is not None:
        return outage
    status, error = oauth_error_for(err.code)
    return oauth_error(status, error, f"{err.code}: {err.detail}", thaivc_code=err.code)
