"""Verification of SD-JWT VC presentations (``dc+sd-jwt``, legacy ``vc+sd-jwt`` on input).

The order of checks, and what each refuses, is declared in :mod:`thaivc.engine.verify.order` (the
"dc+sd-jwt (+KB-JWT)" order), which ``tests/test_verify_order.py`` holds every report to; it is
not repeated here. What is particular to this pipeline: the issuer's key comes from the verifier's
own trust configuration (a DID issuer's ``kid`` authorised for ``assertionMethod``, or the
configured JWT VC Issuer Metadata resolver for an HTTPS issuer), never from key material in the
token; and a KB-JWT makes the token a presentation, held to the same challenge and domain rules as
every other presentation format whether or not policy requires key binding.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

from thaivc.contexts.disclosure import withheld
from thaivc.core import fastpath
from thaivc.core.errors import Indeterminate, InputError, ThaiVCError
from thaivc.core.report import ReportBuilder, VerificationReport
from thaivc.did import same_key_did
from thaivc.engine.challenge import CHALLENGE_CODES, refusal
from thaivc.engine.verify.jose import record_related, record_status, record_times, record_trust, refuse_unanswered
from thaivc.model import parse_datetime_stamp
from thaivc.model.schema_check import record_schema
from thaivc.sdjwt import ACCEPTED_TYPS, SD_JWT_VC_TYP, MemoryNonceStore, SdJwtResult, verify_sd_jwt

if TYPE_CHECKING:
    from thaivc.engine.challenge import ChallengeStore
    from thaivc.engine.verifier import Verifier
    from thaivc.keys import PublicKey

__all__ = ["check_sd_jwt_presentation", "did_issuer_key_resolver"]

_KEY_BINDING_CODES: Final = frozenset(
    {"sdjwt.kb_required", "sdjwt.kb_invalid", "sdjwt.kb_replay", "sdjwt.sd_hash_mismatch"}
)
_STEPS: Final = ("parse", "signature", "disclosures", "required_claims")
#: Refusals of an issuer's x5c chain: reported under the key step, as for an unresolvable DID key.
_X5C_CODES: Final = frozenset({"trust.x5c_invalid", "trust.x5c_untrusted", "trust.x5c_issuer_mismatch"})

#: The verifier's SD-JWT issuer key resolver: (unverified header, unverified payload) -> a PublicKey
#: (narrower than :data:`thaivc.sdjwt._verify.IssuerKeyResolver`, which may return any key-like).
IssuerPublicKeyResolver = Callable[[dict[str, Any], dict[str, Any]], "PublicKey"]


def did_issuer_key_resolver(verifier: Verifier) -> IssuerPublicKeyResolver:
    """Resolve an SD-JWT issuer key through the verifier's DID resolver (issuer = the DID)."""

    allowed = verifier.policy.allowed_algs

    def resolve(header: dict[str, Any], payload: dict[str, Any]) -> PublicKey:
        # Policy.allowed_algs, as for every JOSE format: asked before any key is looked up (a parse refusal)
        if header.get("alg") not in allowed:
            raise ThaiVCError("jose.alg_not_allowed", f"{str(header.get('alg'))[:20]} is not allowed by policy")
        iss = payload.get("iss")
        if not isinstance(iss, str):
            raise ThaiVCError("sdjwt.required_claim_missing", "iss is missing")
        if "x5c" in header and verifier.x509_trust is not None:
            return verifier.x509_trust.issuer_key(header["x5c"], iss, verifier.clock.now())
        if not iss.startswith("did:"):
            custom = verifier.sd_jwt_key_resolver
            if custom is None:
                raise Indeterminate(
                    "did.resolver_unavailable", "an HTTPS issuer needs a JWT VC issuer metadata resolver"
                )
            return custom(header, payload)
        kid = header.get("kid")
        if not isinstance(kid, str):
            raise ThaiVCError("jose.kid_invalid", "a DID issuer's SD-JWT must name its key (kid)")
        if kid.startswith("#"):
            kid = iss + kid
        if not same_key_did(kid.split("#", 1)[0], iss):
            raise ThaiVCError("vc.issuer_key_mismatch", "the signing key does not belong to the issuer")
        doc, vm = verifier.resolver.resolve_verification_method(kid)
        if not doc.is_authorized(vm.id, "assertionMethod"):
            raise ThaiVCError("did.vm_not_authorized", "the key is not authorised for assertionMethod")
        return vm.public_key

    return resolve


