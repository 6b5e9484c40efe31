"""What the service does, without HTTP: issue, verify, publish status lists, change statuses.

The routes in :mod:`thaivc.server.app` only parse requests and format answers; every decision is
made here, by the library's own objects (:class:`thaivc.Issuer`, :class:`thaivc.Verifier`,
:class:`thaivc.status.StatusRegistry`), so the service accepts exactly what the library accepts.

Issuance order, and why: the status index is allocated (and committed) first, the credential is
signed second, the register row is written third (in one transaction with its ``issued`` audit row),
and only then is the credential returned. A crash between any two steps leaves at most an allocated
index nobody holds — never a credential without its status entry, never a returned credential the
register does not list, and never a register row the audit log does not show.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

from thaivc import ChallengeStore, Issuer, Policy, Verifier
from thaivc.core.errors import Indeterminate, ThaiVCError
from thaivc.core.report import VerificationReport
from thaivc.did import DidDocument, DidJwkResolver, DidKeyResolver, DidResolver, UniversalResolver
from thaivc.jose.media import envelope, unenvelope
from thaivc.net import FetchResult
from thaivc.server.config import ServerConfig
from thaivc.server.db import AuditEntry, Database, DbChallengeStore, IssuedRecord
from thaivc.server.keys import KeyRing
from thaivc.server.problems import ServiceError
from thaivc.server.reconcile import Orphan, ReconcileOptions, ReconcileSummary, reconcile
from thaivc.server.sd_options import sd_issue_options
from thaivc.server.sdjwt_issuer import SdJwtPublisher
from thaivc.server.status_cache import OwnListCache
from thaivc.status import (
    StatusChecker,
    StatusRegistry,
    list_credential_signer,
    media_type_of,
    status_list_token_signer,
)
from thaivc.status.publish import ListCredentialFormat
from thaivc.status.store import ListFormat, Publication

__all__ = ["LIST_ID", "RowOutcome", "Service", "StatusAction"]

LIST_ID: Final = re.compile(r"[A-Za-z0-9_-]{1,64}", re.ASCII)
_FORMATS: Final = ("vc+jwt", "di", "dc+sd-jwt")
_MAX_ID: Final = 2048
_CONTROL: Final = re.compile(r"[\x00-\x20\x7f]")
MAX_ROWS: Final = 100_000
_EVP: Final = "EnvelopedVerifiablePresentation"

StatusAction = Literal["revoke", "suspend", "reinstate"]
_PURPOSE: Final[dict[str, str]] = {"revoke": "revocation", "suspend": "suspension", "reinstate": "suspension"}
_VALUE: Final[dict[str, int]] = {"revoke": 1, "suspend": 1, "reinstate": 0}


@dataclass(frozen=True, slots=True)
class RowOutcome:
    row: int
    id: str
    outcome: str  # done, would_do, not_found, invalid, duplicate
    detail: str = ""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"row": self.row, "id": self.id, "outcome": self.outcome}
        if self.detail:
            out["detail"] = self.detail
        return out


class _OwnDidWeb:
    """Resolves this service's own did:web from memory; any other did:web only if network is allowed."""

    def __init__(self, service: Service, fallback: DidResolver | None) -> None:
        self._service = service
        self._fallback = fallback

    def resolve(self, did: str) -> DidDocument:
        if did == self._service.keyring.did:
            return self._service.keyring.document(self._service.now())
        if self._fallback is None:
            raise Indeterminate("did.resolver_unavailable", "did:web resolution over the network is not enabled")
        return self._fallback.resolve(did)


