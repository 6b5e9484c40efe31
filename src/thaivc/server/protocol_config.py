"""Configuration of the wallet protocols in ``thaivc serve``: OpenID4VCI, OpenID4VP and the registries.

Kept apart from :mod:`thaivc.server.config` (which includes these models) so the core service's
settings stay readable. Everything here is validated at start like the rest: the issuance callback's
name, each credential configuration (built once, so a missing ``vct`` fails now, not at a wallet's
request), and each verification preset's DCQL query (parsed by the same parser the verifier uses).
"""

from __future__ import annotations

import re
from typing import Any, Final, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = [
    "CredentialOfferingConfig",
    "Oid4vciConfig",
    "Oid4vpConfig",
    "PresetConfig",
    "RegistriesConfig",
    "RegistryConfig",
    "protocol_errors",
]

_CALLABLE: Final = re.compile(r"[A-Za-z_][\w.]*:[A-Za-z_]\w*", re.ASCII)
_NAME: Final = re.compile(r"[A-Za-z0-9_-]{1,64}", re.ASCII)
_PATH: Final = re.compile(r"(/[A-Za-z0-9_-]{1,32}){1,3}", re.ASCII)
_LOOPBACK: Final = frozenset({"127.0.0.1", "localhost", "::1"})

StatusPurpose = Literal["revocation", "suspension"]
ProofAlg = Literal["ES256", "ES384", "EdDSA"]


def _haip_algs() -> list[ProofAlg]:
    return ["ES256"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RegistryConfig(_Strict):
    """One registry adapter: the synthetic ``fake`` (tests, demos) or the DGA ``gdx`` client.

    GDX secrets belong in the environment (``THAIVC_REGISTRIES__DOPA__CONSUMER_SECRET``), not the file.
    ``timeout`` is the whole budget of one lookup, retries included: a registry that hangs costs the
    wallet at most this long, then a 503 ``registry.unavailable``.
    """

    kind: Literal["fake", "gdx"] = "fake"
    fixture: str | None = None
    base_url: str | None = None
    consumer_key: str | None = None
    consumer_secret: str | None = None
    agent_id: str | None = None
    timeout: float = Field(default=5.0, gt=0, le=60)
    retries: int = Field(default=1, ge=0, le=5)
    insecure: bool = False


class RegistriesConfig(_Strict):
    dopa: RegistryConfig | None = None
    dbd: RegistryConfig | None = None


class CredentialOfferingConfig(_Strict):
    """One credential the OpenID4VCI issuer offers (a ``credential_configurations_supported`` entry)."""

    format: Literal["dc+sd-jwt", "jwt_vc_json", "ldp_vc"]
    vct: str | None = None
    types: list[str] = Field(default_factory=list)
    name_th: str = Field(min_length=1, max_length=200)
    name_en: str = Field(min_length=1, max_length=200)
    proof_algs: list[ProofAlg] = Field(default_factory=_haip_algs)
    #: None: the issuer's ``status_purposes`` (an SD-JWT VC takes the first: its claim holds one)
    status_purposes: list[StatusPurpose] | None = None


class Oid4vciConfig(_Strict):
    """The OpenID4VCI issuer: its identifier is ``public_url + path``.

    ``callback`` (``package.module:function``) is called as ``function(request, context)`` with a
    :class:`thaivc.oid4vci.IssuanceRequest` and a :class:`thaivc.server.IssuanceContext` (the DOPA and
    DBD adapters) and returns :class:`~thaivc.oid4vci.CredentialData` or
    :class:`~thaivc.oid4vci.Pending`, or raises :class:`~thaivc.oid4vci.IssuanceDenied`.
    """

    path: str = "/oid4vci"
    callback: str
    require_dpop: bool = True
    tx_code_length: int = Field(default=6, ge=4, le=12)
    pre_authorized_code_ttl: int = Field(default=300, ge=30, le=86_400)
    offer_ttl: int = Field(default=600, ge=30, le=7 * 86_400)
    max_batch: int = Field(default=10, ge=1, le=100)
    name_th: str | None = None
    name_en: str | None = None
    configurations: dict[str, CredentialOfferingConfig]

    @field_validator("callback")
    @classmethod
    def _callable(cls, value: str) -> str:
        if not _CALLABLE.fullmatch(value):
            raise ValueError("callback is 'package.module:function'")
        return value


class PresetConfig(_Strict):
    """A named verification request: the DCQL query a transaction of this preset asks for."""

    dcql: dict[str, Any]
    description: str | None = None


class Oid4vpConfig(_Strict):
    """The OpenID4VP verifier, under ``public_url + path``; requests are signed by the issuer key.

    ``client_id`` defaults to ``decentralized_identifier:<the service's DID>``; a ``redirect_uri:``
    client (unsigned requests) is for development only.
    """

    path: str = "/oid4vp"
    client_id: str | None = None
    response_mode: Literal["direct_post", "direct_post.jwt"] = "direct_post.jwt"
    request_ttl: int = Field(default=300, ge=30, le=3600)
    result_ttl: int = Field(default=600, ge=30, le=86_400)
    #: Same-device flow: the agency's page the wallet sends the citizen back to, with
    #: ``#response_code=…``; the front end redeems the code once for the result.
    redirect_uri: str | None = Field(default=None, max_length=2048)
    #: Wrong response codes tolerated per transaction before its result is withheld for good.
    max_code_attempts: int = Field(default=5, ge=1, le=20)
    #: ``x509_san_dns:<host>`` clients: the certificate chain (PEM, leaf first) and the leaf's key
    #: (unencrypted PKCS#8 PEM or a private JWK) that sign the request objects
    x509_chain_file: str | None = None
    x509_key_file: str | None = None
    presets: dict[str, PresetConfig]


def _registry_errors(name: str, reg: RegistryConfig | None) -> list[str]:
    if reg is None:
        return []
    where = f"registries.{name}"
    errors: list[str] = []
    if reg.kind == "gdx":
        for field in ("base_url", "consumer_key", "consumer_secret", "agent_id"):
            if not getattr(reg, field):
                errors.append(f"{where}.{field}: required for kind 'gdx'")
        if reg.base_url and not reg.base_url.startswith("https://") and not reg.insecure:
            errors.append(f"{where}.base_url: https (insecure = true only for a loopback test server)")
    elif reg.base_url or reg.consumer_key or reg.consumer_secret:
        errors.append(f"{where}: a 'fake' registry takes no GDX settings")
    return errors


def _redirect_errors(redirect_uri: str | None) -> list[str]:
    """The same-device redirect: an https page of the agency (http only on loopback), no fragment."""
    if redirect_uri is None:
        return []
    parts = urlsplit(redirect_uri)
    secure = parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in _LOOPBACK)
    if not secure or not parts.hostname or parts.fragment or "#" in redirect_uri or "@" in parts.netloc:
        return ["oid4vp.redirect_uri: an https URL without fragment or user (the response_code is appended "
                "as #response_code=…; http only on a loopback address)"]
    return []


