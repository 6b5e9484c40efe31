"""Typed errors with stable ``area.reason`` codes.

Every failure thaivc reports carries a code from :data:`CODES`. Codes are part of the public
contract: callers branch on them, tests assert them, and ``docs/problem-codes.md`` gives each one an
anchor. Where a W3C specification defines a ProblemDetails type for the situation, the code maps to
that type's URL so a report can be exported as RFC 9457 problem details without guessing.

The hierarchy separates *verdicts* from *inability to decide* (docs/security.md, guarantee 1):
``InputError`` and ``VerificationFailed`` are negative verdicts, ``Indeterminate`` means "could not
decide" and must never be folded into "valid", ``UsageError`` is a programming mistake.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from thaivc.core.report import VerificationReport

__all__ = [
    "CODES",
    "DOCS_BASE",
    "PROBLEM_TYPES",
    "STORE_OUTAGE_CODES",
    "Indeterminate",
    "InputError",
    "ThaiVCError",
    "UsageError",
    "VerificationFailed",
    "is_known_code",
    "problem_type_for",
]

#: Problem types of codes without a W3C type: thaivc's namespace, served as docs/identifiers.md says.
DOCS_BASE: Final = "https://thaivc.dev/problem-codes#"

_VCDM = "https://www.w3.org/TR/vc-data-model#"
_SEC = "https://w3id.org/security#"
_BSL = "https://www.w3.org/ns/credentials/status-list#"

#: The W3C ProblemDetails types thaivc can emit, by their spec name.
PROBLEM_TYPES: Final[dict[str, str]] = {
    "PARSING_ERROR": _VCDM + "PARSING_ERROR",
    "CRYPTOGRAPHIC_SECURITY_ERROR": _VCDM + "CRYPTOGRAPHIC_SECURITY_ERROR",
    "MALFORMED_VALUE_ERROR": _VCDM + "MALFORMED_VALUE_ERROR",
    "RANGE_ERROR": _VCDM + "RANGE_ERROR",
    "PROOF_GENERATION_ERROR": _SEC + "PROOF_GENERATION_ERROR",
    "PROOF_VERIFICATION_ERROR": _SEC + "PROOF_VERIFICATION_ERROR",
    "PROOF_TRANSFORMATION_ERROR": _SEC + "PROOF_TRANSFORMATION_ERROR",
    "INVALID_DOMAIN_ERROR": _SEC + "INVALID_DOMAIN_ERROR",
    "INVALID_CHALLENGE_ERROR": _SEC + "INVALID_CHALLENGE_ERROR",
    "DATA_LOSS_DETECTION_ERROR": _SEC + "DATA_LOSS_DETECTION_ERROR",
    "STATUS_RETRIEVAL_ERROR": _BSL + "STATUS_RETRIEVAL_ERROR",
    "STATUS_VERIFICATION_ERROR": _BSL + "STATUS_VERIFICATION_ERROR",
    "STATUS_LIST_LENGTH_ERROR": _BSL + "STATUS_LIST_LENGTH_ERROR",
}

#: code -> (W3C problem type name or None, one-line meaning). The single vocabulary of the library.
CODES: Final[dict[str, tuple[str | None, str]]] = {
    # input hygiene
    "input.too_large": ("PARSING_ERROR", "input exceeds a size cap; refused before decoding"),
    "input.too_deep": ("PARSING_ERROR", "JSON nesting exceeds the depth cap"),
    "input.unreadable": ("PARSING_ERROR", "input is not text, bytes or a JSON object"),
    "input.unrecognized": ("PARSING_ERROR", "input is not any securing format thaivc knows"),
    "json.invalid": ("PARSING_ERROR", "not well-formed JSON"),
    "json.duplicate_key": ("PARSING_ERROR", "a JSON object repeats a member name"),
    "json.not_ijson": ("PARSING_ERROR", "JSON outside I-JSON: NaN, Infinity, huge numbers, lone surrogates, BOM"),
    "json.not_object": ("PARSING_ERROR", "the top-level JSON value is not an object"),
    # JOSE
    "jose.malformed": ("PARSING_ERROR", "not a well-formed compact JWS"),
    "jose.alg_not_allowed": ("CRYPTOGRAPHIC_SECURITY_ERROR", "algorithm outside the allowlist"),
    "jose.alg_key_mismatch": ("CRYPTOGRAPHIC_SECURITY_ERROR", "algorithm does not fit the resolved key"),
    "jose.untrusted_key_source": ("CRYPTOGRAPHIC_SECURITY_ERROR", "key material supplied in the header"),
    "jose.kid_invalid": ("MALFORMED_VALUE_ERROR", "kid is not a usable verification-method id"),
    "jose.crit_unsupported": ("CRYPTOGRAPHIC_SECURITY_ERROR", "crit or b64 header not supported"),
    "jose.typ_mismatch": ("MALFORMED_VALUE_ERROR", "typ/cty does not match the expected media type"),
    "jose.serialization_not_allowed": ("PARSING_ERROR", "JWS JSON serialization where compact is required"),
    "crypto.bad_signature": ("CRYPTOGRAPHIC_SECURITY_ERROR", "the signature does not verify"),
    "crypto.unsupported": ("CRYPTOGRAPHIC_SECURITY_ERROR", "the key or algorithm is not supported"),
    # claims and data model
    "claims.malformed": ("MALFORMED_VALUE_ERROR", "a JWT claim has the wrong type or range"),
    "claims.audience_mismatch": ("INVALID_DOMAIN_ERROR", "aud names another verifier"),
    "vc.malformed": ("MALFORMED_VALUE_ERROR", "the credential breaks a VCDM 2.0 requirement"),
    "vc.context_invalid": ("MALFORMED_VALUE_ERROR", "@context is missing or does not start with the v2 context"),
    "vc.type_invalid": ("MALFORMED_VALUE_ERROR", "type is missing or lacks the required value"),
    "vc.issuer_invalid": ("MALFORMED_VALUE_ERROR", "issuer is missing or not a URL"),
    "vc.subject_invalid": ("MALFORMED_VALUE_ERROR", "credentialSubject is missing or malformed"),
    "vc.datetime_invalid": ("MALFORMED_VALUE_ERROR", "a date-time is not an XSD dateTimeStamp"),
    "vc.validity_range": ("MALFORMED_VALUE_ERROR", "validUntil is before validFrom"),
    "vc.id_invalid": ("MALFORMED_VALUE_ERROR", "an id is not a single URL"),
    "vc.language_value_invalid": ("MALFORMED_VALUE_ERROR", "a language-tagged value is malformed"),
    "vc.issuer_mismatch": ("MALFORMED_VALUE_ERROR", "iss and issuer disagree"),
    "vc.issuer_key_mismatch": ("CRYPTOGRAPHIC_SECURITY_ERROR", "the signing key is not controlled by the issuer"),
    "vc.related_resource_invalid": ("MALFORMED_VALUE_ERROR", "relatedResource is malformed (id, digest, duplicates)"),
    "vc.related_resource_mismatch": ("CRYPTOGRAPHIC_SECURITY_ERROR", "a related resource does not match its digest"),
    "vc.related_resource_unchecked": (None, "a related resource's digest could not be checked offline"),
    "vc.validity_mismatch": ("MALFORMED_VALUE_ERROR", "JWT exp/nbf and validUntil/validFrom name different instants"),
    "vc.legacy_jwt_claims": ("MALFORMED_VALUE_ERROR", "VC 1.1 vc/vp claims in a VCDM 2.0 JWT"),
    "vp.malformed": ("MALFORMED_VALUE_ERROR", "the presentation breaks a VCDM 2.0 requirement"),
    "vp.challenge_mismatch": ("INVALID_CHALLENGE_ERROR", "the presentation answers a different challenge (nonce)"),
    "vp.challenge_missing": ("INVALID_CHALLENGE_ERROR", "no challenge was given, and policy requires one"),
    "vp.challenge_unknown": ("INVALID_CHALLENGE_ERROR", "the challenge was never issued by the verifier, or expired"),
    "vp.challenge_replayed": ("INVALID_CHALLENGE_ERROR", "the challenge was already used: a replay"),
    "vp.domain_mismatch": ("INVALID_DOMAIN_ERROR", "missing or wrong domain (aud)"),
    "vp.holder_mismatch": ("CRYPTOGRAPHIC_SECURITY_ERROR", "the holder is not the signer"),
    "vp.holder_key_mismatch": ("CRYPTOGRAPHIC_SECURITY_ERROR", "the VP key is not controlled by the holder"),
    "vp.holder_not_subject": ("CRYPTOGRAPHIC_SECURITY_ERROR", "the holder is not the subject of a credential"),
    "vp.unsigned": ("CRYPTOGRAPHIC_SECURITY_ERROR", "a presentation without a proof"),
    "vp.credential_invalid": (None, "a credential inside the presentation failed"),
    "vp.credential_indeterminate": (None, "a credential inside the presentation could not be decided"),
    # time
    "time.expired": ("RANGE_ERROR", "past its expiry (exp / validUntil)"),
    "time.not_yet_valid": ("RANGE_ERROR", "before its start (nbf / iat / validFrom)"),
    "time.implausible_year": ("RANGE_ERROR", "a year outside the plausible horizon (Buddhist Era?)"),
    # keys and DIDs
    "key.invalid": ("MALFORMED_VALUE_ERROR", "key material is malformed or unsafe"),
    "key.unsupported": ("CRYPTOGRAPHIC_SECURITY_ERROR", "key type not supported"),
    "key.not_found": (None, "no verification method matches"),
    "key.exists": (None, "refusing to overwrite an existing key file"),
    "key.unreadable": (None, "a key file could not be read"),
    "key.unwritable": (None, "a key file could not be written"),
    "key.signer_unavailable": (None, "the signing service (KMS, HSM, remote signer) did not sign; retry later"),
    "did.invalid": ("MALFORMED_VALUE_ERROR", "not a valid DID for its method"),
    "did.method_not_supported": (None, "no resolver for this DID method"),
    "did.not_found": (None, "the DID document could not be found"),
    "did.resolver_unavailable": (None, "no resolver configured for this DID (network is opt-in)"),
    "did.redirect_blocked": (None, "an unsafe redirect during DID resolution"),
    "did.resolution_limit": (None, "a size or time cap hit during DID resolution"),
    "did.id_mismatch": ("MALFORMED_VALUE_ERROR", "the DID document's id is not the requested DID"),
    "did.vm_not_authorized": ("CRYPTOGRAPHIC_SECURITY_ERROR", "method not authorised for this relationship"),
    "did.address_blocked": (None, "the did:web host resolves to a private, loopback or reserved address"),
    "did.content_type_invalid": ("PARSING_ERROR", "a DID document served with a non-JSON media type"),
    # hardened HTTP
    "net.url_invalid": (None, "not an https URL thaivc will fetch"),
    "net.address_blocked": (None, "the host is, or resolves to, a private, loopback or reserved address"),
    "net.redirect_blocked": (None, "an unsafe redirect, or too many"),
    "net.too_large": (None, "the response exceeds the size cap, or is compressed"),
    "net.timeout": (None, "the total deadline was spent"),
    "net.unavailable": (None, "the host could not be resolved or reached"),
    # Data Integrity
    "di.proof_invalid": ("PROOF_VERIFICATION_ERROR", "a Data Integrity proof is malformed or does not verify"),
    "di.proof_malformed": ("PARSING_ERROR", "proof is not a map or a list of maps"),
    "di.proof_missing": ("PROOF_VERIFICATION_ERROR", "no proof where one is required"),
    "di.context_not_allowed": ("PROOF_VERIFICATION_ERROR", "a context that is not bundled or allowlisted"),
    "di.vocab_not_allowed": ("PROOF_VERIFICATION_ERROR", "@vocab or @base in a secured document"),
    "di.data_loss": ("DATA_LOSS_DETECTION_ERROR", "a term did not expand: data would not be signed"),
    "di.canonicalization_limit": (
        "PROOF_TRANSFORMATION_ERROR",
        "work limit hit: one RDF canonicalisation, or the request's work budget",
    ),
    "di.vm_not_authorized": ("PROOF_VERIFICATION_ERROR", "the verification method is not the issuer's"),
    "di.challenge_mismatch": ("INVALID_CHALLENGE_ERROR", "the proof carries a different challenge"),
    "di.domain_mismatch": ("INVALID_DOMAIN_ERROR", "missing or wrong proof domain"),
    "di.proof_generation": ("PROOF_GENERATION_ERROR", "a proof could not be created"),
    "di.nquads_invalid": ("PARSING_ERROR", "malformed N-Quads"),
    "di.jsonld_invalid": ("PROOF_TRANSFORMATION_ERROR", "the document is not valid JSON-LD"),
    "di.proof_set_unsatisfied": ("PROOF_VERIFICATION_ERROR", "the proof set lacks signers the policy requires"),
    "di.unsigned_member": (
        "DATA_LOSS_DETECTION_ERROR",
        "a member the signature does not cover (null, [], a dropped keyword or term, also in a proof)",
    ),
    "di.context_mismatch": ("PROOF_VERIFICATION_ERROR", "the document's @context is not the one the proof signed"),
    "di.sd_proof_value": ("PARSING_ERROR", "an ecdsa-sd-2023 proofValue that is not a well-formed base/derived proof"),
    "di.sd_base_proof": (
        "PROOF_VERIFICATION_ERROR",
        "an ecdsa-sd-2023 base proof presented to a verifier: only derived proofs are verified",
    ),
    "di.sd_label_map": ("PROOF_VERIFICATION_ERROR", "the derived proof's label map does not fit the disclosed data"),
    "di.sd_signature_count": (
        "PROOF_VERIFICATION_ERROR",
        "the derived proof's statement signatures do not match the disclosed statements one for one",
    ),
    "di.sd_statement_signature": ("PROOF_VERIFICATION_ERROR", "a disclosed statement's signature does not verify"),
    "di.sd_pointer": ("MALFORMED_VALUE_ERROR", "a JSON pointer that is malformed or selects nothing in the document"),
    "di.sd_mandatory_withheld": (
        "PROOF_VERIFICATION_ERROR",
        "a claim that must stay disclosed for this credential type is missing from the disclosed document",
    ),
    # SD-JWT
    "sdjwt.malformed": ("PARSING_ERROR", "not a well-formed SD-JWT"),
    "sdjwt.disclosure_unreferenced": ("CRYPTOGRAPHIC_SECURITY_ERROR", "a disclosure no digest references"),
    "sdjwt.duplicate_digest": ("MALFORMED_VALUE_ERROR", "a digest appears more than once"),
    "sdjwt.disclosure_malformed": ("MALFORMED_VALUE_ERROR", "a malformed disclosure"),
    "sdjwt.hash_alg_not_allowed": ("CRYPTOGRAPHIC_SECURITY_ERROR", "_sd_alg outside the allowlist"),
    "sdjwt.required_claim_missing": ("MALFORMED_VALUE_ERROR", "a security-critical claim is not plaintext"),
    "sdjwt.mandatory_withheld": (
        "MALFORMED_VALUE_ERROR",
        "a claim a thaivc credential type must always show (issuer, type, validity, assurance level) is withheld",
    ),
    "sdjwt.kb_required": ("CRYPTOGRAPHIC_SECURITY_ERROR", "key binding required but absent"),
    "sdjwt.kb_invalid": ("CRYPTOGRAPHIC_SECURITY_ERROR", "the key-binding JWT is invalid"),
    "sdjwt.kb_replay": ("INVALID_CHALLENGE_ERROR", "the key-binding JWT is replayed or stale"),
    "sdjwt.sd_hash_mismatch": ("CRYPTOGRAPHIC_SECURITY_ERROR", "sd_hash does not cover the presentation"),
    "sdjwt.vct_invalid": ("MALFORMED_VALUE_ERROR", "vct is missing, malformed or cyclic"),
    # the wallet protocols (OpenID4VCI, OpenID4VP, DCQL), one area: the HTTP answers carry the specs' own
    # error names (invalid_grant, invalid_proof, …; for OpenID4VP the mapping is thaivc.oid4vp.errors)
    "openid.malformed": (None, "a protocol message is malformed or misses a required parameter"),
    "openid.store": (None, "the protocol state store failed"),
    "openid.error_response": (None, "the other party answered a protocol request with an error"),
    "openid.unsupported": (None, "the other party asks for something this implementation does not support"),
    "openid.dcql_invalid": ("MALFORMED_VALUE_ERROR", "a DCQL query is malformed or uses what thaivc does not support"),
    "openid.credential_missing": (None, "a credential the query requires was not presented"),
    "openid.credential_unrequested": (None, "a credential the query did not ask for (or one too many) was presented"),
    "openid.credential_mismatch": (None, "a presented credential does not satisfy its credential query"),
    "openid.presentation_invalid": (None, "a presentation in the vp_token failed verification"),
    "openid.request_invalid": ("MALFORMED_VALUE_ERROR", "an authorization request or request object is malformed"),
    "openid.request_signature": ("CRYPTOGRAPHIC_SECURITY_ERROR", "the request object's signature does not verify"),
    "openid.client_id_mismatch": ("CRYPTOGRAPHIC_SECURITY_ERROR", "the client_id is not proven by the request"),
    "openid.response_invalid": ("MALFORMED_VALUE_ERROR", "an authorization response is malformed"),
    "openid.response_decrypt": ("CRYPTOGRAPHIC_SECURITY_ERROR", "an encrypted response does not decrypt"),
    "openid.transaction_unknown": (None, "no open transaction has this state, key or id (unknown or expired)"),
    "openid.transaction_finished": (None, "the transaction was already answered; a response is accepted once"),
    "openid.response_code_invalid": (None, "the response_code is unknown, used or for another transaction"),
    # status
    "status.revoked": (None, "the credential is revoked"),
    "status.suspended": (None, "the credential is suspended"),
    "status.unavailable": ("STATUS_RETRIEVAL_ERROR", "the status list could not be obtained"),
    "status.too_large": ("STATUS_RETRIEVAL_ERROR", "the status list inflates past the cap"),
    "status.list_too_short": ("STATUS_LIST_LENGTH_ERROR", "the status list is shorter than the minimum"),
    "status.verification": ("STATUS_VERIFICATION_ERROR", "the status list credential failed verification"),
    "status.index_invalid": ("RANGE_ERROR", "a status index is malformed or out of range"),
    "status.malformed": ("MALFORMED_VALUE_ERROR", "a credentialStatus entry is malformed"),
    "status.not_checked": (None, "credentialStatus present but no status checker configured"),
    "status.store": (None, "the issuer-side status store failed"),
    "status.orphan_reconciled": (
        None,
        "the credential's status index was revoked as an orphan before it was registered; issue under a new id",
    ),
    "status.unrecognized": (None, "an application-specific status value the verifier cannot vouch for"),
    # trust, schema, text
    "trust.untrusted_issuer": (None, "the issuer is not trusted for this credential type"),
    "trust.list_invalid": ("CRYPTOGRAPHIC_SECURITY_ERROR", "the trusted list is malformed or badly signed"),
    "trust.list_stale": (None, "the trusted list is past next_update"),
    "trust.list_unavailable": (None, "the trusted list could not be fetched"),
    "trust.x5c_invalid": ("MALFORMED_VALUE_ERROR", "an x5c header is not an array of base64 DER certificates"),
    "trust.x5c_untrusted": ("CRYPTOGRAPHIC_SECURITY_ERROR", "an x5c chain does not validate to a configured anchor"),
    "trust.x5c_issuer_mismatch": ("CRYPTOGRAPHIC_SECURITY_ERROR", "the x5c leaf certificate does not name the issuer"),
    "trust.metadata_unavailable": (None, "JWT VC issuer metadata could not be fetched"),
    "schema.invalid": ("MALFORMED_VALUE_ERROR", "the credential does not satisfy its credentialSchema"),
    "schema.unavailable": (None, "the credentialSchema is not bundled"),
    "text.forbidden_char": ("MALFORMED_VALUE_ERROR", "zero-width or bidi control characters in text"),
    # Thai semantics
    "thai.id_invalid": ("MALFORMED_VALUE_ERROR", "not a valid 13-digit identifier"),
    "thai.laser_invalid": ("MALFORMED_VALUE_ERROR", "not a valid laser code"),
    "thai.date_invalid": ("MALFORMED_VALUE_ERROR", "not a valid Buddhist-Era date"),
    "thai.name_invalid": ("MALFORMED_VALUE_ERROR", "a malformed name or name part"),
    "thai.address_invalid": ("MALFORMED_VALUE_ERROR", "a malformed address field or postcode"),
    "assurance.too_low": (None, "assurance level below policy"),
    "assurance.invalid": ("MALFORMED_VALUE_ERROR", "not a known assurance level"),
    "assurance.evidence_invalid": ("MALFORMED_VALUE_ERROR", "an evidence entry is malformed or inconsistent"),
    "authority.clause_unreadable": (None, "a signing clause could not be read with certainty"),
    "authority.not_satisfied": (None, "the signers do not satisfy the signing rule"),
    "authority.director_unmatched": (None, "a signer could not be bound to exactly one director"),
    "authority.entity_inactive": (None, "the juristic person is not active"),
    "authority.seal_required": (None, "the rule requires the company seal"),
    "authority.value_required": (None, "the applicable rule depends on the act's value, which was not given"),
    "authority.act_unclassified": (None, "the rule has scoped branches and the act-scope table cannot place the act"),
    "authority.company_data_mismatch": (None, "presented company data differs from the live register or another copy"),
    "authority.company_data_stale": (None, "presented company data is too old or has no validUntil"),
    "delegation.untrusted_root": (None, "the chain root is not issued by a trusted registry"),
    "delegation.not_attenuated": (None, "a link widens its parent's scope"),
    "delegation.broken_link": (None, "a link is not issued by its parent's attorney"),
    "delegation.chain_invalid": (None, "chain too long, cyclic, revoked, expired or badly nested"),
    "delegation.quorum_not_met": (None, "not enough distinct authorised signers"),
    "delegation.scope_exceeded": (None, "the act is outside the delegated scope"),
    "registry.unavailable": (None, "the registry could not be reached or answered badly"),
    "registry.rejected": (None, "the registry refused the request"),
    "registry.not_found": (None, "the registry has no such record"),
    "registry.issuer_mismatch": (None, "an OIDC ID token was not issued by the configured provider"),
    "registry.nonce_mismatch": (None, "an OIDC ID token does not carry this login's nonce (replay?)"),
    "registry.subject_mismatch": (None, "OIDC userinfo describes another subject than the ID token"),
    # the HTTP service (thaivc serve)
    "service.unsupported_media_type": (None, "the request body's Content-Type is not one the endpoint reads"),
    "service.not_found": (None, "no such resource"),
    "service.method_not_allowed": (None, "the resource does not answer this method"),
    "service.unauthorized": (None, "no valid bearer token or API key"),
    "service.forbidden": (None, "the client is authenticated but not allowed this action"),
    "service.rate_limited": (None, "too many requests from this client or address; retry later"),
    "service.body_timeout": (None, "the request body did not arrive in time (slow body)"),
    "service.bad_request": ("PARSING_ERROR", "the request is not the shape the endpoint takes"),
    "service.option_not_applicable": (None, "an option that does not apply to the chosen format or cryptosuite"),
    "service.unavailable": (None, "a dependency (database, key) is unavailable; retry later"),
    "config.invalid": (None, "the service configuration is invalid; every error is named"),
    "batch.bad_row": (None, "a batch input row cannot become a credential subject"),
    "batch.journal_mismatch": (
        None,
        "a batch output directory holds another batch, is not a batch's, or others can write it",
    ),
    # policy and misuse
    "policy.violation": (None, "the verifier policy refuses this input"),
    "usage.invalid_argument": (None, "an API was called with an invalid argument"),
    "usage.unsupported_format": (None, "the requested securing format is not supported"),
    "internal.error": (None, "an unexpected internal error; the input was not accepted"),
}

#: The codes of a store, database or signing service (KMS) that did not answer: an outage, never a
#: verdict on the request. Whoever answers a request over HTTP answers these 503 with ``Retry-After``
#: (the caller retries; nothing was decided, nothing issued) and never with the detail, which is the
#: dependency's own message and can name hosts, users, tables and key ARNs.
STORE_OUTAGE_CODES: Final = frozenset({"openid.store", "status.store", "service.unavailable", "key.signer_unavailable"})

_CODE_RE = re.compile(r"[a-z]+\.[a-z0-9_]+", re.ASCII)


def is_known_code(code: str) -> bool:
    return code in CODES


def problem_type_for(code: str) -> str | None:
    """The W3C ProblemDetails URL for ``code``, or ``None`` where no spec defines one."""
    entry = CODES.get(code)
    if entry is None or entry[0] is None:
        return None
    return PROBLEM_TYPES[entry[0]]


class ThaiVCError(Exception):
    """Base of every error thaivc raises on purpose.

    ``detail`` must never contain key material: error messages end up in logs.
    """

    code: str
    detail: str
    loc: tuple[str | int, ...]

    def __init__(self, code: str, detail: str = "", *, loc: tuple[str | int, ...] = ()) -> None:
        if not _CODE_RE.fullmatch(code):
            raise ValueError(f"malformed problem code {code!r}")
        self.code = code
        self.detail = detail or CODES.get(code, (None, code))[1]
        self.loc = loc
        super().__init__(f"{code}: {self.detail}")

    @property
    def problem_type(self) -> str | None:
        return problem_type_for(self.code)


class InputError(ThaiVCError):
    """The input is malformed or hostile (a negative verdict reached before any signature check)."""


class UsageError(ThaiVCError):
    """The library was called wrongly: a bug in the caller, not in the input."""


class Indeterminate(ThaiVCError):
    """The outcome could not be decided (network down, no resolver, budget spent). Never "valid"."""


class VerificationFailed(ThaiVCError):
    """Raised by ``Verifier.verify`` when the report is not ``verified``; carries the full report."""

    report: VerificationReport

    def __init__(self, report: VerificationReport) -> None:
        self.report = report
        first = report.problems[0] if report.problems else None
        code = first.code if first else "internal.error"
        detail = first.detail if first else "verification did not succeed"
        super().__init__(code, f"{report.status}: {detail}")
