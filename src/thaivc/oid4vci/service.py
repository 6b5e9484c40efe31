"""The OpenID4VCI issuer: metadata, offers, token, nonce, credential, deferred and notification endpoints.

One framework-free object: :meth:`CredentialIssuerService.handle` takes an
:class:`~thaivc.oid4vc.HttpRequest` and returns an :class:`~thaivc.oid4vc.HttpResponse`. All state
(codes, nonces, tokens, DPoP ``jti``\\s, keys seen per offer, deferred transactions) sits in the
injected :class:`~thaivc.oid4vc.StateStore`, keyed by SHA-256 of any secret, so the service runs on
several processes and a single-use value is used once across all of them.

Order of checks on the credential endpoint is deliberate: the access token and DPoP proof first,
then every key proof's signature and claims, and only then is the ``c_nonce`` consumed — so junk
cannot burn a wallet's nonce — and the keys recorded as used for this offer.

What an agency adds goes through public seams, never by replacing methods here: the issuance
callback says what to issue, the ``sign`` hook wraps signing (status, register, audit: see
:meth:`CredentialIssuerService.default_sign`) or the ``sign_batch`` hook signs every credential of a
request at once (all or none), ``on_event`` follows offers, and any hook raises
:class:`~thaivc.oid4vci.IssuanceUnavailable` when a dependency did not answer.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import secrets
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final
from urllib.parse import urlsplit

from thaivc import Issuer
from thaivc.core.b64 import b64url_encode
from thaivc.core.clock import Clock, SystemClock
from thaivc.core.errors import CODES, STORE_OUTAGE_CODES, InputError, ThaiVCError, UsageError
from thaivc.did import did_jwk
from thaivc.keys import PublicKey
from thaivc.oid4vc.attestation import (
    ATTESTATION_HEADER,
    POP_HEADER,
    AttestationError,
    AttestedClient,
    verify_client_attestation,
)
from thaivc.oid4vc.dpop import DpopError, DpopRequest, verify_dpop_proof
from thaivc.oid4vc.http import DEFAULT_MAX_BODY, HttpRequest, HttpResponse, oauth_error, outage_error
from thaivc.oid4vc.keyjwt import KeyJwt, parse_key_jwt
from thaivc.oid4vc.store import StateStore
from thaivc.oid4vci.callback import (
    CredentialData,
    IssuanceCallback,
    IssuanceDenied,
    IssuanceRequest,
    IssuanceUnavailable,
    Pending,
    SignBatch,
    SignCredential,
)
from thaivc.oid4vci.deferred import DeferredClaim
from thaivc.oid4vci.metadata import IssuerConfig
from thaivc.oid4vci.offer import PRE_AUTHORIZED_GRANT, CredentialOffer

__all__ = ["PROOF_TYP", "CredentialIssuerService", "NotificationHandler", "OfferEventHandler"]

PROOF_TYP: Final = "openid4vci-proof+jwt"
_VERIFIER_RE: Final = re.compile(r"[A-Za-z0-9._~-]{43,128}", re.ASCII)
_NOTIFICATION_EVENTS: Final = frozenset({"credential_accepted", "credential_failure", "credential_deleted"})
#: the code a 503 names when a hook's own code is not a catalogued problem code
_UNAVAILABLE_CODE: Final = "service.unavailable"

# store namespaces
_NS_OFFER: Final = "vci_offer"
_NS_PRE: Final = "vci_pre_code"
_NS_TRIES: Final = "vci_tx_tries"
_NS_STATE: Final = "vci_issuer_state"
_NS_CODE: Final = "vci_auth_code"
_NS_TOKEN: Final = "vci_access_token"  # noqa: S105 - a namespace name, not a secret
_NS_NONCE: Final = "vci_c_nonce"
_NS_KEYS: Final = "vci_grant_keys"
_NS_DEFERRED: Final = "vci_deferred"
_NS_NOTIFY: Final = "vci_notification"

NotificationHandler = Any  # Callable[[str, Mapping[str, Any]], None]: (event, notification record)
#: ``(event, {"offer_id": …, …})`` for an agency's front end that follows an offer live (the counter
#: page): ``offer_redeemed`` (the wallet scanned and redeemed the code), ``tx_code_wrong`` (with
#: ``tries_left``), ``offer_dead`` (too many wrong codes), ``credential_issued``, ``credential_denied``,
#: ``credential_unavailable`` (with ``code``: a dependency did not answer, the wallet may retry).
#: It is told, never asked: an exception it raises is swallowed, so a display fault cannot fail issuance.
OfferEventHandler = Callable[[str, Mapping[str, Any]], None]


def _h(secret: str) -> str:
    """The store key of a secret: its SHA-256, so a copy of the database holds no live code or token."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def _new_secret() -> str:
    return secrets.token_urlsafe(32)


