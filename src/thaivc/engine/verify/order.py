"""The order of checks, per securing format, in one place: what each report records, and what each check refuses.

The pipelines (:mod:`~thaivc.engine.verify.jose`, :mod:`~thaivc.engine.verify.sdjwt`,
:mod:`~thaivc.engine.verify.di`) stay straight-line code on the hot path; this table is their
specification. ``tests/test_verify_order.py`` verifies genuine, forged, replayed, stale and malformed
input of every format and requires each report's check names to follow the order declared here
(:func:`out_of_order`), so the table cannot drift from the code; ``docs/architecture.md`` shows it,
rendered by ``tools/gen_architecture.py``.

The rules every order keeps: nothing that reads a claim runs before the signature (or every proof)
verified, and a failed parse, key or signature check ends the report; the challenge is spent only
after the signature verified, so junk cannot burn one; status and trust are asked about a credential
whose signature verified, never before; every check after the signature runs, so an expiry never
hides a second problem. A report records only the checks that ran: it follows its order, skipping
what did not apply (a ``schema`` step only when ``credentialSchema`` is named, ``related`` only with
``relatedResource``, ``assurance`` only with an assurance policy, ``proof-set`` only with a proof-set
policy in scope).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

__all__ = ["ENVELOPED", "ORDERS", "Order", "Step", "order_for", "out_of_order"]

#: ``credential[3]`` → ``credential[i]``: indexed checks are declared once and may repeat.
_INDEX: Final = re.compile(r"\[\d+\]$")


@dataclass(frozen=True, slots=True)
class Step:
    """One check as the report names it (``[i]``: one per item, in index order) and what it refuses."""

    name: str
    refuses: str

    @property
    def repeats(self) -> bool:
        return self.name.endswith("[i]")


@dataclass(frozen=True, slots=True)
class Order:
    """The checks one kind of report records, in the order they run."""

    title: str
    #: ``VerificationReport.format`` of such a report (``None``: refused before any pipeline ran).
    report_format: str | None
    presentation: bool
    steps: tuple[Step, ...]


# -- steps that several orders share, worded once ---------------------------------------------------

_PARSE_JWS: Final = Step(
    "parse",
    "input over the size cap; not three canonical base64url segments; JSON that is not strict I-JSON; a header "
    "breaking the JOSE rules (a typ not expected here, crit, embedded or remote keys, a bad kid)",
)
_ALG: Final = Step("alg", "an algorithm outside Policy.allowed_algs (none, HMAC, anything not listed)")
_NESTED_TYP: Final = Step("typ", "a presentation inside a presentation (jose.typ_mismatch)")
_MODEL_JWT: Final = Step(
    "model",
    "a document breaking the VCDM 2.0 MUSTs or the JSON-LD context rules (unlisted context, @vocab, redefinition)",
)
_SIGNATURE: Final = Step("signature", "a signature that does not verify under that key")
_TIME: Final = Step(
    "time",
    "exp/nbf/iat or validFrom/validUntil (VC 1.1: issuanceDate/expirationDate) outside the clock and leeway; an "
    "implausible year",
)
_SCHEMA: Final = Step("schema", "claims breaking a named credentialSchema (an unknown one under require_known_schema)")
_RELATED: Final = Step("related", "a relatedResource whose digest does not match the bytes held (never fetched)")
_STATUS: Final = Step(
    "status", "a revoked or suspended credential; a list not fetched, verified or fresh (indeterminate)"
)
_TRUST: Final = Step("trust", "an issuer the configured trust source does not list (skipped when none is configured)")
_ASSURANCE: Final = Step("assurance", "a credential below the configured assurance level, re-derived from its evidence")
_UNASKED_CHALLENGE: Final = Step("challenge", "a credential where the caller's challenge asks for a presentation")
_UNASKED_DOMAIN: Final = Step("domain", "a credential where the caller's domain asks for a presentation")
_CHALLENGE: Final = Step(
    "challenge",
    "no challenge given (policy requires one), a different one, one never issued or expired, a replay; "
    "spent here, once",
)
_DOMAIN: Final = Step("domain", "a presentation addressed to another verifier, or none where policy requires one")
_CREDENTIALS: Final = Step("credentials", "more credentials than Policy.max_presentation_credentials")
_CREDENTIAL: Final = Step(
    "credential[i]",
    "an embedded credential whose own report (a child, same order) fails, a presentation posing as one, or "
    "under require_holder_binding one whose subject is not the holder",
)
_CREDENTIAL_CHECKS: Final = (_TIME, _SCHEMA, _RELATED, _STATUS, _TRUST, _ASSURANCE, _UNASKED_CHALLENGE, _UNASKED_DOMAIN)
_PRESENTATION_CHECKS: Final = (_TIME, _CHALLENGE, _DOMAIN, _CREDENTIALS, _CREDENTIAL)

_ISSUER_KEY: Final = Step(
    "key",
    "a kid that is not a verification method of the issuer's DID authorised for assertionMethod; an https issuer "
    "without configured metadata; an x5c chain without a configured anchor",
)
_HOLDER_KEY: Final = Step(
    "key", "a key that is not the holder's, authorised for authentication; neither holder nor kid naming the signer"
)
_CLAIMS: Final = Step(
    "claims", "VC 1.1 vc/vp claims in a VCDM 2.0 token; iss different from issuer (its failure is recorded as model)"
)
_VC11_CLAIMS: Final = Step("claims", "passes once the vc/vp claim mapped onto a document (a failure is model's)")
_VC11_MODEL: Final = Step(
    "model", "a vc/vp claim that does not map (registered claims disagreeing with their members), or breaks VC 1.1"
)

_DI_CONTEXT: Final = Step(
    "context", "an unlisted or remote context, @vocab, a redefined term, and (RDFC) a term that does not expand"
)
_DI_PROOF: Final = Step(
    "proof[i]",
    "a proof that does not verify, of the wrong purpose or controller, answering another challenge or domain, "
    "or over a document changed after signing; the proofs after a failed one are skipped",
)

ORDERS: Final[tuple[Order, ...]] = (
    Order(
        "refused before a pipeline (one check, alone)",
        None,
        False,
        (
            Step(
                "parse",
                "bytes that are not UTF-8, input over the size cap, a JWS JSON serialization, a VC-API body "
                "whose options differ from the caller's challenge or domain, a malformed envelope",
            ),
            Step("proof", "a JSON document without a proof (di.proof_missing, vp.unsigned)"),
            Step("internal", "anything a thaivc bug raised: internal.error, never an accepted credential"),
        ),
    ),
    Order(
        "vc+jwt credential",
        "vc+jwt",
        False,
        (_PARSE_JWS, _ALG, _CLAIMS, _MODEL_JWT, _ISSUER_KEY, _SIGNATURE, *_CREDENTIAL_CHECKS),
    ),
    Order(
        "vp+jwt presentation",
        "vp+jwt",
        True,
        (_PARSE_JWS, _ALG, _NESTED_TYP, _CLAIMS, _MODEL_JWT, _HOLDER_KEY, _SIGNATURE, *_PRESENTATION_CHECKS),
    ),
    Order(
        "dc+sd-jwt (+KB-JWT)",
        "dc+sd-jwt",
        False,
        (
            Step(
                "parse",
                "input over the size cap; a malformed issuer-signed JWT, disclosure or KB-JWT; a typ not "
                "dc+sd-jwt (vc+sd-jwt only by policy); an algorithm outside policy",
            ),
            Step("key", "a kid that is not the issuer DID's assertionMethod key; an https issuer without a resolver"),
            _SIGNATURE,
            Step("disclosures", "an unreferenced, repeated, oversized or malformed disclosure; a forbidden claim name"),
            Step("required_claims", "a token without iss or vct"),
            Step(
                "key_binding",
                "no KB-JWT where policy requires one; a KB-JWT not signed by the cnf key, over "
                "another presentation (sd_hash), replayed, answering another nonce or aud, or of an algorithm "
                "outside Policy.allowed_algs",
            ),
            Step(
                "challenge",
                "a nonce never issued, expired or spent; a KB-JWT where no challenge was given and policy "
                "requires one, whether or not policy requires key binding (then its nonce is not spent)",
            ),
            Step("issuer", "a body issuer that is not the signer (iss)"),
            Step("time", "validFrom/validUntil outside the clock and leeway (exp/nbf/iat: in parse)"),
            Step("validity", "exp/nbf and validUntil/validFrom naming different instants"),
            _SCHEMA,
            Step("required_claims", "a claim that fixes what the credential is, withheld by the holder"),
            _RELATED,
            _STATUS,
            _TRUST,
            _ASSURANCE,
            Step("challenge", "no KB-JWT where the caller's challenge asks for one"),
            Step(
                "domain",
                "no KB-JWT where the caller's domain asks for one; a KB-JWT where no domain was given and "
                "policy requires one",
            ),
        ),
    ),
    Order(
        "Data Integrity credential",
        "di",
        False,
        (
            Step("parse", "a document without a proof"),
            Step("model", "a document breaking the VCDM 2.0 MUSTs; (RDFC) a member RDF would drop, unsigned"),
            _DI_CONTEXT,
            _DI_PROOF,
            Step("proof-set", "a proof set the configured ProofSetPolicy does not accept (required co-signers)"),
            Step("disclosure", "(ecdsa-sd-2023) a claim the issuer made mandatory, not disclosed"),
            *_CREDENTIAL_CHECKS,
        ),
    ),
    Order(
        "Data Integrity presentation",
        "di",
        True,
        (
            Step("parse", "a document without a proof"),
            Step("model", "a presentation breaking the VCDM 2.0 MUSTs; a presentation inside a presentation"),
            _DI_CONTEXT,
            _DI_PROOF,
            Step("time", "validFrom/validUntil outside the clock and leeway"),
            Step(
                "challenge",
                "no challenge given (policy requires one), one never issued or expired, a replay; the "
                "proof's own challenge was matched by the proof check; spent here, once",
            ),
            Step("domain", "no domain given where policy requires one (the proof's own was matched by the proof)"),
            _CREDENTIALS,
            _CREDENTIAL,
        ),
    ),
    Order(
        "VC 1.1 JWT credential (Policy.accept_vcdm11_jwt)",
        "jwt_vc_json",
        False,
        (
            _PARSE_JWS,
            _ALG,
            _VC11_CLAIMS,
            _VC11_MODEL,
            _ISSUER_KEY,
            _SIGNATURE,
            *_CREDENTIAL_CHECKS,
        ),
    ),
    Order(
        "VC 1.1 JWT presentation (Policy.accept_vcdm11_jwt)",
        "jwt_vp_json",
        True,
        (_PARSE_JWS, _ALG, _NESTED_TYP, _VC11_CLAIMS, _VC11_MODEL, _HOLDER_KEY, _SIGNATURE, *_PRESENTATION_CHECKS),
    ),
)

#: An envelope (``EnvelopedVerifiableCredential``/``…Presentation``) has no order of its own: the
#: wrapper is judged first (a refusal is the ``parse`` check of "refused before a pipeline"), then
#: the token follows the order of the media type the envelope declared, which binds it.
ENVELOPED: Final = (
    "the wrapper (a VCDM 2.0 object, a data: URL of an allowed media type matching its type) first, refused as "
    "parse; then the token's own order, which must be the declared media type's"
)


#: Report formats named before the pipeline knew its kind: a token refused at ``parse``, whose
#: ``typ`` was never read, is reported as ``jose``; ``parse`` is the first step of every JOSE order.
_FORMAT_BEFORE_TYP: Final = {"jose": "vc+jwt"}


def order_for(report_format: str | None, *, presentation: bool) -> Order:
    """The order a report of ``report_format`` follows (Data Integrity: by ``presentation``)."""
    report_format = _FORMAT_BEFORE_TYP.get(report_format or "", report_format)
    for order in ORDERS:
        if order.report_format == report_format and (report_format != "di" or order.presentation == presentation):
            return order
    raise KeyError(report_format)


def out_of_order(names: Sequence[str], order: Order) -> str | None:
    """Why ``names`` (a report's checks, as recorded) do not follow ``order``; ``None`` when they do.

    They follow it when each is a step of the order at or after the previous one's place (an indexed
    step such as ``credential[i]`` may repeat in place): the report's checks are a subsequence of the
    declared steps.
    """
    steps = [step.name for step in order.steps]
    at = 0
    for name in names:
        wanted = _INDEX.sub("[i]", name)
        if at < len(steps) and steps[at] == wanted and order.steps[at].repeats:
            continue
        later = [i for i in range(at, len(steps)) if steps[i] == wanted]
        if not later:
            where = "is not a step of" if wanted not in steps else "runs out of order in"
            return f"{name!r} {where} {order.title!r}: {list(names)}"
        at = later[0] + (0 if order.steps[later[0]].repeats else 1)
    return None
