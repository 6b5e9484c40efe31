"""thaivc: W3C Verifiable Credentials for Thailand's national Digital ID programme.

The public face of the library. Everything else is reachable through its sub-packages
(``thaivc.keys``, ``thaivc.did``, ``thaivc.jose``, ``thaivc.model``, …) but layered below this one.
"""

from thaivc._version import __version__
from thaivc.core.clock import Clock, FixedClock, SystemClock
from thaivc.core.errors import (
    Indeterminate,
    InputError,
    ThaiVCError,
    UsageError,
    VerificationFailed,
)
from thaivc.core.report import Check, Problem, VerificationReport
from thaivc.engine.challenge import ChallengeStore, MemoryChallengeStore, new_challenge
from thaivc.engine.holder import Holder
from thaivc.engine.issuer import Issuer
from thaivc.engine.policy import Policy
from thaivc.engine.verifier import Verifier
from thaivc.keys import PrivateKey, PublicKey, Signer, generate_key, load_key

__all__ = [
    "ChallengeStore",
    "Check",
    "Clock",
    "FixedClock",
    "Holder",
    "Indeterminate",
    "InputError",
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
