"""Opt-in, hardened HTTP for documents whose URL an attacker may choose (did:web, trust lists)."""

from thaivc.net._address import address_refusal, is_localhost_name, literal_address
from thaivc.net._client import (
    DEFAULT_DEADLINE,
    DEFAULT_MAX_BYTES,
    DEFAULT_TIMEOUT,
    MAX_TIMEOUT,
    Fetcher,
    FetchResult,
    Resolver,
    SafeHttpClient,
    parse_max_age,
)

__all__ = [
    "DEFAULT_DEADLINE",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_TIMEOUT",
    "MAX_TIMEOUT",
    "FetchResult",
    "Fetcher",
    "Resolver",
    "SafeHttpClient",
    "address_refusal",
    "is_localhost_name",
    "literal_address",
    "parse_max_age",
]
