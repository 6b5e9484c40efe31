"""One collector at a time for a deferred transaction: a leased claim on its stored record.

Why a claim and not "take the record, put it back": two polls for one ``transaction_id`` at the same
instant (a wallet retrying a slow answer, two workers behind a load balancer) would both ask the
callback and both sign, and the second one's ``take`` would find nothing — a registered, valid
credential nobody received, with its status indices spent. Taking the record first would stop that,
but a put-back that fails (the store stopped answering) loses the transaction for good, and a
concurrent poll between take and put-back would be told the transaction does not exist.

So a poll marks the record as being collected, by compare-and-set on its version (one atomic step on
every :class:`~thaivc.oid4vc.StateStore`), before it asks the callback. The mark carries a random
token and a lease: a concurrent poll sees a live mark and is told "not yet" (202, the wallet polls
again); a mark whose lease ran out (its worker died) may be taken over, so a crash never locks the
citizen out. Just before signing the collector renews its mark, again by compare-and-set: a
collector that lost its claim meanwhile signs nothing. A collection that ends without credentials
(still pending, an outage, a refusal, a fault) clears its mark; one that issued removes the record.
No step changes the record's expiry: polling never extends a transaction's lifetime.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator, Mapping
from typing import Any, Final

from thaivc.core.errors import STORE_OUTAGE_CODES, ThaiVCError
from thaivc.oid4vc.store import Record, StateStore

__all__ = ["CLAIM_MEMBER", "DeferredClaim"]

#: The record member that holds a collector's mark: ``{"token": …, "until": <epoch seconds>}``.
CLAIM_MEMBER: Final = "collecting"


def _held(value: Mapping[str, Any], now: float) -> bool:
    mark = value.get(CLAIM_MEMBER)
    until = mark.get("until") if isinstance(mark, dict) else None
    return isinstance(until, int | float) and not isinstance(until, bool) and until > now


def _unmarked(value: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in value.items() if k != CLAIM_MEMBER}


@contextlib.contextmanager
def _outage_tolerated() -> Iterator[None]:
    """A store that does not answer while a claim is let go: the lease ends it instead."""
    try:
        yield
    except ThaiVCError as exc:
        if exc.code not in STORE_OUTAGE_CODES:
            raise


class DeferredClaim:
    """A poll's hold on one deferred transaction; :meth:`acquire` makes one or says another poll has it."""

    __slots__ = ("_key", "_namespace", "_store", "_token", "value")

    def __init__(self, store: StateStore, namespace: str, key: str, value: Mapping[str, Any], token: str) -> None:
        self._store, self._namespace, self._key, self._token = store, namespace, key, token
        #: the transaction's record without the mark (what the callback and the signing are given)
        self.value: dict[str, Any] = _unmarked(value)

    @classmethod
    def acquire(
        cls, store: StateStore, namespace: str, key: str, record: Record, *, now: float, lease: float
    ) -> DeferredClaim | None:
        """Mark ``record`` (as read) as collected by this poll; ``None`` when a live claim or a change won."""
        if _held(record.value, now):
            return None
        token = secrets.token_urlsafe(16)
        marked = {**_unmarked(record.value), CLAIM_MEMBER: {"token": token, "until": now + lease}}
        if not store.update(namespace, key, marked, version=record.version):  # ttl unchanged
            return None
        return cls(store, namespace, key, record.value, token)

    def _current(self) -> Record | None:
        """The record while this poll's mark is still on it."""
        record = self._store.get(self._namespace, self._key)
        if record is None:
            return None
        mark = record.value.get(CLAIM_MEMBER)
        return record if isinstance(mark, dict) and mark.get("token") == self._token else None

    def confirm(self, *, now: float, lease: float) -> bool:
        """Renew the mark before signing; ``False`` when this poll lost it (stale, taken over, expired)."""
        record = self._current()
        if record is None:
            return False
        marked = {**self.value, CLAIM_MEMBER: {"token": self._token, "until": now + lease}}
        return self._store.update(self._namespace, self._key, marked, version=record.version)

    def release(self) -> None:
        """Clear the mark (nothing was issued): the next poll may collect. Best effort, see the module."""
        with _outage_tolerated():
            record = self._current()
            if record is not None:
                self._store.update(self._namespace, self._key, self.value, version=record.version)

    def finish(self) -> None:
        """Remove the collected transaction: a replay of its id is refused from now on.

        Whoever holds the mark by now: once credentials exist for the transaction, it is collected.
        Best effort: the credentials exist and are answered whatever the store says; if it did not
        answer, the record keeps the mark until its lease ends.
        """
        with _outage_tolerated():
            self._store.delete(self._namespace, self._key)
