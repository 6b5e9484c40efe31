"""Verification of VC-JOSE tokens (``vc+jwt`` and ``vp+jwt``, and VC 1.1 JWTs on opt-in): the hot path.

The order of checks, and what each refuses, is declared in :mod:`thaivc.engine.verify.order`,
which ``tests/test_verify_order.py`` holds every report to; it is not repeated here. The
``record_*`` steps below are shared by every securing format's pipeline, so a check (and the
policy flag it honours) is written once. What the pipelines need from the verifier beyond its
settings they ask through its public methods (``redeem_challenge``, ``check_embedded``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final, Literal

from thaivc.core import fastpath
from thaivc.core.errors import Indeterminate, ThaiVCError
from thaivc.core.report import ReportBuilder, VerificationReport
from thaivc.did import same_key_did
from thaivc.engine.challenge import refusal
from thaivc.engine.embedded import DEFAULT_EMBEDDED, EmbeddedPolicy
from thaivc.jose.claims import require_jwt_times, require_vc_jwt_claims
from thaivc.jose.compact import ParsedJws, parse_compact, verify_compact
from thaivc.jose.vc11 import JWT_TYP, VC11_FORMAT, VP11_FORMAT, vc11_document
from thaivc.model import parse_datetime_stamp, require_credential, require_plausible_year, require_presentation
from thaivc.model.schema_check import record_schema
from thaivc.status.checker import StatusChecker

if TYPE_CHECKING:
    from collections.abc import Callable

    from thaivc.contexts import ContextRegistry
    from thaivc.did import Relationship
    from thaivc.engine.challenge import ChallengeStore
    from thaivc.engine.verifier import Verifier
    from thaivc.keys import PublicKey

__all__ = [
    "check_jwt",
    "record_challenge",
    "record_credentials",
    "record_related",
    "record_status",
    "record_times",
    "record_trust",
    "refuse_unanswered",
    "require_json_ld_contexts",
    "subject_ids",
]

_ACCEPTED_TYP: Final = frozenset({"vc+jwt", "vp+jwt"})
#: With ``Policy.accept_vcdm11_jwt``: VC 1.1 JWTs (``typ: JWT``), never inside a VCDM 2.0 envelope.
_ACCEPTED_TYP_WITH_VC11: Final = _ACCEPTED_TYP | {JWT_TYP}
_MAX_NESTING: Final = 1
#: ``engine.verify.di``'s context check and default registry, once imported (see require_json_ld_contexts).
_DI_CONTEXT_RULES: list[tuple[Callable[..., None], Callable[[object], ContextRegistry]]] = []


def check_jwt(
    verifier: Verifier,
    token: str,
    *,
    challenge: str | None,
    domain: str | None,
    depth: int = 0,
    expected_typ: frozenset[str] | None = None,
    embedded: EmbeddedPolicy = DEFAULT_EMBEDDED,
    challenges: ChallengeStore | None = None,
) -> VerificationReport:
    """Verify a compact ``vc+jwt`` or ``vp+jwt`` token and report every check.

    ``expected_typ`` narrows the accepted media types (an envelope's declared type binds its token).
    ``embedded`` and ``challenges`` are the call's choices (see :meth:`thaivc.Verifier.check`).
    """
    b = ReportBuilder("jose")
    policy = verifier.policy
    known = _ACCEPTED_TYP_WITH_VC11 if policy.accept_vcdm11_jwt else _ACCEPTED_TYP
    accepted = known if expected_typ is None else expected_typ & _ACCEPTED_TYP
    try:
        if not accepted:
            raise ThaiVCError("jose.typ_mismatch", "no JOSE media type thaivc verifies was expected here")
        parsed = parse_compact(
            token,
            expected_typ=accepted,
            max_bytes=policy.max_bytes,
            allow_thumbprint_kid=True,
            allow_x5c=verifier.x509_trust is not None,
        )
    except ThaiVCError as err:
        b.error("parse", err)
        return b.build()
    typ = parsed.header["typ"]
    b.format = typ
    b.ok("parse")
    alg = parsed.header["alg"]
    if alg not in policy.allowed_algs:
        b.fail("alg", "jose.alg_not_allowed", f"{alg} is not allowed by policy")
        return b.build()
    b.ok("alg", alg)
    if typ == JWT_TYP:
        return _vc11(
            verifier,
            parsed,
            b,
            challenge=challenge,
            domain=domain,
            depth=depth,
            embedded=embedded,
            challenges=challenges,
        )
    if typ == "vp+jwt":
        if depth >= _MAX_NESTING:
            b.fail("typ", "jose.typ_mismatch", "a presentation cannot be nested in a presentation")
            return b.build()
        return _presentation(
            verifier,
            parsed,
            b,
            challenge=challenge,
            domain=domain,
            depth=depth,
            embedded=embedded,
            challenges=challenges,
        )
    return _credential(verifier, parsed, b, challenge=challenge, domain=domain)


def _record_model(
    verifier: Verifier, parsed: ParsedJws, b: ReportBuilder, *, kind: Literal["credential", "presentation"]
) -> bool:
    """The ``claims`` and ``model`` steps of a VC-JOSE token: JWT claims, VCDM 2.0 model, JSON-LD contexts.

    False (with the step recorded as failed) when the token is not a well-formed ``kind``.
    """
    payload: dict[str, Any] = parsed.payload
    try:
        require_vc_jwt_claims(payload, kind=kind)
        b.ok("claims")
        for warning in require_credential(payload) if kind == "credential" else require_presentation(payload):
            b.warn(warning)
        require_json_ld_contexts(verifier, payload, source=parsed.payload_bytes)
        b.ok("model")
    except ThaiVCError as err:
        b.error("model", err)
        return False
    return True


def _credential(
    verifier: Verifier, parsed: ParsedJws, b: ReportBuilder, *, challenge: str | None, domain: str | None
) -> VerificationReport:
    payload: dict[str, Any] = parsed.payload
    if not _record_model(verifier, parsed, b, kind="credential"):
        return b.build()
    issuer = payload["issuer"]
    issuer_id: str = issuer if isinstance(issuer, str) else issuer["id"]
    if not _verify_signature(verifier, parsed, b, controller=issuer_id, relationship="assertionMethod"):
        return b.build()
    record_times(verifier, payload, b)
    record_schema(payload, b, require_known=verifier.policy.require_known_schema)
    record_related(verifier, payload, b)
    record_status(verifier, payload, b, issuer=issuer_id)
    record_trust(verifier, issuer_id, payload, b)
    refuse_unanswered(b, challenge=challenge, domain=domain)
    return b.build(document=payload)


def require_json_ld_contexts(verifier: Verifier, payload: dict[str, Any], *, source: bytes | None = None) -> None:
    """The JSON-LD context rules Data Integrity applies, for a document secured as JSON (VCDM 2.0 §4.5).

    A ``vc+jwt`` signs the JSON, not RDF, but its ``@context`` still says what each term means: an
    attacker's context, an inline ``@vocab`` or a redefined or non-IRI term would change the meaning
    a JSON-LD reader takes from a correctly signed token. The same rules as a JCS proof
    (:func:`thaivc.engine.verify.di.require_contexts`: allowlisted, never fetched, no redefinition, every
    inline term an IRI), with the verifier's registry; no expansion, so it stays cheap. ``source``
    is the payload's exact JSON text, which lets a payload with one ``@context`` skip the walk.
    """
    if not _DI_CONTEXT_RULES:
        # imported when first needed (engine.verify.di imports this module), then kept: an import
        # statement costs ~0.7 µs on every call, a cached pair a list index
        from thaivc.engine.verify.di import contexts_of, require_contexts

        _DI_CONTEXT_RULES.append((require_contexts, contexts_of))
    require_rules, registry_of = _DI_CONTEXT_RULES[0]
    require_rules(payload, registry_of(verifier), source=source)


def record_related(verifier: Verifier, payload: dict[str, Any], b: ReportBuilder) -> None:
    """Each ``relatedResource`` digest against the bytes the verifier holds, never fetched.

    Reachable bytes are a bundled context or a document given to the verifier
    (``related_documents``). A mismatch fails; a resource the verifier cannot reach is reported —
    indeterminate under ``Policy.require_related_resources``, else a visible skip, never silence.
    Nothing is recorded for a credential without ``relatedResource``.
    """
    if "relatedResource" not in payload:
        return
    from thaivc.engine.verify.di import contexts_of
    from thaivc.model.related import digests_match, require_related_entries

    try:
        entries = require_related_entries(payload)
    except ThaiVCError as err:
        b.error("related", err)
        return
    registry = contexts_of(verifier)
    unreachable: list[str] = []
    for entry in entries:
        url: str = entry["id"]
        content = verifier.related_documents.get(url)
        if content is None:
            content = registry.bundled_bytes(url)
        if content is None:
            unreachable.append(url)
        elif not digests_match(entry, content):
            b.fail("related", "vc.related_resource_mismatch", f"{_short(url)} does not match its digest")
            return
    if not unreachable:
        b.ok("related", f"{len(entries)} digest(s) match")
    elif verifier.policy.require_related_resources:
        b.undecidable("related", "vc.related_resource_unchecked", "not held offline: " + _short(", ".join(unreachable)))
    else:
        b.skip("related", "digests not checked (not held offline): " + _short(", ".join(unreachable)))


def _vc11(
    verifier: Verifier,
    parsed: ParsedJws,
    b: ReportBuilder,
    *,
    challenge: str | None,
    domain: str | None,
    depth: int,
    embedded: EmbeddedPolicy,
    challenges: ChallengeStore | None,
) -> VerificationReport:
    """A VC 1.1 JWT (opted into by policy): the same key, signature, time, schema, related, status and
    trust checks as a VCDM 2.0 token, on the mapped document.

    The report's ``format`` is OpenID4VP's name (``jwt_vc_json``/``jwt_vp_json``) and
    ``details["data_model"]`` is ``"1.1"``, so a caller can never mistake one for a VCDM 2.0 token.
    """
    payload: dict[str, Any] = parsed.payload
    presentation = "vp" in payload
    b.format = VP11_FORMAT if presentation else VC11_FORMAT
    b.details["data_model"] = "1.1"
    if presentation and depth >= _MAX_NESTING:
        b.fail("typ", "jose.typ_mismatch", "a presentation cannot be nested in a presentation")
        return b.build()
    try:
        doc = vc11_document(payload, "presentation" if presentation else "credential")
        b.ok("claims")
        b.ok("model")
    except ThaiVCError as err:
        b.error("model", err)
        return b.build()
    if not presentation:
        issuer_id: str = doc["issuer"] if isinstance(doc["issuer"], str) else doc["issuer"]["id"]
        if not _verify_signature(verifier, parsed, b, controller=issuer_id, relationship="assertionMethod"):
            return b.build()
        record_times(verifier, _vc11_times(payload, doc), b)
        # the same checks as a VCDM 2.0 credential, on the mapped document: a policy the caller set
        # (require_known_schema, require_related_resources) is never silently skipped for VC 1.1
        record_schema(doc, b, require_known=verifier.policy.require_known_schema)
        record_related(verifier, doc, b)
        record_status(verifier, doc, b, issuer=issuer_id)
        record_trust(verifier, issuer_id, doc, b)
        refuse_unanswered(b, challenge=challenge, domain=domain)
        return b.build(document=doc)
    holder = doc.get("holder")
    holder_id = holder if isinstance(holder, str) else (holder or {}).get("id")
    if not isinstance(holder_id, str):
        b.fail("key", "vp.holder_key_mismatch", "a VC 1.1 presentation JWT names no holder (iss)")
        return b.build()
    if not _verify_signature(verifier, parsed, b, controller=holder_id, relationship="authentication"):
        return b.build()
    record_times(verifier, payload, b)
    record_challenge(verifier, b, challenge, challenges, carried=payload.get("nonce"))
    _check_domain(payload, b, domain, required=verifier.policy.require_domain)
    record_credentials(verifier, doc, b, holder_id=holder_id, depth=depth, embedded=embedded)
    return b.build(document=doc)


#: VC 1.1 members with the meaning of VCDM 2.0's (VC 1.1 §4.6, §4.7: when the data becomes and stops being valid).
_VC11_VALIDITY: Final = (("issuanceDate", "validFrom"), ("expirationDate", "validUntil"))


def _vc11_times(payload: dict[str, Any], doc: dict[str, Any]) -> dict[str, Any]:
    """The JWT claims plus the VC 1.1 validity members under their VCDM 2.0 names, for ``record_times``.

    ``nbf``/``exp`` are mapped onto ``issuanceDate``/``expirationDate`` (and must agree), but a
    token may carry the members without the claims: they are judged by the same clock and leeway,
    so a credential past its ``expirationDate`` never verifies. A member that is not a date-time
    with a zone is refused (``vc.datetime_invalid``): its instant cannot be told.
    """
    view = dict(payload)
    for member, name in _VC11_VALIDITY:
        if member in doc:
            view[name] = doc[member]
    return view


def refuse_unanswered(b: ReportBuilder, *, challenge: str | None, domain: str | None) -> None:
    """The one rule for every format: a caller who passes a challenge or a domain expects a reply.

    A credential (``vc+jwt``, Data Integrity, an SD-JWT without a key-binding JWT) carries neither
    a challenge nor a domain of this verifier, so it answers nothing: accepting it would let a
    copied credential pass as a login. Called only for documents that are no presentation, after
    their own checks, so the report still says what else is wrong; nothing is consumed.
    """
    if challenge is not None:
        b.fail("challenge", "vp.challenge_mismatch", "a credential carries no challenge; a presentation is expected")
    if domain is not None:
        b.fail("domain", "vp.domain_mismatch", "a credential names no verifier; a presentation is expected")


def _presentation(
    verifier: Verifier,
    parsed: ParsedJws,
    b: ReportBuilder,
    *,
    challenge: str | None,
    domain: str | None,
    depth: int,
    embedded: EmbeddedPolicy,
    challenges: ChallengeStore | None,
) -> VerificationReport:
    policy = verifier.policy
    payload: dict[str, Any] = parsed.payload
    if not _record_model(verifier, parsed, b, kind="presentation"):
        return b.build()
    holder = payload.get("holder")
    holder_id: str | None = holder if isinstance(holder, str) else (holder or {}).get("id")
    kid = parsed.header.get("kid")
    signer_did = kid.split("#", 1)[0] if isinstance(kid, str) and not kid.startswith("#") else holder_id
    if holder_id is None:
        holder_id = signer_did
    if holder_id is None:
        b.fail("key", "vp.holder_key_mismatch", "neither holder nor kid identifies the signer")
        return b.build()
    if not _verify_signature(verifier, parsed, b, controller=holder_id, relationship="authentication"):
        return b.build()
    record_times(verifier, payload, b)
    record_challenge(verifier, b, challenge, challenges, carried=payload.get("nonce"))
    _check_domain(payload, b, domain, required=policy.require_domain)
    record_credentials(verifier, payload, b, holder_id=holder_id, depth=depth, embedded=embedded)
    return b.build(document=payload)


# -- key and signature -------------------------------------------------------------------------


def _verify_signature(
    verifier: Verifier, parsed: ParsedJws, b: ReportBuilder, *, controller: str, relationship: Relationship
) -> bool:
    mismatch = "vc.issuer_key_mismatch" if relationship == "assertionMethod" else "vp.holder_key_mismatch"
    kid = parsed.header.get("kid")
    try:
        if "x5c" in parsed.header and verifier.x509_trust is not None:
            # a chain validated to the verifier's anchors and naming the issuer (RFC 8725 §3.10)
            candidates = [verifier.x509_trust.issuer_key(parsed.header["x5c"], controller, verifier.clock.now())]
            kid = None
        elif not controller.startswith("did:"):
            candidates = [_https_key(verifier, parsed, controller)]
            kid = None
        elif kid is None:
            candidates = _keys_of(verifier, controller, relationship)
        else:
            if kid.startswith("#"):
                kid = controller + kid
            if not same_key_did(kid.split("#", 1)[0], controller):
                b.fail("key", mismatch, "the signing key does not belong to " + _short(controller))
                return False
            doc, vm = verifier.resolver.resolve_verification_method(kid)
            if not doc.is_authorized(vm.id, relationship):
                b.fail("key", "did.vm_not_authorized", f"{_short(vm.id)} is not authorised for {relationship}")
                return False
            candidates = [vm.public_key]
    except Indeterminate as err:
        b.error("key", err)
        return False
    except ThaiVCError as err:
        b.error("key", err)
        return False
    if not candidates:
        b.fail("key", "key.not_found", f"{_short(controller)} has no {relationship} key")
        return False
    b.ok("key", _short(kid) if isinstance(kid, str) else f"{len(candidates)} candidate key(s)")
    last: ThaiVCError | None = None
    for key in candidates:
        try:
            verify_compact(parsed, key)
        except ThaiVCError as err:
            last = err
            continue
        b.ok("signature")
        return True
    assert last is not None
    b.error("signature", last)
    return False


def _https_key(verifier: Verifier, parsed: ParsedJws, controller: str) -> PublicKey:
    """The key of an issuer named by an https URL, from its JWT VC Issuer Metadata (never the token).

    The verifier's configured resolver (:class:`thaivc.trust.IssuerMetadataResolver`, through the
    SSRF-safe client) reads ``/.well-known/jwt-vc-issuer`` of exactly ``controller`` and picks the
    key by ``kid``; without one the verdict is indeterminate, as for an unresolvable DID.
    """
    resolver = verifier.sd_jwt_key_resolver
    if resolver is None:
        raise Indeterminate("did.resolver_unavailable", "an https issuer needs a JWT VC issuer metadata resolver")
    return resolver(parsed.header, {"iss": controller})


def _keys_of(verifier: Verifier, controller: str, relationship: Relationship) -> list[PublicKey]:
    """Keys to try when a token names no ``kid``: only the controller's own, at most N."""
    doc = verifier.resolver.resolve(controller)
    ids = doc.assertion_method if relationship == "assertionMethod" else doc.authentication
    keys: list[PublicKey] = []
    for vm_id in ids[: verifier.policy.max_kid_candidates]:
        vm = doc.find(vm_id)
        if vm is not None:
            keys.append(vm.public_key)
    return keys


