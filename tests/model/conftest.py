"""Sample documents shaped like Thai credentials, shared by the model tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

V2 = "https://www.w3.org/ns/credentials/v2"
DOPA = "did:web:dopa.go.th"
HOLDER = "did:key:z6MkpJySvETLnxhQG9DzEdmKJtysBDjuuTeDfUj1uNNCUqcj"


def thai_credential() -> dict[str, Any]:
    return {
        "@context": [V2, {"ThaiCitizenCredential": "https://vocab.example.go.th/#ThaiCitizenCredential"}],
        "id": "urn:uuid:3978344f-8596-4c3a-a978-8fcaba3903c5",
        "type": ["VerifiableCredential", "ThaiCitizenCredential"],
        "issuer": {
            "id": DOPA,
            "name": [
                {"@value": "กรมการปกครอง", "@language": "th"},
                {"@value": "Department of Provincial Administration", "@language": "en"},
            ],
        },
        "name": {"@value": "บัตรประจำตัวประชาชน", "@language": "th", "@direction": "ltr"},
        "validFrom": "2025-01-01T00:00:00+07:00",
        "validUntil": "2030-01-01T00:00:00Z",
        "credentialSubject": {"id": HOLDER, "citizenId": "1101700230705", "givenName": "สมชาย"},
        "credentialStatus": {
            "id": "https://status.dopa.go.th/lists/3#94567",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "94567",
            "statusListCredential": "https://status.dopa.go.th/lists/3",
        },
        "credentialSchema": {"id": "https://schemas.dopa.go.th/citizen/v1.json", "type": "JsonSchema"},
        "evidence": [{"type": ["Evidence", "DocumentVerification"], "verifier": DOPA}],
        "termsOfUse": {"type": "IssuerPolicy"},
        "refreshService": {"type": "ManualRefreshService2018", "id": "https://dopa.go.th/refresh"},
    }


def presentation(*credentials: Any, holder: Any = HOLDER) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@context": [V2],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": list(credentials),
    }
    if holder is not None:
        doc["holder"] = holder
    return doc


@pytest.fixture
def make_credential() -> Callable[[], dict[str, Any]]:
    """A factory: every call returns a fresh, valid Thai-shaped credential."""
    return thai_credential


@pytest.fixture
def make_presentation() -> Callable[..., dict[str, Any]]:
    """A factory for presentations around given credentials (``holder=None`` leaves it out)."""
    return presentation
