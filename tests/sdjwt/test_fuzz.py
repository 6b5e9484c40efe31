"""Property tests: a mutated presentation never verifies, and nothing but ThaiVCError escapes."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from thaivc.core.errors import ThaiVCError
from thaivc.keys import generate_key
from thaivc.sdjwt import issue_sd_jwt, present_sd_jwt, verify_sd_jwt

from .conftest import NOW, base_claims

ISSUER = generate_key("P-256")
HOLDER = generate_key("P-256")
_SD_JWT = issue_sd_jwt(
    base_claims(),
    disclosable=["/given_name", "/family_name", "/nationalities/1", "/address", "/address/locality"],
    signer=ISSUER,
    holder_jwk=HOLDER.public_jwk,
    decoys=3,
)
VALID = present_sd_jwt(
    _SD_JWT,
    disclose=["/given_name", "/address/locality", "/nationalities/1"],
    holder_signer=HOLDER,
    nonce="nonce-1",
    aud="https://rd.go.th",
    iat=NOW,
)
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~="


def _verify(text: Any) -> Any:
    return verify_sd_jwt(
        text,
        issuer_key_resolver=lambda h, p: ISSUER.public_key,
        now=NOW,
        require_kb=True,
        expected_nonce="nonce-1",
        expected_aud="https://rd.go.th",
    )


def test_the_unmutated_presentation_verifies() -> None:
    assert _verify(VALID).disclosed == ["/address", "/address/locality", "/given_name", "/nationalities/1"]


def _outcome(text: Any) -> None:
    try:
        _verify(text)
    except ThaiVCError:
        return
    pytest.fail("a mutated presentation verified")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(position=st.integers(min_value=0, max_value=len(VALID) - 1), char=st.sampled_from(ALPHABET))
def test_replacing_one_character_never_verifies(position: int, char: str) -> None:
    if VALID[position] == char:
        return
    _outcome(VALID[:position] + char + VALID[position + 1 :])


@settings(max_examples=200, deadline=None)
@given(position=st.integers(min_value=0, max_value=len(VALID) - 1), length=st.integers(min_value=1, max_value=40))
def test_deleting_a_span_never_verifies(position: int, length: int) -> None:
    _outcome(VALID[:position] + VALID[position + length :])


@settings(max_examples=200, deadline=None)
@given(
    position=st.integers(min_value=0, max_value=len(VALID)), text=st.text(alphabet=ALPHABET, min_size=1, max_size=30)
)
def test_inserting_text_never_verifies(position: int, text: str) -> None:
    _outcome(VALID[:position] + text + VALID[position:])


@settings(max_examples=200, deadline=None)
@given(order=st.permutations(list(range(len(VALID.split("~"))))))
def test_permuting_parts_never_verifies_unless_unchanged(order: list[int]) -> None:
    parts = VALID.split("~")
    if order == sorted(order):
        return
    shuffled = [parts[i] for i in order]
    if shuffled == parts:
        return
    _outcome("~".join(shuffled))


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=300), st.binary(max_size=300), st.integers(), st.none()))
def test_arbitrary_input_only_raises_thaivc_errors(value: Any) -> None:
    _outcome(value)
