"""IAL/AAL parsing and ordering."""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise

import pytest

from thaivc.assurance import AAL, IAL
from thaivc.core.errors import InputError


@pytest.mark.parametrize(
    ("value", "code"),
    [(2.3, "2.3"), ("2.3", "2.3"), ("2.30", "2.3"), ("IAL2.3", "2.3"), ("ial2.3", "2.3"), (3, "3"), ("3.0", "3"),
     (Decimal("1.1"), "1.1"), (1.9, "1.9"), (4, "4")],
)
def test_parse_ial(value: object, code: str) -> None:
    assert IAL.parse(value).code == code


@pytest.mark.parametrize("value", [True, float("nan"), float("inf"), -1, "2,3", "๒.๓", "IAL", "", " 2.3", "2.3.1", None, [2.3]])
def test_parse_rejects(value: object) -> None:
    with pytest.raises(InputError) as info:
        IAL.parse(value)
    assert info.value.code == "assurance.invalid"


def test_ial_order() -> None:
    ordered = [IAL.parse(c) for c in ("1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "3")]
    assert list(IAL.known()) == ordered
    assert sorted(reversed(ordered)) == ordered
    assert all(a < b and b > a and a <= b and not b <= a for a, b in pairwise(ordered))
    assert IAL.parse(2.3) >= IAL.parse("2.3") and IAL.parse(2.3) == IAL("2.3")
    assert max(ordered) == IAL("3") and min(ordered).as_number() == 1.1


def test_aal_order() -> None:
    assert [a.code for a in AAL.known()] == ["1", "2.1", "2.2", "3"]
    assert AAL.parse("AAL2.2") > AAL.parse(2.1) > AAL.parse(1)
    assert IAL("3") != AAL("3")
    with pytest.raises(InputError):
        _ = IAL("3") < AAL("3")  # type: ignore[operator]


def test_unknown_codes_are_values_but_not_ranked() -> None:
    odd = IAL.parse(3.5)
    assert odd.code == "3.5" and not odd.is_known and odd.rank is None and str(odd) == "3.5"
    with pytest.raises(InputError) as info:
        _ = odd > IAL("2.3")
    assert info.value.code == "assurance.invalid"
    with pytest.raises(InputError):
        _ = IAL("2.3") < odd
