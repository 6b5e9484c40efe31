"""Shared plumbing of the wallet protocols (OpenID4VCI, OpenID4VP): framework-free HTTP messages and
the state stores every single-use protocol value lives in.

Endpoints built on this take an :class:`HttpRequest` and return an :class:`HttpResponse`, so they
mount on any web framework; their state sits behind a :class:`StateStore` (in memory, SQLite or
PostgreSQL), so they scale to several processes without a single-use value ever being used twice.
"""

from thaivc.oid4vc.adapters import mock_transport
from thaivc.oid4vc.attestation import (
    AttestationError,
    AttestedClient,
    make_attestation_pop,
    make_client_attestation,
    verify_client_attestation,
)
from thaivc.oid4vc.http import DEFAULT_MAX_BODY, ErrorResponse, HttpRequest, HttpResponse, oauth_error, outage_error
from thaivc.oid4vc.postgres_store import PostgresStateStore
from thaivc.oid4vc.sqlite_store import SqliteStateStore
from thaivc.oid4vc.store import MemoryStateStore, Record, StateStore

__all__ = [
    "DEFAULT_MAX_BODY",
    "AttestationError",
    "AttestedClient",
    "ErrorResponse",
    "HttpRequest",
    "HttpResponse",
    "MemoryStateStore",
    "PostgresStateStore",
    "Record",
    "SqliteStateStore",
    "StateStore",
    "make_attestation_pop",
    "make_client_attestation",
    "mock_transport",
    "oauth_error",
    "outage_error",
    "verify_client_attestation",
]
