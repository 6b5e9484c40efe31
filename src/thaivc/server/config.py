"""The service configuration: one TOML file, overridden by ``THAIVC_…`` environment variables.

Why one validated object: a service that starts with a half-read configuration fails later, on a
citizen's request, in a way nobody can trace back. Everything is checked at start and *every* error is
reported at once (``config.invalid``), each named by its dotted path, so an operator fixes the file in
one pass. Secret values are never echoed in those messages.

Environment overrides use ``__`` for nesting: ``THAIVC_DATABASE__URL=postgresql://…`` sets
``[database] url``, ``THAIVC_PUBLIC_URL=…`` the top-level ``public_url``. A value is read as a TOML
value when it parses as one (``600``, ``true``, ``["a", "b"]``) and as a plain string otherwise.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from thaivc.core.errors import ThaiVCError
from thaivc.server.pages_config import PagesConfig, pages_errors

if TYPE_CHECKING:
    from thaivc.server.db import Database
from thaivc.server.protocol_config import Oid4vciConfig, Oid4vpConfig, RegistriesConfig, protocol_errors
from thaivc.server.sdjwt_config import SdJwtVcConfig, sdjwt_errors
from thaivc.server.tls import ServerSection, section_errors
from thaivc.server.x509_client import x509_errors

__all__ = [
    "ApiKeyConfig",
    "AuthConfig",
    "ConfigError",
    "DatabaseConfig",
    "IssuerConfig",
    "KeyConfig",
    "LimitsConfig",
    "OAuthConfig",
    "ServerConfig",
    "load_config",
]

ENV_PREFIX: Final = "THAIVC_"
_SHA256_HEX: Final = re.compile(r"[0-9a-f]{64}", re.ASCII)
_FRAGMENT: Final = re.compile(r"[A-Za-z0-9._-]{1,64}", re.ASCII)
_CALLABLE: Final = re.compile(r"[A-Za-z_][\w.]*:[A-Za-z_]\w*", re.ASCII)


StatusPurpose = Literal["revocation", "suspension"]
TokenAlg = Literal["RS256", "ES256", "ES384", "EdDSA", "PS256"]


def _revocation_only() -> list[StatusPurpose]:
    return ["revocation"]


def _default_algs() -> list[TokenAlg]:
    return ["RS256", "ES256", "EdDSA"]


class ConfigError(ThaiVCError):
    """The configuration is invalid. ``errors`` names every problem, one ``path: message`` each."""

    errors: tuple[str, ...]

    def __init__(self, errors: list[str]) -> None:
        self.errors = tuple(errors)
        super().__init__("config.invalid", "; ".join(errors))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class KeyConfig(_Strict):
    """One signing key: from a JWK file, or from a ``module:function`` returning a ``thaivc.Signer``.

    ``verify_until`` (RFC 3339) marks a rotated-out key: it is no longer used to sign, and stays in the
    DID document (so credentials it signed keep verifying) until that instant.
    """

    id: str
    file: str | None = None
    signer: str | None = None
    verify_until: str | None = None

    @field_validator("id")
    @classmethod
    def _fragment(cls, value: str) -> str:
        if not _FRAGMENT.fullmatch(value):
            raise ValueError("a key id is a DID URL fragment: 1-64 of A-Z a-z 0-9 . _ -")
        return value

    @field_validator("signer")
    @classmethod
    def _callable(cls, value: str | None) -> str | None:
        if value is not None and not _CALLABLE.fullmatch(value):
            raise ValueError("signer is 'package.module:function'")
        return value


class IssuerConfig(_Strict):
    """Who this service issues as. Without ``did`` the active key's own did:key is the issuer."""

    did: str | None = None
    keys: list[KeyConfig] = Field(default_factory=list)
    default_format: Literal["vc+jwt", "di", "dc+sd-jwt"] = "vc+jwt"
    status_purposes: list[StatusPurpose] = Field(default_factory=_revocation_only)
    list_valid_for: int = Field(default=86_400, ge=60, le=31 * 86_400)
    list_ttl: int = Field(default=300, ge=1, le=86_400)


class DatabaseConfig(_Strict):
    """``[database]``. On PostgreSQL each worker process holds at most ``pool_size`` sessions for each
    of its three stores (service tables, status lists, protocol state): ``workers x 3 x pool_size``
    must fit the server's ``max_connections`` (checked at start). A request that finds its store's
    pool busy for ``pool_wait`` seconds is answered 503 ``service.unavailable``."""

    url: str = "sqlite:///thaivc-server.db"
    migrate_on_start: bool = True
    pool_size: int = Field(default=10, ge=1, le=200)
    pool_wait: float = Field(default=5.0, gt=0, le=60)

    def open(self) -> Database:
        """The service database this section describes (connections are opened on first use)."""
        from thaivc.server.db import Database

        return Database(self.url, pool_size=self.pool_size, pool_wait=self.pool_wait)


