"""The pytest plugin agencies use: deterministic, synthetic fixtures."""

from __future__ import annotations

import pytest

import thaivc
from thaivc.testing.plugin import seeded_key


@pytest.mark.parametrize("key_type", ["Ed25519", "P-256", "P-384"])
def test_seeded_keys_are_stable_and_distinct(key_type: str) -> None:
    assert seeded_key("dopa", key_type).did == seeded_key("dopa", key_type).did
    assert seeded_key("dopa", key_type).did != seeded_key("dbd", key_type).did


def test_fixtures(thaivc_clock: thaivc.FixedClock, thaivc_fake_dopa: object, thaivc_fake_dbd: object) -> None:
    key = seeded_key("issuer")
    token = thaivc.Issuer(key, clock=thaivc_clock).issue(
        {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "credentialSubject": {"id": key.did},
        }
    )
    assert thaivc.Verifier(clock=thaivc_clock).check(token).ok
    assert thaivc_fake_dopa is not None and thaivc_fake_dbd is not None
