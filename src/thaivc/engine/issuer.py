"""The issuer role: turns a credential into a secured credential in a chosen format.

Issuance is where text is normalised: every string of the credential is put in Unicode NFC before
signing (Thai tone marks and below-vowels are reordered by NFC, so two spellings of one name would
otherwise yield two different signed documents), and zero-width or bidi control characters are
refused. Verifiers never normalise; they check the bytes they received.

Issuance also runs the checks a verifier runs, with the verifier's own functions (:func:`require_issuable`):
the data model, the ``validFrom``/``validUntil`` year (a Buddhist-Era year is refused), every
named JSON Schema plus, for thaivc's own credential types, their bundled schema always, and the
JSON-LD context rules of Data Integrity for every format (RDFC proofs: no data loss either).
Signing what every verifier then refuses helps no one, and a type name must never stand for data
its schema would refuse.
"""

from __future__ import annotations

import copy
import functools
import logging
import math
import re
import unicodedata
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final, Literal

import orjson
from typing_extensions import deprecated

from thaivc.contexts.vocab import OWN_TYPES
from thaivc.core import fastpath
from thaivc.core.clock import Clock, SystemClock
from thaivc.core.errors import ThaiVCError, UsageError
from thaivc.jose.compact import sign_compact, sign_compact_json
from thaivc.keys import PublicKey, Signer
from thaivc.model import parse_datetime_stamp, require_credential, require_plausible_year

if TYPE_CHECKING:
    from thaivc.contexts import ContextRegistry
    from thaivc.did import UniversalResolver
    from thaivc.status.publish import StatusOption

__all__ = [
    "IssuedCredential",
    "Issuer",
    "PreparedIssue",
    "check_issuable",
    "jwt_validity_claims",
    "normalize_document",
    "own_schemas",
    "require_issuable",
    "require_plausible_times",
    "require_schemas",
    "require_sd_mandatory",
    "require_withheld_view",
    "to_xsd_datetime",
]

#: One line per credential issued, at INFO (``thaivc.issue``): format and types, never claim values.
_log = logging.getLogger("thaivc.issue")

Format = Literal["vc+jwt", "di", "dc+sd-jwt"]


@dataclass(frozen=True, slots=True)
class IssuedCredential:
    """What :meth:`Issuer.issue_with_id` made: the secured credential and the ``id`` it carries.

    The id is what revocation, suspension and an issuance log are keyed by; it is returned so that
    nobody has to parse their own token back to learn it.
    """

    credential: str | dict[str, Any]
    id: str

@dataclass(frozen=True, slots=True, eq=False)
class PreparedIssue:
    """A ``dc+sd-jwt`` credential checked by :meth:`Issuer.prepare_sd_jwt`, awaiting status and signature.

    A batch checks every row before it allocates status indices (a refused row must hold none),
    and :meth:`Issuer.issue` would then run the same checks again; this carries the checked claims
    to :meth:`Issuer.issue_prepared` instead. ``fingerprint`` is the claims' JSON text at the time
    of the check: claims changed since are refused, never signed unchecked.
    """

    issuer: Issuer
    claims: dict[str, Any]
    disclosable: tuple[str, ...]
    holder: PublicKey | dict[str, Any] | None
    decoys: int
    fingerprint: bytes

    @property
    def id(self) -> str | None:
        """The credential's ``id`` (``None`` if it has none)."""
        given = self.claims.get("id")
        return given if isinstance(given, str) else None


#: Zero-width and bidirectional controls: invisible, and able to make two names look alike.
FORBIDDEN_CHARS: Final = frozenset(
    "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
)


_FORBIDDEN: Final = re.compile("[" + "".join(sorted(FORBIDDEN_CHARS)) + "]")