class Service:
    """The issuer and verifier of one agency, over one database."""

    def __init__(self, config: ServerConfig, keyring: KeyRing, db: Database) -> None:
        self.config = config
        self.keyring = keyring
        self.db = db
        self.issuer = Issuer(keyring.active, issuer_id=keyring.did)
        self.status_base = f"{config.public_url}/status"
        self.registry = StatusRegistry(db.status_store(), base_url=self.status_base, issuer_id=keyring.did)
        # decoded own lists kept while their revision holds (re-confirmed on every use), shared by
        # every verifier this service makes; other issuers' lists by their TTL
        self.status_cache = OwnListCache(self.status_base + "/", self._own_list_id, self._list_revision)
        self._network: Any = None
        if config.policy.allow_network:
            from thaivc.net import SafeHttpClient

            self._network = SafeHttpClient()
        methods: dict[str, DidResolver] = {"key": DidKeyResolver(), "jwk": DidJwkResolver()}
        web_fallback: DidResolver | None = None
        if self._network is not None:
            from thaivc.did.web import DidWebResolver

            web_fallback = DidWebResolver(self._network)
        methods["web"] = _OwnDidWeb(self, web_fallback)
        self.resolver = UniversalResolver(methods)
        #: ``[sd_jwt_vc]``: dc+sd-jwt credentials are issued (and published) as an https issuer
        self.sd_jwt = SdJwtPublisher(config.sd_jwt_vc, keyring) if config.sd_jwt_vc is not None else None
        self.verifier = self.make_verifier(DbChallengeStore(db))

    def make_verifier(self, challenges: ChallengeStore) -> Verifier:
        """A verifier with this service's policy, resolver and status lists, answering ``challenges``.

        The VC-API checks challenges from ``POST /challenges``; the OpenID4VP verifier checks the nonces
        of its own transactions: the same judgement, a different source of single-use values.
        """
        key_resolver = None
        trusted: dict[str, list[str]] = {}
        if self.sd_jwt is not None:
            fallback = None
            if self._network is not None:
                from thaivc.trust import IssuerMetadataResolver

                fallback = IssuerMetadataResolver(self._network).issuer_key_resolver
            key_resolver = self.sd_jwt.key_resolver(self.now, fallback)
            trusted[self.sd_jwt.issuer_id] = [self.keyring.did]  # its lists are signed under the DID
        return Verifier(
            Policy(),
            resolver=self.resolver,
            challenge_store=challenges,
            status_checker=StatusChecker(self._fetch_list, trusted_status_issuers=trusted, cache=self.status_cache),
            sd_jwt_key_resolver=key_resolver,
        )

    @staticmethod
    def now() -> float:
        return time.time()

    # -- status lists --------------------------------------------------------------------------
    def current_list(self, list_id: str, fmt: ListFormat) -> Publication:
        """The list's current signed version, re-signed when its values changed or half its validity passed."""
        if not LIST_ID.fullmatch(list_id):
            raise ServiceError("service.not_found", "no such status list")
        store = self.registry.store
        info = store.list_info(list_id)
        if info is None or info.issuer_id != self.keyring.did:
            raise ServiceError("service.not_found", "no such status list")
        publication = store.current_publication(list_id, fmt)
        now = int(self.now())
        cfg = self.config.issuer
        stale = publication is None or publication.revision < info.revision
        if stale or publication is None or now - publication.created_at > cfg.list_valid_for // 2:
            # a Data Integrity issuer publishes Data Integrity lists: JSON-LD verifiers read them like its credentials
            secured: ListCredentialFormat = "di" if cfg.default_format == "di" else "vc+jwt"
            key = self.issuer.key
            sign = list_credential_signer(self.issuer, secured) if fmt == "w3c" else status_list_token_signer(key)
            publication = self.registry.publish(list_id, fmt, sign=sign, valid_for=cfg.list_valid_for, ttl=cfg.list_ttl)
        return publication

    def _own_list(self, url: str) -> tuple[str, ListFormat] | None:
        """``(list_id, format)`` of one of this service's status list URLs; None for any other URL."""
        prefix = self.status_base + "/"
        if not url.startswith(prefix):
            return None
        rest = url[len(prefix) :]
        if rest.startswith("token/"):
            return rest[len("token/") :], "ietf"
        return rest, "w3c"

    def _own_list_id(self, url: str) -> str | None:
        own = self._own_list(url)
        return None if own is None else own[0]

    def _list_revision(self, list_id: str) -> int | None:
        """The list's revision now, for :class:`OwnListCache` (one primary-key read)."""
        store = self.registry.store
        read = getattr(store, "revision", None)
        if read is not None:
            value = read(list_id)
            return None if value is None else int(value)
        info = store.list_info(list_id)
        return None if info is None else info.revision

    def _fetch_list(self, url: str) -> FetchResult:
        """Status lists for the verifier: this service's own read from the store, others only over the network."""
        own = self._own_list(url)
        if own is not None:
            try:
                publication = self.current_list(*own)
            except ServiceError:
                raise Indeterminate("status.unavailable", "no such status list here") from None
            # the checker keeps the decoded list only while the store's revision equals this one
            self.status_cache.served(url, publication.revision)
            media = media_type_of(publication.body, token=own[1] == "ietf")
            return FetchResult(url, 200, publication.body.encode(), media, None)
        if self._network is None:
            raise Indeterminate("status.unavailable", "fetching other issuers' status lists is not enabled")
        from thaivc.status import safe_http_fetcher

        return safe_http_fetcher(self._network)(url)

    # -- issuance ------------------------------------------------------------------------------
    def issue(self, body: dict[str, Any], *, client: str, request_id: str) -> dict[str, Any]:
        credential = body.get("credential")
        options = body.get("options", {})
        if not isinstance(credential, dict):
            raise ServiceError("service.bad_request", "credential must be a JSON object")
        if not isinstance(options, dict):
            raise ServiceError("service.bad_request", "options must be a JSON object")
        unknown = set(options) - {
            "format", "cryptosuite", "disclosable", "statusPurposes", "credentialId", "mandatoryPointers"
        }
        if unknown:
            raise ServiceError("service.bad_request", f"unknown options: {sorted(unknown)[:5]}")
        fmt = options.get("format", self.config.issuer.default_format)
        if fmt not in _FORMATS:
            raise ServiceError("usage.unsupported_format", f"format is one of {list(_FORMATS)}")
        cryptosuite = options.get("cryptosuite")
        if cryptosuite is not None and (fmt != "di" or not isinstance(cryptosuite, str)):
            raise ServiceError("service.bad_request", "cryptosuite is a string, for format di only")
        disclosable = options.get("disclosable", [])
        if not isinstance(disclosable, list) or not all(isinstance(p, str) for p in disclosable) or (
            disclosable and fmt != "dc+sd-jwt"
        ):
            raise ServiceError("service.bad_request", "disclosable is a list of JSON pointers, for dc+sd-jwt only")
        purposes = options.get("statusPurposes", list(self.config.issuer.status_purposes))
        if not isinstance(purposes, list) or any(p not in ("revocation", "suspension") for p in purposes) or len(
            set(purposes)
        ) != len(purposes):
            raise ServiceError("service.bad_request", "statusPurposes is a list of distinct revocation/suspension")
        if fmt == "dc+sd-jwt":
            purposes = purposes[:1]
        doc = dict(credential)
        if "id" in doc and not isinstance(doc["id"], str):
            # refused here: the status registry would otherwise replace a null id with a fresh one
            raise ServiceError("vc.id_invalid", "id must be a URL when present", status=422)
        if "credentialStatus" in doc or "status" in doc:
            purposes = []  # the caller brought its own status entry: it answers for it
        if purposes and "id" not in doc:
            doc["id"] = f"urn:uuid:{uuid.uuid4()}"
        credential_id = doc.get("id")
        kwargs = sd_issue_options(options, fmt=fmt, cryptosuite=cryptosuite)
        if cryptosuite:
            kwargs["cryptosuite"] = cryptosuite
        if disclosable:
            kwargs["disclosable"] = disclosable
        try:
            secured = self._secure(doc, fmt, purposes, kwargs)
        except ThaiVCError as err:
            self._audit(client, "issue", str(credential_id or "-"), "refused", err.code, request_id)
            raise ServiceError.from_error(err) from None
        self._register(doc, fmt, purposes, client, request_id)
        if isinstance(secured, str):
            return {"verifiableCredential": envelope(secured, fmt)}
        return {"verifiableCredential": secured}

    def _register(self, doc: dict[str, Any], fmt: str, purposes: list[str], client: str, request_id: str) -> None:
        """The register row and its ``issued`` audit row, in one transaction (the audit row alone without an id).

        One transaction: a register that lists a credential the log never saw (the audit failing after
        the row was committed, the caller told 503) is not possible.
        """
        credential_id = doc.get("id")
        types = doc.get("type")
        type_list = [t for t in (types if isinstance(types, list) else [types]) if isinstance(t, str)]
        subject = doc.get("credentialSubject")
        first = subject[0] if isinstance(subject, list) and subject else subject
        subject_id = first.get("id") if isinstance(first, dict) and isinstance(first.get("id"), str) else None
        now = int(self.now())
        issued = AuditEntry(now, client, "issue", str(credential_id or "-")[:_MAX_ID], "issued", fmt, request_id)
        if not isinstance(credential_id, str):
            self.db.audit(issued)
            return
        record = IssuedRecord(credential_id, type_list, fmt, self.db.subject_hash(subject_id), list(purposes), now,
                              client)
        self.db.record_issued_many([record], [issued])

    def _secure(self, doc: dict[str, Any], fmt: Any, purposes: list[str], options: dict[str, Any]) -> Any:
        """Sign ``doc`` as ``fmt``; an SD-JWT VC of an https issuer (``[sd_jwt_vc]``) is signed by that issuer.

        Its status entry is still allocated in the DID's registry, whose lists the service signs: the
        issuer refuses another issuer's registry, so it is handed the ready ``status`` claim.
        """
        if fmt == "dc+sd-jwt" and self.sd_jwt is not None:
            status = self.registry.entry_for(doc["id"], purposes[0], format="ietf") if purposes else None  # type: ignore[arg-type]
            return self.sd_jwt.issuer.issue(doc, format=fmt, status=status, **options)
        return self.issuer.issue(doc, format=fmt, status=(self.registry, purposes) if purposes else None, **options)

    # -- verification --------------------------------------------------------------------------
    def verify_credential(self, body: dict[str, Any]) -> VerificationReport:
        vc = body.get("verifiableCredential")
        options = body.get("options", {})
        if vc is None or not isinstance(vc, dict | str) or not isinstance(options, dict):
            raise ServiceError("service.bad_request", "send {verifiableCredential, options}")
        _refuse_json_text(vc, "verifiableCredential")
        if isinstance(vc, dict) and _is_presentation(vc):
            raise ServiceError("service.bad_request", "a presentation goes to /presentations/verify")
        report = self.verifier.check(vc)
        if report.format is not None and report.format.startswith("vp"):
            raise ServiceError("service.bad_request", "a presentation goes to /presentations/verify")
        return report

    def verify_presentation(self, body: dict[str, Any]) -> VerificationReport:
        vp = body.get("verifiablePresentation")
        options = body.get("options", {})
        if vp is None or not isinstance(vp, dict | str) or not isinstance(options, dict):
            raise ServiceError("service.bad_request", "send {verifiablePresentation, options}")
        _refuse_json_text(vp, "verifiablePresentation")
        challenge = options.get("challenge")
        domain = options.get("domain")
        if not isinstance(challenge, str | None) or not isinstance(domain, str | None):
            raise ServiceError("service.bad_request", "options.challenge and options.domain are strings")
        if isinstance(vp, dict) and vp.get("type") in (_EVP, [_EVP]):
            try:
                _media, vp = unenvelope(vp)
            except ThaiVCError as err:
                raise ServiceError.from_error(err) from None
        elif isinstance(vp, dict) and not _is_presentation(vp):
            raise ServiceError("service.bad_request", "a credential goes to /credentials/verify")
        return self.verifier.check(vp, challenge=challenge, domain=domain)

    # -- administration ------------------------------------------------------------------------
    def change_status(
        self, action: StatusAction, ids: Sequence[str], *, dry_run: bool, actor: str, request_id: str
    ) -> list[RowOutcome]:
        """Apply ``action`` to every valid id with an entry, in one transaction; report each row."""
        purpose = _PURPOSE[action]
        store = self.registry.store
        rows: list[RowOutcome] = []
        found: list[str] = []
        seen: set[str] = set()
        for number, raw in enumerate(ids, start=1):
            if not isinstance(raw, str) or not raw or len(raw) > _MAX_ID or _CONTROL.search(raw):
                rows.append(RowOutcome(number, str(raw)[:80], "invalid", "an id is a non-empty string without spaces"))
                continue
            if raw in seen:
                rows.append(RowOutcome(number, raw, "duplicate"))
                continue
            seen.add(raw)
            if store.lookup(self.keyring.did, purpose, raw) is None:
                rows.append(RowOutcome(number, raw, "not_found", f"no {purpose} entry for this id"))
                continue
            found.append(raw)
            rows.append(RowOutcome(number, raw, "would_do" if dry_run else "done"))
        if found and not dry_run:
            # audited before anything changes: an audit table out of reach stops the change (503),
            # never a revocation nobody can trace; the outcome follows the change
            self._audit_each(actor, action, found, "requested", purpose, request_id)
            try:
                store.set_values(self.keyring.did, purpose, found, _VALUE[action])
            except ThaiVCError as err:
                with contextlib.suppress(ThaiVCError):  # the log may be down too: the outage is the answer
                    self._audit_each(actor, action, found, "failed", err.code, request_id)
                raise ServiceError.from_error(err) from None
            self._audit_each(actor, action, found, "done", purpose, request_id)
        return rows

    def _audit_each(  # noqa: PLR0917
        self, actor: str, action: str, targets: Sequence[str], outcome: str, detail: str, request_id: str
    ) -> None:
        """One audit row per target, in one transaction."""
        at = int(self.now())
        self.db.audit_many([AuditEntry(at, actor, action, t[:_MAX_ID], outcome, detail, request_id) for t in targets])

    def issued(self, *, limit: int, after: str | None) -> list[dict[str, Any]]:
        """A page of the register with each credential's current status (no claims)."""
        records = self.db.issued(limit=limit, after=after)
        store = self.registry.store
        values: dict[str, dict[int, int]] = {}
        out = []
        for record in records:
            status: dict[str, str] = {}
            for purpose in record.purposes:
                allocation = store.lookup(self.keyring.did, purpose, record.credential_id)
                if allocation is None:
                    status[purpose] = "missing"
                    continue
                if allocation.list_id not in values:
                    values[allocation.list_id] = dict(store.snapshot(allocation.list_id).values)
                set_ = values[allocation.list_id].get(allocation.index, 0)
                status[purpose] = ("revoked" if purpose == "revocation" else "suspended") if set_ else "valid"
            out.append({**record.to_json(), "status": status})
        return out

    def reconcile(
        self, options: ReconcileOptions | None = None, *, on_orphan: Callable[[Orphan], None] | None = None
    ) -> ReconcileSummary:
        """Revoke this issuer's orphaned status indices (:func:`thaivc.server.reconcile.reconcile`)."""
        return reconcile(self.db, self.registry.store, self.keyring.did, options, now=self.now(), on_orphan=on_orphan)

    def _audit(self, actor: str, action: str, target: str, outcome: str, detail: str, request_id: str) -> None:  # noqa: PLR0917
        self.db.audit(AuditEntry(int(self.now()), actor, action, target[:_MAX_ID], outcome, detail, request_id))


