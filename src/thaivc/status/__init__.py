"""Credential status: W3C Bitstring Status List v1.0 and IETF Token Status List.

Issuer side: :class:`StatusRegistry` over a :class:`StatusStore` (:class:`SqliteStatusStore` by
default, :class:`PostgresStatusStore` for several instances). Verifier side: :class:`StatusChecker`
with an injected fetcher and list verifier. Codecs: :mod:`thaivc.status.bitstring` (W3C, GZIP,
MSB-first) and :mod:`thaivc.status.token_status_list` (IETF, ZLIB, LSB-first).
"""

from __future__ import annotations

from thaivc.status.bitstring import (
    MIN_ENTRIES,
    Bitstring,
    BitstringBuilder,
    decode_encoded_list,
    encode_bitstring,
    parse_index,
    parse_status_messages,
)
from thaivc.status.cache import CachedList, MemoryStatusCache, StatusCache
from thaivc.status.checker import ListVerifier, StatusChecker, StatusResult
from thaivc.status.fetch import Fetcher, FetchResult, httpx_fetcher, parse_max_age
from thaivc.status.inflate import DEFAULT_MAX_INFLATE, inflate_capped
from thaivc.status.postgres_store import PostgresStatusStore
from thaivc.status.registry import Purpose, Signer, StatusRegistry
from thaivc.status.sqlite_store import SqliteStatusStore
from thaivc.status.store import Allocation, ListFormat, ListInfo, ListSnapshot, Publication, StatusStore
from thaivc.status.token_status_list import (
    INVALID,
    SUSPENDED,
    VALID,
    StatusReference,
    TokenStatusList,
    TokenStatusListBuilder,
    decode_status_list,
    parse_status_claim,
    status_list_token_payload,
)

__all__ = [
    "DEFAULT_MAX_INFLATE",
    "INVALID",
    "MIN_ENTRIES",
    "SUSPENDED",
    "VALID",
    "Allocation",
    "Bitstring",
    "BitstringBuilder",
    "CachedList",
    "FetchResult",
    "Fetcher",
    "ListFormat",
    "ListInfo",
    "ListSnapshot",
    "ListVerifier",
    "MemoryStatusCache",
    "PostgresStatusStore",
    "Publication",
    "Purpose",
    "Signer",
    "SqliteStatusStore",
    "StatusCache",
    "StatusChecker",
    "StatusReference",
    "StatusRegistry",
    "StatusResult",
    "StatusStore",
    "TokenStatusList",
    "TokenStatusListBuilder",
    "decode_encoded_list",
    "decode_status_list",
    "encode_bitstring",
    "httpx_fetcher",
    "inflate_capped",
    "parse_index",
    "parse_max_age",
    "parse_status_claim",
    "parse_status_messages",
    "status_list_token_payload",
]
