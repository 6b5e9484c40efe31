"""``thaivc serve``: an agency's issuer and verifier as an HTTP service (the ``thaivc[server]`` extra).

One ASGI application (FastAPI on uvicorn) mounting what the library does: the W3C VC-API (issue,
verify credentials and presentations, challenges), status lists in both formats, the did:web document,
administration (revoke, suspend, reinstate; the register of issued credentials) and operations
(health, readiness, Prometheus metrics), and — when configured — the OpenID4VCI issuer and
OpenID4VP verifier for wallets. Configured by one TOML file with ``THAIVC_…`` overrides
(:func:`load_config`); stateless apart from its database, so several processes may serve together.
"""

from __future__ import annotations

from thaivc.server.app import build_app, configure_logging, create_app, mount_handler
from thaivc.server.config import ConfigError, ServerConfig, load_config
from thaivc.server.db import Database
from thaivc.server.keys import KeyRing, load_keyring
from thaivc.server.protocols import IssuanceContext

__all__ = [
    "ConfigError",
    "Database",
    "IssuanceContext",
    "KeyRing",
    "ServerConfig",
    "build_app",
    "configure_logging",
    "create_app",
    "load_config",
    "load_keyring",
    "mount_handler",
]
