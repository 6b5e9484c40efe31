"""The issuer-side storage contract for status lists.

A :class:`StatusStore` keeps three things: the lists (purpose, size, revision), one row per
allocated index (``(list_id, index)`` unique, so an index is never handed out twice, and
``(issuer_id, purpose, credential_id)`` unique, so a credential has one entry per purpose), and the
published list versions. Every method is one transaction: a caller never sees half of an operation,
and a process killed in the middle of one leaves the store as it was before it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

__all__ = ["Allocation", "ListFormat", "ListInfo", "ListSnapshot", "Publication", "StatusStore"]

ListFormat = Literal["w3c", "ietf"]


@dataclass(frozen=True, slots=True)
class Allocation:
    """The index a credential holds in one list for one purpose."""

    credential_id: str
    purpose: str
    list_id: str
    index: int


@dataclass(frozen=True, slots=True)
class ListInfo:
    """A list's fixed shape and its revision (bumped by every change of a value in it)."""

    list_id: str
    issuer_id: str
    purpose: str
    status_size: int
    list_size: int
    messages: tuple[str, ...] | None
    allocated: int
    revision: int


@dataclass(frozen=True, slots=True)
class ListSnapshot:
    """A consistent view of one list: its shape, revision and every non-zero ``(index, value)``."""

    info: ListInfo
    values: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class Publication:
    """One published version of a list in one format. ``body`` is the signed artefact as text."""

    list_id: str
    format: str
    version: int
    revision: int
    body: str
    created_at: int


@runtime_checkable
class StatusStore(Protocol):
    """Durable storage for :class:`~thaivc.status.registry.StatusRegistry`."""

    def allocate(
        self,
        credential_ids: Sequence[str],
        *,
        issuer_id: str,
        purpose: str,
        status_size: int,
        list_size: int,
        capacity: int,
        messages: tuple[str, ...] | None,
    ) -> list[Allocation]:
        """Give each credential a random, never-used index (idempotent per credential)."""
        ...

    def lookup(self, issuer_id: str, purpose: str, credential_id: str) -> Allocation | None: ...

    def set_values(self, issuer_id: str, purpose: str, credential_ids: Iterable[str], value: int) -> int:
        """Set the value of every listed credential in one transaction; all or nothing.

        Raises ``UsageError("usage.invalid_argument")`` (and changes nothing) if a credential has no
        entry for ``purpose``. Returns the number of distinct credentials.
        """
        ...

    def list_info(self, list_id: str) -> ListInfo | None: ...

    def lists(self, issuer_id: str) -> list[ListInfo]: ...

    def snapshot(self, list_id: str) -> ListSnapshot: ...

    def save_publication(
        self, list_id: str, fmt: ListFormat, revision: int, body: str, created_at: int
    ) -> Publication:
        """Store a new version atomically; never lets an older revision replace a newer one."""
        ...

    def current_publication(self, list_id: str, fmt: ListFormat) -> Publication | None: ...

    def close(self) -> None: ...
