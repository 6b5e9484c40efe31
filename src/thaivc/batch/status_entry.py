"""The status entry a batch credential carries, made from an allocation the batch drew in bulk.

``StatusRegistry.entry_for`` allocates one credential at a time; a batch allocates a whole chunk in
one transaction and then needs the same entry for each allocation. This builds it; a test holds it
equal to ``entry_for`` for the same credential, so the two can never drift apart.
"""

from __future__ import annotations

from typing import Any

from thaivc.status import StatusRegistry
from thaivc.status.store import Allocation

__all__ = ["ietf_claim", "w3c_entry"]


def w3c_entry(registry: StatusRegistry, allocation: Allocation) -> dict[str, Any]:
    """The W3C ``credentialStatus`` entry (revocation or suspension purpose) of ``allocation``."""
    url = registry.list_url(allocation.list_id, "w3c")
    return {
        "id": f"{url}#{allocation.index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": allocation.purpose,
        "statusListIndex": str(allocation.index),
        "statusListCredential": url,
    }


def ietf_claim(registry: StatusRegistry, allocation: Allocation) -> dict[str, Any]:
    """The IETF ``status`` claim of an SD-JWT VC for ``allocation``."""
    return {"status_list": {"idx": allocation.index, "uri": registry.list_url(allocation.list_id, "ietf")}}
