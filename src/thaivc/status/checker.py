"""Verifier side: is this credential revoked, suspended, or carrying a status message?

Order of work for a list (BSL §Validate Algorithm, docs/security.md group H):

1. fetch through the injected fetcher (any failure → ``Indeterminate("status.unavailable")``, except
   a store outage the fetcher names, ``status.store`` say, which keeps its code: a service reading
   its own lists answers that 503, not as the credential's fault);
2. verify the list credential or token with the injected verifier (a verdict against it →
   ``status.verification``; "could not decide" → ``Indeterminate("status.unavailable")``);
3. check its shape: ``BitstringStatusListCredential`` type, ``id``/``sub`` equal to the URL that was
   fetched, purpose, validity window (a list past ``validUntil``/``exp`` is stale → ``Indeterminate``,
   never "valid");
4. decode once (streaming inflate with a cap) and cache the decoded list until the earliest of HTTP
   ``max-age``, the list's ``ttl`` and its ``validUntil``/``exp``.

Then, per credential, who signed the list: the credential's own issuer (nothing more to ask: that
issuer is vetted with the credential), a signer ``trusted_status_issuers`` names, or a signer the
verifier's trust source admits for the list's type (:data:`W3C_LIST_TYPE`, :data:`IETF_LIST_TYPE`).
Anyone else → ``status.verification``, naming the type to trust.

Bits are read only after all of that passed. A check against a cached list is a dictionary lookup and
index arithmetic.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import TYPE_CHECKING, Any, Final, Literal, NamedTuple, Protocol, TypedDict, Unpack, runtime_checkable

from thaivc.core.clock import DEFAULT_LEEWAY, Clock, SystemClock
from thaivc.core.errors import STORE_OUTAGE_CODES, Indeterminate, InputError, ThaiVCError
from thaivc.core.jsonutil import loads_strict
from thaivc.core.options import refuse_unknown
from thaivc.core.report import ReportBuilder
from thaivc.net import DEFAULT_TIMEOUT
from thaivc.status.bitstring import (
    MAX_STATUS_SIZE,
    MIN_ENTRIES,
    Bitstring,
    decode_encoded_list,
    parse_index,
    parse_status_messages,
)
from thaivc.status.cache import CachedList, MemoryStatusCache, StatusCache
from thaivc.status.fetch import DEFAULT_MAX_FETCH_BYTES, Fetcher, FetchResult, ListSource, list_source
from thaivc.status.inflate import DEFAULT_MAX_INFLATE
from thaivc.status.timestamps import parse_timestamp
from thaivc.status.token_status_list import (
    INVALID,
    SUSPENDED,
    VALID,
    TokenStatusList,
    decode_status_list,
    parse_status_claim,
)

if TYPE_CHECKING:
    from thaivc.status.verify_list import ListCredentialVerifier
    from thaivc.trust import TrustSource

__all__ = [
    "IETF_LIST_TYPE",
    "W3C_LIST_TYPE",
    "CheckerOptions",
    "CustomStatusCheck",
    "ListVerifier",
    "StatusChecker",
    "StatusResult",
]

#: The type a trust source must admit a W3C list's signer for, when it is not the credential's issuer.
W3C_LIST_TYPE: Final = "BitstringStatusListCredential"
#: The same for an IETF ``statuslist+jwt`` token (which has no ``type`` of its own).
IETF_LIST_TYPE: Final = "StatusListToken"

#: Verifies a fetched list credential / status list token; returns the verified document (payload).
ListVerifier = Callable[[str | dict[str, Any]], dict[str, Any]]

_PURPOSES: Final = frozenset({"revocation", "suspension", "message", "refresh"})
_JSON_TYPES: Final = frozenset(
    {"application/json", "application/vc", "application/vc+ld+json", "application/ld+json"}
)


@runtime_checkable
class CustomStatusCheck(Protocol):
    """A status check of one's own (e.g. an agency's revocation service) a verifier can take instead
    of a :class:`StatusChecker`: return to accept, raise :class:`~thaivc.core.errors.ThaiVCError` to fail
    (``status.revoked``…) or :class:`~thaivc.core.errors.Indeterminate` when it cannot decide."""

    def check(self, credential: dict[str, Any]) -> object: ...


class StatusResult(NamedTuple):
    """The status of one entry. ``code`` is ``status.revoked``/``status.suspended``/… or ``None``.

    A named tuple rather than a frozen dataclass: it is built on every check, and a frozen
    dataclass's ``__init__`` alone would cost more than the rest of a cached check.
    """

    purpose: str
    value: int
    code: str | None
    list_url: str
    list_index: int
    message: str | None = None

    @property
    def ok(self) -> bool:
        return self.code is None

    def raise_for_status(self) -> None:
        """Raise ``ThaiVCError(code)`` unless the status is fine."""
        if self.code is not None:
            raise ThaiVCError(
                self.code, f"{self.purpose} status {self.value} at {self.list_url}#{self.list_index}"
            )


def _issuer_id(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping) and isinstance(value.get("id"), str):
        return str(value["id"])
    return None


def _short(value: str, limit: int = 120) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _types(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return ()


class CheckerOptions(TypedDict, total=False):
    """The settings of :class:`StatusChecker` beside its fetcher and list verifier (each described
    there): ``clock``, ``cache``, ``max_inflate``, ``trusted_status_issuers``, ``default_ttl``,
    ``leeway``, ``min_entries``, ``max_fetch_bytes``, ``max_list_age``, ``fetch_timeout``."""

    clock: Clock | None
    cache: StatusCache | None
    max_inflate: int
    trusted_status_issuers: Collection[str] | Mapping[str, Collection[str]]
    default_ttl: int
    leeway: int
    min_entries: int
    max_fetch_bytes: int
    max_list_age: int | None
    fetch_timeout: float


class StatusChecker:
    """Check W3C Bitstring Status List entries and IETF Token Status List references.

    ``trusted_status_issuers`` lets a list be signed by another issuer than the credential's: either
    a collection of list issuers trusted for every credential issuer, or a mapping from credential
    issuer to the list issuers trusted for it. ``default_ttl`` (seconds) bounds caching when neither
    HTTP nor the list says how long to cache. ``min_entries`` is the BSL minimum list length; lower it
    only to read the spec's short examples. ``max_list_age`` (seconds), when set, refuses a list
    whose ``validFrom`` (W3C) or ``iat`` (IETF) is older than that, e.g. a list stapled by a holder.

    ``verify_list_credential`` may be left out when the checker is handed to a
    :class:`~thaivc.engine.verifier.Verifier`: the verifier then binds itself (:meth:`bind`), so a list
    credential is verified like any credential (signature, issuer key, validity), and a
    ``statuslist+jwt`` token through :func:`thaivc.status.verify_status_list_token`. ``clock``
    likewise defaults to the verifier's. A checker with no list verifier never reads a bit: every
    check is ``status.unavailable``.

    ``fetch`` is a :class:`thaivc.net.Fetcher` (e.g. :class:`thaivc.net.SafeHttpClient`), called
    with ``max_fetch_bytes`` and ``fetch_timeout`` (seconds for the whole fetch), or a plain
    :data:`~thaivc.status.ListSource` ``url -> FetchResult``. Whatever answers, only a 2xx answer
    is read.
    """

    def __init__(
        self,
        fetch: Fetcher | ListSource,
        verify_list_credential: ListVerifier | None = None,
        **options: Unpack[CheckerOptions],
    ) -> None:
        refuse_unknown(options, CheckerOptions, "StatusChecker")
        max_fetch_bytes = options.get("max_fetch_bytes", DEFAULT_MAX_FETCH_BYTES)
        fetch_timeout = options.get("fetch_timeout", DEFAULT_TIMEOUT)
        self._fetch = list_source(fetch, max_bytes=max_fetch_bytes, timeout=fetch_timeout)
        self._verify: ListVerifier | None = verify_list_credential
        clock, cache = options.get("clock"), options.get("cache")
        self._own_clock = clock is not None
        self.clock: Clock = clock if clock is not None else SystemClock()
        self.cache: StatusCache = cache if cache is not None else MemoryStatusCache()
        self.max_inflate = options.get("max_inflate", DEFAULT_MAX_INFLATE)
        self.default_ttl = options.get("default_ttl", 300)
        self.leeway = options.get("leeway", DEFAULT_LEEWAY)
        self.min_entries = options.get("min_entries", MIN_ENTRIES)
        self.max_fetch_bytes = max_fetch_bytes
        self.max_list_age = options.get("max_list_age")
        trusted_status_issuers = options.get("trusted_status_issuers", ())
        if isinstance(trusted_status_issuers, Mapping):
            self._trusted_for: dict[str, frozenset[str]] = {
                k: frozenset(v) for k, v in trusted_status_issuers.items()
            }
            self._trusted_all: frozenset[str] = frozenset()
        else:
            self._trusted_for = {}
            self._trusted_all = frozenset(trusted_status_issuers)

    def bind(self, verifier: ListCredentialVerifier) -> None:
        """Use ``verifier`` for list credentials (unless a list verifier was given) and its clock.

        Called by :class:`thaivc.Verifier` when the checker is passed to it.
        """
        if self._verify is None:
            from thaivc.status.verify_list import list_verifier

            self._verify = list_verifier(verifier)
        if not self._own_clock:
            self.clock = verifier.clock

    # -- public checks -------------------------------------------------------------------------
    def check_all(
        self, credential: Mapping[str, Any], *, issuer: str | None = None, trust: TrustSource | None = None
    ) -> tuple[StatusResult, ...]:
        """Every status reference of a verified credential: W3C ``credentialStatus`` entries and the
        IETF ``status`` claim (matched against ``issuer``, default ``iss``). None → empty tuple.

        ``trust`` is the verifier's trust source: it may admit a list signed by someone other than
        the credential's issuer (for :data:`W3C_LIST_TYPE` / :data:`IETF_LIST_TYPE`).
        """
        results: list[StatusResult] = []
        if "credentialStatus" in credential:
            results.extend(self.check_credential(credential, trust=trust))
        if "status" in credential:
            results.append(self.check_token(credential, issuer=issuer, trust=trust))
        return tuple(results)

    def check_credential(
        self, credential: Mapping[str, Any], *, trust: TrustSource | None = None
    ) -> tuple[StatusResult, ...]:
        """Check every ``credentialStatus`` entry of a verified credential (none → empty tuple)."""
        status = credential.get("credentialStatus")
        if status is None:
            return ()
        entries = status if isinstance(status, list) else [status]
        if not entries:
            raise InputError("status.malformed", "credentialStatus is an empty list")
        issuer = _issuer_id(credential.get("issuer"))
        if issuer is None:
            raise InputError("status.malformed", "the credential has no issuer id to match the list against")
        results = []
        for i, entry in enumerate(entries):
            if isinstance(entry, Mapping) and entry.get("type") != "BitstringStatusListEntry":
                raise Indeterminate("status.not_checked", f"credentialStatus[{i}] has an unsupported type")
            results.append(self.check_entry(entry, issuer=issuer, trust=trust))
        return tuple(results)

    def check_entry(self, entry: object, *, issuer: str, trust: TrustSource | None = None) -> StatusResult:
        """Check one ``BitstringStatusListEntry`` of a credential issued by ``issuer``."""
        if not isinstance(entry, dict) and not isinstance(entry, Mapping):  # dict first: ABC checks are slow
            raise InputError("status.malformed", "credentialStatus entry is not an object")
        if entry.get("type") != "BitstringStatusListEntry":
            raise InputError("status.malformed", "credentialStatus type is not BitstringStatusListEntry")
        purpose = entry.get("statusPurpose")
        url = entry.get("statusListCredential")
        if not isinstance(purpose, str) or purpose not in _PURPOSES:
            raise InputError("status.malformed", "statusPurpose is missing or unknown")
        if not isinstance(url, str) or not url:
            raise InputError("status.malformed", "statusListCredential must be a URL string")
        size = entry.get("statusSize", 1)
        if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= MAX_STATUS_SIZE:
            raise InputError("status.malformed", "statusSize must be a positive integer")
        raw_messages = entry.get("statusMessage")
        messages = None if raw_messages is None and size == 1 else parse_status_messages(raw_messages, size)
        index = parse_index(entry.get("statusListIndex"))

        cached = self._list("w3c", url)
        if purpose not in cached.purposes:
            raise ThaiVCError("status.verification", f"the list's statusPurpose is not {purpose!r}")
        self._check_signer(cached, issuer, trust)
        bits = cached.data
        assert isinstance(bits, Bitstring)
        if size != 1:
            bits = bits.with_size(size)
            if bits.entries < self.min_entries:
                raise InputError("status.list_too_short", f"{bits.entries} entries of {size} bits")
        value = bits.get(index)
        code = None
        if value:
            if purpose == "revocation":
                code = "status.revoked"
            elif purpose == "suspension":
                code = "status.suspended"
        message = messages[value] if messages is not None else None
        return StatusResult(purpose, value, code, url, index, message)

    def check_token(
        self, claims: Mapping[str, Any], *, issuer: str | None = None, trust: TrustSource | None = None
    ) -> StatusResult:
        """Check the IETF ``status.status_list`` reference of a verified token's ``claims``.

        ``issuer`` defaults to the token's ``iss``. Values: 0 VALID (``code=None``), 1 INVALID
        (``status.revoked``), 2 SUSPENDED (``status.suspended``), anything else
        ``status.unrecognized`` (an application-specific value this verifier cannot vouch for).
        """
        ref = parse_status_claim(claims)
        token_issuer = issuer if issuer is not None else _issuer_id(claims.get("iss"))
        if token_issuer is None:
            raise InputError("status.malformed", "the token has no iss to match the status list against")
        cached = self._list("ietf", ref.uri)
        self._check_signer(cached, token_issuer, trust)
        value = cached.data.get(ref.idx)
        if value == VALID:
            code = None
        elif value == INVALID:
            code = "status.revoked"
        elif value == SUSPENDED:
            code = "status.suspended"
        else:
            code = "status.unrecognized"
        return StatusResult("ietf", value, code, ref.uri, ref.idx)

    def record(
        self,
        report: ReportBuilder,
        credential: Mapping[str, Any],
        *,
        issuer: str | None = None,
        trust: TrustSource | None = None,
    ) -> tuple[StatusResult, ...]:
        """Run :meth:`check_all` and add one ``status`` check per entry to ``report``.

        Revoked or suspended entries fail; an IETF value this verifier cannot interpret
        (``status.unrecognized``) and anything that could not be decided are indeterminate.
        """
        try:
            results = self.check_all(credential, issuer=issuer, trust=trust)
        except ThaiVCError as err:
            report.error("status", err)
            return ()
        if not results:
            report.skip("status", "no credentialStatus")
        for result in results:
            where = f"{result.purpose} entry {result.list_index} of {result.list_url}"
            if result.code is None:
                note = f" ({result.message})" if result.message is not None else ""
                report.ok("status", f"{where}: {result.value}{note}")
            elif result.code == "status.unrecognized":
                report.undecidable("status", result.code, f"{where} holds {result.value}")
            else:
                report.fail("status", result.code, f"{where} is set")
        return results

    # -- lists ---------------------------------------------------------------------------------
    def _check_signer(self, cached: CachedList, issuer: str, trust: TrustSource | None) -> None:
        """May the list's signer speak for credentials of ``issuer``?

        The credential's own issuer may, with no further question: it is vetted with the credential
        itself. Another signer must be named in ``trusted_status_issuers`` or admitted by ``trust``
        for the list's type; a trust source that cannot answer leaves the status undecided.
        """
        signer = cached.issuer
        if signer == issuer:
            return
        if signer is not None and (signer in self._trusted_all or signer in self._trusted_for.get(issuer, ())):
            return
        list_type = W3C_LIST_TYPE if cached.kind == "w3c" else IETF_LIST_TYPE
        who = f"another issuer, {_short(signer)}," if signer is not None else "another, unnamed issuer"
        advice = f"trust it for {list_type} (a trust-list entry) or name it in trusted_status_issuers"
        if signer is None or trust is None:
            raise ThaiVCError(
                "status.verification", f"the status list is signed by {who} not the credential's issuer: {advice}"
            )
        view = cached.document if cached.kind == "w3c" else {**cached.document, "type": [list_type]}
        try:
            trust.check(signer, view)
        except Indeterminate as err:
            raise Indeterminate(
                "status.unavailable", f"the trust source cannot vet the status list's signer now ({err.code})"
            ) from None
        except ThaiVCError as err:
            raise ThaiVCError(
                "status.verification",
                f"the status list is signed by {who} not the credential's issuer, and the trust source does "
                f"not admit it for {list_type} ({err.detail}): {advice}",
            ) from None
        except Exception as exc:  # a trust source that breaks must not let a list through
            raise Indeterminate(
                "status.unavailable", f"the trust source failed on the status list's signer: {type(exc).__name__}"
            ) from None

    def _list(self, kind: Literal["w3c", "ietf"], url: str) -> CachedList:
        key = f"{kind} {url}"
        now = self.clock.now()
        cached = self.cache.get(key)
        if cached is not None:
            if now < cached.expires_at:
                return cached
            self.cache.discard(key)
        fresh = self._load(kind, url, now)
        if fresh.expires_at > now:
            self.cache.put(key, fresh)
        return fresh

    def _load(self, kind: Literal["w3c", "ietf"], url: str, now: float) -> CachedList:
        result = self._fetch_safely(url)
        document = self._verify_safely(self._parse_body(result))
        if kind == "w3c":
            return self._w3c(url, document, result, now)
        return self._ietf(url, document, result, now)

    def _fetch_safely(self, url: str) -> FetchResult:
        try:
            result = self._fetch(url)
        except InputError as err:
            if err.code == "status.too_large":
                raise
            raise Indeterminate("status.unavailable", f"fetch failed: {err.code}") from None
        except ThaiVCError as err:
            if err.code in STORE_OUTAGE_CODES:  # an issuer's own store did not answer: its outage, its code
                raise Indeterminate(err.code, "the status list's store did not answer") from None
            raise Indeterminate("status.unavailable", f"fetch failed: {err.code}") from None
        except Exception as exc:  # an injected fetcher may raise anything: fail closed, never "valid"
            raise Indeterminate("status.unavailable", f"fetch failed: {type(exc).__name__}") from None
        if not isinstance(result, FetchResult) or not isinstance(result.body, bytes):
            raise Indeterminate("status.unavailable", "the fetcher returned no body")
        if not isinstance(result.status, int) or not 200 <= result.status < 300:
            raise Indeterminate("status.unavailable", f"HTTP {result.status} for the status list")
        if len(result.body) > self.max_fetch_bytes:
            raise InputError("status.too_large", f"status list body over {self.max_fetch_bytes} bytes")
        return result

    def _parse_body(self, result: FetchResult) -> str | dict[str, Any]:
        body = result.body
        if result.media_type in _JSON_TYPES or body.lstrip()[:1] == b"{":
            try:
                parsed: dict[str, Any] = loads_strict(
                    body, max_bytes=self.max_fetch_bytes, require_object=True
                )
            except InputError as err:
                raise InputError(
                    "status.verification", f"the status list is not valid JSON: {err.code}"
                ) from None
            return parsed
        try:
            return body.decode("ascii").strip()
        except UnicodeDecodeError:
            raise InputError(
                "status.verification", "the status list is neither JSON nor a compact JWS"
            ) from None

    def _verify_safely(self, parsed: str | dict[str, Any]) -> dict[str, Any]:
        if self._verify is None:
            raise Indeterminate(
                "status.unavailable",
                "no verifier for status lists: pass the checker as Verifier(status_checker=…) "
                "or build it with http_status_checker(verifier, fetcher)",
            )
        try:
            document = self._verify(parsed)
        except Indeterminate as err:
            raise Indeterminate(
                "status.unavailable", f"the status list could not be verified: {err.code}"
            ) from None
        except ThaiVCError as err:
            raise ThaiVCError(
                "status.verification", f"the status list failed verification: {err.code}"
            ) from None
        except Exception as exc:  # an injected verifier may raise anything: fail closed
            raise Indeterminate(
                "status.unavailable", f"status list verifier error: {type(exc).__name__}"
            ) from None
        if not isinstance(document, dict):
            raise ThaiVCError("status.verification", "the list verifier returned no document")
        return document

    def _expiry(self, now: float, result: FetchResult, ttl: float | None, hard_end: float | None) -> float:
        lifetimes = [t for t in (result.max_age, ttl) if t is not None]
        expires = now + (min(lifetimes) if lifetimes else self.default_ttl)
        return expires if hard_end is None else min(expires, hard_end)

    def _hard_end(self, start: float | None, end: float | None) -> float | None:
        """The instant after which a cached list must not be used, whatever its ttl says."""
        known = [t for t in (end,) if t is not None]
        if start is not None and self.max_list_age is not None:
            known.append(start + self.max_list_age)
        return min(known) if known else None

    def _window(self, now: float, start: float | None, end: float | None) -> None:
        if start is not None and now + self.leeway < start:
            raise Indeterminate("status.unavailable", "the status list is not yet valid")
        if end is not None and now - self.leeway >= end:
            raise Indeterminate("status.unavailable", "the status list is stale (past its validity)")
        if self.max_list_age is not None and (start is None or now - start > self.max_list_age):
            raise Indeterminate("status.unavailable", "the status list is older than the policy allows")

    def _w3c(self, url: str, doc: dict[str, Any], result: FetchResult, now: float) -> CachedList:
        types = _types(doc.get("type"))
        if W3C_LIST_TYPE not in types:
            raise ThaiVCError("status.verification", "type lacks BitstringStatusListCredential")
        if "VerifiablePresentation" in types:
            # a presentation's signature binds its holder, not the ``issuer`` it may name
            raise ThaiVCError("status.verification", "a presentation is not a status list credential")
        if doc.get("id") != url:
            raise ThaiVCError("status.verification", "the list credential's id is not the URL it came from")
        subject = doc.get("credentialSubject")
        if isinstance(subject, list) and len(subject) == 1:
            subject = subject[0]
        if not isinstance(subject, Mapping) or "BitstringStatusList" not in _types(subject.get("type")):
            raise ThaiVCError("status.verification", "credentialSubject is not a BitstringStatusList")
        purposes = frozenset(_types(subject.get("statusPurpose")))
        if not purposes:
            raise ThaiVCError("status.verification", "the list has no statusPurpose")
        start = parse_timestamp(doc["validFrom"]) if "validFrom" in doc else None
        end = parse_timestamp(doc["validUntil"]) if "validUntil" in doc else None
        self._window(now, start, end)
        ttl_ms = subject.get("ttl")
        ttl: float | None = None
        if ttl_ms is not None:
            if isinstance(ttl_ms, bool) or not isinstance(ttl_ms, int) or ttl_ms < 0:
                raise ThaiVCError("status.verification", "ttl must be a non-negative integer (milliseconds)")
            ttl = ttl_ms / 1000
        bits = decode_encoded_list(
            subject.get("encodedList"), min_entries=self.min_entries, max_inflate=self.max_inflate
        )
        return CachedList(
            url=url,
            kind="w3c",
            issuer=_issuer_id(doc.get("issuer")),
            purposes=purposes,
            data=bits,
            fetched_at=now,
            expires_at=self._expiry(now, result, ttl, self._hard_end(start, end)),
            document=doc,
        )

    def _ietf(self, url: str, payload: dict[str, Any], result: FetchResult, now: float) -> CachedList:
        if payload.get("sub") != url:
            raise ThaiVCError("status.verification", "the status list token's sub is not the referenced uri")
        iat = payload.get("iat")
        if isinstance(iat, bool) or not isinstance(iat, int | float):
            raise ThaiVCError("status.verification", "the status list token has no numeric iat")
        exp = payload.get("exp")
        if exp is not None and (isinstance(exp, bool) or not isinstance(exp, int | float)):
            raise ThaiVCError("status.verification", "exp must be a number")
        ttl = payload.get("ttl")
        if ttl is not None and (isinstance(ttl, bool) or not isinstance(ttl, int | float) or ttl <= 0):
            raise ThaiVCError("status.verification", "ttl must be a positive number (seconds)")
        end = None if exp is None else float(exp)
        self._window(now, float(iat), end)
        tsl: TokenStatusList = decode_status_list(payload.get("status_list"), max_inflate=self.max_inflate)
        return CachedList(
            url=url,
            kind="ietf",
            issuer=_issuer_id(payload.get("iss")),
            purposes=frozenset(),
            data=tsl,
            fetched_at=now,
            expires_at=self._expiry(
                now, result, None if ttl is None else float(ttl), self._hard_end(float(iat), end)
            ),
            document=payload,
        )
