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
    from thaivc.challenge import ChallengeStore, MemoryChallengeStore, new_challenge
    from thaivc.clock import Clock, FixedClock, SystemClock
    from thaivc.errors import Indeterminate, InputError, ThaiVCError, UsageError, VerificationFailed
    from thaivc.holder import Holder
    from thaivc.issuer import IssuedCredential, Issuer
    from thaivc.keys import PrivateKey, PublicKey, Signer, generate_key, load_key
    from thaivc.policy import Policy
    from thaivc.report import Check, Problem, VerificationReport
    from thaivc.verifier import Verifier

#: Each public name and the module it lives in.
_EXPORTS: dict[str, str] = {
    "ChallengeStore": "thaivc.challenge",
    "MemoryChallengeStore": "thaivc.challenge",
    "new_challenge": "thaivc.challenge",
    "Clock": "thaivc.clock",
    "FixedClock": "thaivc.clock",
    "SystemClock": "thaivc.clock",
    "Indeterminate": "thaivc.errors",
    "InputError": "thaivc.errors",
    "ThaiVCError": "thaivc.errors",
    "UsageError": "thaivc.errors",
    "VerificationFailed": "thaivc.errors",
    "Holder": "thaivc.holder",
    "IssuedCredential": "thaivc.issuer",
    "Issuer": "thaivc.issuer",
    "PrivateKey": "thaivc.keys",
    "PublicKey": "thaivc.keys",
    "Signer": "thaivc.keys",
    "generate_key": "thaivc.keys",
    "load_key": "thaivc.keys",
    "Policy": "thaivc.policy",
    "Check": "thaivc.report",
    "Problem": "thaivc.report",
    "VerificationReport": "thaivc.report",
    "Verifier": "thaivc.verifier",
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
