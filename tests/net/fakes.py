"""A scripted :class:`~thaivc.net.Fetcher` and did:web documents, shared by did, trust and attack tests."""

from __future__ import annotations

import json
from typing import Any

from thaivc.keys import PublicKey
from thaivc.net import DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT, FetchResult


class FakeFetcher:
    """Answers from a table of URL → result (or exception); records every call."""

    def __init__(self, table: dict[str, FetchResult | Exception] | None = None) -> None:
        self.table: dict[str, FetchResult | Exception] = dict(table or {})
        self.calls: list[tuple[str, int, float, str | None]] = []

    def fetch(
        self,
        url: str,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        timeout: float = DEFAULT_TIMEOUT,
        accept: str | None = None,
    ) -> FetchResult:
        self.calls.append((url, max_bytes, timeout, accept))
        answer = self.table.get(url)
        if answer is None:
            return FetchResult(url, 404, b"", None, None)
        if isinstance(answer, Exception):
            raise answer
        return answer

    @property
    def urls(self) -> list[str]:
        return [call[0] for call in self.calls]


def json_result(
    url: str, obj: Any, *, content_type: str = "application/json", max_age: int | None = None
) -> FetchResult:
    return FetchResult(url, 200, json.dumps(obj).encode(), content_type, max_age)


def did_document(did: str, public: PublicKey, fragment: str = "key-1", **extra: Any) -> dict[str, Any]:
    vm_id = f"{did}#{fragment}"
    doc: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [
            {"id": vm_id, "type": "Multikey", "controller": did, "publicKeyMultibase": public.multikey}
        ],
        "assertionMethod": [vm_id],
        "authentication": [vm_id],
    }
    doc.update(extra)
    return doc
