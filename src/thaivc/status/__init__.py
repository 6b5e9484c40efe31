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
from thaivc.status.checker import CustomStatusCheck, ListVerifier, StatusChecker, StatusResult
from thaivc.status.fetch import Fetcher, FetchResult, ListSource, httpx_fetcher, list_source, parse_max_age
from thaivc.status.fetchers import (
    RegistryFetcher,
    StaticFetcher,
    http_status_checker,
    media_type_of,
    safe_http_fetcher,
)
from thaivc.status.inflate import DEFAULT_MAX_INFLATE, inflate_capped
from thaivc.status.postgres_store import PostgresStatusStore
from thaivc.status.publish import (
    ListIssuer,
    StatusOption,
    add_status,
    list_credential_signer,
    publish_lists,
    status_list_token_signer,
)
from thaivc.status.registry import ListSigner, StatusPurpose, StatusRegistry
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
from thaivc.status.verify_list import ListCredentialVerifier, list_verifier, verify_status_list_token

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
    "CustomStatusCheck",
    "FetchResult",
    "Fetcher",
    "ListCredentialVerifier",
    "ListFormat",
    "ListInfo",
    "ListIssuer",
    "ListSigner",
    "ListSnapshot",
    "ListSource",
    "ListVerifier",
    "MemoryStatusCache",
    "PostgresStatusStore",
    "Publication",
    "RegistryFetcher",
    "SqliteStatusStore",
    "StaticFetcher",
    "StatusCache",
    "StatusChecker",
    "StatusOption",
    "StatusPurpose",
    "StatusReference",
    "StatusRegistry",
    "StatusResult",
    "StatusStore",
    "TokenStatusList",
    "TokenStatusListBuilder",
    "add_status",
    "decode_encoded_list",
    "decode_status_list",
    "encode_bitstring",
    "http_status_checker",
    "httpx_fetcher",
    "inflate_capped",
    "list_credential_signer",
    "list_source",
    "list_verifier",
    "media_type_of",
    "parse_index",
    "parse_max_age",
    "parse_status_claim",
    "parse_status_messages",
    "publish_lists",
    "safe_http_fetcher",
    "status_list_token_payload",
    "status_list_token_signer",
    "verify_status_list_token",
]
