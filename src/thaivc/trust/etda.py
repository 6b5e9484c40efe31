"""The national trusted list in ETDA's draft format (docs/verification.md), verified and kept fresh.

Root: ``{"@context": "https://schemas.etda.or.th/trusted-list/v1", id, issuer, issued, next_update,
entities[]}``; each entity ``{id, name_th, name_en, status, services[]}``; each service ``{did, type,
status, valid_from, valid_until, credential_type, …}``. Only ``credential_issuer`` services with
``status: active`` (in an entity that is not suspended or revoked) admit an issuer, for the listed
credential types, inside their validity window.

The list is signed with a detached JWS by a configured anchor key (never a key named by the list or
its header). It is refetched when ``next_update`` passes; a list past ``next_update`` (plus leeway)
that cannot be refreshed makes the trust check ``trust.list_stale`` — indeterminate, never "trusted".
A fetched list older than the one held is refused (rollback).
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Collection, Mapping
from typing import Any, Final, TypedDict, Unpack

from thaivc.core.clock import DEFAULT_LEEWAY, Clock, SystemClock
from thaivc.core.errors import Indeterminate, InputError, ThaiVCError
from thaivc.core.jsonutil import loads_strict
from thaivc.core.options import refuse_unknown
from thaivc.keys import PublicKey
from thaivc.net import DEFAULT_TIMEOUT, Fetcher, FetchResult
from thaivc.trust._base import TrustDecision, credential_types, parse_instant
from thaivc.trust._jws import verify_detached

__all__ = ["ETDA_CONTEXT", "EtdaOptions", "EtdaTrustedList", "TrustedList", "TrustedService"]

ETDA_CONTEXT: Final = "https://schemas.etda.or.th/trusted-list/v1"
DEFAULT_TYP: Final = frozenset({"JOSE", "trusted-list+jws"})
MAX_LIST_BYTES: Final = 4 * 1024 * 1024
#: After a failed refresh, the held list is used (while within leeway) without refetching for this long.
RETRY_SECONDS: Final = 60.0


def _bad(detail: str, loc: tuple[str | int, ...] = ()) -> ThaiVCError:
    return ThaiVCError("trust.list_invalid", detail, loc=loc)


def _str(obj: Mapping[str, Any], name: str, loc: tuple[str | int, ...]) -> str:
    value = obj.get(name)
    if not isinstance(value, str) or not value:
        raise _bad(f"{name} must be a non-empty string", (*loc, name))
    return value


def _opt_str(obj: Mapping[str, Any], name: str, loc: tuple[str | int, ...]) -> str | None:
    return None if obj.get(name) is None else _str(obj, name, loc)


def _instant(obj: Mapping[str, Any], name: str) -> float:
    return parse_instant(obj.get(name), name, "trust.list_invalid")


def _opt_instant(obj: Mapping[str, Any], name: str) -> float | None:
    return None if obj.get(name) is None else _instant(obj, name)


@dataclasses.dataclass(frozen=True, slots=True)
class TrustedService:
    did: str
    type: str
    status: str
    credential_types: frozenset[str]
    valid_from: float | None
    valid_until: float | None
    entity_id: str
    entity_status: str | None
    name_th: str | None
    name_en: str | None


@dataclasses.dataclass(frozen=True, slots=True)
class TrustedList:
    """A parsed, signature-checked trusted list."""

    id: str
    issuer: str
    issued: float
    next_update: float
    services: tuple[TrustedService, ...]

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> TrustedList:
        context = obj.get("@context")
        contexts = context if isinstance(context, list) else [context]
        if ETDA_CONTEXT not in contexts:
            raise _bad("@context is not the ETDA trusted-list context", ("@context",))
        list_id = _str(obj, "id", ())
        issuer = _str(obj, "issuer", ())
        issued = _instant(obj, "issued")
        next_update = _instant(obj, "next_update")
        if next_update <= issued:
            raise _bad("next_update is not after issued", ("next_update",))
        entities = obj.get("entities")
        if not isinstance(entities, list):
            raise _bad("entities must be an array", ("entities",))
        services: list[TrustedService] = []
        for i, entity in enumerate(entities):
            services.extend(_entity_services(entity, ("entities", i)))
        return cls(list_id, issuer, issued, next_update, tuple(services))


def _entity_services(entity: object, loc: tuple[str | int, ...]) -> list[TrustedService]:
    if not isinstance(entity, Mapping):
        raise _bad("an entity must be an object", loc)
    entity_id = _str(entity, "id", loc)
    entity_status = _opt_str(entity, "status", loc)
    name_th = _opt_str(entity, "name_th", loc)
    name_en = _opt_str(entity, "name_en", loc)
    declared = entity.get("services", [])
    if not isinstance(declared, list):
        raise _bad("services must be an array", (*loc, "services"))
    out: list[TrustedService] = []
    for j, service in enumerate(declared):
        sloc = (*loc, "services", j)
        if not isinstance(service, Mapping):
            raise _bad("a service must be an object", sloc)
        did = _str(service, "did", sloc)
        kind = _str(service, "type", sloc)
        status = _str(service, "status", sloc)
        if not did.isascii():
            raise _bad("a service DID must be in A-label (ASCII) form", (*sloc, "did"))
        raw_types = service.get("credential_type", [])
        types = [raw_types] if isinstance(raw_types, str) else raw_types
        if not isinstance(types, list) or not all(isinstance(t, str) and t for t in types):
            raise _bad("credential_type must be a string or a list of strings", (*sloc, "credential_type"))
        start = _opt_instant(service, "valid_from")
        end = _opt_instant(service, "valid_until")
        if start is not None and end is not None and end < start:
            raise _bad("valid_until is before valid_from", sloc)
        out.append(
            TrustedService(did, kind, status, frozenset(types), start, end, entity_id, entity_status, name_th, name_en)
        )
    return out


class EtdaOptions(TypedDict, total=False):
    """The settings of :class:`EtdaTrustedList` beside its URL, anchor and fetcher: where the detached
    JWS is (``signature_url``), the anchor's ``anchor_kid``, the ``allowed_typ`` values, the
    ``clock``, the ``leeway`` on the list's dates and the fetch ``timeout`` (seconds)."""

    signature_url: str | None
    anchor_kid: str | None
    allowed_typ: Collection[str]
    clock: Clock | None
    leeway: float
    timeout: float


