"""base58btc codec: known answers, leading zeros, strictness, and a property round trip."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thaivc.keys._base58 import b58decode, b58encode


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        # From the IETF base58 draft (draft-msporny-base58 §5) examples.
        (b"Hello World!", "2NEpo7TZRRrLZSi2U"),
        (
            b"The quick brown fox jumps over the lazy dog.",
            "USm3fpXnKG5EUBx2ndxBDMPVciP5hGey2Jh4NDv6gmeo1LkMeiKrLJUUBk6Z",
        ),
        (bytes.fromhex("0000287fb4cd"), "11233QC4"),
        (b"", ""),
        (b"\0", "1"),
    ],
)
def test_known_answers(raw: bytes, text: str) -> None:
    assert b58encode(raw) == text
    assert b58decode(text) == raw


@pytest.mark.parametrize("bad", ["0", "O", "I", "l", "abc+", " 2NEpo", "２"])
def test_rejects_characters_outside_alphabet(bad: str) -> None:
    with pytest.raises(ValueError):
        b58decode(bad)


def test_rejects_over_long_input() -> None:
    with pytest.raises(ValueError):
        b58decode("2" * 10_000)


@given(st.binary(max_size=100))
def test_round_trip(data: bytes) -> None:
    assert b58decode(b58encode(data)) == data
