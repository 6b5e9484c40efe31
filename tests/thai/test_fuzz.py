"""Parsers of untrusted input fail closed: only typed thaivc errors, never anything else."""

from __future__ import annotations

import contextlib
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from thaivc.core.errors import ThaiVCError
from thaivc.registries.dbd import parse_dbd_profile
from thaivc.thai import (
    ThaiAddress,
    ThaiName,
    name_comparison_key,
    normalize_id,
    normalize_laser_code,
    parse_be_date,
)

TEXT = st.text(max_size=40)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)


def _only_thaivc_errors(fn: Any, *args: Any) -> None:
    with contextlib.suppress(ThaiVCError):
        fn(*args)


@settings(deadline=None)  # no timing assertions in unit tests
@given(TEXT)
def test_text_parsers(s: str) -> None:
    for fn in (parse_be_date, normalize_id, normalize_laser_code, ThaiName.parse):
        _only_thaivc_errors(fn, s)
    name_comparison_key(s)


@settings(deadline=None)  # no timing assertions in unit tests
@given(st.dictionaries(st.sampled_from(["AddressNo", "Moo", "Tumbol", "Province", "Road", "X"]), JSON, max_size=5))
def test_address_rows(row: dict[str, Any]) -> None:
    _only_thaivc_errors(ThaiAddress.from_dbd, row)


PROFILE_KEYS = ["JuristicID", "JuristicType", "RegisterDate", "JuristicName_TH", "JuristicStatus", "RegisterCapital",
                "CommitteeInformations", "AuthorizeDescriptions", "AddressInformations", "StandardObjectives"]


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(PROFILE_KEYS), JSON, max_size=10), JSON)
def test_dbd_profiles(item: dict[str, Any], other: Any) -> None:
    _only_thaivc_errors(parse_dbd_profile, {"ResultList": [item]})
    _only_thaivc_errors(parse_dbd_profile, {"ResultList": other})
    _only_thaivc_errors(parse_dbd_profile, other)