# -- time ---------------------------------------------------------------------------------------


@fastpath.memo("engine.verify.jose date-time stamps", "validFrom/validUntil parsing: issuers reuse instants", 4096)
def _stamp(value: str, max_year: int) -> tuple[float, tuple[str, ...]]:
    """A validated dateTimeStamp as a timestamp (memoised: issuers reuse the same instants)."""
    moment, warnings = parse_datetime_stamp(value)
    require_plausible_year(moment, max_year=max_year)
    return moment.timestamp(), tuple(warnings)


def record_times(
    verifier: Verifier, payload: dict[str, Any], b: ReportBuilder, *, jwt_claims_checked: bool = False
) -> None:
    """JWT ``exp``/``nbf``/``iat`` (the signature's life) and ``validFrom``/``validUntil`` (the data's).

    ``jwt_claims_checked`` is for a caller that already applied the same ``require_jwt_times`` with
    this verifier's clock and leeway (the SD-JWT verifier does), so the claims are not read twice.
    """
    now = verifier.clock.now()
    leeway = verifier.policy.leeway
    expiries: list[float] = []
    try:
        if not jwt_claims_checked:
            require_jwt_times(payload, now=now, leeway=leeway)
        exp = payload.get("exp")
        if exp is not None:
            expiries.append(float(exp))
        for name in ("validFrom", "validUntil"):
            value = payload.get(name)
            if value is None:
                continue
            if not isinstance(value, str):
                raise ThaiVCError("vc.datetime_invalid", f"{name} is not a string", loc=(name,))
            ts, warnings = _stamp(value, verifier.policy.max_year)
            for w in warnings:
                b.warn(f"{name}: {w}")
            if name == "validFrom" and ts > now + leeway:
                raise ThaiVCError("time.not_yet_valid", f"validFrom {value} is in the future")
            if name == "validUntil":
                expiries.append(ts)
                if ts < now - leeway:
                    raise ThaiVCError("time.expired", f"validUntil {value} has passed")
    except ThaiVCError as err:
        b.error("time", err)
        return
    if expiries:
        # VC-JOSE-COSE: exp bounds the signature, validUntil the data; the earlier one wins (docs/security.md group D)
        b.details["effective_expiry"] = min(expiries)
    b.ok("time")


