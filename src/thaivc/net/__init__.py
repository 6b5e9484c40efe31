"""Opt-in, hardened HTTP: :class:`SafeHttpClient` for documents whose URL an attacker may choose
(did:web, trust lists, status lists, a JWKS), and :class:`DeadlineTransport` for configured services
that must still end on time (the GDX registries). :class:`Fetcher` is the one fetching seam."""

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
from thaivc.net._transport import DeadlineTransport, deadline_scope

__all__ = [
    "DEFAULT_DEADLINE",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_TIMEOUT",
    "MAX_TIMEOUT",
    "DeadlineTransport",
    "FetchResult",
    "Fetcher",
    "Resolver",
    "SafeHttpClient",
    "address_refusal",
    "deadline_scope",
    "is_localhost_name",
    "literal_address",
    "parse_max_age",
]