class ApiKeyConfig(_Strict):
    """A client's API key, stored only as the SHA-256 of the key (hex). ``scopes``: issue, admin."""

    client: str = Field(min_length=1, max_length=64)
    sha256: str
    scopes: list[Literal["issue", "admin", "verify"]]

    @field_validator("sha256")
    @classmethod
    def _hex(cls, value: str) -> str:
        if not _SHA256_HEX.fullmatch(value):
            raise ValueError("sha256 is 64 lower-case hex digits (the hash of the key, never the key)")
        return value


class OAuthConfig(_Strict):
    """OAuth 2.0 bearer tokens (client credentials) verified against a JWKS given inline or by file."""

    issuer: str
    audience: str
    jwks_file: str | None = None
    jwks: dict[str, Any] | None = None
    algorithms: list[TokenAlg] = Field(default_factory=_default_algs)
    leeway: int = Field(default=30, ge=0, le=300)


class AuthConfig(_Strict):
    public_verification: bool = True
    api_keys: list[ApiKeyConfig] = Field(default_factory=list)
    oauth: OAuthConfig | None = None


class LimitsConfig(_Strict):
    """Caps that bound what one request can cost. Rates are per minute."""

    max_body_bytes: int = Field(default=512 * 1024, ge=1024, le=64 * 1024 * 1024)
    max_csv_bytes: int = Field(default=4 * 1024 * 1024, ge=1024, le=256 * 1024 * 1024)
    body_timeout: float = Field(default=10.0, gt=0, le=300)
    max_headers: int = Field(default=64, ge=8, le=1000)
    rate_per_client: int = Field(default=600, ge=1)
    rate_per_ip: int = Field(default=300, ge=1)


class CorsConfig(_Strict):
    allow_origins: list[str] = Field(default_factory=list)


class PolicyConfig(_Strict):
    challenge_ttl: int = Field(default=300, ge=10, le=86_400)
    allow_network: bool = False


class LoggingConfig(_Strict):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"