# -- presentation binding -----------------------------------------------------------------------


def record_challenge(
    verifier: Verifier, b: ReportBuilder, challenge: str | None, store: ChallengeStore | None, *, carried: object
) -> None:
    """The ``challenge`` step of every presentation format: required by policy, answered, used once.

    ``carried`` is the challenge the presentation answered (a ``vp+jwt``'s ``nonce``; for Data
    Integrity the proof's ``challenge``, already matched by the proof check).
    """
    if challenge is None:
        if verifier.policy.require_challenge:
            b.fail(
                "challenge",
                "vp.challenge_missing",
                "no challenge was given to the verifier; policy requires one to stop replays",
            )
        else:
            b.skip("challenge", "policy does not require a challenge")
        return
    if not isinstance(carried, str) or carried != challenge:
        b.fail("challenge", "vp.challenge_mismatch", "the presentation does not carry the issued challenge")
        return
    try:
        refused = refusal(verifier.redeem_challenge(challenge, store))
    except ThaiVCError as err:
        b.error("challenge", err)
        return
    if refused is not None:
        b.fail("challenge", *refused)
        return
    b.ok("challenge")


def _check_domain(payload: dict[str, Any], b: ReportBuilder, domain: str | None, *, required: bool) -> None:
    aud = payload.get("aud")
    if domain is None:
        if required:
            b.fail("domain", "vp.domain_mismatch", "no domain was given to the verifier; policy requires one")
        else:
            b.skip("domain", "no domain requested")
        return
    audiences = aud if isinstance(aud, list) else [aud]
    if domain not in audiences:
        b.fail("domain", "vp.domain_mismatch", "the presentation is addressed to another verifier")
        return
    b.ok("domain")


