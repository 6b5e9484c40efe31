"""Where the test wallet keeps what it received: each credential with the private key it is bound to."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from thaivc.keys import PrivateKey

__all__ = ["CredentialStore", "StoredCredential"]


@dataclass(frozen=True, slots=True)
class StoredCredential:
    """One received credential: the issued artefact as delivered, and the key it is bound to."""

    issuer: str
    configuration_id: str
    format: str
    credential: Any
    key: PrivateKey
    vct: str | None = None


class CredentialStore:
    """An in-memory list of credentials, safe across threads (a wallet's "cards")."""

    def __init__(self) -> None:
        self._items: list[StoredCredential] = []
        self._lock = threading.Lock()

    def add(self, item: StoredCredential) -> None:
        with self._lock:
            self._items.append(item)

    def all(self) -> list[StoredCredential]:
        with self._lock:
            return list(self._items)

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)
