"""Shared builders for the conformance-gap tests (issue 11): keys, a clock, a credential, forged tokens."""

from __future__ import annotations

import json
from typing import Any

import thaivc
from thaivc.core.b64 import b64url_decode, b64url_encode
from thaivc.core.clock import FixedClock
from thaivc.keys import PrivateKey

NOW = "2026-06-01T00:00:00Z"
RD = "https://rd.go.th"
V2 = "https://www.w3.org/ns/credentials/v2"


def clock() -> FixedClock:
    return FixedClock.at(NOW)


def credential(subject: str, **extra: Any) -> dict[str, Any]:
    return {
        "@context": [V2],
        "type": ["VerifiableCredential", "ThaiCitizenCredential"],
        "credentialSubject": {"id": subject, "name": {"givenName": "สมหญิง", "familyName": "ใจดี"}},
        **extra,
    }


def segments(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and payload of a compact JWS (unverified: for assertions only)."""
    head, body = token.split("~", 1)[0].split(".")[:2]
    return json.loads(b64url_decode(head)), json.loads(b64url_decode(body))


def sign_raw(key: PrivateKey, header: dict[str, Any], payload: dict[str, Any]) -> str:
    """Sign exactly ``header``.``payload`` with ``key``: what another library (or an attacker) emits."""
    def seg(value: dict[str, Any]) -> str:
        return b64url_encode(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())

    signing_input = seg(header) + "." + seg(payload)
    return signing_input + "." + b64url_encode(key.sign(signing_input.encode("ascii")))


def verifier(**policy: Any) -> thaivc.Verifier:
    return thaivc.Verifier(thaivc.Policy(**policy), clock=clock())


def codes(report: thaivc.VerificationReport) -> set[str]:
    return {c.code for c in report.checks if c.code}