def subject_ids(credential: dict[str, Any]) -> list[str | None]:
    """The ``id`` of each credential subject (``None`` for a subject without one)."""
    subjects = credential.get("credentialSubject")
    items = subjects if isinstance(subjects, list) else [subjects]
    return [s.get("id") if isinstance(s, dict) else None for s in items]


def record_credentials(
    verifier: Verifier,
    payload: dict[str, Any],
    b: ReportBuilder,
    *,
    holder_id: str,
    depth: int,
    embedded: EmbeddedPolicy = DEFAULT_EMBEDDED,
) -> None:
    """Verify each embedded credential as a child report, then bind it to the holder.

    ``embedded.proof_sets`` is offered each embedded Data Integrity document first (it answers
    ``None`` for what it does not own); ``embedded.allow_other_subjects`` lifts holder binding for
    this call. Nothing here applies to the presentation itself.
    """
    items = payload.get("verifiableCredential")
    if items is None:
        b.skip("credentials", "the presentation carries no credential")
        return
    credentials = items if isinstance(items, list) else [items]
    if len(credentials) > verifier.policy.max_presentation_credentials:
        b.fail(
            "credentials", "input.too_large", f"more than {verifier.policy.max_presentation_credentials} credentials"
        )
        return
    for index, item in enumerate(credentials):
        name = f"credential[{index}]"
        try:
            child = _embedded_report(verifier, item, depth=depth, embedded=embedded)
        except ThaiVCError as err:
            # a credential refused before any of its own checks ran still gets its own report
            refused = ReportBuilder()
            refused.error("parse", err)
            b.child(refused.build())
            b.fail(name, "vp.credential_invalid", f"{err.code}: {err.detail}")
            continue
        b.child(child)
        if child.format in ("vp+jwt", VP11_FORMAT):
            b.fail(name, "vp.credential_invalid", "a presentation is not a credential")
        elif child.status == "failed":
            first = child.problems[0] if child.problems else None
            b.fail(name, "vp.credential_invalid", f"{first.code}: {first.detail}" if first else "failed")
        elif child.status == "indeterminate":
            first = child.problems[0] if child.problems else None
            b.undecidable(name, "vp.credential_indeterminate", f"{first.code}: {first.detail}" if first else "")
        else:
            doc = child.document or {}
            bind = verifier.policy.require_holder_binding and not embedded.allow_other_subjects
            if bind and not all(same_key_did(s, holder_id) for s in subject_ids(doc)):
                b.fail(name, "vp.holder_not_subject", "the holder is not the subject of this credential")
            else:
                b.ok(name)


