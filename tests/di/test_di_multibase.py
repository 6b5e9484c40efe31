"""``proofValue`` decoding: the hot-path base58btc decoder agrees with the reference one."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thaivc.core.errors import InputError
from thaivc.di.multibase import _b58decode, decode_proof_value, encode_proof_value
from thaivc.keys._base58 import b58decode, b58encode


@given(st.binary(max_size=120))
def test_round_trip_and_reference(raw: bytes) -> None:
    text = b58encode(raw)
    assert _b58decode(text) == raw == b58decode(text)


@given(st.text(alphabet="123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz", max_size=140))
def test_any_base58_text_decodes_as_the_reference_does(text: str) -> None:
    assert _b58decode(text) == b58decode(text)


@pytest.mark.parametrize("length", range(9))
def test_every_remainder_of_four_digits(length: int) -> None:
    for raw in (b"\0" * length, b"\xff" * length, bytes(range(1, length + 1)), b"\0\0" + b"\x07" * length):
        assert _b58decode(b58encode(raw)) == raw


@pytest.mark.parametrize("bad", ["0", "O", "I", "l", "zz+", "ก", "1111O"])
def test_characters_outside_the_alphabet_are_refused(bad: str) -> None:
    with pytest.raises(InputError) as caught:
        _b58decode(bad)
    assert caught.value.code == "di.proof_invalid"


def test_a_signature_round_trips_at_its_size() -> None:
    signature = bytes(range(64))
    assert decode_proof_value(encode_proof_value(signature), "Ed25519") == signature
    with pytest.raises(InputError):
        decode_proof_value(encode_proof_value(signature[:63]), "Ed25519")