def _numeric_code(length: int) -> str:
    return "".join(str(secrets.randbelow(10)) for _ in range(length))


class _Refusal(Exception):
    def __init__(self, response: HttpResponse) -> None:
        super().__init__(response.status)
        self.response = response


class CredentialIssuerService:
    """An OpenID4VCI 1.0 Credential Issuer (and its own OAuth authorization server).

    ``issuer`` signs; ``callback`` says what to issue; ``store`` holds every piece of state.
    ``sign`` replaces the signing step, once per proven key (by default :meth:`default_sign`): a
    service that allocates status or keeps a register does that there and calls :meth:`default_sign`.
    ``sign_batch`` replaces the whole step for a request (every proven key at once, all or none): a
    service that must register a request's credentials together, or none of them, uses that instead.
    """

    def __init__(
        self,
        config: IssuerConfig,
        *,
        issuer: Issuer,
        callback: IssuanceCallback,
        store: StateStore,
        clock: Clock | None = None,
        on_notification: NotificationHandler | None = None,
        max_body: int = DEFAULT_MAX_BODY,
        attesters: Mapping[str, PublicKey] | None = None,
        on_event: OfferEventHandler | None = None,
        sign: SignCredential | None = None,
        sign_batch: SignBatch | None = None,
    ) -> None:
        if config.require_client_attestation and not attesters:
            raise UsageError("usage.invalid_argument", "wallet attestation is required: name the trusted attesters")
        self.config = config
        #: trusted wallet providers: the attestation's ``iss`` → the key it must be signed with
        self.attesters: Mapping[str, PublicKey] = dict(attesters or {})
        self.issuer = issuer
        self.callback = callback
        self.store = store
        self.clock: Clock = clock or SystemClock()
        self.on_notification = on_notification
        self.max_body = max_body
        self.on_event = on_event
        if sign is not None and sign_batch is not None:
            raise UsageError("usage.invalid_argument", "give sign or sign_batch, not both (sign_batch replaces sign)")
        self.sign: SignCredential = sign if sign is not None else self.default_sign
        self.sign_batch: SignBatch = sign_batch if sign_batch is not None else self.default_sign_batch
        self._routes = {
            config.metadata_path: ("GET", self._metadata),
            config.oauth_metadata_path: ("GET", self._oauth_metadata),
            self._path("token"): ("POST", self._token),
            self._path("nonce"): ("POST", self._nonce),
            self._path("credential"): ("POST", self._credential),
            self._path("deferred"): ("POST", self._deferred),
            self._path("notification"): ("POST", self._notification),
        }
        self._offers_prefix = self._path("offers") + "/"

    def _event(self, event: str, offer_id: object, **details: Any) -> None:
        if self.on_event is None or not isinstance(offer_id, str):
            return
        with contextlib.suppress(Exception):  # a display hook must never decide issuance
            self.on_event(event, {"offer_id": offer_id, **details})

    def _path(self, name: str) -> str:
        return urlsplit(self.config.url(name)).path

    # -- agency-facing API -------------------------------------------------------------------------
    def create_offer(
        self,
        configuration_ids: Iterable[str],
        subject: Mapping[str, Any],
        *,
        grant: str = "pre-authorized_code",
        tx_code: bool = True,
        by_reference: bool = False,
    ) -> CredentialOffer:
        """Make an offer for the citizen in front of the officer (or who will log in).

        ``subject`` is what the callback will be given (who this is, checked by the officer); it is
        stored, never sent to the wallet. ``grant`` is ``"pre-authorized_code"`` (with a numeric
        ``tx_code`` unless ``tx_code=False``) or ``"authorization_code"`` (an ``issuer_state`` that
        :meth:`authorize` redeems after the login).
        """
        ids = list(configuration_ids)
        unknown = [i for i in ids if i not in self.config.configurations]
        if not ids or unknown:
            raise UsageError("usage.invalid_argument", f"unknown credential configurations: {unknown}")
        offer_id = _new_secret()
        offer: dict[str, Any] = {
            "credential_issuer": self.config.credential_issuer,
            "credential_configuration_ids": ids,
        }
        code_text: str | None = None
        if grant == "pre-authorized_code":
            code = _new_secret()
            record: dict[str, Any] = {"offer_id": offer_id, "ids": ids, "subject": dict(subject)}
            grant_body: dict[str, Any] = {"pre-authorized_code": code}
            if tx_code:
                code_text = _numeric_code(self.config.tx_code_length)
                record["tx"] = _h(code_text)
                grant_body["tx_code"] = {
                    "input_mode": "numeric",
                    "length": self.config.tx_code_length,
                    "description": self.config.tx_code_description,
                }
            self.store.put(_NS_PRE, _h(code), record, ttl=self.config.pre_authorized_code_ttl)
            offer["grants"] = {PRE_AUTHORIZED_GRANT: grant_body}
        elif grant == "authorization_code":
            state = _new_secret()
            self.store.put(
                _NS_STATE,
                _h(state),
                {"offer_id": offer_id, "ids": ids, "subject": dict(subject)},
                ttl=self.config.offer_ttl,
            )
            offer["grants"] = {"authorization_code": {"issuer_state": state}}
        else:
            raise UsageError("usage.invalid_argument", "grant is 'pre-authorized_code' or 'authorization_code'")
        uri = None
        if by_reference:
            self.store.put(_NS_OFFER, offer_id, {"offer": offer}, ttl=self.config.offer_ttl)
            uri = self.config.url("offers") + "/" + offer_id
        return CredentialOffer(offer_id=offer_id, offer=offer, tx_code=code_text, offer_uri=uri)

    def authorize(
        self,
        *,
        client_id: str,
        redirect_uri: str,
        code_challenge: str,
        code_challenge_method: str,
        subject: Mapping[str, Any] | None = None,
        issuer_state: str | None = None,
        configuration_ids: Iterable[str] = (),
    ) -> str:
        """Issue an authorization code once the agency's login (ThaiD) succeeded; PKCE S256 required.

        With ``issuer_state`` (from an offer) the offer's subject and credentials are used and the
        state is consumed; without it the login's ``subject`` and ``configuration_ids`` are.
        """
        if code_challenge_method != "S256" or not _VERIFIER_RE.fullmatch(code_challenge or ""):
            raise InputError("openid.malformed", "PKCE with code_challenge_method S256 is required")
        if issuer_state is not None:
            record = self.store.take(_NS_STATE, _h(issuer_state))
            if record is None:
                raise InputError("openid.malformed", "unknown, used or expired issuer_state")
            ids, subj, offer_id = record.value["ids"], record.value["subject"], record.value["offer_id"]
            if subject is not None:
                subj = {**subj, **subject}
        else:
            ids = list(configuration_ids)
            if subject is None or not ids or any(i not in self.config.configurations for i in ids):
                raise UsageError("usage.invalid_argument", "name the subject and known credential configurations")
            subj, offer_id = dict(subject), _new_secret()
        code = _new_secret()
        value = {
            "offer_id": offer_id,
            "ids": ids,
            "subject": subj,
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "challenge": code_challenge,
        }
        self.store.put(_NS_CODE, _h(code), value, ttl=self.config.authorization_code_ttl)
        return code

    # -- dispatch ----------------------------------------------------------------------------------
    def handle(self, request: HttpRequest) -> HttpResponse:
        """Answer one request; never raises.

        A state store that does not answer (on any endpoint, at any step) is ``503
        temporarily_unavailable`` with ``Retry-After``: the wallet retries, nothing was issued. Any other
        unexpected failure is a 500 ``server_error`` naming the code only.
        """
        try:
            return self._dispatch(request)
        except _Refusal as refusal:
            return refusal.response
        except ThaiVCError as exc:
            return outage_error(exc) or oauth_error(500, "server_error", exc.code)
        except Exception:
            return oauth_error(500, "server_error")

    def _dispatch(self, request: HttpRequest) -> HttpResponse:
        """The endpoint for the request's path and method, within the body limit."""
        if request.path.startswith(self._offers_prefix) and request.method == "GET":
            return self._offer_by_reference(request.path[len(self._offers_prefix) :])
        route = self._routes.get(request.path)
        if route is None:
            return oauth_error(404, "not_found")
        method, endpoint = route
        if request.method != method:
            return oauth_error(405, "invalid_request", f"use {method}", headers={"Allow": method})
        if len(request.body) > self.max_body:
            return oauth_error(413, "invalid_request", "request body too large")
        return endpoint(request)

    def _metadata(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse.json_body(200, self.config.issuer_metadata(), headers={"Cache-Control": "max-age=300"})

    def _oauth_metadata(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse.json_body(200, self.config.oauth_metadata(), headers={"Cache-Control": "max-age=300"})

    def _offer_by_reference(self, offer_id: str) -> HttpResponse:
        if not offer_id or len(offer_id) > 64:
            return oauth_error(404, "not_found")
        record = self.store.get(_NS_OFFER, offer_id)
        if record is None:
            return oauth_error(404, "not_found", "unknown or expired offer")
        return HttpResponse.json_body(200, record.value["offer"])

    # -- token endpoint ----------------------------------------------------------------------------
    def _form(self, request: HttpRequest) -> dict[str, str]:
        if request.content_type != "application/x-www-form-urlencoded":
            raise _Refusal(oauth_error(400, "invalid_request", "use application/x-www-form-urlencoded"))
        try:
            return request.form(max_bytes=self.max_body)
        except InputError as exc:
            raise _Refusal(oauth_error(400, "invalid_request", exc.code)) from None

    def _dpop_for_token(self, request: HttpRequest) -> str | None:
        proof = request.header("dpop")
        if proof is None and not self.config.require_dpop:
            return None
        try:
            jwt = verify_dpop_proof(
                proof,
                DpopRequest("POST", self.config.url("token")),
                store=self.store,
                clock=self.clock,
                algs=frozenset(self.config.dpop_algs),
            )
        except DpopError as exc:
            raise _Refusal(oauth_error(400, "invalid_dpop_proof", exc.reason)) from None
        return jwt.thumbprint

    def _attested_client(self, request: HttpRequest, form: Mapping[str, str]) -> AttestedClient | None:
        """The wallet attestation of a token request, checked when required or when given to an issuer
        that trusts attesters (a bad one is never ignored); ``None`` when neither."""
        attestation, pop = request.header(ATTESTATION_HEADER), request.header(POP_HEADER)
        if not self.config.require_client_attestation and (not self.attesters or (attestation is None and pop is None)):
            return None
        try:
            client = verify_client_attestation(
                attestation,
                pop,
                attesters=self.attesters,
                audience=self.config.credential_issuer,
                store=self.store,
                clock=self.clock,
            )
        except AttestationError as exc:
            raise _Refusal(oauth_error(401, exc.error, exc.reason)) from None
        if "client_id" in form and form["client_id"] != client.client_id:
            raise _Refusal(oauth_error(401, "invalid_client", "client_id is not the attested client"))
        return client

    def _token(self, request: HttpRequest) -> HttpResponse:
        form = self._form(request)
        grant_type = form.get("grant_type")
        if grant_type not in (PRE_AUTHORIZED_GRANT, "authorization_code"):
            return oauth_error(400, "unsupported_grant_type")
        client = self._attested_client(request, form)  # before the code is touched: a failure burns nothing
        jkt = self._dpop_for_token(request)
        if grant_type == PRE_AUTHORIZED_GRANT:
            grant = self._redeem_pre_authorized(form)
        else:
            grant = self._redeem_authorization_code(form)
        token = _new_secret()
        record = {
            "offer_id": grant["offer_id"],
            "ids": grant["ids"],
            "subject": grant["subject"],
            "jkt": jkt,
            "client_id": client.client_id if client is not None else None,
        }
        self.store.put(_NS_TOKEN, _h(token), record, ttl=self.config.access_token_ttl)
        self._event("offer_redeemed", grant["offer_id"])
        body = {
            "access_token": token,
            "token_type": "DPoP" if jkt else "Bearer",
            "expires_in": self.config.access_token_ttl,
        }
        return HttpResponse.json_body(200, body, headers={"Pragma": "no-cache"})

    def _redeem_pre_authorized(self, form: Mapping[str, str]) -> dict[str, Any]:
        code = form.get("pre-authorized_code")
        if not code:
            raise _Refusal(oauth_error(400, "invalid_request", "pre-authorized_code missing"))
        key = _h(code)
        record = self.store.get(_NS_PRE, key)
        if record is None:
            raise _Refusal(oauth_error(400, "invalid_grant", "unknown, used or expired pre-authorized_code"))
        expected = record.value.get("tx")
        given = form.get("tx_code")
        if expected is None:
            if given is not None:
                raise _Refusal(oauth_error(400, "invalid_request", "this offer has no tx_code"))
        else:
            # count the try before comparing, atomically: parallel guesses cannot exceed the limit
            tries = self.store.incr(_NS_TRIES, key, ttl=self.config.pre_authorized_code_ttl)
            limit = self.config.tx_code_max_tries
            if tries > limit:
                self.store.delete(_NS_PRE, key)
                self._event("offer_dead", record.value.get("offer_id"))
                raise _Refusal(oauth_error(400, "invalid_grant", "too many wrong transaction codes"))
            if given is None:
                raise _Refusal(oauth_error(400, "invalid_request", "tx_code required"))
            if not secrets.compare_digest(_h(given), expected):
                if tries >= limit:
                    self.store.delete(_NS_PRE, key)  # the last try failed: the code is dead
                    self._event("offer_dead", record.value.get("offer_id"))
                else:
                    self._event("tx_code_wrong", record.value.get("offer_id"), tries_left=limit - tries)
                raise _Refusal(oauth_error(400, "invalid_grant", "wrong transaction code"))
        taken = self.store.take(_NS_PRE, key)
        if taken is None:  # another request redeemed it between our read and now
            raise _Refusal(oauth_error(400, "invalid_grant", "pre-authorized_code already used"))
        return taken.value

    def _redeem_authorization_code(self, form: Mapping[str, str]) -> dict[str, Any]:
        code, verifier = form.get("code"), form.get("code_verifier")
        if not code or not verifier:
            raise _Refusal(oauth_error(400, "invalid_request", "code and code_verifier are required"))
        taken = self.store.take(_NS_CODE, _h(code))  # consumed even if what follows fails: no retries
        if taken is None:
            raise _Refusal(oauth_error(400, "invalid_grant", "unknown, used or expired code"))
        value = taken.value
        if not _VERIFIER_RE.fullmatch(verifier):
            raise _Refusal(oauth_error(400, "invalid_grant", "malformed code_verifier"))
        computed = b64url_encode(hashlib.sha256(verifier.encode("ascii")).digest())
        if not secrets.compare_digest(computed, value["challenge"]):
            raise _Refusal(oauth_error(400, "invalid_grant", "PKCE verification failed"))
        if form.get("redirect_uri") != value["redirect_uri"]:
            raise _Refusal(oauth_error(400, "invalid_grant", "redirect_uri does not match"))
        if form.get("client_id") != value["client_id"]:
            raise _Refusal(oauth_error(400, "invalid_grant", "client_id does not match"))
        return dict(value)

    # -- protected resources -----------------------------------------------------------------------
    def _authorized(self, request: HttpRequest, endpoint: str) -> tuple[str, dict[str, Any]]:
        """The access token's record, after the token and (when bound) its DPoP proof check out."""
        header = request.header("authorization") or ""
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if not token or scheme.lower() not in ("bearer", "dpop"):
            raise _Refusal(
                oauth_error(401, "invalid_token", "access token required", headers={"WWW-Authenticate": "DPoP, Bearer"})
            )
        record = self.store.get(_NS_TOKEN, _h(token))
        if record is None:
            raise _Refusal(
                oauth_error(401, "invalid_token", "unknown or expired token", headers={"WWW-Authenticate": "DPoP"})
            )
        jkt = record.value.get("jkt")
        if jkt is not None:
            if scheme.lower() != "dpop":  # a DPoP-bound token presented as a bearer token (RFC 9449 §7.1)
                raise _Refusal(
                    oauth_error(401, "invalid_token", "DPoP-bound token", headers={"WWW-Authenticate": "DPoP"})
                )
            try:
                verify_dpop_proof(
                    request.header("dpop"),
                    DpopRequest(request.method, self.config.url(endpoint), access_token=token, expected_jkt=jkt),
                    store=self.store,
                    clock=self.clock,
                    algs=frozenset(self.config.dpop_algs),
                )
            except DpopError as exc:
                challenge = 'DPoP error="invalid_dpop_proof"'
                raise _Refusal(
                    oauth_error(401, "invalid_dpop_proof", exc.reason, headers={"WWW-Authenticate": challenge})
                ) from None
        elif scheme.lower() != "bearer":
            raise _Refusal(
                oauth_error(401, "invalid_token", "not a DPoP-bound token", headers={"WWW-Authenticate": "Bearer"})
            )
        return token, record.value

    def _json(self, request: HttpRequest, error: str) -> dict[str, Any]:
        if request.content_type != "application/json":
            raise _Refusal(oauth_error(400, error, "use application/json"))
        try:
            return request.json(max_bytes=self.max_body)
        except InputError as exc:
            raise _Refusal(oauth_error(400, error, exc.code)) from None

    def _nonce(self, request: HttpRequest) -> HttpResponse:
        nonce = _new_secret()
        self.store.put(_NS_NONCE, _h(nonce), {}, ttl=self.config.c_nonce_ttl)
        return HttpResponse.json_body(200, {"c_nonce": nonce})

    def _credential(self, request: HttpRequest) -> HttpResponse:
        _, grant = self._authorized(request, "credential")
        body = self._json(request, "invalid_credential_request")
        if "credential_identifier" in body:
            return oauth_error(
                400, "unknown_credential_identifier", "this issuer does not issue credential identifiers"
            )
        config_id = body.get("credential_configuration_id")
        if not isinstance(config_id, str):
            return oauth_error(400, "invalid_credential_request", "credential_configuration_id missing")
        configuration = self.config.configurations.get(config_id)
        if configuration is None:
            return oauth_error(400, "unknown_credential_configuration")
        if config_id not in grant["ids"]:
            return oauth_error(400, "credential_request_denied", "this credential was not offered to this token")
        if "credential_response_encryption" in body:
            return oauth_error(400, "invalid_encryption_parameters", "response encryption is not supported")
        keys = self._proven_keys(body, configuration.proof_algs, configuration.binding_methods, grant["offer_id"])
        request_for = IssuanceRequest(config_id, configuration, grant["subject"], keys, offer_id=grant["offer_id"])
        return self._issue(request_for, grant, status_ready=200)

    def _proven_keys(
        self, body: Mapping[str, Any], algs: Iterable[str], methods: Iterable[str], offer_id: str
    ) -> tuple[PublicKey, ...]:
        if "proof" in body:
            raise _Refusal(oauth_error(400, "invalid_credential_request", "use proofs (OpenID4VCI 1.0), not proof"))
        proofs = body.get("proofs")
        if not isinstance(proofs, dict) or set(proofs) != {"jwt"}:
            raise _Refusal(oauth_error(400, "invalid_proof", "proofs must hold exactly the jwt proof type"))
        tokens = proofs["jwt"]
        if not isinstance(tokens, list) or not tokens:
            raise _Refusal(oauth_error(400, "invalid_proof", "proofs.jwt must be a non-empty array"))
        if len(tokens) > self.config.max_batch:
            raise _Refusal(oauth_error(400, "invalid_proof", f"at most {self.config.max_batch} proofs"))
        verified = [self._check_proof(t, frozenset(algs), frozenset(methods)) for t in tokens]
        nonces = {p.payload["nonce"] for p in verified}
        if len(nonces) != 1:
            raise _Refusal(oauth_error(400, "invalid_proof", "every proof must carry the same c_nonce"))
        thumbprints = [p.thumbprint for p in verified]
        if len(set(thumbprints)) != len(thumbprints):
            raise _Refusal(oauth_error(400, "invalid_proof", "the same key proven twice"))
        # every proof verified: now, and only now, consume the nonce
        if self.store.take(_NS_NONCE, _h(nonces.pop())) is None:
            raise _Refusal(oauth_error(400, "invalid_nonce", "unknown, used or expired c_nonce"))
        for jkt in thumbprints:
            if not self.store.put(_NS_KEYS, _h(f"{offer_id}|{jkt}"), {}, ttl=self.config.deferred_ttl):
                raise _Refusal(oauth_error(400, "invalid_proof", "this key was already used for this offer"))
        return tuple(p.key for p in verified)

    def _check_proof(self, token: object, algs: frozenset[str], methods: frozenset[str]) -> KeyJwt:
        try:
            proof = parse_key_jwt(token, typ=PROOF_TYP, algs=algs, allow_kid=True)
        except ThaiVCError as exc:  # jose.*, key.invalid, did.invalid, crypto.bad_signature
            raise _Refusal(oauth_error(400, "invalid_proof", exc.code)) from None
        method = "jwk" if proof.kid is None else ":".join(proof.kid.split(":", 2)[:2])
        if method not in methods:
            raise _Refusal(oauth_error(400, "invalid_proof", f"binding method {method} not supported"))
        claims = proof.payload
        if claims.get("aud") != self.config.credential_issuer:
            raise _Refusal(oauth_error(400, "invalid_proof", "aud is not this credential issuer"))
        iat = claims.get("iat")
        if not isinstance(iat, int) or isinstance(iat, bool):
            raise _Refusal(oauth_error(400, "invalid_proof", "iat missing"))
        if abs(self.clock.now() - iat) > self.config.proof_iat_window:
            raise _Refusal(oauth_error(400, "invalid_proof", "iat outside the accepted window"))
        nonce = claims.get("nonce")
        if not isinstance(nonce, str) or not nonce:
            raise _Refusal(oauth_error(400, "invalid_nonce", "c_nonce missing from the proof"))
        return proof

    # -- issuing -------------------------------------------------------------------------------------
    def _issue(
        self,
        request: IssuanceRequest,
        grant: Mapping[str, Any],
        *,
        status_ready: int,
        transaction_id: str | None = None,
        claim: DeferredClaim | None = None,
    ) -> HttpResponse:
        answer = self._ask(request, grant)
        if isinstance(answer, HttpResponse):
            return answer
        if isinstance(answer, Pending):
            return self._defer(request, grant, answer, transaction_id)
        if claim is not None and not claim.confirm(now=self.clock.now(), lease=self.config.deferred_claim_ttl):
            return self._being_collected(transaction_id)  # another poll took over: it issues, not this one
        # the notification id is stored before anything is signed: once the credentials exist, nothing
        # that could fail stands between them and the answer (a record nobody is told of just expires)
        notification_id = _new_secret()
        self.store.put(
            _NS_NOTIFY,
            _h(notification_id),
            {"offer_id": grant["offer_id"], "id": request.configuration_id},
            ttl=self.config.deferred_ttl,
        )
        credentials = self._sign_all(request, grant, answer)
        if isinstance(credentials, HttpResponse):
            return credentials
        body = {"credentials": [{"credential": c} for c in credentials], "notification_id": notification_id}
        self._event("credential_issued", grant.get("offer_id"), configuration_id=request.configuration_id)
        return HttpResponse.json_body(status_ready, body)

    def _ask(self, request: IssuanceRequest, grant: Mapping[str, Any]) -> CredentialData | Pending | HttpResponse:
        """The callback's answer (what to issue, or not yet), or the refusal or outage it ended in."""
        try:
            answer = self.callback(request)
        except IssuanceDenied as exc:
            self._event("credential_denied", grant.get("offer_id"))
            return oauth_error(400, "credential_request_denied", str(exc)[:200])
        except IssuanceUnavailable as exc:
            return self._unavailable(request, grant, exc)
        except ThaiVCError as exc:  # a store the callback read did not answer: an outage, not a refusal
            if exc.code not in STORE_OUTAGE_CODES:
                raise
            return self._unavailable(request, grant, IssuanceUnavailable(exc.code))
        if not isinstance(answer, CredentialData | Pending):
            raise UsageError("usage.invalid_argument", "the issuance callback must return CredentialData or Pending")
        return answer

    def _sign_all(
        self, request: IssuanceRequest, grant: Mapping[str, Any], answer: CredentialData
    ) -> list[Any] | HttpResponse:
        """One credential per proven key, or the answer that says why there is none."""
        try:
            credentials = list(self.sign_batch(request, answer))
            if len(credentials) != len(request.holder_keys):
                raise UsageError("usage.invalid_argument", "sign_batch must return one credential per proven key")
            return credentials
        except IssuanceUnavailable as exc:
            return self._unavailable(request, grant, exc)
        except IssuanceDenied as exc:
            self._event("credential_denied", grant.get("offer_id"))
            return oauth_error(400, "credential_request_denied", str(exc)[:200])
        except ThaiVCError as exc:
            if exc.code in STORE_OUTAGE_CODES:  # the status store or register did not answer: retry
                return self._unavailable(request, grant, IssuanceUnavailable(exc.code))
            # the agency's data does not make an issuable credential
            self._event("credential_denied", grant.get("offer_id"), code=exc.code)
            return oauth_error(400, "credential_request_denied", exc.code)

    def _defer(
        self, request: IssuanceRequest, grant: Mapping[str, Any], answer: Pending, transaction_id: str | None
    ) -> HttpResponse:
        interval = answer.interval or self.config.deferred_interval
        if request.deferred:  # still not ready: the same transaction, come back later (§9.2)
            return HttpResponse.json_body(202, {"transaction_id": transaction_id, "interval": interval})
        transaction_id = _new_secret()
        record = {
            "offer_id": grant["offer_id"],
            "id": request.configuration_id,
            "subject": dict(request.subject),
            "keys": [k.jwk for k in request.holder_keys],
        }
        self.store.put(_NS_DEFERRED, _h(transaction_id), record, ttl=self.config.deferred_ttl)
        return HttpResponse.json_body(202, {"transaction_id": transaction_id, "interval": interval})

    def _unavailable(
        self, request: IssuanceRequest, grant: Mapping[str, Any], exc: IssuanceUnavailable
    ) -> HttpResponse:
        """A dependency did not answer: nothing is returned, and the wallet's retry must be servable.

        The ``c_nonce`` stays spent (a nonce is single use; the retry fetches a fresh one), the access
        token was only read. The proven keys were recorded as used for this offer before the callback
        ran: free them, or the retry with the same keys would be refused although nothing was issued.
        A deferred transaction keeps its keys (it is collected later, and only once).
        """
        known = isinstance(exc.code, str) and exc.code in CODES
        code = exc.code if known else _UNAVAILABLE_CODE  # a label the wallet may rely on
        # a store's own message can name hosts, users and tables: the wallet is told what the code means
        detail = CODES[code][1] if code in STORE_OUTAGE_CODES else exc.detail
        if not request.deferred:
            # best effort: with the store down too, the keys stay spent and the wallet retries with new ones
            with contextlib.suppress(ThaiVCError):
                for key in request.holder_keys:
                    self.store.delete(_NS_KEYS, _h(f"{grant['offer_id']}|{key.thumbprint()}"))
        self._event("credential_unavailable", grant.get("offer_id"), code=code)
        return oauth_error(
            503,
            "temporarily_unavailable",
            f"{code}: {detail}",
            thaivc_code=code,
            headers={"Retry-After": str(exc.retry_after)},
        )

    def default_sign_batch(self, request: IssuanceRequest, data: CredentialData) -> list[Any]:
        """The library's batch step: the ``sign`` hook once per proven key, in order."""
        return [self.sign(request, data, key) for key in request.holder_keys]

    def default_sign(
        self, request: IssuanceRequest, data: CredentialData, key: PublicKey, *, issuer: Issuer | None = None
    ) -> Any:
        """The library's signing step: ``data`` as the requested format, bound to the holder's ``key``.

        ``dc+sd-jwt`` carries the key as ``cnf.jwk``; the VCDM formats (``jwt_vc_json``, ``ldp_vc``)
        set ``credentialSubject.id`` to the key's ``did:jwk``, whatever the callback put there, so a
        credential is never bound to anyone but the wallet that proved the key. ``issuer`` signs
        instead of :attr:`issuer` (an SD-JWT VC issuer identified by an https URL, say). A ``sign``
        hook calls this after its own steps (allocating status, say) rather than re-implementing it.
        """
        signer = issuer if issuer is not None else self.issuer
        configuration = request.configuration
        doc = dict(data.credential)
        if configuration.format == "dc+sd-jwt":
            return signer.issue(
                doc,
                format="dc+sd-jwt",
                disclosable=list(data.disclosable),
                status=data.status,
                holder_jwk=dict(key.jwk),
                vct=configuration.vct,
            )
        # VCDM formats bind the credential to the holder through credentialSubject.id
        subject = dict(doc.get("credentialSubject") or {})
        subject["id"] = did_jwk(key)
        doc["credentialSubject"] = subject
        if configuration.format == "jwt_vc_json":
            return signer.issue(doc, format="vc+jwt", status=data.status)
        return signer.issue(doc, format="di", status=data.status)

    def _deferred(self, request: HttpRequest) -> HttpResponse:
        _, grant = self._authorized(request, "deferred")
        body = self._json(request, "invalid_credential_request")
        transaction_id = body.get("transaction_id")
        if not isinstance(transaction_id, str) or len(transaction_id) > 128:
            return oauth_error(400, "invalid_transaction_id")
        key = _h(transaction_id)
        record = self.store.get(_NS_DEFERRED, key)
        if record is None or record.value.get("offer_id") != grant["offer_id"]:
            return oauth_error(400, "invalid_transaction_id")
        # one collector at a time (see thaivc.oid4vci.deferred): claimed before the callback is asked
        claim = DeferredClaim.acquire(
            self.store, _NS_DEFERRED, key, record, now=self.clock.now(), lease=self.config.deferred_claim_ttl
        )
        if claim is None:
            return self._being_collected(transaction_id)
        value = claim.value
        configuration = self.config.configurations[value["id"]]
        keys = tuple(PublicKey.from_jwk(j) for j in value["keys"])
        ask = IssuanceRequest(
            value["id"], configuration, value["subject"], keys, deferred=True, offer_id=value["offer_id"]
        )
        response: HttpResponse | None = None
        try:
            response = self._issue(ask, value, status_ready=200, transaction_id=transaction_id, claim=claim)
        finally:
            if response is not None and response.status == 200:
                claim.finish()
            else:  # pending, an outage, a refusal or a fault: the next poll may collect
                claim.release()
        return response

    def _being_collected(self, transaction_id: str | None) -> HttpResponse:
        """What a poll is told while another poll of the same transaction is collecting it.

        "Not yet" (202, OpenID4VCI 1.0 §9.2), not ``invalid_transaction_id``: the other collection
        may still end pending or in an outage and put the transaction back, and a wallet told the
        transaction is gone would give up on a credential it can still get. If the other poll
        issued, the wallet received the credentials in that answer, and its next poll is refused.
        """
        return HttpResponse.json_body(
            202, {"transaction_id": transaction_id, "interval": self.config.deferred_interval}
        )

    def _notification(self, request: HttpRequest) -> HttpResponse:
        _, grant = self._authorized(request, "notification")
        body = self._json(request, "invalid_notification_request")
        notification_id, event = body.get("notification_id"), body.get("event")
        if not isinstance(notification_id, str) or event not in _NOTIFICATION_EVENTS:
            return oauth_error(400, "invalid_notification_request")
        record = self.store.take(_NS_NOTIFY, _h(notification_id))
        if record is None or record.value["offer_id"] != grant["offer_id"]:
            return oauth_error(400, "invalid_notification_id")
        if self.on_notification is not None:
            description = body.get("event_description")
            self.on_notification(event, {**record.value, "event_description": description})
        return HttpResponse(204, {"Cache-Control": "no-store"}, b"")