class EtdaTrustedList:
    """A :class:`~thaivc.trust.TrustSource` backed by the signed national trusted list.

    ``signature_url`` is where the detached JWS is published (default: ``url + ".jws"``). For
    offline use, :meth:`from_signed` builds one from bytes already in hand; it cannot refresh.
    """

    def __init__(
        self, url: str | None, anchor: PublicKey, fetcher: Fetcher | None, **options: Unpack[EtdaOptions]
    ) -> None:
        refuse_unknown(options, EtdaOptions, "EtdaTrustedList")
        if not isinstance(anchor, PublicKey):
            raise ThaiVCError("usage.invalid_argument", "the trust anchor must be a thaivc.keys.PublicKey")
        self._url = url
        self._signature_url = options.get("signature_url") or (None if url is None else url + ".jws")
        self._anchor = anchor
        self._anchor_kid = options.get("anchor_kid")
        self._typ = frozenset(options.get("allowed_typ", DEFAULT_TYP))
        self._fetcher = fetcher
        self._clock: Clock = options.get("clock") or SystemClock()
        self._leeway = options.get("leeway", DEFAULT_LEEWAY)
        self._timeout = options.get("timeout", DEFAULT_TIMEOUT)
        self._list: TrustedList | None = None
        self._retry_at = float("-inf")
        self._lock = threading.Lock()

    @classmethod
    def from_signed(
        cls, content: bytes, jws: str | bytes, anchor: PublicKey, **options: Unpack[EtdaOptions]
    ) -> EtdaTrustedList:
        source = cls(None, anchor, None, **options)
        source._install(source.load(content, jws))
        return source

    @property
    def current(self) -> TrustedList | None:
        return self._list

    def load(self, content: bytes, jws: str | bytes) -> TrustedList:
        """Verify ``jws`` over ``content`` with the anchor, then parse; does not install it."""
        if len(content) > MAX_LIST_BYTES:
            raise _bad("the trusted list is too large")
        verify_detached(jws, content, self._anchor, allowed_typ=self._typ, kid=self._anchor_kid)
        try:
            obj = loads_strict(content, max_bytes=MAX_LIST_BYTES, require_object=True)
        except InputError as err:
            raise _bad(f"the trusted list is not valid JSON ({err.code})") from None
        return TrustedList.from_json(obj)

    def _install(self, fresh: TrustedList) -> None:
        held = self._list
        if held is not None and (fresh.issued < held.issued or fresh.id != held.id):
            raise _bad("the fetched list is older than, or not a successor of, the list held (rollback)")
        self._list = fresh

    def _get(self, fetcher: Fetcher, url: str, max_bytes: int) -> bytes:
        try:
            result: FetchResult = fetcher.fetch(url, max_bytes=max_bytes, timeout=self._timeout)
        except ThaiVCError as err:
            raise Indeterminate("trust.list_unavailable", f"{err.code}: {err.detail}") from None
        if result.status != 200:
            raise Indeterminate("trust.list_unavailable", f"HTTP {result.status} from {url}")
        return result.body

    def refresh(self) -> TrustedList:
        """Fetch, verify and install the list now."""
        if self._fetcher is None or self._url is None or self._signature_url is None:
            raise Indeterminate("trust.list_unavailable", "this trusted list has no source to refresh from")
        content = self._get(self._fetcher, self._url, MAX_LIST_BYTES)
        jws = self._get(self._fetcher, self._signature_url, 16 * 1024)
        fresh = self.load(content, jws)
        if fresh.issued > self._clock.now() + self._leeway:
            raise _bad("the trusted list claims to be issued in the future")
        with self._lock:
            self._install(fresh)
        return fresh

    def _usable(self) -> TrustedList:
        now = self._clock.now()
        held = self._list
        if held is None or (now >= held.next_update and now >= self._retry_at):
            try:
                held = self.refresh()
            except ThaiVCError as err:
                self._retry_at = now + RETRY_SECONDS
                if held is None:
                    if isinstance(err, Indeterminate):
                        raise
                    raise Indeterminate(err.code, err.detail) from None
        if now > held.next_update + self._leeway:
            raise Indeterminate("trust.list_stale", "the trusted list is past next_update and was not refreshed")
        return held

    def check(self, issuer_id: str, credential: Mapping[str, Any]) -> TrustDecision:
        listed = self._usable()
        candidates = [s for s in listed.services if s.did == issuer_id and s.type == "credential_issuer"]
        if not candidates:
            raise ThaiVCError("trust.untrusted_issuer", "the issuer is not on the national trusted list")
        types = credential_types(credential)
        now = self._clock.now()
        reason = ""
        for service in candidates:
            why = self._refusal(service, types, now)
            if why is None:
                return TrustDecision(issuer_id, types, listed.id, service.name_th, service.name_en)
            reason = reason or why
        raise ThaiVCError("trust.untrusted_issuer", reason)

    def _refusal(self, service: TrustedService, types: tuple[str, ...], now: float) -> str | None:
        if service.entity_status not in (None, "active"):
            return f"the issuing entity is {service.entity_status}"
        if service.status != "active":
            return f"the issuer service is {service.status}"
        if service.valid_from is not None and now + self._leeway < service.valid_from:
            return "the issuer service is not yet valid"
        if service.valid_until is not None and now - self._leeway > service.valid_until:
            return "the issuer service has expired"
        missing = [t for t in types if t not in service.credential_types]
        if missing:
            return f"the issuer is not listed for {', '.join(missing)}"
        return None