def protocol_errors(
    public_url: str,
    oid4vci: Oid4vciConfig | None,
    oid4vp: Oid4vpConfig | None,
    registries: RegistriesConfig,
) -> list[str]:
    """What the schema cannot say about the protocol sections; every problem, each by its path."""
    from thaivc.core.errors import ThaiVCError
    from thaivc.oid4vp import DcqlQuery
    from thaivc.oid4vp.request import parse_client_id

    errors = _registry_errors("dopa", registries.dopa) + _registry_errors("dbd", registries.dbd)
    parts = urlsplit(public_url)
    if oid4vci is not None:
        if not _PATH.fullmatch(oid4vci.path):
            errors.append("oid4vci.path: /segment[/segment…] of A-Z a-z 0-9 _ -")
        if parts.path not in ("", "/"):
            errors.append("oid4vci: public_url must be an origin (no path): the issuer's metadata is at "
                          "/.well-known/openid-credential-issuer/<path> on the host root")
        if parts.scheme != "https" and parts.hostname not in _LOOPBACK:
            errors.append("oid4vci: public_url must be https (http only on a loopback address, for trying it)")
        if not oid4vci.configurations:
            errors.append("oid4vci.configurations: offer at least one credential")
        for cid, conf in oid4vci.configurations.items():
            where = f"oid4vci.configurations.{cid}"
            if not _NAME.fullmatch(cid):
                errors.append(f"{where}: a name of 1-64 A-Z a-z 0-9 _ -")
            if conf.format == "dc+sd-jwt" and not conf.vct:
                errors.append(f"{where}.vct: a dc+sd-jwt credential needs a vct")
            if conf.format != "dc+sd-jwt" and not conf.types:
                errors.append(f"{where}.types: a {conf.format} credential needs its VCDM types")
    if oid4vp is not None:
        if not _PATH.fullmatch(oid4vp.path):
            errors.append("oid4vp.path: /segment[/segment…] of A-Z a-z 0-9 _ -")
        if oid4vci is not None and oid4vp.path == oid4vci.path:
            errors.append("oid4vp.path: must differ from oid4vci.path")
        if oid4vp.client_id is not None:
            try:
                parse_client_id(oid4vp.client_id)
            except ThaiVCError as exc:
                errors.append(f"oid4vp.client_id: {exc.detail}")
        errors.extend(_redirect_errors(oid4vp.redirect_uri))
        if not oid4vp.presets:
            errors.append("oid4vp.presets: name at least one verification request")
        for name, preset in oid4vp.presets.items():
            if not _NAME.fullmatch(name):
                errors.append(f"oid4vp.presets.{name[:64]}: a name of 1-64 A-Z a-z 0-9 _ -")
            try:
                DcqlQuery.from_json(preset.dcql)
            except ThaiVCError as exc:
                errors.append(f"oid4vp.presets.{name[:64]}.dcql: {exc.code}: {exc.detail}")
    return errors
