"""The VCDM 2.0 MUSTs as small plain-Python checks, shared by the models and the fast validator.

Each check raises :class:`~thaivc.core.errors.InputError` with a stable ``vc.*``/``vp.*`` code and a
``loc`` path, and is written for the verify hot path: no allocation beyond the error, compiled
ASCII-only expressions, no JSON-LD processing. Because :mod:`thaivc.model.models` and
:mod:`thaivc.model.fast` call the *same* functions, the two cannot drift apart on a rule; a
hypothesis test checks they also agree on whole documents.

Nothing here rewrites a document: signatures are always checked over the bytes that were
received, never over a re-serialised model.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Final

from typing_extensions import deprecated

from thaivc.contexts import CREDENTIALS_V2
from thaivc.core import fastpath
from thaivc.core.errors import InputError
from thaivc.model.timestamps import parse_datetime_stamp

Loc = tuple[str | int, ...]

VC_TYPE: Final = "VerifiableCredential"
VP_TYPE: Final = "VerifiablePresentation"
ENVELOPED_VC_TYPE: Final = "EnvelopedVerifiableCredential"

# An absolute URL/IRI (RFC 3986 §3 / RFC 3987): an ASCII scheme, a colon, then no whitespace
# (Unicode whitespace included: no re.ASCII on that part), controls or characters RFC 3986
# excludes. Hand-written because no maintained, dependency-free IRI validator is available here.
_URL: Final = re.compile(r'[A-Za-z][A-Za-z0-9+.\-]*:[^\s"<>\\^`{|}\x00-\x1f\x7f]+')
# RFC 5646 well-formed tag, loosely (language subtag, then subtags); ASCII only.
_LANG: Final = re.compile(r"[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*", re.ASCII)
# data: URL of an enveloped credential/presentation: media type, optional parameters, payload.
_DATA_URL: Final = re.compile(
    r"data:(application/[A-Za-z0-9!#$&^_.+\-]+)((?:;[^,;]+)*),(.+)", re.ASCII | re.DOTALL
)
_LANGUAGE_KEYS: Final = frozenset({"@value", "@language", "@direction"})
_DIRECTIONS: Final = frozenset({"ltr", "rtl"})
#: tags that need no regular expression (a shortcut only: anything else is checked by _LANG)
_KNOWN_LANGUAGES: Final = frozenset(
    {"th", "en", "th-TH", "en-US", "en-GB", "fr", "de", "it", "ja", "zh", "lo", "my"}
)


#: Memo of strings already found to be URLs. Issuer, context, schema and status-list URLs repeat
#: across credentials, and a dict hit costs a tenth of the regular expression. Only positive
#: answers for short strings are kept, and the memo is emptied when full, so it stays bounded and
#: can never turn a bad value into a good one.
_KNOWN_URLS: Final[dict[str, bool]] = {}
_KNOWN_URLS_MAX: Final = 4096
_KNOWN_URL_MAX_LEN: Final = 512
fastpath.register("model URL memo", "a URL check a tenth of the regular expression's cost", _KNOWN_URLS.clear)


def is_url(value: object) -> bool:
    """True for a single absolute URL string (``did:``, ``urn:``, ``https:`` ...)."""
    if value.__class__ is not str:
        return False
    if value in _KNOWN_URLS:
        return True
    if _URL.fullmatch(value) is None:
        return False
    if len(value) <= _KNOWN_URL_MAX_LEN and fastpath.ON[0]:
        if len(_KNOWN_URLS) >= _KNOWN_URLS_MAX:
            _KNOWN_URLS.clear()
        _KNOWN_URLS[value] = True
    return True


def parse_data_url(value: str) -> tuple[str, str, str] | None:
    """Split ``data:<media type>[;params],<payload>`` into its parts, or ``None``."""
    match = _DATA_URL.fullmatch(value)
    if match is None:
        return None
    return match.group(1), match.group(2), match.group(3)


def require_context(value: object, loc: Loc = ()) -> None:
    """``@context``: an ordered set whose first item is exactly the VCDM 2.0 context URL."""
    if value == CREDENTIALS_V2:
        return
    if value.__class__ is not list or not value or value[0] != CREDENTIALS_V2:
        raise InputError(
            "vc.context_invalid", f"@context must start with {CREDENTIALS_V2}", loc=(*loc, "@context")
        )
    for index in range(1, len(value)):
        item = value[index]
        if item.__class__ is not dict and not is_url(item):
            raise InputError(
                "vc.context_invalid",
                "a context is neither a URL nor an object",
                loc=(*loc, "@context", index),
            )


def require_types(value: object, required: str | None, code: str, loc: Loc) -> None:
    """``type``: a non-empty string or a non-empty list of non-empty strings containing ``required``."""
    if value.__class__ is str:
        if value and (required is None or value == required):
            return
    elif value.__class__ is list and value:
        for item in value:
            if item.__class__ is not str or not item:
                raise InputError(code, "every type must be a non-empty string", loc=(*loc, "type"))
        if required is None or required in value:
            return
    if required is None:
        raise InputError(code, "type is missing or malformed", loc=(*loc, "type"))
    raise InputError(code, f"type must include {required}", loc=(*loc, "type"))


def require_id(value: object, loc: Loc, code: str = "vc.id_invalid") -> None:
    """An ``id`` is exactly one URL (not a list, not null, not a relative reference)."""
    if not is_url(value):
        raise InputError(code, "id must be a single URL", loc=(*loc, "id"))


def require_language_value(value: object, loc: Loc) -> None:
    """``name``/``description``: a string, a language value object, or a list of those."""
    if value.__class__ is str:
        return
    if value.__class__ is dict:
        if not _language_object_ok(value):
            _raise_language_object(value, loc)
        return
    if value.__class__ is list:
        for index, item in enumerate(value):
            if item.__class__ is dict:
                if not _language_object_ok(item):
                    _raise_language_object(item, (*loc, index))
            elif item.__class__ is not str:
                raise InputError(
                    "vc.language_value_invalid", "not a string or language value", loc=(*loc, index)
                )
        return
    raise InputError("vc.language_value_invalid", "not a string or language value", loc=loc)


def _language_object_ok(value: dict[str, Any]) -> bool:
    for key in value:
        if key not in _LANGUAGE_KEYS:
            return False
    if value.get("@value").__class__ is not str:
        return False
    if "@language" in value:
        language = value["@language"]
        if language.__class__ is not str or (
            language not in _KNOWN_LANGUAGES and _LANG.fullmatch(language) is None
        ):
            return False
    return "@direction" not in value or _is_direction(value["@direction"])


def _is_direction(value: object) -> bool:
    return value.__class__ is str and value in _DIRECTIONS


def _raise_language_object(value: dict[str, Any], loc: Loc) -> None:
    """Slow path: say which rule of a language value object ``value`` breaks."""
    if value.keys() - _LANGUAGE_KEYS:
        raise InputError("vc.language_value_invalid", "a language value has extra members", loc=loc)
    if value.get("@value").__class__ is not str:
        raise InputError("vc.language_value_invalid", "@value must be a string", loc=(*loc, "@value"))
    if "@direction" not in value or _is_direction(value["@direction"]):
        raise InputError(
            "vc.language_value_invalid", "@language is not a language tag", loc=(*loc, "@language")
        )
    raise InputError("vc.language_value_invalid", "@direction must be ltr or rtl", loc=(*loc, "@direction"))


def require_names(doc: dict[str, Any], loc: Loc) -> None:
    """Check ``name`` and ``description`` of a credential, presentation, issuer or holder."""
    for field in ("name", "description"):
        if field in doc and not _language_text_ok(doc[field]):
            require_language_value(doc[field], (*loc, field))  # raises, with the exact location


def _language_text_ok(value: object) -> bool:
    """Fast yes/no for the common shapes; a "no" is explained by :func:`require_language_value`."""
    if value.__class__ is str:
        return True
    if value.__class__ is dict:
        return _language_object_ok(value)
    if value.__class__ is list:
        for item in value:
            if item.__class__ is not str and (item.__class__ is not dict or not _language_object_ok(item)):
                return False
        return True
    return False


def require_party(value: object, field: str, code: str, loc: Loc) -> None:
    """``issuer``/``holder``: a URL, or an object whose ``id`` is a URL."""
    if value.__class__ is str:
        if not is_url(value):
            raise InputError(code, f"{field} must be a URL", loc=(*loc, field))
        return
    if not isinstance(value, dict):
        raise InputError(code, f"{field} must be a URL or an object with a URL id", loc=(*loc, field))
    if not is_url(value.get("id")):
        raise InputError(code, f"{field}.id must be a URL", loc=(*loc, field, "id"))
    if "name" in value or "description" in value:
        require_names(value, (*loc, field))


def require_subjects(value: object, loc: Loc) -> None:
    """``credentialSubject``: one or more objects, each with at least one claim or an ``id``."""
    if value.__class__ is dict:
        if not value:
            raise InputError(
                "vc.subject_invalid", "credentialSubject has no claims", loc=(*loc, "credentialSubject")
            )
        if "id" in value and not is_url(value["id"]):
            require_id(value["id"], (*loc, "credentialSubject"))
        return
    here = (*loc, "credentialSubject")
    if not isinstance(value, list) or not value:
        raise InputError("vc.subject_invalid", "credentialSubject must be an object or a list", loc=here)
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            raise InputError(
                "vc.subject_invalid", "credentialSubject entries must be objects", loc=(*here, index)
            )
        _check_subject(item, (*here, index))


def _check_subject(value: dict[str, Any], loc: Loc) -> None:
    if not value:
        raise InputError("vc.subject_invalid", "credentialSubject has no claims", loc=loc)
    if "id" in value:
        require_id(value["id"], loc)


def require_typed_objects(value: object, field: str, loc: Loc, *, id_required: bool = False) -> None:
    """``credentialStatus``/``credentialSchema``/``evidence``/``termsOfUse``/``refreshService``/``proof``.

    Each is an object or a non-empty list of objects; each object needs a ``type`` and, where
    present (or required, as for ``credentialSchema``), a single URL ``id``.
    """
    if value.__class__ is dict:
        if not _typed_object_ok(value, id_required):
            _raise_typed_object(value, (*loc, field), id_required)
        return
    if value.__class__ is not list or not value:
        raise InputError("vc.malformed", f"{field} must be an object or a list of objects", loc=(*loc, field))
    for index, item in enumerate(value):
        if item.__class__ is not dict:
            raise InputError("vc.malformed", f"{field} entries must be objects", loc=(*loc, field, index))
        if not _typed_object_ok(item, id_required):
            _raise_typed_object(item, (*loc, field, index), id_required)


def _typed_object_ok(value: dict[str, Any], id_required: bool) -> bool:
    kind = value.get("type")
    if kind.__class__ is str:
        if not kind:
            return False
    elif kind.__class__ is list and kind:
        for item in kind:
            if item.__class__ is not str or not item:
                return False
    else:
        return False
    if "id" in value or id_required:
        return is_url(value.get("id"))
    return True


def _raise_typed_object(value: dict[str, Any], loc: Loc, id_required: bool) -> None:
    """Slow path: find which rule ``value`` breaks and raise with its location."""
    if "type" not in value:
        raise InputError("vc.type_invalid", "a type is required here", loc=(*loc, "type"))
    require_types(value["type"], None, "vc.type_invalid", loc)
    require_id(value.get("id"), loc)


#: field name -> whether its objects must carry an ``id`` (VCDM 2.0 §4.11: credentialSchema does)
TYPED_FIELDS: Final[tuple[tuple[str, bool], ...]] = (
    ("credentialStatus", False),
    ("credentialSchema", True),
    ("evidence", False),
    ("termsOfUse", False),
    ("refreshService", False),
)


def _stamp(value: object, field: str) -> tuple[datetime, tuple[str, ...] | list[str]]:
    """:func:`parse_datetime_stamp`, memoised for strings (issuers reuse the same instants)."""
    if value.__class__ is str:
        return _string_stamp(value, field)
    return parse_datetime_stamp(value, field=field)


@fastpath.memo("model validFrom/validUntil stamps", "vc+jwt verify and issue: each instant parsed once, ~1.5 µs", 4096)
def _string_stamp(value: str, field: str) -> tuple[datetime, tuple[str, ...]]:
    """A valid stamp's instant and warnings as an immutable pair (a refused one raises, never kept)."""
    moment, warnings = parse_datetime_stamp(value, field=field)
    return moment, tuple(warnings)


