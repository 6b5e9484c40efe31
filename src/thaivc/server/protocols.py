"""OpenID4VCI issuance and OpenID4VP verification inside ``thaivc serve``.

The protocol objects are the library's (:class:`~thaivc.oid4vci.CredentialIssuerService`,
:class:`~thaivc.oid4vp.PresentationVerifier`); this module gives them what a service adds, through
their public seams only (the issuance callback, the ``sign`` hook, :class:`~thaivc.oid4vci.IssuanceUnavailable`,
``on_verdict``), never by replacing their internals:

* **state in the service's database** (:meth:`Database.state_store`, created by migration 2), so
  several workers and hosts share every code, nonce, token and transaction;
* **the issuance callback** named in the configuration (``module:function``), called with the
  :class:`IssuanceContext` (the configured DOPA and DBD adapters);
* **status and the register**: every credential issued over OpenID4VCI gets its status entries
  (allocated before it is signed) and a register row and an audit entry (written before it is
  returned), exactly as ``POST /credentials/issue``; a request for several keys is registered
  whole once every copy is signed, or not at all (what was allocated for it is then revoked);
* **fail closed, with a reason**: a registry or database that does not answer is a 503 with the
  problem code (``registry.unavailable``, ``service.unavailable``) and ``Retry-After``, never a hang
  and never a credential.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import importlib
import json
import logging
import secrets
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Protocol, cast

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from thaivc.core.errors import CODES, STORE_OUTAGE_CODES, ThaiVCError
from thaivc.did import did_jwk
from thaivc.keys import PublicKey
from thaivc.oid4vc import HttpRequest, HttpResponse, StateStore
from thaivc.oid4vci import (
    CredentialConfiguration,
    CredentialData,
    CredentialIssuerService,
    Display,
    IssuanceDenied,
    IssuanceRequest,
    IssuanceUnavailable,
    IssuerConfig,
    Pending,
)
from thaivc.oid4vci.service import OfferEventHandler
from thaivc.oid4vp import DcqlQuery, PresentationResult, PresentationVerifier, VerifierConfig
from thaivc.registries import DbdRegistry, DopaCardChecker, FakeDbd, FakeDopa, GdxDbdClient, GdxDopaClient
from thaivc.server.auth import ANONYMOUS, Client
from thaivc.server.config import ServerConfig
from thaivc.server.db import AuditEntry, IssuedRecord
from thaivc.server.guard import REQUEST_ID, Metrics
from thaivc.server.mount import mount_handler
from thaivc.server.problems import ServiceError, read_json_object
from thaivc.server.protocol_config import Oid4vciConfig, Oid4vpConfig, RegistryConfig
from thaivc.server.service import Service
from thaivc.server.x509_client import X509Client, load_x509_client

__all__ = ["IssuanceContext", "ServiceCallback", "ServiceCredentialIssuer", "mount_protocols"]

#: Codes that mean "a dependency did not answer": the caller should retry, nothing was issued.
UNAVAILABLE: Final = frozenset({"registry.unavailable", *STORE_OUTAGE_CODES})
_NS_NONCE: Final = "server.vp_nonce"
_NS_POLL: Final = "server.vp_poll"
_NS_CODE_TRIES: Final = "server.vp_code_tries"
_NS_REDEEMED: Final = "server.vp_redeemed"
_MAX_SUBJECT: Final = 16 * 1024
_TID_CHARS: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class IssuanceContext:
    """What the configured issuance callback is given beside the request: the registries.

    ``dopa``/``dbd`` are the adapters from ``[registries]`` (the synthetic fakes, or the GDX
    clients), ``None`` when not configured. A registry that does not answer raises
    ``registry.unavailable``: let it propagate, the service answers 503 and issues nothing.
    """

    dopa: DopaCardChecker | None
    dbd: DbdRegistry | None
    issuer_id: str
    public_url: str


ServiceCallback = Callable[[IssuanceRequest, IssuanceContext], CredentialData | Pending]


def _import(spec: str) -> Any:
    module_name, _, attr = spec.partition(":")
    return getattr(importlib.import_module(module_name), attr)


def _registry(config: ServerConfig, reg: RegistryConfig | None, kind: str) -> Any:
    if reg is None:
        return None
    if reg.kind == "fake":
        path = config.path(reg.fixture) if reg.fixture else None
        return FakeDopa(path=path) if kind == "dopa" else FakeDbd(path=path)
    cls = GdxDopaClient if kind == "dopa" else GdxDbdClient
    assert reg.base_url and reg.consumer_key and reg.consumer_secret and reg.agent_id
    return cls(reg.base_url, reg.consumer_key, reg.consumer_secret, reg.agent_id, timeout=reg.timeout,
               retries=reg.retries, insecure=reg.insecure)


def load_callback(spec: str) -> ServiceCallback:
    """The configured ``module:function``; :class:`ThaiVCError` ``config.invalid`` if it is not callable."""
    from thaivc.server.config import ConfigError

    try:
        found = _import(spec)
    except Exception as exc:  # an operator's module may raise anything while importing: name it
        raise ConfigError([f"oid4vci.callback: cannot import {spec} ({type(exc).__name__})"]) from None
    if not callable(found):
        raise ConfigError([f"oid4vci.callback: {spec} is not callable"])
    return cast(ServiceCallback, found)


def _ref(offer_id: str) -> str:
    """An offer's reference in logs and the audit: a hash prefix (the offer id fetches the offer)."""
    return hashlib.sha256(offer_id.encode()).hexdigest()[:16]