def _refuse_json_text(value: object, name: str) -> None:
    """Refuse a document serialised into a string: the VC-API body carries it as a JSON object.

    A string is for compact tokens (vc+jwt, SD-JWT). The library's ``check`` also parses JSON text
    (handy for files), so without this a document that is not a map would verify here, where VC-DI
    1.0's verify algorithm ("if securedDocument is not a map") and the W3C suites require an error.
    """
    if isinstance(value, str) and value.lstrip(" \t\r\n\ufeff")[:1] in ("{", "[", '"'):
        raise ServiceError("service.bad_request", f"{name} is a JSON object, or a compact token in a string")


def _is_presentation(doc: dict[str, Any]) -> bool:
    types = doc.get("type")
    return "VerifiablePresentation" in (types if isinstance(types, list) else [types])


def read_csv_ids(raw: bytes) -> list[str]:
    """Credential ids from the first column of a CSV upload; a header row naming ``id`` is skipped."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ServiceError("service.bad_request", "the CSV is not UTF-8") from None
    ids: list[str] = []
    try:
        for i, row in enumerate(csv.reader(io.StringIO(text))):
            if not row:
                continue
            cell = row[0].strip()
            if i == 0 and cell.lower() in ("id", "credential_id", "credentialid"):
                continue
            ids.append(cell)
            if len(ids) > MAX_ROWS:
                raise ServiceError("input.too_large", f"more than {MAX_ROWS} rows")
    except csv.Error:
        raise ServiceError("service.bad_request", "the CSV is malformed") from None
    return ids
