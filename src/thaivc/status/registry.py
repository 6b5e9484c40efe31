"""Issuer side: allocate status indices, change statuses and publish signed status lists.

Privacy rules the registry enforces (BSL §Privacy Considerations):

* indices are drawn with :mod:`secrets`, never sequentially, so an index reveals nothing about the
  order or time of issuance, and they are never reused (the row stays after revocation);
* lists hold at least 131,072 entries and are filled only to ``fill_ratio`` (half by default) before
  a new list is opened, which keeps random draws cheap and the herd large.

Statuses: ``revocation`` is final (there is no way back), ``suspension`` can be reinstated,
``message`` lists carry ``statusSize`` bits per entry with one message per value.
Signing is injected: ``publish`` builds the unsigned list credential (W3C) or JWT payload (IETF) and
hands it to ``sign``; the store keeps each signed version, and a version becomes visible only when
its row is committed.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Final, Literal, TypedDict, Unpack, get_args

from thaivc.core.clock import Clock, SystemClock
from thaivc.core.errors import UsageError
from thaivc.core.jsonutil import dumps_compact
from thaivc.core.options import refuse_unknown
from thaivc.status.bitstring import MIN_ENTRIES, BitstringBuilder
from thaivc.status.store import Allocation, ListFormat, ListInfo, Publication, StatusStore
from thaivc.status.timestamps import format_timestamp
from thaivc.status.token_status_list import (
    ALLOWED_BITS,
    INVALID,
    SUSPENDED,
    TokenStatusListBuilder,
    status_list_token_payload,
)

_log = logging.getLogger("thaivc.status")

__all__ = ["ListSigner", "RegistryOptions", "StatusPurpose", "StatusRegistry"]

StatusPurpose = Literal["revocation", "suspension", "message"]
#: Signs an unsigned list credential (W3C) or a ``statuslist+jwt`` payload (IETF).
ListSigner = Callable[[dict[str, Any]], "str | dict[str, Any]"]

_PURPOSES: Final = frozenset(get_args(StatusPurpose))
_V2_CONTEXT: Final = "https://www.w3.org/ns/credentials/v2"


class RegistryOptions(TypedDict, total=False):
    """The settings of :class:`StatusRegistry` beside its store, ``base_url`` and ``issuer_id``:
    ``list_size`` (bits per list), ``fill_ratio`` (the share of a list handed out),
    ``status_messages`` (for the ``message`` purpose), ``clock``, and ``min_list_size``."""

    list_size: int
    fill_ratio: float
    status_messages: Sequence[str] | None
    clock: Clock | None
    min_list_size: int


class StatusRegistry:
    """Status lists of one issuer, kept in a :class:`~thaivc.status.store.StatusStore`.

    ``base_url`` is where lists are served: the W3C list ``L`` at ``{base_url}/{L}``, its IETF token
    at ``{base_url}/token/{L}``. ``status_messages`` (for the ``message`` purpose) gives the text for
    each value; its length must be a power of two, ``2**statusSize``.
    """

    def __init__(
        self,
        store: StatusStore,
        *,
        base_url: str,
        issuer_id: str,
        **options: Unpack[RegistryOptions],
    ) -> None:
        refuse_unknown(options, RegistryOptions, "StatusRegistry")
        list_size, min_list_size = options.get("list_size", MIN_ENTRIES), options.get("min_list_size", MIN_ENTRIES)
        fill_ratio, status_messages = options.get("fill_ratio", 0.5), options.get("status_messages")
        if list_size < min_list_size or list_size % 8:
            raise UsageError(
                "usage.invalid_argument", f"list_size must be a multiple of 8 and at least {min_list_size}"
            )
        if not 0 < fill_ratio <= 1:
            raise UsageError("usage.invalid_argument", "fill_ratio must be in (0, 1]")
        if not base_url or base_url.endswith("/"):
            raise UsageError("usage.invalid_argument", "base_url must be non-empty without a trailing '/'")
        self._messages: tuple[str, ...] | None = None
        self._message_size = 0
        if status_messages is not None:
            count = len(status_messages)
            size = count.bit_length() - 1
            if count < 2 or count != 1 << size or size > 8:
                raise UsageError("usage.invalid_argument", "status_messages needs 2, 4, … 256 messages")
            self._messages = tuple(status_messages)
            self._message_size = size
        self.store = store
        self.base_url = base_url
        self.issuer_id = issuer_id
        self.list_size = list_size
        self.capacity = max(1, math.floor(list_size * fill_ratio))
        self.clock: Clock = options.get("clock") or SystemClock()

    # -- allocation ----------------------------------------------------------------------------
    def _shape(self, purpose: str) -> tuple[int, tuple[str, ...] | None]:
        if purpose not in _PURPOSES:
            raise UsageError("usage.invalid_argument", f"unknown status purpose {purpose!r}")
        if purpose == "message":
            if self._messages is None:
                raise UsageError("usage.invalid_argument", "the message purpose needs status_messages")
            return self._message_size, self._messages
        return 1, None

    def allocate(self, credential_id: str, purpose: StatusPurpose = "revocation") -> Allocation:
        """The entry of ``credential_id`` for ``purpose``, allocating a random index on first use."""
        return self.allocate_many([credential_id], purpose)[0]

    def allocate_many(
        self, credential_ids: Iterable[str], purpose: StatusPurpose = "revocation"
    ) -> list[Allocation]:
        """Allocate (or return) entries for many credentials in one transaction."""
        ids = list(credential_ids)
        for credential_id in ids:
            if not isinstance(credential_id, str) or not credential_id:
                raise UsageError("usage.invalid_argument", "credential ids must be non-empty strings")
        status_size, messages = self._shape(purpose)
        return self.store.allocate(
            ids,
            issuer_id=self.issuer_id,
            purpose=purpose,
            status_size=status_size,
            list_size=self.list_size,
            capacity=self.capacity,
            messages=messages,
        )

    # -- status changes ------------------------------------------------------------------------
    def revoke(self, credential_id: str) -> None:
        """Revoke for good (the ``revocation`` entry's bit becomes 1)."""
        self.revoke_many([credential_id])

    def revoke_many(self, credential_ids: Iterable[str]) -> int:
        """Revoke every credential in one transaction (all or nothing); returns how many."""
        return self._set("revoke", "revocation", credential_ids, 1)

    def suspend(self, credential_id: str) -> None:
        self.suspend_many([credential_id])

    def suspend_many(self, credential_ids: Iterable[str]) -> int:
        return self._set("suspend", "suspension", credential_ids, 1)

    def reinstate(self, credential_id: str) -> None:
        """Lift a suspension. Revocation has no reinstatement, by design."""
        self.reinstate_many([credential_id])

    def reinstate_many(self, credential_ids: Iterable[str]) -> int:
        return self._set("reinstate", "suspension", credential_ids, 0)

    def _set(self, change: str, purpose: str, credential_ids: Iterable[str], value: int) -> int:
        done = self.store.set_values(self.issuer_id, purpose, credential_ids, value)
        _log.info("status %s count=%d issuer=%s", change, done, self.issuer_id)  # how many, never which
        return done

    def set_message(self, credential_id: str, value: int) -> None:
        """Set the ``message`` entry of a credential to ``value`` (an index into the messages)."""
        size, _ = self._shape("message")
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 1 << size:
            raise UsageError("usage.invalid_argument", f"value must be in 0..{(1 << size) - 1}")
        self.store.set_values(self.issuer_id, "message", [credential_id], value)

    # -- entries -------------------------------------------------------------------------------
    def list_url(self, list_id: str, fmt: ListFormat = "w3c") -> str:
        return f"{self.base_url}/{list_id}" if fmt == "w3c" else f"{self.base_url}/token/{list_id}"

    def entry_for(
        self, credential_id: str, purpose: StatusPurpose = "revocation", *, format: ListFormat = "w3c"
    ) -> dict[str, Any]:
        """The W3C ``credentialStatus`` entry, or (``format="ietf"``) the IETF ``status`` claim.

        Allocates on first use, so issuance can call this directly.
        """
        allocation = self.allocate(credential_id, purpose)
        if format == "ietf":
            url = self.list_url(allocation.list_id, "ietf")
            return {"status_list": {"idx": allocation.index, "uri": url}}
        if format != "w3c":
            raise UsageError("usage.unsupported_format", f"unknown status list format {format!r}")
        url = self.list_url(allocation.list_id, "w3c")
        entry: dict[str, Any] = {
            "id": f"{url}#{allocation.index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": purpose,
            "statusListIndex": str(allocation.index),
            "statusListCredential": url,
        }
        if purpose == "message":
            size, messages = self._shape(purpose)
            assert messages is not None
            entry["statusSize"] = size
            entry["statusMessage"] = [{"status": hex(i), "message": m} for i, m in enumerate(messages)]
        return entry

    # -- publishing ----------------------------------------------------------------------------
    def lists(self) -> list[ListInfo]:
        return self.store.lists(self.issuer_id)

    def publish(
        self,
        list_id: str,
        format: ListFormat = "w3c",
        *,
        sign: ListSigner,
        valid_for: int = 86_400,
        ttl: int = 300,
    ) -> Publication:
        """Build, sign and store the current version of a list; returns what was stored.

        ``valid_for`` (seconds) sets ``validUntil`` / ``exp``; ``ttl`` (seconds) tells verifiers how
        long to cache (written as milliseconds in the W3C list, seconds in the IETF token).
        """
        if valid_for <= 0 or ttl <= 0:
            raise UsageError("usage.invalid_argument", "valid_for and ttl must be positive")
        snapshot = self.store.snapshot(list_id)
        info = snapshot.info
        if info.issuer_id != self.issuer_id:
            raise UsageError("usage.invalid_argument", f"list {list_id!r} belongs to another issuer")
        now = int(self.clock.now())
        if format == "w3c":
            unsigned = self._w3c_document(info, snapshot.values, now, valid_for, ttl)
        elif format == "ietf":
            unsigned = self._ietf_payload(info, snapshot.values, now, valid_for, ttl)
        else:
            raise UsageError("usage.unsupported_format", f"unknown status list format {format!r}")
        signed = sign(unsigned)
        body = signed if isinstance(signed, str) else dumps_compact(signed)
        return self.store.save_publication(list_id, format, info.revision, body, now)

    def _w3c_document(
        self, info: ListInfo, values: Sequence[tuple[int, int]], now: int, valid_for: int, ttl: int
    ) -> dict[str, Any]:
        builder = BitstringBuilder(info.list_size, info.status_size)
        builder.set_many(values)
        url = self.list_url(info.list_id, "w3c")
        return {
            "@context": [_V2_CONTEXT],
            "id": url,
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": self.issuer_id,
            "validFrom": format_timestamp(now),
            "validUntil": format_timestamp(now + valid_for),
            "credentialSubject": {
                "id": f"{url}#list",
                "type": "BitstringStatusList",
                "statusPurpose": info.purpose,
                "encodedList": builder.encode(),
                "ttl": ttl * 1000,
            },
        }

    def _ietf_payload(
        self, info: ListInfo, values: Sequence[tuple[int, int]], now: int, valid_for: int, ttl: int
    ) -> dict[str, Any]:
        if info.purpose == "revocation":
            bits, mapped = 1, [(i, INVALID) for i, _ in values]
        elif info.purpose == "suspension":
            bits, mapped = 2, [(i, SUSPENDED) for i, _ in values]
        else:
            bits = next(b for b in ALLOWED_BITS if b >= info.status_size)
            mapped = list(values)
        builder = TokenStatusListBuilder(info.list_size, bits)
        builder.set_many(mapped)
        return status_list_token_payload(
            subject=self.list_url(info.list_id, "ietf"),
            status_list=builder.to_json(),
            issued_at=now,
            expires_at=now + valid_for,
            ttl=ttl,
            issuer=self.issuer_id,
        )
