"""The issuance half of the test wallet: OpenID4VCI 1.0 from the holder's side, message by message.

It speaks exactly what any wallet would over the ``httpx.Client`` it is given (a real network, a
loopback server or :func:`thaivc.oid4vc.mock_transport`): resolve the offer (by value or by
reference), fetch and check the issuer's metadata, redeem the grant at the token endpoint (with the
``tx_code`` and a DPoP proof), get a ``c_nonce``, sign one key proof per new key, and store what is
issued. It checks what a careful wallet must: the metadata's ``credential_issuer`` equals the offer's,
endpoints are ``https`` and on the issuer's own origin, and every answer is size-capped and strictly parsed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import parse_qs, urlsplit

import httpx

from thaivc import generate_key
from thaivc.core.clock import Clock, SystemClock
from thaivc.core.errors import InputError
from thaivc.core.jsonutil import loads_strict
from thaivc.keys import PrivateKey
from thaivc.oid4vc.attestation import ATTESTATION_HEADER, POP_HEADER, make_attestation_pop
from thaivc.oid4vc.dpop import make_dpop_proof
from thaivc.oid4vc.http import ErrorResponse
from thaivc.oid4vc.keyjwt import sign_key_jwt
from thaivc.oid4vci import OFFER_SCHEME, PRE_AUTHORIZED_GRANT, PROOF_TYP
from thaivc.wallet.store import CredentialStore, StoredCredential

__all__ = ["DeferredIssuance", "IssuanceWallet", "TokenGrant", "WalletAttestation"]

MAX_RESPONSE: Final = 512 * 1024
_FORM: Final = {"Content-Type": "application/x-www-form-urlencoded"}


@dataclass(frozen=True)
class WalletAttestation:
    """What a wallet provider gave this wallet instance: the signed Client Attestation (naming the
    instance key in ``cnf``) and that instance key, which signs a fresh PoP for every token request."""

    attestation: str
    instance_key: PrivateKey


@dataclass
class TokenGrant:
    """An access token and what the wallet needs to use it."""

    access_token: str
    token_type: str
    issuer: str
    metadata: dict[str, Any]
    configuration_ids: list[str]


@dataclass
class DeferredIssuance:
    """The issuer said "not yet": poll :meth:`IssuanceWallet.poll_deferred` after ``interval`` seconds."""

    transaction_id: str
    interval: int
    grant: TokenGrant
    configuration_id: str
    keys: list[PrivateKey] = field(default_factory=list)


class IssuanceWallet:
    """A small, honest OpenID4VCI wallet (for tests, demos and agencies' integration suites).

    ``key_factory`` makes one fresh key per credential (P-256 by default, as HAIP asks); ``dpop``
    sends DPoP proofs with a key of its own. ``allow_insecure_http`` is for loopback test servers.
    """

    def __init__(
        self,
        http: httpx.Client,
        *,
        clock: Clock | None = None,
        credentials: CredentialStore | None = None,
        key_factory: Callable[[], PrivateKey] = lambda: generate_key("P-256"),
        dpop: bool = True,
        allow_insecure_http: bool = False,
        attestation: WalletAttestation | None = None,
    ) -> None:
        self.http = http
        self.clock: Clock = clock or SystemClock()
        self.credentials = credentials if credentials is not None else CredentialStore()
        self.key_factory = key_factory
        self.dpop_key: PrivateKey | None = generate_key("P-256") if dpop else None
        self.allow_insecure_http = allow_insecure_http
        #: sent with every token request (OAuth-Client-Attestation and a fresh -PoP) when set
        self.attestation = attestation
        #: the grant and ``notification_id`` of the last issuance, for :meth:`notify`
        self.last_notification: tuple[TokenGrant, str] | None = None

    # -- HTTP --------------------------------------------------------------------------------------
    def _check_url(self, url: str, *, origin_of: str | None = None) -> str:
        parts = urlsplit(url)
        if parts.scheme != "https" and not (self.allow_insecure_http and parts.scheme == "http"):
            raise InputError("openid.malformed", "the wallet only talks https")
        if origin_of is not None and parts.netloc != urlsplit(origin_of).netloc:
            raise InputError("openid.malformed", "an endpoint is not on the issuer's own host")
        return url

    def _answer(self, response: httpx.Response) -> dict[str, Any]:
        body = response.content
        if len(body) > MAX_RESPONSE:
            raise InputError("input.too_large", "response too large")
        value: Any = loads_strict(body, max_bytes=MAX_RESPONSE) if body else {}
        if response.status_code >= 400 or not isinstance(value, dict):
            error = value.get("error", "") if isinstance(value, dict) else ""
            description = value.get("error_description", "") if isinstance(value, dict) else ""
            raise ErrorResponse(response.status_code, str(error) or "error", str(description))
        return value

    def _get(self, url: str) -> dict[str, Any]:
        return self._answer(self.http.get(self._check_url(url)))

    # -- steps -------------------------------------------------------------------------------------
    def resolve_offer(self, offer: str | Mapping[str, Any]) -> dict[str, Any]:
        """The offer object from a deep link (by value or ``credential_offer_uri``) or the object itself."""
        if isinstance(offer, Mapping):
            value = dict(offer)
        else:
            if not offer.startswith(OFFER_SCHEME) and not offer.startswith("https://"):
                raise InputError("openid.malformed", "not a credential offer link")
            query = parse_qs(urlsplit(offer).query, strict_parsing=True, max_num_fields=4)
            if set(query) == {"credential_offer"} and len(query["credential_offer"]) == 1:
                value = loads_strict(query["credential_offer"][0], require_object=True)
            elif set(query) == {"credential_offer_uri"} and len(query["credential_offer_uri"]) == 1:
                value = self._get(query["credential_offer_uri"][0])
            else:
                raise InputError("openid.malformed", "exactly one of credential_offer, credential_offer_uri")
        issuer, ids = value.get("credential_issuer"), value.get("credential_configuration_ids")
        if not isinstance(issuer, str) or not isinstance(ids, list) or not ids:
            raise InputError("openid.malformed", "an offer names its credential_issuer and configurations")
        self._check_url(issuer)
        return value

    def fetch_metadata(self, issuer: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """Credential Issuer Metadata and OAuth server metadata; refused if they name another issuer."""
        parts = urlsplit(self._check_url(issuer))
        root = f"{parts.scheme}://{parts.netloc}"
        metadata = self._get(f"{root}/.well-known/openid-credential-issuer{parts.path}")
        if metadata.get("credential_issuer") != issuer:
            raise InputError("openid.malformed", "metadata names another credential_issuer than the offer")
        servers = metadata.get("authorization_servers") or [issuer]
        auth = urlsplit(self._check_url(str(servers[0])))
        oauth = self._get(f"{auth.scheme}://{auth.netloc}/.well-known/oauth-authorization-server{auth.path}")
        if oauth.get("issuer") != servers[0]:
            raise InputError("openid.malformed", "authorization server metadata names another issuer")
        return metadata, oauth

    def _dpop(self, method: str, url: str, token: str | None = None) -> dict[str, str]:
        if self.dpop_key is None:
            return {}
        proof = make_dpop_proof(self.dpop_key, method=method, url=url, now=self.clock.now(), access_token=token)
        return {"DPoP": proof}

    def _attestation(self, audience: str) -> dict[str, str]:
        if self.attestation is None:
            return {}
        pop = make_attestation_pop(self.attestation.instance_key, audience=audience, now=self.clock.now())
        return {ATTESTATION_HEADER: self.attestation.attestation, POP_HEADER: pop}

    def redeem_pre_authorized(self, offer: Mapping[str, Any], *, tx_code: str | None = None) -> TokenGrant:
        """Exchange the offer's pre-authorized code (and the code the officer said) for an access token."""
        grant = (offer.get("grants") or {}).get(PRE_AUTHORIZED_GRANT)
        if not isinstance(grant, dict) or not isinstance(grant.get("pre-authorized_code"), str):
            raise InputError("openid.malformed", "the offer has no pre-authorized code")
        form = {"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": grant["pre-authorized_code"]}
        if "tx_code" in grant:
            if tx_code is None:
                raise InputError("openid.malformed", "this offer needs the transaction code")
            form["tx_code"] = tx_code
        return self._token(offer, form)

    def redeem_authorization_code(
        self, offer: Mapping[str, Any], *, code: str, code_verifier: str, redirect_uri: str, client_id: str
    ) -> TokenGrant:
        """Exchange an authorization code (after the login) with its PKCE verifier."""
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "code_verifier": code_verifier,
            "redirect_uri": redirect_uri,
            "client_id": client_id,
        }
        return self._token(offer, form)

    def _token(self, offer: Mapping[str, Any], form: dict[str, str]) -> TokenGrant:
        issuer = str(offer["credential_issuer"])
        metadata, oauth = self.fetch_metadata(issuer)
        url = self._check_url(str(oauth.get("token_endpoint", "")), origin_of=issuer)
        headers = {**_FORM, **self._dpop("POST", url), **self._attestation(str(oauth.get("issuer", issuer)))}
        answer = self._answer(self.http.post(url, data=form, headers=headers))
        token, token_type = answer.get("access_token"), answer.get("token_type")
        if not isinstance(token, str) or not isinstance(token_type, str):
            raise InputError("openid.malformed", "token response without access_token/token_type")
        if self.dpop_key is not None and token_type.lower() != "dpop":
            raise InputError("openid.malformed", "asked for a DPoP-bound token, got a bearer token")
        ids = [str(i) for i in offer["credential_configuration_ids"]]
        return TokenGrant(token, token_type, issuer, metadata, ids)

    def _auth_headers(self, grant: TokenGrant, method: str, url: str) -> dict[str, str]:
        scheme = "DPoP" if grant.token_type.lower() == "dpop" else "Bearer"
        return {"Authorization": f"{scheme} {grant.access_token}", **self._dpop(method, url, grant.access_token)}

    def get_nonce(self, grant: TokenGrant) -> str:
        url = self._check_url(str(grant.metadata.get("nonce_endpoint", "")), origin_of=grant.issuer)
        answer = self._answer(self.http.post(url))
        nonce = answer.get("c_nonce")
        if not isinstance(nonce, str):
            raise InputError("openid.malformed", "nonce response without c_nonce")
        return nonce

    def key_proof(self, key: PrivateKey, *, issuer: str, nonce: str, use_kid: bool = False) -> str:
        """An ``openid4vci-proof+jwt`` for ``key``: ``aud`` the issuer, ``nonce`` the ``c_nonce``."""
        payload = {"aud": issuer, "iat": int(self.clock.now()), "nonce": nonce}
        return sign_key_jwt(PROOF_TYP, payload, key, use_kid=use_kid)

    def request_credentials(
        self, grant: TokenGrant, configuration_id: str | None = None, *, batch: int = 1
    ) -> list[StoredCredential] | DeferredIssuance:
        """Ask for ``batch`` copies (one fresh key each) of one offered credential; store what comes."""
        config_id = configuration_id or grant.configuration_ids[0]
        configuration = (grant.metadata.get("credential_configurations_supported") or {}).get(config_id)
        if not isinstance(configuration, dict):
            raise InputError("openid.malformed", f"the issuer does not describe {config_id}")
        keys = [self.key_factory() for _ in range(batch)]
        nonce = self.get_nonce(grant)
        proofs = [self.key_proof(k, issuer=grant.issuer, nonce=nonce) for k in keys]
        url = self._check_url(str(grant.metadata.get("credential_endpoint", "")), origin_of=grant.issuer)
        body = {"credential_configuration_id": config_id, "proofs": {"jwt": proofs}}
        response = self.http.post(
            url,
            content=json.dumps(body),
            headers={"Content-Type": "application/json", **self._auth_headers(grant, "POST", url)},
        )
        answer = self._answer(response)
        if response.status_code == 202:
            return DeferredIssuance(
                str(answer["transaction_id"]), int(answer.get("interval", 5)), grant, config_id, keys
            )
        return self._store(answer, grant, config_id, configuration, keys)

    def poll_deferred(self, pending: DeferredIssuance) -> list[StoredCredential] | DeferredIssuance:
        """Ask the deferred endpoint again; the credentials once ready, else the same pending issuance."""
        grant = pending.grant
        url = self._check_url(str(grant.metadata.get("deferred_credential_endpoint", "")), origin_of=grant.issuer)
        response = self.http.post(
            url,
            content=json.dumps({"transaction_id": pending.transaction_id}),
            headers={"Content-Type": "application/json", **self._auth_headers(grant, "POST", url)},
        )
        answer = self._answer(response)
        if response.status_code == 202:
            pending.interval = int(answer.get("interval", pending.interval))
            return pending
        configuration = grant.metadata["credential_configurations_supported"][pending.configuration_id]
        return self._store(answer, grant, pending.configuration_id, configuration, pending.keys)

    def _store(
        self,
        answer: Mapping[str, Any],
        grant: TokenGrant,
        config_id: str,
        configuration: Mapping[str, Any],
        keys: list[PrivateKey],
    ) -> list[StoredCredential]:
        issued = answer.get("credentials")
        if not isinstance(issued, list) or len(issued) != len(keys):
            raise InputError("openid.malformed", "one credential per proven key expected")
        stored = []
        for entry, key in zip(issued, keys, strict=True):
            if not isinstance(entry, dict) or "credential" not in entry:
                raise InputError("openid.malformed", "a credentials entry without credential")
            item = StoredCredential(
                issuer=grant.issuer,
                configuration_id=config_id,
                format=str(configuration.get("format")),
                credential=entry["credential"],
                key=key,
                vct=configuration.get("vct"),
            )
            self.credentials.add(item)
            stored.append(item)
        notification_id = answer.get("notification_id")
        if isinstance(notification_id, str):
            self.last_notification = (grant, notification_id)
        return stored

    def notify(self, grant: TokenGrant, notification_id: str, event: str = "credential_accepted") -> None:
        url = self._check_url(str(grant.metadata.get("notification_endpoint", "")), origin_of=grant.issuer)
        response = self.http.post(
            url,
            content=json.dumps({"notification_id": notification_id, "event": event}),
            headers={"Content-Type": "application/json", **self._auth_headers(grant, "POST", url)},
        )
        if response.status_code != 204:
            self._answer(response)
            raise InputError("openid.malformed", "notification not acknowledged with 204")

    # -- the whole flow ------------------------------------------------------------------------------
    def receive(
        self, offer: str | Mapping[str, Any], *, tx_code: str | None = None, batch: int = 1
    ) -> list[StoredCredential] | DeferredIssuance:
        """Scan → token → nonce → proofs → credentials, for the first offered configuration."""
        resolved = self.resolve_offer(offer)
        grant = self.redeem_pre_authorized(resolved, tx_code=tx_code)
        return self.request_credentials(grant, batch=batch)