class ServiceCredentialIssuer:
    """The library's issuer with the service's status lists, register, audit and 503s.

    It wraps a :class:`~thaivc.oid4vci.CredentialIssuerService` (:attr:`vci`) and adds its steps
    through the library's seams: the configured callback is called through :meth:`_call`, a request's
    credentials are signed through :meth:`_sign_batch` (status, then every signature, then the
    register and audit of all of them in one transaction: all or none), and a dependency that does not
    answer is raised as :class:`~thaivc.oid4vci.IssuanceUnavailable` (the library answers the 503).
    Offers are made through :meth:`offer` (the administration endpoint): the subject the officer
    attached is kept with the client that made the offer, which the audit names when a wallet collects.
    """

    def __init__(self, config: IssuerConfig, *, service: Service, protocol: Oid4vciConfig,
                 callback: ServiceCallback, context: IssuanceContext, store: StateStore,
                 on_event: OfferEventHandler | None = None) -> None:
        self.config = config
        self.service = service
        self.protocol = protocol
        self.user_callback = callback
        self.context = context
        self.vci = CredentialIssuerService(config, issuer=service.issuer, callback=self._call,
                                           sign_batch=self._sign_batch, store=store,
                                           max_body=service.config.limits.max_body_bytes, on_event=on_event)

    def handle(self, request: HttpRequest) -> HttpResponse:
        """Every wallet-facing request of the issuer's URL space (the library's endpoints)."""
        return self.vci.handle(request)

    # -- making offers (administration) -------------------------------------------------------------
    def offer(self, body: Mapping[str, Any], *, client: str, request_id: str) -> dict[str, Any]:
        ids = body.get("configurations")
        subject = body.get("subject")
        tx_code = body.get("txCode", True)
        by_reference = body.get("byReference", False)
        unknown = set(body) - {"configurations", "subject", "txCode", "byReference"}
        if unknown:
            raise ServiceError("service.bad_request", f"unknown members: {sorted(unknown)[:5]}")
        if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids) or len(ids) > 16:
            raise ServiceError("service.bad_request", "configurations is a non-empty list of configuration ids")
        missing = [i for i in ids if i not in self.config.configurations]
        if missing:
            raise ServiceError("service.bad_request", f"unknown credential configurations: {missing[:5]}")
        if not isinstance(subject, dict):
            raise ServiceError("service.bad_request", "subject is a JSON object (what the callback is given)")
        if len(json.dumps(subject, ensure_ascii=False).encode()) > _MAX_SUBJECT:
            raise ServiceError("input.too_large", f"subject is at most {_MAX_SUBJECT} bytes")
        if not isinstance(tx_code, bool) or not isinstance(by_reference, bool):
            raise ServiceError("service.bad_request", "txCode and byReference are booleans")
        envelope = {"subject": subject, "client": client}
        made = self.vci.create_offer(ids, envelope, tx_code=tx_code, by_reference=by_reference)
        self._audit(client, "offer", _ref(made.offer_id), "created", ",".join(ids), request_id)
        out: dict[str, Any] = {"offer": made.offer, "deepLink": made.deep_link,
                               "expiresIn": self.config.pre_authorized_code_ttl}
        if made.tx_code is not None:
            out["txCode"] = made.tx_code
        if made.offer_uri is not None:
            out["offerUri"] = made.offer_uri
        return out

    # -- the callback, unwrapped ---------------------------------------------------------------------
    def _call(self, request: IssuanceRequest) -> CredentialData | Pending:
        envelope = request.subject
        found = envelope.get("subject")
        inner: Mapping[str, Any] = found if isinstance(found, dict) else envelope
        try:
            return self.user_callback(dataclasses.replace(request, subject=inner), self.context)
        except IssuanceUnavailable as exc:  # the agency's callback said so itself
            self._unavailable(request, exc.code)
            raise
        except IssuanceDenied:  # the agency's refusal: the library answers credential_request_denied
            raise
        except ThaiVCError as exc:
            if exc.code in UNAVAILABLE:
                self._unavailable(request, exc.code)
                raise IssuanceUnavailable(exc.code, exc.detail) from None
            raise IssuanceDenied(exc.code) from None
        except Exception as exc:
            # a registry adapter (DOPA, DBD) raising its HTTP client's or parser's own exception: the
            # dependency's failure, not the wallet's (it was a 500 without an audit row); by type only,
            # since its message may carry the citizen's data
            _log.error("the issuance callback raised %s", type(exc).__name__)
            self._unavailable(request, "registry.unavailable")
            raise IssuanceUnavailable("registry.unavailable", f"a registry failed ({type(exc).__name__})") from None

    def _unavailable(self, request: IssuanceRequest, code: str) -> None:
        """The audit row of an outage; the library answers the wallet (503, ``Retry-After``).

        Best effort: with the database down too, the row goes to the log, and the wallet is still told
        the outage it met (with the agency's ``Retry-After``), not the audit's failure.
        """
        try:
            self._audit(self._client(request), "issue", _ref(request.offer_id or ""), "unavailable", code,
                        REQUEST_ID.get())
        except ThaiVCError as exc:
            _log.warning("outage of offer %s (%s) not audited (%s)", _ref(request.offer_id or ""), code, exc.code)

    # -- signing: every credential of a request, then the register in one transaction -----------------
    def _sign_batch(self, request: IssuanceRequest, data: CredentialData) -> list[Any]:
        """One credential per proven key, registered and audited together once all are signed: all or none.

        Order: the ``dc+sd-jwt`` checks of every copy (a refused request holds no status index), the
        status index and signature of each, then the register rows and ``issued`` audit rows in one
        transaction. A failure at any step abandons the whole request (:meth:`_abandon`): nothing is
        registered, the indices already allocated are set so they never read as a live credential,
        and the wallet is told 503 (retry: its keys are freed) or refused. Without this, an outage on
        the second key left the first credential registered ``valid`` but never delivered, and the
        wallet's retry issued a second one for the same key.
        """
        purposes, status = self._status_plan(request, data)
        given = data.credential.get("id") if len(request.holder_keys) == 1 else None  # copies need ids of their own
        docs = [{**data.credential, "id": given or f"urn:uuid:{uuid.uuid4()}"} for _ in request.holder_keys]
        client = self._client(request)
        try:
            signed = self._sign_each(request, dataclasses.replace(data, status=status), docs, purposes)
            self._register(request, docs, purposes, client)
        except ThaiVCError as exc:
            self._abandon([str(doc["id"]) for doc in docs], purposes, client, exc.code)
            if exc.code in UNAVAILABLE:
                self._unavailable(request, exc.code)
                raise IssuanceUnavailable(exc.code, exc.detail) from None
            self._audit(client, "issue", str(docs[0]["id"]), "refused", exc.code, REQUEST_ID.get())
            raise
        return signed

    def _status_plan(self, request: IssuanceRequest, data: CredentialData) -> tuple[list[str], Any]:
        """The purposes the service allocates (none when the callback brought its own status) and the option."""
        if data.status is not None or "credentialStatus" in data.credential or "status" in data.credential:
            return [], data.status
        offering = self.protocol.configurations.get(request.configuration_id)
        chosen = offering.status_purposes if offering and offering.status_purposes is not None else None
        purposes: list[str] = list(chosen if chosen is not None else self.service.config.issuer.status_purposes)
        if request.configuration.format == "dc+sd-jwt":
            purposes = purposes[:1]
        return purposes, (self.service.registry, purposes) if purposes else None

    def _sign_each(self, request: IssuanceRequest, data: CredentialData, docs: list[dict[str, Any]],
                   purposes: list[str]) -> list[Any]:
        keys = request.holder_keys
        own_claim = "status" in docs[0] or "credentialStatus" in docs[0]
        if request.configuration.format == "dc+sd-jwt" and not own_claim and (purposes or data.status is None):
            return self._sign_sd_jwt(request, data, docs, purposes)
        return [self._sign_as(request, dataclasses.replace(data, credential=doc), key)
                for doc, key in zip(docs, keys, strict=True)]

    def _sign_sd_jwt(self, request: IssuanceRequest, data: CredentialData, docs: list[dict[str, Any]],
                     purposes: list[str]) -> list[Any]:
        """SD-JWT VCs: every copy checked first (:meth:`~thaivc.Issuer.prepare_sd_jwt`), then status, then signed.

        The same claims :meth:`~thaivc.oid4vci.CredentialIssuerService.default_sign` signs (bound to
        the key by ``cnf.jwk``, the configuration's ``vct``), as the DID or the https issuer of
        ``[sd_jwt_vc]``; the status claim comes from the DID's registry, whose lists the service signs.
        """
        https = self.service.sd_jwt
        signer = https.issuer if https is not None else self.service.issuer
        prepared = [signer.prepare_sd_jwt(doc, disclosable=list(data.disclosable), holder_jwk=dict(key.jwk),
                                          vct=request.configuration.vct)
                    for doc, key in zip(docs, request.holder_keys, strict=True)]
        registry = self.service.registry
        claims = [registry.entry_for(str(doc["id"]), purposes[0], format="ietf") if purposes else None  # type: ignore[arg-type]
                  for doc in docs]
        return [signer.issue_prepared(p, status=claim) for p, claim in zip(prepared, claims, strict=True)]

    def _register(self, request: IssuanceRequest, docs: list[dict[str, Any]], purposes: list[str],
                  client: str) -> None:
        """The register rows and ``issued`` audit rows of every credential of the request, in one transaction."""
        db = self.service.db
        now = int(self.service.now())
        fmt = request.configuration.format
        records, entries = [], []
        for doc, key in zip(docs, request.holder_keys, strict=True):
            types = doc.get("type")
            type_list = [t for t in (types if isinstance(types, list) else [types]) if isinstance(t, str)]
            records.append(IssuedRecord(str(doc["id"]), type_list, fmt, db.subject_hash(did_jwk(key)), purposes,
                                        now, client))
            entries.append(AuditEntry(now, client, "issue", str(doc["id"]), "issued", f"oid4vci {fmt}",
                                      REQUEST_ID.get()))
        db.record_issued_many(records, entries)

    def _abandon(self, ids: list[str], purposes: list[str], client: str, code: str) -> None:
        """What was allocated for an undelivered request is audited ``abandoned``, then set (revoked, suspended).

        A status index is never handed out twice (a reused index could make a leaked credential read
        as another's), so it is not released: its bit is set, so a copy that escaped somehow — it was
        never sent — reads revoked. The rows come first, in one transaction: with the audit log out of
        reach nothing is changed (the ids go to the log file; they are ``urn:uuid`` values, no personal
        data), and the indices stay what reconciliation revokes and audits. A bit is never changed
        without its audit row.
        """
        registry = self.service.registry
        did = self.service.keyring.did
        try:
            held = {purpose: [i for i in ids if registry.store.lookup(did, purpose, i) is not None]
                    for purpose in purposes}
            targets = sorted({i for found in held.values() for i in found})
            if not targets:
                return
            now, request_id = int(self.service.now()), REQUEST_ID.get()
            detail = f"undelivered ({code}); status set: {','.join(purposes)}"
            self.service.db.audit_many([AuditEntry(now, client, "issue", credential_id, "abandoned", detail,
                                                   request_id) for credential_id in targets])
            for purpose, found in held.items():
                if found:
                    registry.store.set_values(did, purpose, found, 1)
        except ThaiVCError as exc:
            _log.warning("abandoned credentials %s (%s): status not set (%s); reconcile revokes them",
                         ",".join(ids), code, exc.code)

    def _sign_as(self, request: IssuanceRequest, data: CredentialData, key: PublicKey) -> Any:
        """Sign as the DID, or an SD-JWT VC as the https issuer of ``[sd_jwt_vc]`` (as the VC-API does)."""
        https = self.service.sd_jwt
        if request.configuration.format != "dc+sd-jwt" or https is None:
            return self.vci.default_sign(request, data, key)
        status: Any = data.status
        if isinstance(status, tuple):  # the DID's registry: the https issuer is handed the ready claim
            registry, purposes = status
            status = registry.entry_for(str(data.credential["id"]), purposes[0], format="ietf")
        return self.vci.default_sign(request, dataclasses.replace(data, status=status), key, issuer=https.issuer)

    @staticmethod
    def _client(request: IssuanceRequest) -> str:
        client = request.subject.get("client")
        return f"oid4vci:{client}" if isinstance(client, str) else "oid4vci"

    def _audit(self, actor: str, action: str, target: str, outcome: str, detail: str, request_id: str) -> None:  # noqa: PLR0917
        self.service.db.audit(AuditEntry(int(self.service.now()), actor, action, target, outcome, detail, request_id))


