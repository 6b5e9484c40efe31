"""Public names of the packages this area owns: complete and importable."""

from __future__ import annotations

import importlib

import pytest


@pytest.mark.parametrize("module", ["thaivc.thai", "thaivc.registries", "thaivc.assurance"])
def test_all_is_complete_and_importable(module: str) -> None:
    mod = importlib.import_module(module)
    names = mod.__all__
    assert len(set(names)) == len(names)
    public = {n for n in vars(mod) if (not n.startswith("_") and n[0].isupper()) or n in names}
    submodule_names = {n for n in public if not isinstance(getattr(mod, n), type(importlib))}
    assert submodule_names == set(names), "every public re-export is in __all__"
    for name in names:
        assert getattr(mod, name) is not None
