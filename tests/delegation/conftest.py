from __future__ import annotations

import pytest

from thaivc.authorization.scenario import World


@pytest.fixture
def world() -> World:
    return World()
