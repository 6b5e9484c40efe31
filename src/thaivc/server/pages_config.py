"""Configuration of the counter pages (``[pages]``): demo mode, officer login, the presets' words.

Kept apart from :mod:`thaivc.server.config` (which includes it) like the protocol settings. A preset
the verifier page offers is one of ``[oid4vp.presets]`` (its DCQL query is there); ``[pages.presets.NAME]``
gives it the Thai and English words the officer picks it by. Presets without words are not offered
on the page (they remain available to the agency's own back end).
"""

from __future__ import annotations

from typing import Final

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["OfficerOidcConfig", "PageLabelConfig", "PagesConfig", "pages_errors"]

_HOUR: Final = 3600


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PageLabelConfig(_Strict):
    label_th: str = Field(min_length=1, max_length=200)
    label_en: str = Field(min_length=1, max_length=200)


class OfficerOidcConfig(_Strict):
    """The agency's OpenID Connect provider for officers (authorization code with PKCE).

    The client secret belongs in the environment (``THAIVC_PAGES__OIDC__CLIENT_SECRET``).
    """

    issuer: str
    client_id: str = Field(min_length=1, max_length=200)
    client_secret: str | None = None
    authorization_endpoint: str
    token_endpoint: str
    jwks_file: str | None = None
    jwks: dict[str, object] | None = None
    scope: str = "openid profile"
    algorithms: list[str] = Field(default_factory=lambda: ["RS256", "ES256"])


class PagesConfig(_Strict):
    """``demo``: both counters on the built-in demo world (fake DOPA/DBD, bannered test data, the demo
    officer account; one process). Otherwise the pages use the service's ``[oid4vp]`` and ``[oid4vci]``."""

    enabled: bool = True
    demo: bool = False
    session_ttl: int = Field(default=8 * _HOUR, ge=300, le=24 * _HOUR)
    session_secret_file: str | None = None
    issue_configuration: str | None = None
    presets: dict[str, PageLabelConfig] = Field(default_factory=dict)
    oidc: OfficerOidcConfig | None = None


def pages_errors(pages: PagesConfig | None, preset_names: set[str], configurations: set[str],
                 oidc_jwks_exists: bool | None) -> list[str]:
    """What the schema cannot say: presets and configuration exist, and a non-demo page can be logged into."""
    if pages is None or not pages.enabled:
        return []
    errors = [f"pages.presets.{name}: no [oid4vp.presets.{name}]" for name in pages.presets
              if name not in preset_names]
    if pages.issue_configuration is not None and pages.issue_configuration not in configurations:
        errors.append(f"pages.issue_configuration: no [oid4vci.configurations.{pages.issue_configuration}]")
    if not pages.demo and pages.oidc is None:
        errors.append("pages.oidc: officers log in through the agency's OpenID Connect provider (or demo = true)")
    if pages.oidc is not None:
        oidc = pages.oidc
        if (oidc.jwks is None) == (oidc.jwks_file is None):
            errors.append("pages.oidc: give exactly one of jwks or jwks_file")
        elif oidc_jwks_exists is False:
            errors.append("pages.oidc.jwks_file: no such file")
        for name in ("issuer", "authorization_endpoint", "token_endpoint"):
            if not getattr(oidc, name).startswith("https://"):
                errors.append(f"pages.oidc.{name}: an https URL")
    return errors