def _embedded_report(verifier: Verifier, item: object, *, depth: int, embedded: EmbeddedPolicy) -> VerificationReport:
    """The child report of one embedded credential: the call's proof-set checker, else the generic path."""
    if embedded.proof_sets is not None and isinstance(item, dict) and "proof" in item:
        owned = embedded.proof_sets(item)
        if owned is not None:
            return owned
    return verifier.check_embedded(item, depth=depth)


# -- status and trust ---------------------------------------------------------------------------


def record_status(verifier: Verifier, payload: dict[str, Any], b: ReportBuilder, *, issuer: str | None = None) -> None:
    """Status of a verified credential: W3C ``credentialStatus`` entries and the IETF ``status`` claim.

    Revoked or suspended → fail; a list that could not be fetched, verified in time or is stale →
    indeterminate (``status.unavailable``); no checker configured → ``status.not_checked``.
    ``issuer`` is the credential's verified issuer (default: ``issuer``/``iss`` of the payload).
    """
    if "credentialStatus" not in payload and "status" not in payload:
        b.skip("status", "the credential carries no status entry")
        return
    checker = verifier.status_checker
    if checker is None:
        if verifier.policy.require_status_check:
            b.undecidable("status", "status.not_checked", "credentialStatus present but no status checker configured")
        else:
            b.skip("status", "status checking disabled by policy")
        return
    if isinstance(checker, StatusChecker):
        # the trust source may admit a list signed by someone other than the credential's issuer
        checker.record(b, payload, issuer=issuer, trust=verifier.trust)
        return
    try:
        checker.check(payload)
    except ThaiVCError as err:
        b.error("status", err)
        return
    except Exception as exc:  # a custom check that breaks must not let a revoked credential through
        b.undecidable("status", "status.unavailable", f"status check failed: {type(exc).__name__}")
        return
    b.ok("status")