class ServerConfig(_Strict):
    """The whole service configuration. ``public_url`` is where clients reach this service."""

    public_url: str = "http://127.0.0.1:8080"
    issuer: IssuerConfig = Field(default_factory=IssuerConfig)
    database: DatabaseConfig = Field(default_factory=DatabaseConfig)
    auth: AuthConfig = Field(default_factory=AuthConfig)
    limits: LimitsConfig = Field(default_factory=LimitsConfig)
    cors: CorsConfig = Field(default_factory=CorsConfig)
    policy: PolicyConfig = Field(default_factory=PolicyConfig)
    logging: LoggingConfig = Field(default_factory=LoggingConfig)
    #: how the process listens (HTTPS): checked at start, used by ``thaivc serve``
    server: ServerSection = Field(default_factory=ServerSection)
    #: OpenID4VCI issuer and OpenID4VP verifier: mounted only when their section is present
    oid4vci: Oid4vciConfig | None = None
    oid4vp: Oid4vpConfig | None = None
    registries: RegistriesConfig = Field(default_factory=RegistriesConfig)
    #: SD-JWT VCs with an https ``iss`` and their published metadata: only when the section is present
    sd_jwt_vc: SdJwtVcConfig | None = None
    #: The counter pages (``/counter/…``): mounted only when the section is present
    pages: PagesConfig | None = None
    #: Directory relative file paths in this configuration are read from (the TOML file's own).
    base_dir: str = "."

    @field_validator("public_url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not re.fullmatch(r"https?://[A-Za-z0-9.\-\[\]:]+(/[A-Za-z0-9._~/-]*)?", value) or value.endswith("/"):
            raise ValueError("public_url is http(s)://host[:port][/path] without a trailing '/'")
        return value

    def path(self, name: str) -> Path:
        """A configured file path, relative ones taken from ``base_dir``."""
        candidate = Path(name)
        return candidate if candidate.is_absolute() else Path(self.base_dir) / candidate


def _env_value(text: str) -> Any:
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def _apply_env(data: dict[str, Any], environ: Mapping[str, str]) -> None:
    for name, text in environ.items():
        if not name.startswith(ENV_PREFIX) or name in ("THAIVC_CONFIG", "THAIVC_DEBUG"):
            continue
        path = [part.lower() for part in name[len(ENV_PREFIX) :].split("__")]
        if not all(path):
            continue
        node = data
        for part in path[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child
        node[path[-1]] = _env_value(text)


def _describe(err: ValidationError) -> list[str]:
    out = []
    for item in err.errors():
        where = ".".join(str(p) for p in item["loc"]) or "(top level)"
        # never echo the input: it may be a secret (a DSN with a password, a key)
        out.append(f"{where}: {item['msg']}")
    return out


def load_config(
    path: str | os.PathLike[str] | None = None, *, environ: Mapping[str, str] | None = None
) -> ServerConfig:
    """Read ``path`` (TOML) and the ``THAIVC_…`` overrides; raise :class:`ConfigError` naming every error."""
    env = os.environ if environ is None else environ
    data: dict[str, Any] = {}
    base = Path(".")
    if path is not None:
        file = Path(path)
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError([f"{file.name}: cannot be read ({type(exc).__name__})"]) from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError([f"{file.name}: not valid TOML ({exc})"]) from None
        base = file.resolve().parent
    _apply_env(data, env)
    data.setdefault("base_dir", str(base))
    try:
        config = ServerConfig.model_validate(data)
    except ValidationError as err:
        raise ConfigError(_describe(err)) from None
    errors = _semantic_errors(config)
    if errors:
        raise ConfigError(errors)
    return config


def _semantic_errors(config: ServerConfig) -> list[str]:
    """What the schema cannot say: files exist, exactly one key source, one active key, a usable DSN."""
    errors: list[str] = []
    keys = config.issuer.keys
    if not keys:
        errors.append("issuer.keys: at least one signing key is required")
    active = [k for k in keys if k.verify_until is None]
    if keys and len(active) != 1:
        errors.append("issuer.keys: exactly one key must be active (without verify_until)")
    seen: set[str] = set()
    for i, key in enumerate(keys):
        where = f"issuer.keys.{i}"
        if key.id in seen:
            errors.append(f"{where}.id: {key.id!r} is used twice")
        seen.add(key.id)
        if (key.file is None) == (key.signer is None):
            errors.append(f"{where}: give exactly one of file or signer")
        elif key.file is not None and not config.path(key.file).is_file():
            errors.append(f"{where}.file: no such file")
        if key.verify_until is not None and not re.fullmatch(
            r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", key.verify_until
        ):
            errors.append(f"{where}.verify_until: an RFC 3339 date-time, e.g. 2027-01-01T00:00:00Z")
    did = config.issuer.did
    if did is not None and not did.startswith(("did:web:", "did:key:", "did:jwk:")):
        errors.append("issuer.did: a did:web DID (or leave it out to issue as the key's did:key)")
    if did is None and len(keys) > 1:
        errors.append("issuer.did: key rotation needs a did:web issuer (a did:key has one key)")
    url = config.database.url
    if not url.startswith(("sqlite:///", "postgresql://", "postgres://")):
        errors.append("database.url: sqlite:///FILE or postgresql://…")
    oauth = config.auth.oauth
    if oauth is not None:
        if (oauth.jwks is None) == (oauth.jwks_file is None):
            errors.append("auth.oauth: give exactly one of jwks or jwks_file")
        elif oauth.jwks_file is not None and not config.path(oauth.jwks_file).is_file():
            errors.append("auth.oauth.jwks_file: no such file")
    for i, origin in enumerate(config.cors.allow_origins):
        if origin == "*" or not re.fullmatch(r"https?://[A-Za-z0-9.\-:]+", origin):
            errors.append(f"cors.allow_origins.{i}: an exact origin (scheme://host[:port]), never '*'")
    errors.extend(section_errors(config.server, Path(config.base_dir)))
    errors.extend(protocol_errors(config.public_url, config.oid4vci, config.oid4vp, config.registries))
    errors.extend(sdjwt_errors(config.public_url, config.sd_jwt_vc))
    errors.extend(x509_errors(config.public_url, config.oid4vp, config.path))
    pages = config.pages
    if pages is not None:
        jwks_file = pages.oidc.jwks_file if pages.oidc is not None else None
        errors.extend(
            pages_errors(
                pages,
                set(config.oid4vp.presets) if config.oid4vp else set(),
                set(config.oid4vci.configurations) if config.oid4vci else set(),
                None if jwks_file is None else config.path(jwks_file).is_file(),
            )
        )
        if pages.session_secret_file is not None and not config.path(pages.session_secret_file).is_file():
            errors.append("pages.session_secret_file: no such file")
    for name in ("dopa", "dbd"):
        reg = getattr(config.registries, name)
        if reg is not None and reg.fixture is not None and not config.path(reg.fixture).is_file():
            errors.append(f"registries.{name}.fixture: no such file")
    return errors
