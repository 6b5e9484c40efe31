"""The public surface of thaivc.keys and thaivc.did is exactly their sorted __all__."""

from __future__ import annotations

import pytest

import thaivc.did
import thaivc.keys


@pytest.mark.parametrize("module", [thaivc.keys, thaivc.did])
def test_all_is_sorted_and_complete(module: object) -> None:
    names = module.__all__  # type: ignore[attr-defined]
    # isort-style order (ruff RUF022): CONSTANTS, then Classes, then functions, each alphabetical.
    assert names == sorted(names, key=lambda n: (0 if n.isupper() else 1 if n[0].isupper() else 2, n))
    public = {
        n for n in dir(module) if not n.startswith("_") and not isinstance(getattr(module, n), type(thaivc))
    }
    assert public == set(names)
