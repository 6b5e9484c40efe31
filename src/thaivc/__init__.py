"""thaivc: W3C Verifiable Credentials for Thailand's national Digital ID programme."""

from thaivc._version import __version__
from thaivc.errors import (
    Indeterminate,
    InputError,
    ThaiVCError,
    UsageError,
    VerificationFailed,
)
from thaivc.report import Check, Problem, VerificationReport

__all__ = [
    "Check",
    "Indeterminate",
    "InputError",
    "Problem",
    "ThaiVCError",
    "UsageError",
    "VerificationFailed",
    "VerificationReport",
    "__version__",
]
