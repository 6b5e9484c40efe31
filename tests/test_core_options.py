"""Typed keyword settings: a misspelt setting fails as an unknown keyword always did, never dropped."""

from __future__ import annotations

from typing import Any

import pytest

from thaivc.core.options import refuse_unknown
from thaivc.status import StatusChecker, StatusRegistry, publish_lists


def test_declared_settings_pass_and_others_are_refused() -> None:
    from typing import TypedDict

    class Spec(TypedDict, total=False):
        leeway: int

    refuse_unknown({}, Spec, "f")
    refuse_unknown({"leeway": 1}, Spec, "f")
    with pytest.raises(TypeError, match=r"f\(\) got unexpected keyword arguments \['leway'\]"):
        refuse_unknown({"leway": 1}, Spec, "f")


@pytest.mark.parametrize(
    ("make", "bad"),
    [
        (lambda **kw: StatusChecker(lambda url: None, **kw), {"trusted_status_issuer": ["did:web:a.example"]}),
        (lambda **kw: StatusRegistry(None, base_url="https://s.example/l", issuer_id="did:web:a", **kw), {"fill": 0.9}),
        (lambda **kw: publish_lists(None, None, **kw), {"valid": 60}),  # type: ignore[arg-type]
    ],
)
def test_status_constructors_refuse_a_misspelt_setting(make: Any, bad: dict[str, Any]) -> None:
    with pytest.raises(TypeError, match=next(iter(bad))):
        make(**bad)