def build_issuer(config: ServerConfig, service: Service, store: StateStore,
                 on_event: OfferEventHandler | None = None) -> ServiceCredentialIssuer | None:
    """The OpenID4VCI issuer of ``config`` (``None`` without an ``[oid4vci]`` section)."""
    protocol = config.oid4vci
    if protocol is None:
        return None
    alg = service.issuer.key.algorithm
    configurations = {
        cid: CredentialConfiguration(
            format=c.format, vct=c.vct, types=tuple(c.types),
            display=(Display(c.name_th, "th"), Display(c.name_en, "en")),
            signing_algs=(alg,), proof_algs=tuple(c.proof_algs),
        )
        for cid, c in protocol.configurations.items()
    }
    display = tuple(d for d in (Display(protocol.name_th, "th") if protocol.name_th else None,
                                Display(protocol.name_en, "en") if protocol.name_en else None) if d is not None)
    issuer_config = IssuerConfig(
        config.public_url + protocol.path, configurations, display=display, require_dpop=protocol.require_dpop,
        tx_code_length=protocol.tx_code_length, pre_authorized_code_ttl=protocol.pre_authorized_code_ttl,
        offer_ttl=protocol.offer_ttl, max_batch=protocol.max_batch,
        allow_insecure_http=config.public_url.startswith("http://"),  # loopback only: checked at load
    )
    context = IssuanceContext(
        dopa=_registry(config, config.registries.dopa, "dopa"), dbd=_registry(config, config.registries.dbd, "dbd"),
        issuer_id=service.keyring.did, public_url=config.public_url,
    )
    return ServiceCredentialIssuer(issuer_config, service=service, protocol=protocol,
                                   callback=load_callback(protocol.callback), context=context, store=store,
                                   on_event=on_event)


