"""DCQL, the Digital Credentials Query Language of OpenID4VP 1.0 §6: build, parse and serialise queries.

A query is data the verifier signs into its request and the wallet reads back: the same frozen
dataclasses serve both sides, so what the verifier built is exactly what it later evaluates the
response against (:mod:`thaivc.oid4vp.evaluate`). Parsing is strict because a wallet reads queries
from strangers: unknown shapes are refused (``openid.dcql_invalid``) rather than guessed at, and
every list is capped so a query cannot buy unbounded matching work.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from thaivc.core.errors import InputError, UsageError

__all__ = [
    "FORMATS",
    "ClaimQuery",
    "ClaimValue",
    "CredentialQuery",
    "CredentialSetQuery",
    "DcqlQuery",
    "PathElement",
    "claim",
    "credential",
]

#: Credential formats thaivc can verify, by their OpenID4VP identifiers (Appendix B).
#: ``jwt_vc_json`` is answered with a ``vp+jwt`` VCDM 2.0 presentation, ``ldp_vc`` with Data Integrity.
FORMATS: Final = frozenset({"dc+sd-jwt", "jwt_vc_json", "ldp_vc"})
MAX_CREDENTIAL_QUERIES: Final = 16
MAX_CLAIMS: Final = 64
MAX_PATH: Final = 16
MAX_VALUES: Final = 32
MAX_SETS: Final = 16
MAX_OPTIONS: Final = 16
_ID: Final = re.compile(r"[A-Za-z0-9_-]{1,64}", re.ASCII)

PathElement = str | int | None
ClaimValue = str | int | bool


def _bad(detail: str) -> InputError:
    return InputError("openid.dcql_invalid", detail)


def _check_id(value: object, what: str) -> str:
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise _bad(f"{what} must be 1-64 characters of A-Z a-z 0-9 _ -")
    return value


def _list(value: object, what: str, cap: int, *, allow_empty: bool = False) -> list[Any]:
    if not isinstance(value, list) or (not value and not allow_empty):
        raise _bad(f"{what} must be a non-empty array")
    if len(value) > cap:
        raise _bad(f"{what} has more than {cap} entries")
    return value


def _only(obj: Mapping[str, Any], allowed: Iterable[str], what: str) -> None:
    extra = set(obj) - set(allowed)
    if extra:
        raise _bad(f"{what} has members thaivc does not understand: {sorted(extra)[:3]}")


@dataclass(frozen=True, slots=True)
class ClaimQuery:
    """One claim: a path into the credential (§7) and, optionally, the values it must hold.

    A path element is a member name (``str``), an array index (``int`` ≥ 0) or ``None`` for every
    element of an array. ``id`` is required when the credential query names ``claim_sets``.
    """

    path: tuple[PathElement, ...]
    values: tuple[ClaimValue, ...] | None = None
    id: str | None = None

    def __post_init__(self) -> None:
        if not self.path or len(self.path) > MAX_PATH:
            raise _bad(f"a claim path has 1 to {MAX_PATH} elements")
        for element in self.path:
            ok = element is None or isinstance(element, str) or (
                type(element) is int and element >= 0
            )
            if not ok:
                raise _bad("a path element is a string, a non-negative integer or null")
        if self.values is not None:
            if not self.values or len(self.values) > MAX_VALUES:
                raise _bad(f"values has 1 to {MAX_VALUES} entries")
            if not all(isinstance(v, str | int | bool) for v in self.values):
                raise _bad("claim values are strings, integers or booleans")
        if self.id is not None:
            _check_id(self.id, "a claim id")

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.id is not None:
            out["id"] = self.id
        out["path"] = list(self.path)
        if self.values is not None:
            out["values"] = list(self.values)
        return out

    @classmethod
    def from_json(cls, obj: object) -> ClaimQuery:
        if not isinstance(obj, dict):
            raise _bad("a claims query is an object")
        _only(obj, ("id", "path", "values"), "a claims query")
        path = _list(obj.get("path"), "path", MAX_PATH)
        values = obj.get("values")
        return cls(
            path=tuple(path),
            values=None if values is None else tuple(_list(values, "values", MAX_VALUES)),
            id=None if obj.get("id") is None else _check_id(obj.get("id"), "a claim id"),
        )


@dataclass(frozen=True, slots=True)
class CredentialQuery:
    """One credential the verifier asks for (§6.1).

    ``vct_values`` (``dc+sd-jwt``) and ``type_values`` (``jwt_vc_json``, ``ldp_vc``: alternatives, each a
    set of types the credential must all carry) are the ``meta`` members. ``claims`` absent means the
    verifier asks for no particular claim; ``claim_sets`` are alternatives of claim ids, first preferred.
    """

    id: str
    format: str
    claims: tuple[ClaimQuery, ...] | None = None
    claim_sets: tuple[tuple[str, ...], ...] | None = None
    vct_values: tuple[str, ...] | None = None
    type_values: tuple[tuple[str, ...], ...] | None = None
    multiple: bool = False
    require_cryptographic_holder_binding: bool = True

    def __post_init__(self) -> None:
        _check_id(self.id, "a credential query id")
        if self.format not in FORMATS:
            raise _bad(f"format {self.format[:40]!r} is not one of {sorted(FORMATS)}")
        if self.claims is not None and (not self.claims or len(self.claims) > MAX_CLAIMS):
            raise _bad(f"claims has 1 to {MAX_CLAIMS} entries")
        self._check_meta()
        if self.claim_sets is not None:
            self._check_claim_sets(self.claim_sets)
        ids = [c.id for c in self.claims or () if c.id is not None]
        if len(ids) != len(set(ids)):
            raise _bad("claim ids repeat")
        if not isinstance(self.multiple, bool) or not isinstance(self.require_cryptographic_holder_binding, bool):
            raise _bad("multiple and require_cryptographic_holder_binding are booleans")

    def _check_meta(self) -> None:
        """``vct_values`` for SD-JWT VC only, ``type_values`` for W3C formats only; neither empty."""
        if self.vct_values is not None and self.format != "dc+sd-jwt":
            raise _bad("meta.vct_values applies to dc+sd-jwt only")
        if self.type_values is not None and self.format == "dc+sd-jwt":
            raise _bad("meta.type_values applies to W3C formats only")
        for vct in self.vct_values or ():
            if not isinstance(vct, str) or not vct:
                raise _bad("vct_values are non-empty strings")
        for alternative in self.type_values or ():
            if not alternative or not all(isinstance(t, str) and t for t in alternative):
                raise _bad("type_values are non-empty arrays of non-empty strings")

    def _check_claim_sets(self, claim_sets: tuple[tuple[str, ...], ...]) -> None:
        """Each option names ids of this query's claims, every one of which has an id."""
        if self.claims is None:
            raise _bad("claim_sets needs claims")
        known = {c.id for c in self.claims}
        if None in known:
            raise _bad("with claim_sets every claim has an id")
        if not claim_sets or len(claim_sets) > MAX_OPTIONS:
            raise _bad(f"claim_sets has 1 to {MAX_OPTIONS} options")
        for option in claim_sets:
            if not option or not set(option) <= known:
                raise _bad("each claim set is a non-empty list of ids of this query's claims")

    def meta(self) -> dict[str, Any]:
        if self.vct_values is not None:
            return {"vct_values": list(self.vct_values)}
        if self.type_values is not None:
            return {"type_values": [list(t) for t in self.type_values]}
        return {}

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "format": self.format, "meta": self.meta()}
        if self.multiple:
            out["multiple"] = True
        if not self.require_cryptographic_holder_binding:
            out["require_cryptographic_holder_binding"] = False
        if self.claims is not None:
            out["claims"] = [c.to_json() for c in self.claims]
        if self.claim_sets is not None:
            out["claim_sets"] = [list(o) for o in self.claim_sets]
        return out

    @classmethod
    def from_json(cls, obj: object) -> CredentialQuery:
        if not isinstance(obj, dict):
            raise _bad("a credential query is an object")
        _only(obj, ("id", "format", "meta", "claims", "claim_sets", "multiple",
                    "require_cryptographic_holder_binding", "trusted_authorities"), "a credential query")
        if "trusted_authorities" in obj:
            # refusing beats ignoring: a verifier that names authorities expects them enforced
            raise _bad("trusted_authorities is not supported; configure trust on the verifier")
        meta = obj.get("meta", {})
        if not isinstance(meta, dict):
            raise _bad("meta is an object")
        _only(meta, ("vct_values", "type_values"), "meta")
        vct = meta.get("vct_values")
        types = meta.get("type_values")
        claims = obj.get("claims")
        claim_sets = obj.get("claim_sets")
        fmt = obj.get("format")
        if not isinstance(fmt, str):
            raise _bad("format is a string")
        return cls(
            id=_check_id(obj.get("id"), "a credential query id"),
            format=fmt,
            claims=None if claims is None else tuple(
                ClaimQuery.from_json(c) for c in _list(claims, "claims", MAX_CLAIMS)
            ),
            claim_sets=None if claim_sets is None else tuple(
                tuple(_check_id(i, "a claim id") for i in _list(o, "a claim set", MAX_CLAIMS))
                for o in _list(claim_sets, "claim_sets", MAX_OPTIONS)
            ),
            vct_values=None if vct is None else tuple(_list(vct, "vct_values", MAX_VALUES)),
            type_values=None if types is None else tuple(
                tuple(_list(t, "a type_values entry", MAX_VALUES)) for t in _list(types, "type_values", MAX_OPTIONS)
            ),
            multiple=obj.get("multiple", False),
            require_cryptographic_holder_binding=obj.get("require_cryptographic_holder_binding", True),
        )


