"""Pydantic v2 models of the VCDM 2.0 data model: a typed, read-only view of a credential.

The models apply the same MUSTs as :mod:`thaivc.model.fast` (each field's validator calls the
shared rule in :mod:`thaivc.model._rules`) and raise the same :class:`~thaivc.core.errors.InputError`
codes: pydantic's own ``ValidationError`` is converted at the model boundary, so callers handle
one kind of error. They are frozen, and ``extra="allow"`` keeps every property the issuer added,
because VCDM 2.0 is extensible.

**Models never replace signed bytes.** A model is built from a payload *after* (or alongside) the
signature check over the bytes that were received; nothing is ever re-serialised from a model and
then verified, because ``model_dump`` normalises date-times and drops member order.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    field_validator,
    model_validator,
)

from thaivc.core.errors import InputError, ThaiVCError
from thaivc.model import _rules as r
from thaivc.model.timestamps import parse_datetime_stamp

__all__ = [
    "Credential",
    "CredentialSchema",
    "CredentialStatus",
    "CredentialSubject",
    "EnvelopedVerifiableCredential",
    "Evidence",
    "Holder",
    "Issuer",
    "LanguageText",
    "LanguageValue",
    "Presentation",
    "Proof",
    "RefreshService",
    "TermsOfUse",
]

_CODE_BY_FIELD: dict[str, str] = {
    "@context": "vc.context_invalid",
    "type": "vc.type_invalid",
    "id": "vc.id_invalid",
    "issuer": "vc.issuer_invalid",
    "credentialSubject": "vc.subject_invalid",
    "validFrom": "vc.datetime_invalid",
    "validUntil": "vc.datetime_invalid",
    "name": "vc.language_value_invalid",
    "description": "vc.language_value_invalid",
    "@value": "vc.language_value_invalid",
    "@language": "vc.language_value_invalid",
    "@direction": "vc.language_value_invalid",
}


def _as_input_error(exc: ValidationError, default: str, overrides: dict[str, str]) -> InputError:
    """Turn pydantic's first error into the code the fast validator would have raised.

    Rarely reached: every VCDM rule runs first in a ``before`` validator and raises the exact
    code itself; this covers pydantic's own type checks. The innermost member name that has a
    code wins (``credentialStatus.type`` -> ``vc.type_invalid``); union tags such as ``str`` or
    ``list[Evidence]`` in pydantic's location are skipped.
    """
    first = exc.errors(include_url=False)[0]
    loc = tuple(first["loc"])
    names = [part for part in loc if isinstance(part, str)]
    code = default
    for part in reversed(names):
        if part in _CODE_BY_FIELD:
            code = _CODE_BY_FIELD[part]
            break
    if names and names[0] in overrides:
        code = overrides[names[0]]
    shown = ".".join(str(part) for part in loc) or "document"
    return InputError(code, f"{shown}: {first['msg']}"[:300], loc=loc)


class _Base(BaseModel):
    """Frozen, read by JSON member name only, and raising ``InputError`` (never ``ValidationError``).

    ``populate_by_name`` stays off on purpose: with it, a member called ``valid_until`` or
    ``credential_subject`` would fill the field that JSON-LD and every other verifier read from
    ``validUntil``/``credentialSubject``, so the model would see a different credential.
    """

    model_config = ConfigDict(frozen=True, extra="allow")
    _error_default: ClassVar[str] = "vc.malformed"
    _error_overrides: ClassVar[dict[str, str]] = {}
    #: top-level documents always convert; parts convert only for input of their own shape, so
    #: that pydantic can still try the other members of a union such as ``Evidence | list[Evidence]``
    _document_root: ClassVar[bool] = False

    @model_validator(mode="wrap")
    @classmethod
    def _typed_errors(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        try:
            return handler(data)
        except ValidationError as exc:
            if not (cls._document_root or isinstance(data, dict)):
                raise
            raise _as_input_error(exc, cls._error_default, cls._error_overrides) from None


class LanguageValue(_Base):
    """A language value object: ``{"@value": ..., "@language": ..., "@direction": ...}``."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    _error_default: ClassVar[str] = "vc.language_value_invalid"

    value: str = Field(alias="@value")
    language: str | None = Field(default=None, alias="@language")
    direction: Literal["ltr", "rtl"] | None = Field(default=None, alias="@direction")

    @model_validator(mode="before")
    @classmethod
    def _rules(cls, data: Any) -> Any:
        if isinstance(data, dict):
            r.require_language_value(data, ())
        return data