def check_sd_jwt_presentation(
    verifier: Verifier,
    value: str,
    *,
    challenge: str | None,
    domain: str | None,
    nested: bool = False,
    challenges: ChallengeStore | None = None,
) -> VerificationReport:
    """Verify an SD-JWT (+KB) and report each step, then status and trust like other formats.

    ``nested`` is set for an SD-JWT enveloped inside a signed presentation: the presentation's
    signature binds the holder there, so no KB-JWT is required of the inner credential.
    ``challenges`` is the store the KB-JWT's nonce is consumed from (default: the verifier's).
    """
    policy = verifier.policy
    b = ReportBuilder("dc+sd-jwt")
    require_kb = policy.require_key_binding and not nested
    # a caller who passes a challenge or domain wants a reply: a KB-JWT, if any, must answer it
    # (and its nonce is consumed) even when the policy does not require key binding
    answering = not nested and (challenge is not None or domain is not None)
    bind = require_kb or answering
    # a KB-JWT makes this a presentation, held to every presentation format's rules (record_challenge):
    # without the caller's challenge, where policy requires one, it is refused below and its nonce
    # is checked once, never spent here (so an eavesdropper cannot void the holder's login)
    unasked = not nested and challenge is None and policy.require_challenge
    accepted = ACCEPTED_TYPS if policy.accept_legacy_sd_jwt_typ else frozenset({SD_JWT_VC_TYP})
    try:
        result: SdJwtResult = verify_sd_jwt(
            value,
            issuer_key_resolver=did_issuer_key_resolver(verifier),
            now=verifier.clock.now(),
            require_kb=require_kb,
            leeway=policy.leeway,
            expected_nonce=challenge if bind else None,
            expected_aud=domain if bind else None,
            nonce_store=(MemoryNonceStore() if unasked else _Redeemer(verifier, challenges)) if bind else None,
            accepted_typ=accepted,
            allow_x5c=verifier.x509_trust is not None,
        )
    except ThaiVCError as err:
        b.error(_step(err.code), err)
        return b.build()
    for step in _STEPS:
        b.ok(step)
    kb_alg = (result.kb_header or {}).get("alg")
    if result.kb_payload is not None and kb_alg not in policy.allowed_algs:
        b.fail("key_binding", "jose.alg_not_allowed", f"the KB-JWT's {str(kb_alg)[:20]} is not allowed by policy")
    elif result.kb_payload is not None:
        b.ok("key_binding")
    else:
        b.skip("key_binding", "inside a signed presentation" if nested else "not required by policy")
    presented = result.kb_payload is not None
    if unasked and presented:
        # checked after the input itself, so hostile input is reported as what it is
        b.fail("challenge", "vp.challenge_missing", "no challenge was given to the verifier; policy requires one")
    b.details["disclosed"] = list(result.disclosed)
    payload = result.payload
    issuer = payload.get("iss")
    _check_named_issuer(payload, b, issuer)
    # verify_sd_jwt checked exp/nbf/iat with this clock and leeway; validFrom/validUntil remain
    record_times(verifier, payload, b, jwt_claims_checked=True)
    _check_validity_agrees(payload, b)
    # the schema judges the view the holder disclosed: each disclosed value against its type; a claim
    # the schema requires is required *when disclosed* unless it fixes what the credential is (issuer,
    # type, validity, subject id, status, and a thaivc type's assurance level), which must be there
    record_schema(payload, b, require_known=policy.require_known_schema, disclosed_view=True)
    missing = withheld(payload)  # also for a credential that names no schema
    if missing:
        b.fail("required_claims", "sdjwt.mandatory_withheld", "not disclosed: " + ", ".join(missing))
    record_related(verifier, payload, b)
    record_status(verifier, payload, b, issuer=issuer if isinstance(issuer, str) else None)
    record_trust(verifier, issuer if isinstance(issuer, str) else "", payload, b)
    if not presented and answering:
        refuse_unanswered(b, challenge=challenge, domain=domain)  # no KB-JWT: nothing answers them
    elif presented and domain is None and policy.require_domain:
        b.fail("domain", "vp.domain_mismatch", "no domain was given to the verifier; policy requires one")
    return b.build(document=payload)


