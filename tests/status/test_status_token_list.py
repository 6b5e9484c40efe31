"""IETF Token Status List codec and claims (draft-ietf-oauth-status-list §4, §6)."""

from __future__ import annotations

import gzip
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thaivc.core.b64 import b64url_encode
from thaivc.core.errors import InputError
from thaivc.status import (
    TokenStatusList,
    TokenStatusListBuilder,
    decode_status_list,
    parse_status_claim,
    status_list_token_payload,
)

# The draft's examples: 16 one-bit statuses packed as [0xB9, 0xA3], and 12 two-bit statuses.
DRAFT_1BIT = {"bits": 1, "lst": "eNrbuRgAAhcBXQ"}
DRAFT_1BIT_STATUSES = [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1]
DRAFT_2BIT = {"bits": 2, "lst": "eNo76fITAAPfAgc"}
DRAFT_2BIT_STATUSES = [1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3]


def test_draft_example_one_bit_is_lsb_first() -> None:
    tsl = decode_status_list(DRAFT_1BIT)
    assert tsl.data == bytes([0xB9, 0xA3])
    assert [tsl.get(i) for i in range(16)] == DRAFT_1BIT_STATUSES


def test_draft_example_two_bits() -> None:
    tsl = decode_status_list(DRAFT_2BIT)
    assert [tsl.get(i) for i in range(12)] == DRAFT_2BIT_STATUSES


def test_bit_order_differs_from_w3c() -> None:
    # the same byte 0x80: W3C index 0 is set; IETF index 7 is set
    tsl = TokenStatusList(b"\x80", 1)
    assert [tsl.get(i) for i in range(8)] == [0] * 7 + [1]


@pytest.mark.parametrize(
    ("example", "statuses"), [(DRAFT_1BIT, DRAFT_1BIT_STATUSES), (DRAFT_2BIT, DRAFT_2BIT_STATUSES)]
)
def test_builder_reproduces_the_draft_bytes(example: dict[str, object], statuses: list[int]) -> None:
    builder = TokenStatusListBuilder(len(statuses), int(str(example["bits"])))
    builder.set_many(enumerate(statuses))
    assert builder.freeze().data == decode_status_list(example).data
    assert decode_status_list(builder.to_json()).data == builder.freeze().data


@given(bits=st.sampled_from([1, 2, 4, 8]), values=st.lists(st.integers(0, 255), min_size=1, max_size=300))
def test_round_trip(bits: int, values: list[int]) -> None:
    values = [v % (1 << bits) for v in values]
    builder = TokenStatusListBuilder(len(values), bits)
    builder.set_many(enumerate(values))
    tsl = decode_status_list(builder.to_json())
    assert [tsl.get(i) for i in range(len(values))] == values


def test_index_past_the_end() -> None:
    tsl = decode_status_list(DRAFT_1BIT)
    with pytest.raises(InputError) as exc:
        tsl.get(16)
    assert exc.value.code == "status.index_invalid"


@pytest.mark.parametrize(
    "status_list",
    [
        {"bits": 3, "lst": DRAFT_1BIT["lst"]},
        {"bits": True, "lst": DRAFT_1BIT["lst"]},
        {"bits": "1", "lst": DRAFT_1BIT["lst"]},
        {"bits": 1},
        {"bits": 1, "lst": b64url_encode(gzip.compress(b"\x01"))},  # gzip, not zlib
        {"bits": 1, "lst": b64url_encode(zlib.compress(b"\x01") + b"x")},  # trailing bytes
        {"bits": 1, "lst": "u" + DRAFT_1BIT["lst"]},  # multibase prefix does not belong here
        {"bits": 1, "lst": DRAFT_1BIT["lst"] + "="},
        "not an object",
    ],
)
def test_malformed_status_lists(status_list: object) -> None:
    with pytest.raises(InputError) as exc:
        decode_status_list(status_list)
    assert exc.value.code == "status.verification"


def test_zlib_bomb_is_capped() -> None:
    bomb = zlib.compress(bytes(32 * 1024 * 1024), 9)
    with pytest.raises(InputError) as exc:
        decode_status_list({"bits": 1, "lst": b64url_encode(bomb)})
    assert exc.value.code == "status.too_large"
    assert (
        decode_status_list({"bits": 1, "lst": b64url_encode(bomb)}, max_inflate=32 * 1024 * 1024).entries
        == 2**28
    )


def test_status_claim() -> None:
    ref = parse_status_claim({"status": {"status_list": {"idx": 7, "uri": "https://x.example/l/1"}}})
    assert (ref.idx, ref.uri) == (7, "https://x.example/l/1")


@pytest.mark.parametrize("idx", [-1, "7", 7.0, True, 2**60, None])
def test_status_claim_idx_must_be_a_non_negative_integer(idx: object) -> None:
    with pytest.raises(InputError) as exc:
        parse_status_claim({"status": {"status_list": {"idx": idx, "uri": "https://x.example/l/1"}}})
    assert exc.value.code == "status.index_invalid"


@pytest.mark.parametrize(
    "claims",
    [
        {},
        {"status": "x"},
        {"status": {}},
        {"status": {"status_list": {"idx": 1}}},
        {"status": {"status_list": {"idx": 1, "uri": ""}}},
    ],
)
def test_status_claim_malformed(claims: dict[str, object]) -> None:
    with pytest.raises(InputError) as exc:
        parse_status_claim(claims)
    assert exc.value.code == "status.malformed"


def test_payload_shape() -> None:
    payload = status_list_token_payload(
        subject="https://x.example/l/1",
        status_list=DRAFT_1BIT,
        issued_at=1000,
        expires_at=2000,
        ttl=60,
        issuer="did:x",
    )
    assert payload == {
        "sub": "https://x.example/l/1",
        "iat": 1000,
        "exp": 2000,
        "ttl": 60,
        "iss": "did:x",
        "status_list": DRAFT_1BIT,
    }
    with pytest.raises(ValueError):
        status_list_token_payload(subject="s", status_list=DRAFT_1BIT, issued_at=1, ttl=0)