#: ``name`` / ``description``: plain text, one language value, or several.
LanguageText = str | LanguageValue | list[str | LanguageValue]


class _Named(_Base):
    name: LanguageText | None = None
    description: LanguageText | None = None

    @field_validator("name", "description", mode="before")
    @classmethod
    def _language(cls, value: Any, info: ValidationInfo) -> Any:
        r.require_language_value(value, (str(info.field_name),))
        return value


class Issuer(_Named):
    """An issuer given as an object: its ``id`` must be a URL (a DID for Thai issuers)."""

    id: str

    @model_validator(mode="before")
    @classmethod
    def _rules(cls, data: Any) -> Any:
        if isinstance(data, dict):
            r.require_party(data, "issuer", "vc.issuer_invalid", ())
        return data


class Holder(_Named):
    """A holder given as an object: its ``id`` must be a URL."""

    _error_default: ClassVar[str] = "vp.malformed"
    id: str

    @model_validator(mode="before")
    @classmethod
    def _rules(cls, data: Any) -> Any:
        if isinstance(data, dict):
            r.require_party(data, "holder", "vp.malformed", ())
        return data


class CredentialSubject(_Base):
    """One subject: at least one claim; an optional single-URL ``id``. Claims are extra fields."""

    _error_default: ClassVar[str] = "vc.subject_invalid"
    id: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _rules(cls, data: Any) -> Any:
        if isinstance(data, dict):
            r.require_subjects(data, ())
        return data


class _Typed(_Base):
    """An object that MUST carry a ``type`` and MAY carry a single-URL ``id``."""

    _field: ClassVar[str] = ""
    _id_required: ClassVar[bool] = False
    id: str | None = None
    type: str | list[str]

    @model_validator(mode="before")
    @classmethod
    def _rules(cls, data: Any) -> Any:
        if isinstance(data, dict):
            r.require_typed_objects(data, cls._field, (), id_required=cls._id_required)
        return data

    @property
    def types(self) -> tuple[str, ...]:
        """``type`` as a tuple, whether it was written as a string or a list."""
        return (self.type,) if isinstance(self.type, str) else tuple(self.type)


class CredentialStatus(_Typed):
    """``credentialStatus`` (e.g. ``BitstringStatusListEntry``); checked by the status engine."""

    _field: ClassVar[str] = "credentialStatus"


class CredentialSchema(_Typed):
    """``credentialSchema``: both ``id`` and ``type`` are required (VCDM 2.0 §4.11)."""

    _field: ClassVar[str] = "credentialSchema"
    _id_required: ClassVar[bool] = True
    id: str


class Evidence(_Typed):
    """``evidence``: how the issuer checked the claims (for Thai IDs: the IAL procedure)."""

    _field: ClassVar[str] = "evidence"


class TermsOfUse(_Typed):
    """``termsOfUse``: policies the issuer or holder attach."""

    _field: ClassVar[str] = "termsOfUse"


class RefreshService(_Typed):
    """``refreshService``: where a fresh copy of the credential can be requested."""

    _field: ClassVar[str] = "refreshService"


class Proof(_Typed):
    """An embedded proof; the fields of a ``DataIntegrityProof`` are typed, others kept as extra.

    Only the data-model shape is checked here; :mod:`thaivc.di` decides whether it verifies.
    """

    _field: ClassVar[str] = "proof"
    cryptosuite: str | None = None
    created: str | None = None
    expires: str | None = None
    verification_method: str | None = Field(default=None, alias="verificationMethod")
    proof_purpose: str | None = Field(default=None, alias="proofPurpose")
    proof_value: str | None = Field(default=None, alias="proofValue")
    domain: str | list[str] | None = None
    challenge: str | None = None
    nonce: str | None = None
    previous_proof: str | list[str] | None = Field(default=None, alias="previousProof")


#: default for fields VCDM 2.0 requires: validated anyway (``validate_default``), so a missing
#: member is reported by the same rule, in the same order, as in the fast validator
_REQUIRED: Any = None


