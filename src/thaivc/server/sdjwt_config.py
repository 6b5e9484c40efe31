"""Configuration of the SD-JWT VC issuer identity in ``thaivc serve``: an https ``iss`` and its types.

An SD-JWT VC names its issuer by ``iss``. With a DID the verifier reads the issuer's keys from the DID
document; with an https URL (what most SD-JWT VC verifiers and the EUDI wallets expect) it reads them
from JWT VC Issuer Metadata at ``/.well-known/jwt-vc-issuer[/<path>]`` on the issuer's host. This
section says which https identifier the service's ``dc+sd-jwt`` credentials carry and which credential
types (``vct``) it publishes Type Metadata for. Kept apart from :mod:`thaivc.server.config` (which
includes the model) so the core settings stay readable; validated at start like the rest.
"""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["SdJwtVcConfig", "VctTypeConfig", "sdjwt_errors", "tenant_path"]

_TYPE_NAME: Final = re.compile(r"[A-Za-z0-9_-]{1,64}", re.ASCII)
_TENANT: Final = re.compile(r"(/[A-Za-z0-9_-]{1,32}){0,3}", re.ASCII)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class VctTypeConfig(_Strict):
    """One credential type's SD-JWT VC Type Metadata, served at ``<issuer>/vct/<name>``."""

    name_en: str = Field(min_length=1, max_length=200)
    description_en: str = Field(default="", max_length=1000)
    name_th: str | None = Field(default=None, min_length=1, max_length=200)
    description_th: str = Field(default="", max_length=1000)
    #: the ``vct`` this type extends (an https URL), if any
    extends: str | None = Field(default=None, max_length=2048)


class SdJwtVcConfig(_Strict):
    """``[sd_jwt_vc]``: ``dc+sd-jwt`` credentials carry ``iss = issuer`` (an https URL of this service).

    ``issuer`` is ``public_url`` itself or ``public_url`` followed by a tenant path (``/dopa``); the
    service publishes its keys (the active one and rotated ones until their ``verify_until``) at
    ``/.well-known/jwt-vc-issuer`` + that path, each under its RFC 7638 thumbprint, the ``kid`` the
    credentials carry. ``types`` maps a credential type name (the last VCDM ``type``) to its Type
    Metadata; the credential's ``vct`` is then ``<issuer>/vct/<name>``.
    """

    issuer: str = Field(max_length=512)
    types: dict[str, VctTypeConfig] = Field(default_factory=dict)


def tenant_path(public_url: str, issuer: str) -> str:
    """The path of ``issuer`` below ``public_url`` (``""`` when they are equal)."""
    return issuer[len(public_url) :]


def sdjwt_errors(public_url: str, section: SdJwtVcConfig | None) -> list[str]:
    """What the schema cannot say about ``[sd_jwt_vc]``; every problem, each by its path."""
    if section is None:
        return []
    errors: list[str] = []
    issuer = section.issuer
    parts = urlsplit(issuer)
    if parts.scheme != "https" or parts.query or parts.fragment or "@" in parts.netloc or not issuer.isascii():
        errors.append("sd_jwt_vc.issuer: an https URL without query, fragment or user (SD-JWT VC §4)")
    elif issuer != public_url and not issuer.startswith(public_url + "/"):
        errors.append("sd_jwt_vc.issuer: public_url or public_url/<path>: the service publishes its metadata")
    elif not _TENANT.fullmatch(tenant_path(public_url, issuer)):
        errors.append("sd_jwt_vc.issuer: the path below public_url is /segment[/segment…] of A-Z a-z 0-9 _ -")
    if urlsplit(public_url).path not in ("", "/"):
        errors.append(
            "sd_jwt_vc: public_url must be an origin (no path): the metadata is at "
            "/.well-known/jwt-vc-issuer/<path> on the host root"
        )
    for name, conf in section.types.items():
        where = f"sd_jwt_vc.types.{name[:64]}"
        if not _TYPE_NAME.fullmatch(name):
            errors.append(f"{where}: a type name of 1-64 A-Z a-z 0-9 _ -")
        if conf.extends is not None and urlsplit(conf.extends).scheme != "https":
            errors.append(f"{where}.extends: the vct of the parent type, an https URL")
    return errors