def require_validity(doc: dict[str, Any], loc: Loc, warnings: list[str]) -> None:
    """``validFrom``/``validUntil``: XSD dateTimeStamps, and ``validUntil`` not before ``validFrom``."""
    start = end = None
    try:
        if "validFrom" in doc:
            start, extra = _stamp(doc["validFrom"], "validFrom")
            if extra:
                warnings.extend(extra)
        if "validUntil" in doc:
            end, extra = _stamp(doc["validUntil"], "validUntil")
            if extra:
                warnings.extend(extra)
    except InputError as exc:
        if not loc:
            raise
        raise InputError(exc.code, exc.detail, loc=(*loc, *exc.loc)) from None
    if start is not None and end is not None and end < start:
        raise InputError("vc.validity_range", "validUntil is before validFrom", loc=(*loc, "validUntil"))


def require_enveloped(value: dict[str, Any], loc: Loc = (), kind: str = ENVELOPED_VC_TYPE) -> None:
    """An ``Enveloped*`` object (``kind``): v2 context and a ``data:`` URL id carrying the token.

    The wrapper is itself a VCDM 2.0 object, whatever the token inside says: ``"@context": []``
    or a missing ``id`` is refused before the token is read.
    """
    require_context(value.get("@context"), loc)
    require_types(value.get("type"), kind, "vc.type_invalid", loc)
    ident = value.get("id")
    if not isinstance(ident, str) or parse_data_url(ident) is None:
        raise InputError(
            "vc.id_invalid", "an enveloped object's id must be a data: URL", loc=(*loc, "id")
        )


def is_enveloped(value: dict[str, Any]) -> bool:
    """Whether a ``verifiableCredential`` entry claims to be an enveloped credential."""
    kind = value.get("type")
    return kind == ENVELOPED_VC_TYPE or (isinstance(kind, list) and ENVELOPED_VC_TYPE in kind)


# -- deprecated names (issue 10: one contract per verb) --


@deprecated("check_enveloped is now require_enveloped (docs/architecture.md, Verbs)")
def check_enveloped(value: dict[str, Any], loc: Loc = (), kind: str = ENVELOPED_VC_TYPE) -> None:
    """Deprecated: the old name of :func:`require_enveloped`, which raises on what it refuses."""
    require_enveloped(value, loc, kind)
