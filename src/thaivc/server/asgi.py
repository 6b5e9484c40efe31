"""The factory uvicorn workers call: ``uvicorn --factory thaivc.server.asgi:app_factory``.

Each worker process reads the configuration (``THAIVC_CONFIG`` names the file; ``THAIVC_…`` variables
override it) and builds its own application; all of them share the database and nothing else.
"""

from __future__ import annotations

import os

from thaivc.server.app import configure_logging, create_app
from thaivc.server.config import load_config
from thaivc.server.guard import Guard

__all__ = ["app_factory"]


def app_factory() -> Guard:
    config = load_config(os.environ.get("THAIVC_CONFIG") or None)
    configure_logging(config.logging.level)
    return create_app(config)