@dataclass(frozen=True, slots=True)
class CredentialSetQuery:
    """Alternatives of credential query ids (§6.2); ``required=False`` marks an optional set."""

    options: tuple[tuple[str, ...], ...]
    required: bool = True

    def __post_init__(self) -> None:
        if not self.options or len(self.options) > MAX_OPTIONS:
            raise _bad(f"options has 1 to {MAX_OPTIONS} entries")
        for option in self.options:
            if not option:
                raise _bad("an option lists at least one credential query id")
            for i in option:
                _check_id(i, "a credential query id")
        if not isinstance(self.required, bool):
            raise _bad("required is a boolean")

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"options": [list(o) for o in self.options]}
        if not self.required:
            out["required"] = False
        return out

    @classmethod
    def from_json(cls, obj: object) -> CredentialSetQuery:
        if not isinstance(obj, dict):
            raise _bad("a credential set query is an object")
        _only(obj, ("options", "required", "purpose"), "a credential set query")
        options = _list(obj.get("options"), "options", MAX_OPTIONS)
        return cls(
            options=tuple(tuple(_list(o, "an option", MAX_CREDENTIAL_QUERIES)) for o in options),
            required=obj.get("required", True),
        )


@dataclass(frozen=True, slots=True)
class DcqlQuery:
    """A whole DCQL query: the credential queries and, optionally, how they combine."""

    credentials: tuple[CredentialQuery, ...]
    credential_sets: tuple[CredentialSetQuery, ...] | None = None

    def __post_init__(self) -> None:
        if not self.credentials or len(self.credentials) > MAX_CREDENTIAL_QUERIES:
            raise _bad(f"credentials has 1 to {MAX_CREDENTIAL_QUERIES} queries")
        ids = [c.id for c in self.credentials]
        if len(ids) != len(set(ids)):
            raise _bad("credential query ids repeat")
        if self.credential_sets is not None:
            if not self.credential_sets or len(self.credential_sets) > MAX_SETS:
                raise _bad(f"credential_sets has 1 to {MAX_SETS} entries")
            for cs in self.credential_sets:
                for option in cs.options:
                    if not set(option) <= set(ids):
                        raise _bad("a credential set names an id no credential query has")

    def query(self, query_id: str) -> CredentialQuery | None:
        for c in self.credentials:
            if c.id == query_id:
                return c
        return None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"credentials": [c.to_json() for c in self.credentials]}
        if self.credential_sets is not None:
            out["credential_sets"] = [s.to_json() for s in self.credential_sets]
        return out

    @classmethod
    def from_json(cls, obj: object) -> DcqlQuery:
        if not isinstance(obj, dict):
            raise _bad("a DCQL query is an object")
        _only(obj, ("credentials", "credential_sets"), "a DCQL query")
        sets = obj.get("credential_sets")
        return cls(
            credentials=tuple(CredentialQuery.from_json(c)
                              for c in _list(obj.get("credentials"), "credentials", MAX_CREDENTIAL_QUERIES)),
            credential_sets=None if sets is None else tuple(
                CredentialSetQuery.from_json(s) for s in _list(sets, "credential_sets", MAX_SETS)
            ),
        )

    @classmethod
    def of(cls, *credentials: CredentialQuery, sets: Sequence[CredentialSetQuery] | None = None) -> DcqlQuery:
        """``DcqlQuery.of(credential(...), credential(...))``: the builder's entry point."""
        return cls(tuple(credentials), None if sets is None else tuple(sets))


