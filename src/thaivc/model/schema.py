"""Offline JSON Schema validation of ``credentialSchema`` (JSON Schema 2020-12).

The schemas of thaivc's credential types ship inside the package (``thaivc/_schemas``); a verifier
validates against those copies and never fetches a schema: a fetched schema would let whoever
controls its URL decide what passes, and would make verification depend on the network. An id
that is not bundled is therefore ``schema.unavailable`` (indeterminate, not a pass).

Two formats the schemas name are *asserted* (JSON Schema only annotates formats by default):
``thai-citizen-id`` and ``thai-juristic-id`` check the mod-11 check digit, which a pattern
cannot express.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from thaivc.core.errors import Indeterminate, InputError, ThaiVCError
from thaivc.core.jsonutil import loads_strict
from thaivc.thai.ids import is_valid_citizen_id, is_valid_juristic_id

if TYPE_CHECKING:
    from jsonschema.protocols import Validator

__all__ = ["bundled_schema_ids", "load_schema", "validate_against_schema", "validate_credential_schema"]

_MAX_SCHEMA_BYTES: Final = 1024 * 1024
_MAX_DETAIL: Final = 240


def _schema_files() -> Iterator[tuple[str, bytes]]:
    """The bundled schema files: package data when installed, ``schemas/`` in a source checkout."""
    packaged = resources.files("thaivc").joinpath("_schemas")
    if packaged.is_dir():
        for entry in packaged.iterdir():
            if entry.name.endswith(".json"):
                yield entry.name, entry.read_bytes()
        return
    source = Path(__file__).resolve().parents[3] / "schemas"
    for path in sorted(source.glob("*.json")):
        yield path.name, path.read_bytes()


@functools.cache
def _bundled() -> Mapping[str, Mapping[str, Any]]:
    schemas: dict[str, Mapping[str, Any]] = {}
    for name, raw in _schema_files():
        doc = loads_strict(raw, max_bytes=_MAX_SCHEMA_BYTES, require_object=True)
        schema_id = doc.get("$id")
        if not isinstance(schema_id, str) or schema_id in schemas:
            raise ThaiVCError("schema.unavailable", f"bundled schema {name} has a missing or duplicate $id")
        schemas[schema_id] = doc
    return schemas


def bundled_schema_ids() -> frozenset[str]:
    """Every schema id this installation can validate against offline."""
    return frozenset(_bundled())


def load_schema(schema_id: str) -> dict[str, Any]:
    """A copy of the bundled schema ``schema_id``; ``schema.unavailable`` if it is not bundled."""
    import copy

    schema = _bundled().get(schema_id)
    if schema is None:
        raise Indeterminate("schema.unavailable", f"schema {_short(schema_id)} is not bundled")
    return copy.deepcopy(dict(schema))


@functools.cache
def _format_checker() -> Any:
    from jsonschema import FormatChecker

    checker = FormatChecker(formats=())
    checker.checks("thai-citizen-id")(is_valid_citizen_id)
    checker.checks("thai-juristic-id")(is_valid_juristic_id)
    return checker


@functools.cache
def _registry() -> Any:
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    def refuse(uri: str) -> Any:
        raise LookupError(f"schema {uri} is not bundled")  # never fetch

    resources_ = [
        (sid, Resource.from_contents(doc, default_specification=DRAFT202012)) for sid, doc in _bundled().items()
    ]
    return Registry(retrieve=refuse).with_resources(resources_)  # type: ignore[call-arg]


@functools.cache
def _validator(schema_id: str) -> Validator:
    from jsonschema import Draft202012Validator

    schema = _bundled().get(schema_id)
    if schema is None:
        raise Indeterminate("schema.unavailable", f"schema {_short(schema_id)} is not bundled")
    validator: Validator = Draft202012Validator(schema, registry=_registry(), format_checker=_format_checker())
    return validator


def _pointer(path: Iterator[str | int] | Any) -> str:
    parts = [str(p).replace("~", "~0").replace("/", "~1") for p in path]
    return "/" + "/".join(parts) if parts else ""


def validate_credential_schema(doc: Mapping[str, Any], *, disclosed_view: bool = False) -> None:
    """Validate ``doc`` against every ``credentialSchema`` entry it names.

    Raises ``schema.invalid`` (with the JSON pointer of the failing value in the detail and
    ``loc``) when the document breaks a schema or names none, and ``schema.unavailable``
    (:class:`~thaivc.core.errors.Indeterminate`) when a named schema is not bundled or is not of type
    ``JsonSchema``.

    ``disclosed_view`` judges what an SD-JWT holder disclosed: a required claim the holder could
    have withheld may be absent (:func:`thaivc.contexts.disclosure.may_withhold`); every value that
    is there is checked as usual.
    """
    entries = doc.get("credentialSchema") if isinstance(doc, Mapping) else None
    if entries is None:
        raise InputError("schema.invalid", "the credential names no credentialSchema", loc=("credentialSchema",))
    items = entries if isinstance(entries, list) else [entries]
    if not items:
        raise InputError("schema.invalid", "credentialSchema is empty", loc=("credentialSchema",))
    for index, entry in enumerate(items):
        loc: tuple[str | int, ...] = ("credentialSchema", index) if isinstance(entries, list) else ("credentialSchema",)
        if not isinstance(entry, Mapping) or not isinstance(entry.get("id"), str):
            raise InputError("schema.invalid", "a credentialSchema entry needs a string id", loc=loc)
        if entry.get("type") != "JsonSchema":
            raise Indeterminate(
                "schema.unavailable", f"credentialSchema type {str(entry.get('type'))[:40]!r} cannot be checked offline"
            )
        validate_against_schema(doc, entry["id"], disclosed_view=disclosed_view)


def validate_against_schema(doc: Mapping[str, Any], schema_id: str, *, disclosed_view: bool = False) -> None:
    """Validate ``doc`` against the bundled schema ``schema_id``, whatever the document names.

    The issuer holds thaivc's own credential types to their schema even when a document does not
    name it, so that a type name never stands for data that its schema would refuse. Raises
    ``schema.invalid`` or ``schema.unavailable`` as :func:`validate_credential_schema` does.
    ``disclosed_view`` treats withholdable required claims as required-when-disclosed.
    """
    from jsonschema.exceptions import best_match
    from referencing.exceptions import Unresolvable

    validator = _validator(schema_id)
    try:
        errors = validator.iter_errors(doc)
        if disclosed_view:
            errors = (e for e in errors if not _withheld_claim(e, doc))
        error = best_match(errors)
    except Unresolvable as exc:
        raise Indeterminate("schema.unavailable", f"a schema reference is not bundled: {exc}"[:_MAX_DETAIL]) from None
    if error is not None:
        pointer = _pointer(error.absolute_path)
        message = f"{pointer or '/'}: {_explain(error)}"
        if len(message) > _MAX_DETAIL:
            message = message[: _MAX_DETAIL - 1] + "…"
        raise InputError("schema.invalid", message, loc=tuple(error.absolute_path))


def _withheld_claim(error: Any, doc: Mapping[str, Any]) -> bool:
    """Whether ``error`` is only a ``required`` claim missing that a holder may have withheld.

    Only a top-level ``required`` error qualifies (never one nested inside ``anyOf``/``oneOf``, which
    stays an error: fails closed), and only when *every* required member missing from that object
    may be withheld, so one withholdable sibling never excuses a mandatory one.
    """
    from thaivc.contexts.disclosure import may_withhold

    if error.validator != "required" or not isinstance(error.instance, Mapping):
        return False
    if not isinstance(error.validator_value, list):
        return False
    base = _pointer(error.absolute_path)
    missing = [name for name in error.validator_value if isinstance(name, str) and name not in error.instance]
    escaped = (name.replace("~", "~0").replace("/", "~1") for name in missing)
    return bool(missing) and all(may_withhold(doc, f"{base}/{name}") for name in escaped)


#: Keywords whose messages name only properties, never the (possibly personal) value.
_NAMING_KEYWORDS: Final = frozenset({"required", "additionalProperties", "dependentRequired"})


def _explain(error: Any) -> str:
    """What was wrong, without echoing the value: reports are logged, and values are personal data."""
    if error.validator in _NAMING_KEYWORDS:
        return str(error.message)
    rule = error.validator_value
    if error.validator in ("anyOf", "oneOf"):
        return f"matches none of the {len(rule)} allowed shapes"
    if error.validator == "format":
        return f"is not a valid {rule}"
    if error.validator in ("type", "pattern", "const", "enum", "minimum", "maximum", "minLength", "maxLength"):
        return f"fails {error.validator} {_short(json.dumps(rule, ensure_ascii=False), 80)}"
    return f"fails {error.validator}"


def _short(value: str, limit: int = 100) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"