#: A JWT time claim → the VCDM member of the same instant, and the rounding the issuer applies.
_SAME_INSTANT: Final = (("exp", "validUntil"), ("nbf", "validFrom"))


def _check_validity_agrees(payload: dict[str, Any], b: ReportBuilder) -> None:
    """``exp``/``nbf`` and ``validUntil``/``validFrom`` must name the same instant (to the second).

    Other SD-JWT VC verifiers read only ``exp``/``nbf``; thaivc reads both. If they disagreed, the
    same credential would expire at two different times depending on who looked, so a token whose
    claims disagree is refused whichever is earlier. Either member alone is accepted.
    """
    for jwt_name, vcdm_name in _SAME_INSTANT:
        jwt_value, vcdm_value = payload.get(jwt_name), payload.get(vcdm_name)
        if jwt_value is None or not isinstance(vcdm_value, str):
            continue
        try:
            instant = _instant(vcdm_value)
        except ThaiVCError:
            return  # already reported by the time check
        if isinstance(jwt_value, bool) or not isinstance(jwt_value, int | float) or abs(jwt_value - instant) >= 1:
            b.fail("validity", "vc.validity_mismatch", f"{jwt_name} and {vcdm_name} name different instants")
            return
    b.ok("validity")


@fastpath.memo("engine.verify.sdjwt validity instants", "SD-JWT+KB verify: validFrom/validUntil reread, ~10 µs", 4096)
def _instant(stamp: str) -> float:
    """A dateTimeStamp as a POSIX timestamp (memoised, as the time step's own parse is: issuers
    reuse instants; a stamp that does not parse raises, and a raise is never remembered)."""
    return parse_datetime_stamp(stamp)[0].timestamp()


def _check_named_issuer(payload: dict[str, Any], b: ReportBuilder, iss: object) -> None:
    """A VCDM body's ``issuer`` must be the signer (``iss``), as for ``vc+jwt`` (``vc.issuer_mismatch``).

    Only ``iss`` is bound to the signing key; a body naming someone else as ``issuer`` would let a
    reader of the returned document (trust lists, an authority decision) believe another issuer.
    """
    if "issuer" not in payload:
        return
    named = payload["issuer"]
    named_id = named.get("id") if isinstance(named, dict) else named
    if named_id != iss:
        b.fail("issuer", "vc.issuer_mismatch", "the credential's issuer is not its signer (iss)")


class _Redeemer:
    """The verifier's challenge store as the SD-JWT library's single-use nonce store.

    ``consume`` is True only for a fresh challenge; a replayed, unknown or expired one raises its
    own ``vp.challenge_*`` problem, so an SD-JWT presentation is refused with the same codes as
    every other format.
    """

    def __init__(self, verifier: Verifier, store: ChallengeStore | None) -> None:
        self._verifier = verifier
        self._store = store

    def consume(self, nonce: str) -> bool:
        refused = refusal(self._verifier.redeem_challenge(nonce, self._store))
        if refused is not None:
            raise InputError(*refused)
        return True


def _step(code: str) -> str:
    area = code.split(".", 1)[0]
    if code in CHALLENGE_CODES:
        return "challenge"
    if code in _KEY_BINDING_CODES or area == "vp":
        return "key_binding"
    if code in {"crypto.bad_signature", "jose.alg_key_mismatch", "crypto.unsupported"}:
        return "signature"
    if area in {"did", "key"} or code in {"vc.issuer_key_mismatch", "jose.kid_invalid"} or code in _X5C_CODES:
        return "key"
    if area in {"time", "claims"}:
        return "time"
    if code == "sdjwt.required_claim_missing":
        return "required_claims"
    if area == "sdjwt":
        return "disclosures"
    return "parse"