def claim(path: Sequence[PathElement], *, values: Sequence[ClaimValue] | None = None,
          id: str | None = None) -> ClaimQuery:
    """``claim(["credentialSubject", "name"])``: a claims query from plain Python values."""
    if isinstance(path, str):
        raise UsageError("usage.invalid_argument", "a claim path is a list of elements, not one string")
    return ClaimQuery(tuple(path), None if values is None else tuple(values), id)


def credential(
    id: str,
    *,
    format: str = "dc+sd-jwt",
    vct: Sequence[str] | str | None = None,
    types: Sequence[Sequence[str]] | Sequence[str] | None = None,
    claims: Sequence[ClaimQuery] | None = None,
    claim_sets: Sequence[Sequence[str]] | None = None,
    multiple: bool = False,
    holder_binding: bool = True,
) -> CredentialQuery:
    """A credential query: ``credential("pid", vct="ThaiCitizenCredential", claims=[claim([...])])``.

    ``types`` is one list of types (all required) or a list of such alternatives.
    """
    vct_values = None if vct is None else ((vct,) if isinstance(vct, str) else tuple(vct))
    type_values: tuple[tuple[str, ...], ...] | None = None
    if types is not None:
        if isinstance(types, str):
            raise UsageError("usage.invalid_argument", "types is a list of types, or a list of such lists")
        if all(isinstance(t, str) for t in types):
            type_values = (tuple(str(t) for t in types),)
        else:
            type_values = tuple(tuple(t) for t in types)
    return CredentialQuery(
        id=id,
        format=format,
        claims=None if claims is None else tuple(claims),
        claim_sets=None if claim_sets is None else tuple(tuple(o) for o in claim_sets),
        vct_values=vct_values,
        type_values=type_values,
        multiple=multiple,
        require_cryptographic_holder_binding=holder_binding,
    )
