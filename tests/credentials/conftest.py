"""Fixtures for the Thai credential tests: a fixed clock, seeded agency and wallet keys, fakes."""

from __future__ import annotations

import pytest

import thaivc
from thaivc.core.clock import FixedClock
from thaivc.keys import PrivateKey
from thaivc.registries import FakeDbd, FakeDopa
from thaivc.testing.plugin import FIXED_NOW, seeded_key


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock.at(FIXED_NOW)


@pytest.fixture(scope="session")
def agency_key() -> PrivateKey:
    return seeded_key("thai-credentials-agency")


@pytest.fixture(scope="session")
def wallet_key() -> PrivateKey:
    return seeded_key("thai-credentials-wallet")


@pytest.fixture
def issuer(agency_key: PrivateKey, clock: FixedClock) -> thaivc.Issuer:
    return thaivc.Issuer(agency_key, clock=clock)


@pytest.fixture
def verifier(clock: FixedClock) -> thaivc.Verifier:
    return thaivc.Verifier(clock=clock)


@pytest.fixture
def dopa(clock: FixedClock) -> FakeDopa:
    return FakeDopa(clock=clock)


@pytest.fixture(scope="session")
def dbd() -> FakeDbd:
    return FakeDbd()