def to_xsd_datetime(timestamp: float) -> str:
    """An XSD dateTimeStamp in UTC with second precision, e.g. ``2026-11-25T10:00:00Z``."""
    return datetime.fromtimestamp(int(timestamp), tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def normalize_document(value: Any, path: tuple[str | int, ...] = ()) -> Any:
    """A deep copy of ``value`` with every string (keys too) in NFC; refuses hidden controls.

    A document with nothing to change or refuse — almost every one — is copied by
    :func:`_normalized_copy` at C speed; the walk below, which names the location of what it
    refuses, runs only for the others (issue 16: the walk built a path for every value it passed).
    """
    return _normalize_tracked(value, path)[0]


def _normalize_tracked(value: Any, path: tuple[str | int, ...] = ()) -> tuple[Any, bool]:
    """:func:`normalize_document`, and whether the copy is orjson's (so made of JSON values only)."""
    if fastpath.ON[0] and not path:
        copied = _normalized_copy(value)
        if copied is not None:
            return copied, True
    return _normalize_walk(value, path), False


def _plain_text(payload: dict[str, Any]) -> bytes | None:
    """orjson's text of a payload made of JSON values only (orjson's copy, a str issuer and
    ``validFrom``, an int ``iat``): nothing to read back; ``None`` (an ``iat`` past 64 bits) leaves
    it to :func:`sign_compact`, which words the refusal."""
    try:
        return orjson.dumps(payload)
    except orjson.JSONEncodeError:
        return None


fastpath.register(
    "engine.issuer plain payload",
    "vc+jwt issue: a payload made of orjson's own copy is written once, not written and read back, ~3 µs",
    lambda: None,
)


def _normalized_copy(value: Any) -> Any | None:
    """``value`` copied through orjson when that provably equals :func:`_normalize_walk`; else ``None``.

    The copy must equal the input (so no tuple, NaN, infinity, non-string key or foreign type was
    turned into JSON), and the serialised text must hold no forbidden character and be NFC. JSON
    text is NFC only if every string in it is: orjson escapes nothing but quotes, backslashes and
    ASCII controls, characters that compose with nothing, so each string stands in the text as it
    is, between quotes that compose with nothing either.
    """
    try:
        text = orjson.dumps(value)
    except orjson.JSONEncodeError:
        return None
    copied = orjson.loads(text)
    if copied != value:
        return None
    decoded = text.decode("utf-8")
    # every forbidden character's UTF-8 starts with byte E2 or EF: most documents have neither
    if (b"\xe2" in text or b"\xef" in text) and _FORBIDDEN.search(decoded):
        return None
    if not unicodedata.is_normalized("NFC", decoded):
        return None
    return copied


def _normalize_walk(value: Any, path: tuple[str | int, ...]) -> Any:
    """The exact normalisation, value by value, with the location of anything refused."""
    if isinstance(value, str):
        if not FORBIDDEN_CHARS.isdisjoint(value):
            raise ThaiVCError("text.forbidden_char", "zero-width or bidi control character in text", loc=path)
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        for key in value:
            if not isinstance(key, str):  # json.dumps would sign 1 as "1": not what the caller wrote
                where = (*path, key if isinstance(key, int) else repr(key)[:40])
                raise ThaiVCError("json.not_ijson", f"a member name is {type(key).__name__}, not a string", loc=where)
        return {_normalize_walk(k, (*path, k)): _normalize_walk(v, (*path, k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_normalize_walk(v, (*path, i)) for i, v in enumerate(value)]
    if isinstance(value, float) and not math.isfinite(value):
        # NaN, and infinities, which json.dumps would refuse with a bare ValueError at signing
        raise ThaiVCError("json.not_ijson", f"{value} cannot be issued", loc=path)
    if value is not None and not isinstance(value, bool | int | float):
        # a set, bytes, a date, any object: JSON has no such value (json.dumps raised TypeError)
        raise ThaiVCError("json.not_ijson", f"a {type(value).__name__} is not a JSON value", loc=path)
    return copy.deepcopy(value)


def require_plausible_times(doc: dict[str, Any]) -> None:
    """``validFrom``/``validUntil`` as the verifier reads them: XSD dateTimeStamps in a plausible year.

    A Buddhist-Era year (2569 for 2026) is a valid XSD year, so only the plausibility check catches
    it; the verifier refuses it as ``time.implausible_year``, so the issuer refuses to sign it.
    """
    for name in ("validFrom", "validUntil"):
        if name in doc:
            value = doc[name]
            if type(value) is str:
                _plausible_stamp(value, name)  # a refused value raises, and is never remembered
            else:
                moment, _ = parse_datetime_stamp(value, field=name)
                require_plausible_year(moment, field=name)


@fastpath.memo("engine.issuer plausible date-time stamps", "vc+jwt issue: validFrom/validUntil read once, ~2 µs", 1024)
def _plausible_stamp(value: str, name: str) -> None:
    """:func:`require_plausible_times` for one string: issuers repeat the same instants."""
    moment, _ = parse_datetime_stamp(value, field=name)
    require_plausible_year(moment, field=name)


def jwt_validity_claims(doc: dict[str, Any]) -> dict[str, int]:
    """``exp``/``nbf`` for ``validUntil``/``validFrom``: what every SD-JWT VC verifier reads.

    An SD-JWT VC verifier that does not know the VCDM body judges time by ``exp`` and ``nbf`` only
    (SD-JWT VC §3.2.2.2); without them a thaivc credential would stay valid everywhere else after
    it expired. ``exp`` is rounded down and ``nbf`` up, so neither widens the validity window. A
    caller who already set one to another instant is refused: the two could not both be right.
    """
    claims: dict[str, int] = {}
    for vcdm, jwt, rounding in (("validUntil", "exp", math.floor), ("validFrom", "nbf", math.ceil)):
        if vcdm not in doc:
            continue
        moment, _ = parse_datetime_stamp(doc[vcdm], field=vcdm)
        value = int(rounding(moment.timestamp()))
        given = doc.get(jwt)
        if given is not None and given != value:
            raise UsageError("usage.invalid_argument", f"{jwt} ({given!r}) is not {vcdm} ({doc[vcdm]})")
        claims[jwt] = value
    return claims


def own_schemas(doc: dict[str, Any]) -> list[str]:
    """The bundled schemas of thaivc's own types that ``doc`` is typed as (by thaivc's context)."""
    types, contexts = doc.get("type"), doc.get("@context")
    type_list = types if isinstance(types, list) else [types]
    context_list = contexts if isinstance(contexts, list) else [contexts]
    return [
        schema for name, (context, schema) in OWN_TYPES.items() if name in type_list and context in context_list
    ]


def require_schemas(doc: dict[str, Any], *, own: list[str] | None = None, disclosed_view: bool = False) -> None:
    """Every schema the verifier would check, and thaivc's own types' schemas whether named or not.

    ``own`` overrides the own-type schemas (default: :func:`own_schemas` of ``doc``), for a view of
    a credential that may have lost its ``type`` entries. A named schema that is not bundled is
    passed, as the verifier's default policy skips it with a warning; it stays the caller's to vet.
    ``disclosed_view`` reads ``doc`` as an SD-JWT view (withholdable required claims may be absent).
    """
    schemas = own_schemas(doc) if own is None else own
    if not schemas and "credentialSchema" not in doc:
        return  # nothing to validate: jsonschema is not even imported
    from thaivc.model.schema import validate_against_schema, validate_credential_schema

    for schema_id in schemas:
        validate_against_schema(doc, schema_id, disclosed_view=disclosed_view)
    if "credentialSchema" not in doc:
        return
    try:
        validate_credential_schema(doc, disclosed_view=disclosed_view)
    except ThaiVCError as err:
        if err.code != "schema.unavailable":
            raise


def require_issuable(doc: dict[str, Any], *, contexts: ContextRegistry | None = None) -> None:
    """Refuse to sign what a verifier refuses: model, time plausibility, schemas, JSON-LD contexts.

    Each step is the verifier's own check (:func:`thaivc.model.require_credential`,
    :func:`require_plausible_times`, :func:`require_schemas`, :func:`thaivc.engine.verify.di.require_contexts`),
    run on the unsecured document for every format. The context rules are those Data Integrity
    applies to every proof: only allowlisted contexts, never fetched, no inline ``@vocab`` or
    ``@base``, no redefined term; a ``vc+jwt`` or SD-JWT VC is held to them as a JCS proof is, since
    all three sign the JSON itself. An RDFC proof also needs every term to expand (nothing unsigned):
    :func:`thaivc.di.add_proof` checks that for those suites, as the verifier does. Raises the
    verifier's code (``vc.*``, ``time.implausible_year``, ``schema.invalid``, ``di.*``).
    """
    require_contexts, default_contexts, require_related_entries = _issuance_rules()
    require_credential(doc)
    require_related_entries(doc)
    require_plausible_times(doc)
    require_schemas(doc)
    require_contexts(doc, default_contexts() if contexts is None else contexts)


@functools.cache
def _issuance_rules() -> tuple[
    Callable[..., None], Callable[[], ContextRegistry], Callable[[dict[str, Any]], object]
]:
    """The verifier's context and related-resource rules, imported on first use and then kept
    (an import statement costs ~0.7 µs on every call; issue 16, the ``vc+jwt`` issue row)."""
    from thaivc.engine.verify.di import default_contexts, require_contexts
    from thaivc.model.related import require_related_entries

    return require_contexts, default_contexts, require_related_entries


def require_withheld_view(doc: dict[str, Any], disclosable: Sequence[str]) -> None:
    """Refuse disclosable claims whose absence would leave a credential the verifier refuses.

    The SD-JWT rule is "checked when disclosed": a claim may be disclosable, even one its schema
    requires, unless it fixes what the credential is — ``@context``, the issuer, the type, validity,
    schema, status, subject id and a thaivc type's assurance level
    (:func:`thaivc.contexts.disclosure.must_stay_visible`). What is left when the holder withholds
    everything must still pass the data model and the schemas read as the verifier reads a disclosed
    view (required claims that may be withheld are required only when disclosed).
    """
    if not disclosable or isinstance(disclosable, str):
        return
    from thaivc.contexts.disclosure import fixed_among, must_stay_visible
    from thaivc.sdjwt import withheld_view

    fixed = fixed_among(doc, disclosable)
    if fixed:
        raise UsageError(
            "usage.invalid_argument",
            f"{', '.join(sorted(fixed))[:200]} must stay plaintext: it fixes what the credential is and how its "
            f"schema reads the other claims ({', '.join(must_stay_visible(doc))})",
        )
    view = withheld_view(doc, disclosable)
    try:
        require_credential(view)
        require_schemas(view, own=own_schemas(doc), disclosed_view=True)
    except ThaiVCError as err:
        raise UsageError(
            "usage.invalid_argument",
            f"withheld, the disclosable claims leave a credential its schema or the data model refuses "
            f"({err.code}: {err.detail})",
        ) from None


def require_sd_mandatory(doc: dict[str, Any], requested: Sequence[str]) -> list[str]:
    """The mandatory pointers of an ``ecdsa-sd-2023`` credential: ``requested`` plus the table of
    :mod:`thaivc.contexts.disclosure`; refused when the least a holder could reveal would be a
    credential the data model or its schema refuses (as :func:`require_withheld_view` for SD-JWT).
    """
    from thaivc.contexts.disclosure import mandatory_pointers
    from thaivc.di.sd.pointers import require_pointers, select_json_ld

    if isinstance(requested, str):
        raise UsageError("usage.invalid_argument", "mandatory_pointers is a list of JSON pointers, not one string")
    pointers = mandatory_pointers(doc, require_pointers(requested))
    view = select_json_ld(doc, pointers) or {}
    _refuse_view(
        view,
        doc,
        "with only its mandatory claims revealed, this credential is one its schema or the data model "
        "refuses ({}); make the claims the schema requires mandatory",
    )
    return pointers


def _refuse_view(view: dict[str, Any], doc: dict[str, Any], message: str) -> None:
    """The least a holder could reveal (``view``) must be a credential the verifier accepts:
    the data model and every schema ``doc`` names. ``message`` says why, around ``{}``."""
    try:
        require_credential(view)
        require_schemas(view, own=own_schemas(doc))
    except ThaiVCError as err:
        raise UsageError("usage.invalid_argument", message.format(f"{err.code}: {err.detail}")) from None


def _subject_jwk(doc: dict[str, Any]) -> PublicKey | None:
    """The public key of a did:key / did:jwk subject, resolved offline (None for other subjects).

    The key itself, not its JWK: it was validated when the DID was resolved, and
    :func:`thaivc.sdjwt.issue_sd_jwt` takes it as it is instead of validating its JWK again.
    """
    subject = doc.get("credentialSubject")
    subject_id = subject.get("id") if isinstance(subject, dict) else None
    if not isinstance(subject_id, str) or not subject_id.startswith(("did:key:", "did:jwk:")):
        return None
    document = _offline_resolver().resolve(subject_id)
    methods = document.verification_methods
    return methods[0].public_key if methods else None


@functools.cache
def _offline_resolver() -> UniversalResolver:
    """One did:key / did:jwk resolver for the process: it is configured by nothing, and building one
    per credential (its methods checked against the resolver protocol) cost more than resolving."""
    from thaivc.did import UniversalResolver

    return UniversalResolver()


class Issuer:
    """Signs credentials with one key. The issuer id defaults to the key's DID."""

    def __init__(
        self,
        key: Signer,
        *,
        issuer_id: str | None = None,
        clock: Clock | None = None,
        fully_specified_alg: bool = False,
    ) -> None:
        """``fully_specified_alg`` signs JOSE formats with RFC 9864's ``Ed25519`` instead of ``EdDSA``.

        Off by default: every verifier reads ``EdDSA``, and only newer ones read ``Ed25519``.
        """
        self.issuer_id = issuer_id or key.kid.split("#", 1)[0]
        #: An https issuer has no DID document: its tokens name the key by its thumbprint, the
        #: ``kid`` its JWT VC Issuer Metadata publishes (:func:`thaivc.sdjwt.issuer_metadata_document`).
        self.key: Signer = _HttpsKeySigner(key) if self.issuer_id.startswith("https://") else key
        self._di_key = key  # a Data Integrity proof names a resolvable verification method, never a thumbprint
        self.clock: Clock = clock or SystemClock()
        self.fully_specified_alg = fully_specified_alg

    def prepare(self, credential: dict[str, Any] | Any) -> dict[str, Any]:
        """Normalise, fill in ``issuer`` and ``validFrom``, and run every verifier check (:func:`require_issuable`)."""
        doc = self._fill(credential)
        require_issuable(doc)
        return doc

    def _fill(self, credential: dict[str, Any] | Any) -> dict[str, Any]:
        """Normalise; an absent ``issuer`` becomes this key's, an absent ``validFrom`` now.

        Only an *absent* member is filled in: ``"issuer": null`` is a mistake in the input, not a
        request for a default, and is refused.
        """
        return self._fill_tracked(credential)[0]

    def _fill_tracked(self, credential: dict[str, Any] | Any) -> tuple[dict[str, Any], bool]:
        """:meth:`_fill`, and whether the document is made of JSON values only (orjson's copy)."""
        if hasattr(credential, "model_dump"):
            credential = credential.model_dump(by_alias=True, exclude_none=True, mode="json")
        if not isinstance(credential, dict):
            raise UsageError("usage.invalid_argument", "a credential is a dict or a thaivc.model.Credential")
        doc: dict[str, Any]
        doc, plain = _normalize_tracked(credential)
        if "issuer" in doc and doc["issuer"] is None:
            raise UsageError("usage.invalid_argument", "issuer is null: leave it out for this key's id, or name it")
        issuer = doc.get("issuer")
        if issuer is None:
            doc["issuer"] = self.issuer_id
        else:
            given = issuer if isinstance(issuer, str) else issuer.get("id") if isinstance(issuer, dict) else None
            if given != self.issuer_id:
                raise UsageError(
                    "usage.invalid_argument", f"the credential names issuer {given!r}, but this key is {self.issuer_id}"
                )
        if "validFrom" not in doc:  # not computed for a credential that states its own (issue 16)
            doc["validFrom"] = to_xsd_datetime(self.clock.now())
        return doc, plain and type(self.issuer_id) is str

    def issue_with_id(self, credential: dict[str, Any] | Any, **kwargs: Any) -> IssuedCredential:
        """:meth:`issue`, returning the credential *and* its ``id`` (a fresh ``urn:uuid:`` if it had none).

        Takes the same keyword arguments as :meth:`issue`. A credential that names its own ``id``
        keeps it; the id must be a string (a URL), else ``usage.invalid_argument``.
        """
        doc = self._fill(credential)
        given = doc.get("id")
        if given is None:
            doc["id"] = given = f"urn:uuid:{uuid.uuid4()}"
        if not isinstance(given, str):
            raise UsageError("usage.invalid_argument", "a credential's id is a string (a URL)")
        secured = self.issue(doc, **kwargs)
        return IssuedCredential(secured, given)

    def issue(
        self,
        credential: dict[str, Any] | Any,
        *,
        format: Format = "vc+jwt",
        cryptosuite: str | None = None,
        disclosable: Sequence[str] = (),
        status: StatusOption | dict[str, Any] | None = None,
        **options: Any,
    ) -> Any:
        """Secure ``credential``: a compact JWS string for ``vc+jwt``.

        Other formats (``di``, ``dc+sd-jwt``) are provided by their modules through the same call.
        ``status`` is a :class:`~thaivc.status.StatusRegistry` (a revocation entry) or
        ``(registry, purposes)``: indices are allocated and the ``credentialStatus`` entries (W3C) or
        the ``status`` claim (IETF, for ``dc+sd-jwt``) are added before signing; a credential without
        an ``id`` gets a ``urn:uuid:`` one. A ready ``status`` claim (a dict) is kept as given.
        """
        doc, plain = self._fill_tracked(credential)
        if _log.isEnabledFor(logging.INFO):
            kinds = doc.get("type")
            shown = ",".join(t for t in kinds if isinstance(t, str)) if isinstance(kinds, list) else str(kinds)
            _log.info("issue format=%s types=%s status=%s", format, shown, "yes" if status is not None else "no")
        if status is not None and not isinstance(status, dict):
            from thaivc.status.publish import add_status

            doc = add_status(doc, status, format=format, issuer_id=self.issuer_id)
            plain = False
        elif status is not None:
            if format != "dc+sd-jwt":
                raise UsageError("usage.invalid_argument", "a ready status claim applies to dc+sd-jwt only")
            options["status"] = status
        # an SD-JWT VC's status claim is a JWT claim beside the VCDM body, as iss and vct are
        body = {k: v for k, v in doc.items() if k != "status"} if format == "dc+sd-jwt" else doc
        require_issuable(body, contexts=options.get("contexts") if format == "di" else None)
        if format == "vc+jwt":
            if cryptosuite or disclosable:
                raise UsageError("usage.invalid_argument", "cryptosuite/disclosable do not apply to vc+jwt")
            header = {"alg": self.key.algorithm, "typ": "vc+jwt", "kid": self.key.kid}
            payload = dict(doc)
            payload.setdefault("iat", int(self.clock.now()))
            text = _plain_text(payload) if plain and fastpath.ON[0] else None
            if text is not None:
                return sign_compact_json(header, text, self.key, fully_specified=self.fully_specified_alg)
            return sign_compact(header, payload, self.key, fully_specified=self.fully_specified_alg)
        if format == "di":
            if disclosable:
                raise UsageError("usage.invalid_argument", "disclosable does not apply to Data Integrity")
            return self._add_proof(doc, cryptosuite=cryptosuite, **options)
        if format == "dc+sd-jwt":
            if cryptosuite:
                raise UsageError("usage.invalid_argument", "cryptosuite does not apply to dc+sd-jwt")
            return self._issue_sd_jwt(doc, disclosable, **options)
        raise UsageError("usage.unsupported_format", f"format {format!r} is not supported")

    def _issue_sd_jwt(
        self,
        doc: dict[str, Any],
        disclosable: Sequence[str],
        *,
        holder_jwk: dict[str, Any] | None = None,
        vct: str | None = None,
        decoys: int = 0,
        status: dict[str, Any] | None = None,
    ) -> str:
        """SD-JWT VC with a VCDM 2.0 body (the national trust-framework draft's format).

        ``iss``/``iat``/``vct``/``cnf`` are plaintext claims; ``cnf.jwk`` is the holder's key, taken
        from ``holder_jwk`` or resolved offline from a did:key/did:jwk ``credentialSubject.id``.
        """
        claims = self._sd_claims(doc, vct)
        if status is not None:
            claims["status"] = status
        require_withheld_view(claims, disclosable)
        jwk = holder_jwk if holder_jwk is not None else _subject_jwk(doc)
        return self._sign_sd_jwt(claims, disclosable, jwk, decoys)

    def _sd_claims(self, doc: dict[str, Any], vct: str | None) -> dict[str, Any]:
        """The SD-JWT VC claims of ``doc``: the VCDM body plus ``iss``, ``iat``, ``exp``/``nbf``, ``vct``."""
        claims = dict(doc)
        claims["iss"] = self.issuer_id
        claims["iat"] = int(self.clock.now())
        claims.update(jwt_validity_claims(doc))
        if vct is None:
            types = [t for t in doc.get("type", []) if t != "VerifiableCredential"]
            vct = types[-1] if types else "VerifiableCredential"
            if self.issuer_id.startswith("https://"):
                from thaivc.sdjwt import vct_url

                vct = vct_url(self.issuer_id, vct)  # a type named by a URL the issuer controls
        claims["vct"] = vct
        return claims

    def _sign_sd_jwt(
        self,
        claims: dict[str, Any],
        disclosable: Sequence[str],
        holder: PublicKey | dict[str, Any] | None,
        decoys: int,
    ) -> str:
        from thaivc.sdjwt import JoseJwsSigner, issue_sd_jwt

        signer = JoseJwsSigner(self.key, fully_specified=True) if self.fully_specified_alg else self.key
        return issue_sd_jwt(claims, disclosable=list(disclosable), signer=signer, holder_jwk=holder, decoys=decoys)

    def prepare_sd_jwt(
        self,
        credential: dict[str, Any] | Any,
        *,
        disclosable: Sequence[str] = (),
        holder_jwk: dict[str, Any] | None = None,
        vct: str | None = None,
        decoys: int = 0,
    ) -> PreparedIssue:
        """Run every check :meth:`issue` makes for ``format="dc+sd-jwt"``, now; sign later.

        The checks are those of :meth:`issue` on the same claims (:func:`require_issuable` of the body,
        :func:`require_withheld_view` of the claims) and the holder key is resolved once; a status
        claim is added by :meth:`issue_prepared`, which re-checks the withheld view with it only
        where a schema could read it. ``iat`` is the time of this call.
        """
        if isinstance(disclosable, str):
            raise UsageError("usage.invalid_argument", "disclosable is a sequence of JSON pointers, not one string")
        doc = self._fill(credential)
        if "status" in doc:
            raise UsageError("usage.invalid_argument", "a prepared credential gets its status from issue_prepared")
        require_issuable(doc)
        claims = self._sd_claims(doc, vct)
        require_withheld_view(claims, disclosable)
        holder = holder_jwk if holder_jwk is not None else _subject_jwk(doc)
        try:
            fingerprint = orjson.dumps(claims)
        except orjson.JSONEncodeError:
            raise UsageError("usage.invalid_argument", "the claims are not JSON") from None
        return PreparedIssue(self, claims, tuple(disclosable), holder, decoys, fingerprint)

    def issue_prepared(self, prepared: PreparedIssue, *, status: dict[str, Any] | None = None) -> str:
        """Sign a credential :meth:`prepare_sd_jwt` checked, with its IETF ``status`` claim if given.

        What is signed is what :meth:`issue` would sign for the same document, status claim and
        ``iat``. Refused: a credential prepared by another issuer, or whose claims changed since.
        The status claim is a plaintext JWT claim beside the body; the withheld view (which holds
        it) is checked again when the credential is judged by a schema, the only check that could
        read it (the data model check does not look at ``status``).
        """
        if not isinstance(prepared, PreparedIssue) or prepared.issuer is not self:
            raise UsageError("usage.invalid_argument", "this credential was prepared by another issuer")
        claims = prepared.claims
        try:
            unchanged = orjson.dumps(claims) == prepared.fingerprint
        except orjson.JSONEncodeError:
            unchanged = False
        if not unchanged:
            raise UsageError("usage.invalid_argument", "the prepared claims changed after they were checked")
        if status is not None:
            claims = {**claims, "status": status}
            if "credentialSchema" in claims or own_schemas(claims):
                require_withheld_view(claims, prepared.disclosable)
        if _log.isEnabledFor(logging.INFO):
            _log.info("issue format=dc+sd-jwt prepared status=%s", "yes" if status is not None else "no")
        return self._sign_sd_jwt(claims, prepared.disclosable, prepared.holder, prepared.decoys)

    def add_proof(self, document: dict[str, Any], *, cryptosuite: str | None = None, **options: Any) -> Any:
        """Add this key's Data Integrity proof to ``document`` (signed already or not): a proof set.

        Options are those of :func:`thaivc.di.add_proof` (``proof_purpose``, ``created``,
        ``expires``, ``previous_proof``, ``proof_id``, ``contexts``, …); existing proofs are kept.
        A co-signature vouches for the credential as much as the first one, so a credential gets
        the same checks as :meth:`issue` (:func:`require_issuable`) before it is signed.
        """
        if _is_credential(document):
            unsecured = {key: value for key, value in document.items() if key != "proof"}
            require_issuable(unsecured, contexts=options.get("contexts"))
        return self._add_proof(document, cryptosuite=cryptosuite, **options)

    def _add_proof(self, document: dict[str, Any], *, cryptosuite: str | None = None, **options: Any) -> Any:
        from thaivc.di import ECDSA_SD_2023, add_proof, default_cryptosuite

        options.setdefault("clock", self.clock)
        suite = cryptosuite or default_cryptosuite(self._di_key.public_key.key_type)
        if suite == ECDSA_SD_2023.name and _is_credential(document):
            unsecured = {key: value for key, value in document.items() if key != "proof"}
            options["mandatory_pointers"] = require_sd_mandatory(unsecured, options.get("mandatory_pointers", ()))
        return add_proof(document, self._di_key, suite, **options)


class _HttpsKeySigner:
    """A signer whose ``kid`` is its key's RFC 7638 thumbprint, for an issuer named by an https URL."""

    __slots__ = ("_key",)

    def __init__(self, key: Signer) -> None:
        self._key = key

    @property
    def algorithm(self) -> str:
        return self._key.algorithm

    @property
    def kid(self) -> str:
        return self._key.public_key.thumbprint()

    @property
    def public_key(self) -> PublicKey:
        return self._key.public_key

    def sign(self, data: bytes) -> bytes:
        return self._key.sign(data)


def _is_credential(document: object) -> bool:
    """A document typed as a credential (not a presentation): what the issuance checks apply to."""
    if not isinstance(document, dict):
        return False
    types = document.get("type")
    type_list = types if isinstance(types, list) else [types]
    return "VerifiableCredential" in type_list and "VerifiablePresentation" not in type_list


# -- deprecated names (issue 10: one contract per verb) --


@deprecated("check_issuable is now require_issuable (docs/architecture.md, Verbs)")
def check_issuable(doc: dict[str, Any], *, contexts: ContextRegistry | None = None) -> None:
    """Deprecated: the old name of :func:`require_issuable`, which raises on what it refuses."""
    require_issuable(doc, contexts=contexts)
