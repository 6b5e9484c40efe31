"""thaivc: W3C Verifiable Credentials for Thailand's national Digital ID programme.

The public face of the library. Everything else is reachable through its sub-packages
(``thaivc.keys``, ``thaivc.did``, ``thaivc.jose``, ``thaivc.model``, …) but layered below this one.
"""

from thaivc._version import __version__
from thaivc.challenge import ChallengeStore, MemoryChallengeStore, new_challenge
from thaivc.clock import Clock, FixedClock, SystemClock
from thaivc.errors import (
    Indeterminate,
    InputError,
    ThaiVCError,
    UsageError,
    VerificationFailed,
)
from thaivc.holder import Holder
from thaivc.issuer import IssuedCredential, Issuer
from thaivc.keys import PrivateKey, PublicKey, Signer, generate_key, load_key
from thaivc.policy import Policy
from thaivc.report import Check, Problem, VerificationReport
from thaivc.verifier import Verifier

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