def record_trust(verifier: Verifier, issuer_id: str, payload: dict[str, Any], b: ReportBuilder) -> None:
    """Trust in the issuer, then (when configured) the credential's identity assurance."""
    _check_issuer_trust(verifier, issuer_id, payload, b)
    _check_assurance(verifier, payload, b)


def _check_assurance(verifier: Verifier, payload: dict[str, Any], b: ReportBuilder) -> None:
    """The verifier's assurance rule, on the verified credential: the IAL is re-derived from evidence."""
    rule = verifier.assurance
    if rule is None:
        return
    try:
        outcome = rule.check_credential(payload)
    except ThaiVCError as err:
        b.error("assurance", err)
        return
    except Exception as exc:  # a rule that breaks vouches for nobody
        b.undecidable("assurance", "assurance.invalid", f"the assurance rule failed: {type(exc).__name__}")
        return
    if outcome is None:
        b.skip("assurance", "the assurance policy does not cover this credential type")
    elif outcome[0] is None:
        b.ok("assurance", outcome[1])
    else:
        b.fail("assurance", outcome[0], outcome[1])


def _check_issuer_trust(verifier: Verifier, issuer_id: str, payload: dict[str, Any], b: ReportBuilder) -> None:
    trust = verifier.trust
    if trust is None:
        b.skip("trust", "no trust source configured: the issuer was not vetted")
        return
    try:
        decision = trust.check(issuer_id, payload)
    except ThaiVCError as err:
        b.error("trust", err)  # an Indeterminate (e.g. trust.list_stale) stays indeterminate
        return
    except Exception as exc:  # a trust source that breaks cannot vouch for anyone: undecided
        b.undecidable("trust", "trust.list_unavailable", f"the trust source failed: {type(exc).__name__}")
        return
    b.ok("trust", f"listed by {decision.source}")


def _short(value: str, limit: int = 80) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"