class _NonceStore:
    """The verifier's challenge store for OpenID4VP: the nonces of this service's own transactions, once."""

    def __init__(self, store: StateStore) -> None:
        self._store = store

    def consume(self, challenge: str) -> bool:
        if not isinstance(challenge, str) or not 16 <= len(challenge) <= 256:
            return False
        return self._store.take(_NS_NONCE, hashlib.sha256(challenge.encode()).hexdigest()) is not None


def _refusal_code(answer: HttpResponse) -> str:
    """The thaivc code of an OAuth error answer (``-`` when it names none)."""
    try:
        body = json.loads(answer.body)
    except ValueError:
        return "-"
    code = body.get("thaivc_code") if isinstance(body, dict) else None
    return code if isinstance(code, str) and code in CODES else "-"  # a label only from the catalogue


def _x509_client(config: ServerConfig, protocol: Oid4vpConfig) -> X509Client | None:
    """The configured x509_san_dns client, checked again as it is loaded (the files may have changed)."""
    from thaivc.server.config import ConfigError

    try:
        return load_x509_client(config.public_url, protocol, config.path)
    except ValueError as exc:
        raise ConfigError([str(exc)]) from None


class ServicePresentationVerifier:
    """The OpenID4VP verifier with named presets, creation by the agency and polling with a token.

    The transaction id is inside the request URI the wallet fetches (so inside the QR code); the
    result carries the citizen's claims. So the result is read with a separate ``pollToken`` given
    only to the caller that created the transaction, never with the transaction id alone.

    Same device (``sameDevice``, needs ``redirect_uri``): the wallet sends the citizen's browser back
    to the agency's page with ``#response_code=…``. The result is then released only with that code
    as well (once, and at most ``max_code_attempts`` wrong codes per transaction), so a result cannot
    be read by a session other than the one the wallet returned to (session fixation).
    """

    def __init__(self, config: ServerConfig, protocol: Oid4vpConfig, service: Service, store: StateStore,
                 *, on_verdict: Callable[[str, str], None] | None = None) -> None:
        self.protocol = protocol
        self.store = store
        self.presets = {name: DcqlQuery.from_json(p.dcql) for name, p in protocol.presets.items()}
        self.on_verdict = on_verdict or (lambda _verdict, _code: None)
        client_id = protocol.client_id or f"decentralized_identifier:{service.keyring.did}"
        signer: Any = None if client_id.startswith("redirect_uri:") else service.keyring.active
        x509_client = _x509_client(config, protocol)
        if x509_client is not None:  # HAIP: the request object is signed by the certificate's key, with x5c
            signer = x509_client.signer
        self.verifier = PresentationVerifier(
            VerifierConfig(client_id=client_id, base_url=config.public_url + protocol.path,
                           response_mode=protocol.response_mode, request_ttl=float(protocol.request_ttl),
                           result_ttl=float(protocol.result_ttl), max_body=config.limits.max_body_bytes,
                           redirect_uri=protocol.redirect_uri),
            service.make_verifier(_NonceStore(store)),
            store,
            signer=signer,
            x5c=x509_client.chain if x509_client is not None else None,
            on_verdict=lambda result: self.on_verdict(result.status, result.code or "-"),
        )

    def handle_response(self, http: HttpRequest) -> HttpResponse:
        """The wallet's response; one the library refuses before judging is counted as ``refused``."""
        answer = self.verifier.handle_response(http)
        if answer.status != 200:
            self.on_verdict("refused", _refusal_code(answer))
        return answer

    def create(self, body: Mapping[str, Any], client: Client) -> dict[str, Any]:
        preset = body.get("preset")
        same_device = body.get("sameDevice", False)
        unknown = set(body) - {"preset", "sameDevice"}
        if unknown:
            raise ServiceError("service.bad_request", f"unknown members: {sorted(unknown)[:5]}")
        if not isinstance(preset, str) or preset not in self.presets:
            raise ServiceError("service.bad_request", f"preset is one of {sorted(self.presets)[:20]}")
        if not isinstance(same_device, bool) or (same_device and self.protocol.redirect_uri is None):
            raise ServiceError("service.bad_request", "sameDevice is a boolean, true only with oid4vp.redirect_uri")
        tx = self.verifier.create(self.presets[preset], same_device=same_device, extra={"preset": preset})
        ttl = float(self.protocol.request_ttl)
        self.store.put(_NS_NONCE, hashlib.sha256(tx.request.nonce.encode()).hexdigest(), {}, ttl=ttl)
        poll = secrets.token_urlsafe(32)
        self.store.put(_NS_POLL, tx.id, {"h": hashlib.sha256(poll.encode()).hexdigest(), "client": client.id,
                                         "same_device": same_device}, ttl=ttl + self.protocol.result_ttl)
        out: dict[str, Any] = {"transactionId": tx.id, "link": tx.link, "pollToken": poll,
                               "expiresIn": self.protocol.request_ttl, "preset": preset, "sameDevice": same_device}
        if tx.request_uri is not None:
            out["requestUri"] = tx.request_uri
        return out

    def poll(self, transaction_id: str, token: str | None, response_code: str | None = None) -> dict[str, Any]:
        """The transaction's state for the holder of its poll token; 404 for anyone else (no oracle).

        A same-device transaction's result needs its ``response_code`` too; a cross-device one takes none.
        """
        if not 1 <= len(transaction_id) <= 64 or not set(transaction_id) <= _TID_CHARS or not token:
            raise ServiceError("service.not_found", "no such transaction")
        record = self.store.get(_NS_POLL, transaction_id)
        given = hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
        if record is None or not hmac.compare_digest(str(record.value.get("h", "")), given):
            raise ServiceError("service.not_found", "no such transaction")
        if record.value.get("same_device"):
            return self._redeem(transaction_id, response_code)
        if response_code is not None:
            raise ServiceError("service.bad_request", "a cross-device transaction takes no response_code")
        return self._answer(transaction_id, self.verifier.result(transaction_id))

    def _redeem(self, transaction_id: str, response_code: str | None) -> dict[str, Any]:
        """Same device: the result for its ``response_code``, once; wrong codes are counted and capped."""
        if response_code is None:
            if self.verifier.result(transaction_id) is None and self.store.get(_NS_REDEEMED, transaction_id) is None:
                return self._answer(transaction_id, None)
            raise ServiceError("openid.response_code_invalid",
                               "a same-device result is released only with the response_code of the redirect")
        tries = self.store.incr(_NS_CODE_TRIES, transaction_id, ttl=self.protocol.result_ttl + 60.0)
        if tries > self.protocol.max_code_attempts:
            raise ServiceError("openid.response_code_invalid", "too many response codes tried: the result is withheld")
        if not 1 <= len(response_code) <= 128:
            raise ServiceError("openid.response_code_invalid", "no result for this response_code")
        try:
            result = self.verifier.result_for_code(transaction_id, response_code)
        except ThaiVCError as exc:
            raise ServiceError.from_error(exc) from None
        self.store.put(_NS_REDEEMED, transaction_id, {}, ttl=self.protocol.result_ttl)
        return self._answer(transaction_id, result)

    @staticmethod
    def _answer(transaction_id: str, result: PresentationResult | None) -> dict[str, Any]:
        if result is None:
            return {"transactionId": transaction_id, "status": "pending"}
        out = result.to_json()
        return {"transactionId": transaction_id, "status": out["status"], "dcql": out["dcql"],
                "problems": out["problems"], "preset": result.extra.get("preset")}


