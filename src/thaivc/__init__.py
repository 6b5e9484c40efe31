"""thaivc: W3C Verifiable Credentials for Thailand's national Digital ID programme.

The public face of the library. Everything else is reachable through its sub-packages
(``thaivc.keys``, ``thaivc.did``, ``thaivc.jose``, ``thaivc.model``, …) but layered below this one.

The names below are imported on first use (PEP 562), so that ``thaivc --version`` and
``import thaivc`` stay fast: the verifier's dependencies (pydantic models, JSON-LD, HTTP) load only
when a program first touches ``thaivc.Verifier`` or its neighbours.
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

from thaivc._version import __version__

# A library logs and never configures logging: the agency's application decides where records go.
logging.getLogger("thaivc").addHandler(logging.NullHandler())

if TYPE_CHECKING:
    from thaivc.core.clock import Clock, FixedClock, SystemClock
    from thaivc.core.errors import Indeterminate, InputError, ThaiVCError, UsageError, VerificationFailed
    from thaivc.core.report import Check, Problem, VerificationReport
    from thaivc.engine.challenge import ChallengeStore, MemoryChallengeStore, new_challenge
    from thaivc.engine.holder import Holder
    from thaivc.engine.issuer import IssuedCredential, Issuer
    from thaivc.engine.policy import Policy
    from thaivc.engine.verifier import Verifier
    from thaivc.keys import PrivateKey, PublicKey, Signer, generate_key, load_key

#: Each public name and the module it lives in.
_EXPORTS: dict[str, str] = {
    "ChallengeStore": "thaivc.engine.challenge",
    "MemoryChallengeStore": "thaivc.engine.challenge",
    "new_challenge": "thaivc.engine.challenge",
    "Clock": "thaivc.core.clock",
    "FixedClock": "thaivc.core.clock",
    "SystemClock": "thaivc.core.clock",
    "Indeterminate": "thaivc.core.errors",
    "InputError": "thaivc.core.errors",
    "ThaiVCError": "thaivc.core.errors",
    "UsageError": "thaivc.core.errors",
    "VerificationFailed": "thaivc.core.errors",
    "Holder": "thaivc.engine.holder",
    "IssuedCredential": "thaivc.engine.issuer",
    "Issuer": "thaivc.engine.issuer",
    "PrivateKey": "thaivc.keys",
    "PublicKey": "thaivc.keys",
    "Signer": "thaivc.keys",
    "generate_key": "thaivc.keys",
    "load_key": "thaivc.keys",
    "Policy": "thaivc.engine.policy",
    "Check": "thaivc.core.report",
    "Problem": "thaivc.core.report",
    "VerificationReport": "thaivc.core.report",
    "Verifier": "thaivc.engine.verifier",
}

__all__ = [
    "ChallengeStore",
    "Check",
    "Clock",
    "FixedClock",
    "Holder",
    "Indeterminate",
    "InputError",
    "IssuedCredential",
    "Issuer",
    "MemoryChallengeStore",
    "Policy",
    "PrivateKey",
    "Problem",
    "PublicKey",
    "Signer",
    "SystemClock",
    "ThaiVCError",
    "UsageError",
    "VerificationFailed",
    "VerificationReport",
    "Verifier",
    "__version__",
    "generate_key",
    "load_key",
    "new_challenge",
]


def __getattr__(name: str) -> Any:
    """A public name, imported on first use; a sub-module (``thaivc.status``) likewise."""
    module = _EXPORTS.get(name)
    if module is not None:
        value = getattr(importlib.import_module(module), name)
        globals()[name] = value
        return value
    if name.startswith("_"):
        raise AttributeError(f"module 'thaivc' has no attribute {name!r}")
    try:
        return importlib.import_module(f"thaivc.{name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"thaivc.{name}":
            raise
        raise AttributeError(f"module 'thaivc' has no attribute {name!r}") from None


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