class _Document(_Base):
    """What a credential and a presentation validate alike: ``@context``, ``type``, ``id``, names.

    Subclasses name their required type and the codes for a malformed document and a bad ``type``;
    the validators are shared so that the two documents cannot drift apart.
    """

    _what: ClassVar[str]
    _required_type: ClassVar[str]
    _malformed_code: ClassVar[str]
    _type_code: ClassVar[str]

    @model_validator(mode="before")
    @classmethod
    def _document(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            raise InputError(cls._malformed_code, f"a {cls._what} must be a JSON object")
        if "@context" not in data:
            raise InputError("vc.context_invalid", "@context is missing", loc=("@context",))
        return data

    @field_validator("context", mode="before", check_fields=False)
    @classmethod
    def _context(cls, value: Any) -> Any:
        r.require_context(value, ())
        return [value] if isinstance(value, str) else value

    @field_validator("type", mode="before", check_fields=False)
    @classmethod
    def _type(cls, value: Any) -> Any:
        r.require_types(value, cls._required_type, cls._type_code, ())
        return [value] if isinstance(value, str) else value

    @field_validator("id", mode="before", check_fields=False)
    @classmethod
    def _id(cls, value: Any) -> Any:
        r.require_id(value, ())
        return value

    @field_validator("name", "description", mode="before", check_fields=False)
    @classmethod
    def _language(cls, value: Any, info: ValidationInfo) -> Any:
        r.require_language_value(value, (str(info.field_name),))
        return value


class Credential(_Document):
    """A VCDM 2.0 verifiable credential (the unsecured document or a decoded ``vc+jwt`` payload).

    Fields are declared in the order :func:`thaivc.model.require_credential` checks them, so both
    report the same first problem.
    """

    _document_root: ClassVar[bool] = True
    _what: ClassVar[str] = "credential"
    _required_type: ClassVar[str] = r.VC_TYPE
    _malformed_code: ClassVar[str] = "vc.malformed"
    _type_code: ClassVar[str] = "vc.type_invalid"
    context: list[str | dict[str, Any]] = Field(alias="@context")
    type: list[str] = Field(default=_REQUIRED, validate_default=True)
    id: str | None = None
    issuer: str | Issuer = Field(default=_REQUIRED, validate_default=True)
    credential_subject: CredentialSubject | list[CredentialSubject] = Field(
        default=_REQUIRED, validate_default=True, alias="credentialSubject"
    )
    valid_from: datetime | None = Field(default=None, alias="validFrom")
    valid_until: datetime | None = Field(default=None, alias="validUntil")
    name: LanguageText | None = None
    description: LanguageText | None = None
    credential_status: CredentialStatus | list[CredentialStatus] | None = Field(
        default=None, alias="credentialStatus"
    )
    credential_schema: CredentialSchema | list[CredentialSchema] | None = Field(
        default=None, alias="credentialSchema"
    )
    evidence: Evidence | list[Evidence] | None = None
    terms_of_use: TermsOfUse | list[TermsOfUse] | None = Field(default=None, alias="termsOfUse")
    refresh_service: RefreshService | list[RefreshService] | None = Field(
        default=None, alias="refreshService"
    )
    proof: Proof | list[Proof] | None = None


    @field_validator("issuer", mode="before")
    @classmethod
    def _issuer(cls, value: Any) -> Any:
        r.require_party(value, "issuer", "vc.issuer_invalid", ())
        return value

    @field_validator("credential_subject", mode="before")
    @classmethod
    def _subject(cls, value: Any) -> Any:
        r.require_subjects(value, ())
        return value

    @field_validator("valid_from", mode="before")
    @classmethod
    def _valid_from(cls, value: Any) -> datetime:
        return parse_datetime_stamp(value, field="validFrom")[0]

    @field_validator("valid_until", mode="before")
    @classmethod
    def _valid_until(cls, value: Any, info: ValidationInfo) -> datetime:
        end = parse_datetime_stamp(value, field="validUntil")[0]
        start = info.data.get("valid_from")
        if start is not None and end < start:
            raise InputError("vc.validity_range", "validUntil is before validFrom", loc=("validUntil",))
        return end


    @field_validator(
        "credential_status",
        "credential_schema",
        "evidence",
        "terms_of_use",
        "refresh_service",
        "proof",
        mode="before",
    )
    @classmethod
    def _typed(cls, value: Any, info: ValidationInfo) -> Any:
        field = _ALIASES[str(info.field_name)]
        r.require_typed_objects(value, field, (), id_required=field == "credentialSchema")
        return value

    # -- conveniences ---------------------------------------------------------------------------

    @property
    def issuer_id(self) -> str:
        """The issuer's URL, whether ``issuer`` was a string or an object."""
        return self.issuer if isinstance(self.issuer, str) else self.issuer.id

    @property
    def subjects(self) -> tuple[CredentialSubject, ...]:
        """``credentialSubject`` as a tuple."""
        subject = self.credential_subject
        return (subject,) if isinstance(subject, CredentialSubject) else tuple(subject)


_ALIASES: dict[str, str] = {
    "credential_status": "credentialStatus",
    "credential_schema": "credentialSchema",
    "evidence": "evidence",
    "terms_of_use": "termsOfUse",
    "refresh_service": "refreshService",
    "proof": "proof",
}


class EnvelopedVerifiableCredential(_Base):
    """A credential secured by an enveloping format, carried as ``data:<media type>,<token>``.

    The token is opaque here: it is only read after its own signature check by the securing
    layer (``thaivc.jose`` / ``thaivc.sdjwt``).
    """

    _document_root: ClassVar[bool] = True
    context: str | list[str | dict[str, Any]] = Field(alias="@context")
    id: str
    type: str | list[str]

    @model_validator(mode="before")
    @classmethod
    def _rules(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            raise InputError("vc.malformed", "an enveloped credential must be an object")
        r.require_enveloped(data, ())
        return data

    @property
    def media_type(self) -> str:
        """The media type of the enveloped token, e.g. ``application/vc+jwt``."""
        parts = r.parse_data_url(self.id)
        assert parts is not None  # checked on construction
        return parts[0]

    @property
    def token(self) -> str:
        """The enveloped token (the part after the comma), exactly as received."""
        parts = r.parse_data_url(self.id)
        assert parts is not None
        return parts[2]


class Presentation(_Document):
    """A VCDM 2.0 verifiable presentation with embedded or enveloped credentials.

    Fields are declared in the order :func:`thaivc.model.require_presentation` checks them.
    """

    _document_root: ClassVar[bool] = True
    _what: ClassVar[str] = "presentation"
    _required_type: ClassVar[str] = r.VP_TYPE
    _malformed_code: ClassVar[str] = "vp.malformed"
    _type_code: ClassVar[str] = "vp.malformed"
    _error_default: ClassVar[str] = "vp.malformed"
    _error_overrides: ClassVar[dict[str, str]] = {"type": "vp.malformed", "holder": "vp.malformed"}

    context: list[str | dict[str, Any]] = Field(alias="@context")
    type: list[str] = Field(default=_REQUIRED, validate_default=True)
    id: str | None = None
    holder: str | Holder | None = None
    name: LanguageText | None = None
    description: LanguageText | None = None
    verifiable_credential: tuple[Credential | EnvelopedVerifiableCredential, ...] = Field(
        default=(), alias="verifiableCredential"
    )
    proof: Proof | list[Proof] | None = None


    @field_validator("holder", mode="before")
    @classmethod
    def _holder(cls, value: Any) -> Any:
        r.require_party(value, "holder", "vp.malformed", ())
        return value


    @field_validator("verifiable_credential", mode="wrap")
    @classmethod
    def _credentials(
        cls, value: Any, handler: ValidatorFunctionWrapHandler
    ) -> tuple[Credential | EnvelopedVerifiableCredential, ...]:
        """Each entry is built as a credential or an enveloped credential by its ``type``.

        The handler is deliberately not called: the entries are complete models already, and a
        union would otherwise try to re-read one kind as the other.
        """
        items = [value] if isinstance(value, dict) else value
        if not isinstance(items, list):
            raise InputError(
                "vp.malformed", "verifiableCredential must be objects", loc=("verifiableCredential",)
            )
        parsed: list[Credential | EnvelopedVerifiableCredential] = []
        for index, item in enumerate(items):
            here: tuple[str | int, ...] = ("verifiableCredential", index)
            if not isinstance(item, dict):
                raise InputError("vp.malformed", "a verifiableCredential entry must be an object", loc=here)
            try:
                if r.is_enveloped(item):
                    parsed.append(EnvelopedVerifiableCredential.model_validate(item))
                else:
                    parsed.append(Credential.model_validate(item))
            except ThaiVCError as exc:
                raise InputError(exc.code, exc.detail, loc=(*here, *exc.loc)) from None
        return tuple(parsed)

    @field_validator("proof", mode="before")
    @classmethod
    def _proof(cls, value: Any) -> Any:
        r.require_typed_objects(value, "proof", ())
        return value

    @property
    def holder_id(self) -> str | None:
        """The holder's URL, whether ``holder`` was a string or an object."""
        if self.holder is None or isinstance(self.holder, str):
            return self.holder
        return self.holder.id
