"""Credential Issuer Metadata (OpenID4VCI 1.0 §12.2) and the OAuth server metadata it needs (RFC 8414).

Metadata is generated from one :class:`IssuerConfig`, never written by hand, so what the issuer
advertises (formats, ``vct``, proof algorithms, endpoints) is exactly what its endpoints accept.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal
from urllib.parse import urlsplit

from thaivc.core.errors import UsageError

__all__ = ["CredentialConfiguration", "Display", "IssuerConfig"]

Format = Literal["dc+sd-jwt", "jwt_vc_json", "ldp_vc"]
#: The proof and signing algorithms HAIP names (ES256); EdDSA/ES384 may be added per configuration.
HAIP_ALGS: Final = ("ES256",)


@dataclass(frozen=True, slots=True)
class Display:
    """A name shown in the wallet, in one locale (``th`` and ``en`` for Thai agencies)."""

    name: str
    locale: str
    description: str | None = None

    def to_json(self) -> dict[str, str]:
        out = {"name": self.name, "locale": self.locale}
        if self.description:
            out["description"] = self.description
        return out


@dataclass(frozen=True, slots=True)
class CredentialConfiguration:
    """One credential the issuer offers, in one format (a ``credential_configurations_supported`` entry).

    ``vct`` is the SD-JWT VC type (``dc+sd-jwt``); ``types`` the VCDM ``type`` list (``jwt_vc_json``).
    ``disclosable`` names the claims issued selectively disclosable (SD-JWT VC).
    """

    format: Format
    display: Sequence[Display]
    vct: str | None = None
    types: Sequence[str] = ()
    scope: str | None = None
    binding_methods: Sequence[str] = ("jwk", "did:key", "did:jwk")
    signing_algs: Sequence[str] = HAIP_ALGS
    proof_algs: Sequence[str] = HAIP_ALGS
    claims: Sequence[Mapping[str, Any]] = ()

    def __post_init__(self) -> None:
        if self.format == "dc+sd-jwt" and not self.vct:
            raise UsageError("usage.invalid_argument", "a dc+sd-jwt configuration needs a vct")
        if self.format != "dc+sd-jwt" and not self.types:
            raise UsageError("usage.invalid_argument", f"a {self.format} configuration needs types")
        if not self.proof_algs:
            raise UsageError("usage.invalid_argument", "name at least one proof algorithm")

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"format": self.format}
        if self.scope:
            out["scope"] = self.scope
        if self.format == "dc+sd-jwt":
            out["vct"] = self.vct
        else:
            out["credential_definition"] = {"type": list(self.types)}
        out["cryptographic_binding_methods_supported"] = list(self.binding_methods)
        out["credential_signing_alg_values_supported"] = list(self.signing_algs)
        out["proof_types_supported"] = {"jwt": {"proof_signing_alg_values_supported": list(self.proof_algs)}}
        meta: dict[str, Any] = {"display": [d.to_json() for d in self.display]}
        if self.claims:
            meta["claims"] = [dict(c) for c in self.claims]
        out["credential_metadata"] = meta
        return out


@dataclass(frozen=True, slots=True)
class IssuerConfig:
    """Everything the issuer's endpoints and metadata are generated from.

    ``credential_issuer`` is the issuer identifier (an ``https`` URL, no query or fragment); the
    endpoints live under it. Lifetimes are in seconds and deliberately short.
    """

    credential_issuer: str
    configurations: Mapping[str, CredentialConfiguration]
    display: Sequence[Display] = ()
    require_dpop: bool = False
    dpop_algs: Sequence[str] = HAIP_ALGS
    #: Wallet attestation (OAuth 2.0 Attestation-Based Client Authentication) at the token endpoint;
    #: the trusted wallet providers' keys are given to the service (``attesters``).
    require_client_attestation: bool = False
    attestation_algs: Sequence[str] = HAIP_ALGS
    pre_authorized_code_ttl: int = 300
    authorization_code_ttl: int = 120
    access_token_ttl: int = 300
    c_nonce_ttl: int = 300
    offer_ttl: int = 600
    tx_code_length: int = 6
    tx_code_max_tries: int = 5
    tx_code_description: str = "กรอกรหัส 6 หลักที่เจ้าหน้าที่แจ้ง / Enter the 6-digit code the officer gave you"
    proof_iat_window: int = 300
    max_batch: int = 10
    deferred_ttl: int = 86_400
    deferred_interval: int = 5
    #: Seconds one poll of the deferred endpoint holds a transaction while it asks the callback and signs;
    #: a concurrent poll is told "not yet". A claim older than this (its worker died) may be taken over.
    deferred_claim_ttl: int = 60
    allow_insecure_http: bool = False
    extra_paths: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        parts = urlsplit(self.credential_issuer)
        secure = parts.scheme == "https" or (self.allow_insecure_http and parts.scheme == "http")
        if not secure or not parts.netloc or parts.query or parts.fragment or self.credential_issuer.endswith("/"):
            raise UsageError(
                "usage.invalid_argument", "credential_issuer must be an https URL without query, fragment or final /"
            )
        if not self.configurations:
            raise UsageError("usage.invalid_argument", "offer at least one credential configuration")
        if not 4 <= self.tx_code_length <= 12 or self.tx_code_max_tries < 1:
            raise UsageError("usage.invalid_argument", "tx_code_length must be 4..12 and max tries at least 1")
        if self.max_batch < 1 or self.deferred_claim_ttl < 1:
            raise UsageError("usage.invalid_argument", "max_batch and deferred_claim_ttl must be at least 1")

    # -- endpoints ---------------------------------------------------------------------------------
    def url(self, name: str) -> str:
        """The absolute URL of endpoint ``name`` (``token``, ``credential``, ``nonce``, ``deferred``,
        ``notification``, ``offers``)."""
        return self.credential_issuer + "/" + self.extra_paths.get(name, name)

    @property
    def base_path(self) -> str:
        return urlsplit(self.credential_issuer).path

    @property
    def metadata_path(self) -> str:
        """Where the metadata is served: the well-known segment goes between host and path (§12.2.2)."""
        return "/.well-known/openid-credential-issuer" + self.base_path

    @property
    def oauth_metadata_path(self) -> str:
        return "/.well-known/oauth-authorization-server" + self.base_path

    def issuer_metadata(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "credential_issuer": self.credential_issuer,
            "authorization_servers": [self.credential_issuer],
            "credential_endpoint": self.url("credential"),
            "nonce_endpoint": self.url("nonce"),
            "deferred_credential_endpoint": self.url("deferred"),
            "notification_endpoint": self.url("notification"),
            "batch_credential_issuance": {"batch_size": self.max_batch},
            "credential_configurations_supported": {k: v.to_json() for k, v in self.configurations.items()},
        }
        if self.display:
            out["display"] = [d.to_json() for d in self.display]
        return out

    def oauth_metadata(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "issuer": self.credential_issuer,
            "token_endpoint": self.url("token"),
            "grant_types_supported": ["urn:ietf:params:oauth:grant-type:pre-authorized_code", "authorization_code"],
            "code_challenge_methods_supported": ["S256"],
            "response_types_supported": ["code"],
            "pre-authorized_grant_anonymous_access_supported": True,
            "dpop_signing_alg_values_supported": list(self.dpop_algs),
            "token_endpoint_auth_methods_supported": (
                ["attest_jwt_client_auth"] if self.require_client_attestation else ["none", "attest_jwt_client_auth"]
            ),
            "client_attestation_signing_alg_values_supported": list(self.attestation_algs),
            "client_attestation_pop_signing_alg_values_supported": list(self.attestation_algs),
        }
        return out