class Gate(Protocol):
    """What the app's state offers the protocol routes: authorisation, rate limits and the metrics."""

    metrics: Metrics

    def authorise(self, request: Request, scope: str, *, public: bool = False) -> Client: ...
    def limit(self, request: Request, client: Client) -> None: ...


def mount_protocols(app: FastAPI, config: ServerConfig, service: Service, gate: Gate, *,
                    on_offer_event: OfferEventHandler | None = None) -> None:
    """Mount the OpenID4VCI issuer and the OpenID4VP verifier configured in ``config`` (either may be absent).

    ``on_offer_event`` follows offers (the issuer counter page shows "scanned", "issued", "failed").
    """
    if config.oid4vci is None and config.oid4vp is None:
        return
    store = service.db.state_store()
    issuer = build_issuer(config, service, store, on_event=on_offer_event)
    app.state.oid4vci = issuer

    def by_address(request: Request) -> None:
        gate.limit(request, ANONYMOUS)

    if issuer is not None:
        prefix = config.oid4vci.path if config.oid4vci else ""
        wallet = ["OpenID4VCI (wallet)"]
        mount_handler(app, issuer.config.metadata_path, issuer.handle, request_type=HttpRequest, methods=("GET",),
                      summary="Credential Issuer Metadata (OpenID4VCI 1.0 §12.2)", tags=wallet)
        mount_handler(app, issuer.config.oauth_metadata_path, issuer.handle, request_type=HttpRequest,
                      methods=("GET",), summary="OAuth 2.0 Authorization Server Metadata (RFC 8414)", tags=wallet)
        for name, summary, limited in (
            ("token", "Token endpoint: pre-authorized code + tx_code, DPoP-bound", True),
            ("nonce", "Nonce endpoint: a fresh c_nonce", False),
            ("credential", "Credential endpoint: proofs.jwt, one credential per proven key", False),
            ("deferred", "Deferred credential endpoint", False),
            ("notification", "Notification endpoint", False),
        ):
            mount_handler(app, f"{prefix}/{name}", issuer.handle, request_type=HttpRequest, summary=summary,
                          tags=wallet, before=by_address if limited else None)
        mount_handler(app, prefix + "/offers/{offer_id}", issuer.handle, request_type=HttpRequest, methods=("GET",),
                      summary="A credential offer by reference", tags=wallet, before=by_address)

        @app.post("/admin/offers", status_code=201, tags=["administration"])
        async def create_offer(request: Request) -> Response:
            """Make a credential offer (pre-authorized code, tx_code for the officer to read out); scope ``admin``."""
            client = gate.authorise(request, "admin")
            body = await read_json_object(request, max_bytes=config.limits.max_body_bytes)
            made = await run_in_threadpool(issuer.offer, body, client=client.id, request_id=REQUEST_ID.get())
            return JSONResponse(made, status_code=201, headers={"Cache-Control": "no-store"})

    if config.oid4vp is not None:
        counter = gate.metrics.oid4vp_responses
        vp = ServicePresentationVerifier(config, config.oid4vp, service, store,
                                         on_verdict=lambda verdict, code: counter.labels(verdict, code).inc())
        app.state.oid4vp = vp
        base = config.oid4vp.path
        wallet = ["OpenID4VP (wallet)"]

        def request_uri(http: HttpRequest) -> HttpResponse:
            return vp.verifier.handle_request_uri(http, http.path.rsplit("/", 1)[1])

        mount_handler(app, base + "/request/{transaction_id}", request_uri, request_type=HttpRequest,
                      methods=("GET", "POST"), summary="The signed request object (request_uri)", tags=wallet,
                      before=by_address)
        mount_handler(app, base + "/response", vp.handle_response, request_type=HttpRequest,
                      summary="The wallet's response (direct_post / direct_post.jwt)", tags=wallet, before=by_address)
        public = config.auth.public_verification

        @app.get(base + "/presets", tags=["OpenID4VP"])
        async def presets(request: Request) -> Response:
            """The named verification requests this service can make, with their DCQL queries."""
            gate.authorise(request, "verify", public=public)
            return JSONResponse({name: {"dcql": q.to_json(), "description": config.oid4vp.presets[name].description}
                                 for name, q in vp.presets.items()} if config.oid4vp else {})

        @app.post(base + "/transactions", status_code=201, tags=["OpenID4VP"])
        async def create_transaction(request: Request) -> Response:
            """Start a presentation request from a preset: the link (QR), the id and a ``pollToken``."""
            client = gate.authorise(request, "verify", public=public)
            body = await read_json_object(request, max_bytes=config.limits.max_body_bytes)
            made = await run_in_threadpool(vp.create, body, client)
            return JSONResponse(made, status_code=201, headers={"Cache-Control": "no-store"})

        @app.get(base + "/transactions/{transaction_id}", tags=["OpenID4VP"])
        async def poll_transaction(request: Request, transaction_id: str, response_code: str | None = None) -> Response:
            """The result once the wallet answered (``pending`` before); needs ``X-Poll-Token``.

            A same-device transaction's result also needs ``?response_code=`` from the redirect (once).
            """
            gate.limit(request, ANONYMOUS)
            token = request.headers.get("x-poll-token")
            answer = await run_in_threadpool(vp.poll, transaction_id, token, response_code)
            return JSONResponse(answer, headers={"Cache-Control": "no-store"})
