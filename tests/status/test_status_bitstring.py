"""W3C Bitstring Status List codec: docs/security.md group H, cases 49, 50, 51, 55 and the spec's examples."""

from __future__ import annotations

import gzip
import json
import zlib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thaivc.core.b64 import b64url_encode
from thaivc.core.errors import InputError, problem_type_for
from thaivc.status import (
    MIN_ENTRIES,
    Bitstring,
    BitstringBuilder,
    decode_encoded_list,
    encode_bitstring,
    inflate_capped,
    parse_index,
    parse_status_messages,
)

FULL_BYTES = MIN_ENTRIES // 8  # 16 KiB


def _encoded(raw: bytes) -> str:
    return "u" + b64url_encode(gzip.compress(raw))


# -- H.55 bit order ------------------------------------------------------------------------------


def test_h55_first_bit_of_first_byte_is_index_0() -> None:
    raw = b"\x80" + bytes(FULL_BYTES - 1)
    bits = decode_encoded_list(_encoded(raw))
    assert bits.get(0) == 1
    assert [bits.get(i) for i in range(1, 8)] == [0] * 7


def test_h55_last_index_of_a_16_kib_list_is_131071() -> None:
    raw = bytes(FULL_BYTES - 1) + b"\x01"
    bits = decode_encoded_list(_encoded(raw))
    assert bits.entries == 131_072
    assert bits.get(131_071) == 1
    assert bits.get(131_070) == 0
    with pytest.raises(InputError) as exc:
        bits.get(131_072)
    assert exc.value.code == "status.index_invalid"


def test_multi_bit_entries_read_msb_first() -> None:
    # 0b10_01_11_00: entries of 2 bits are 2, 1, 3, 0
    bits = Bitstring(bytes([0b10011100]), status_size=2)
    assert [bits.get(i) for i in range(4)] == [2, 1, 3, 0]
    # statusSize 3 straddles bytes: 101 100 01|1 ...
    bits3 = Bitstring(bytes([0b10110001, 0b10000000]), status_size=3)
    assert [bits3.get(i) for i in range(5)] == [5, 4, 3, 0, 0]


@given(
    size=st.sampled_from([1, 2, 3, 4, 5, 8]),
    values=st.dictionaries(st.integers(0, 199), st.integers(0, 255), max_size=40),
)
def test_builder_round_trip(size: int, values: dict[int, int]) -> None:
    builder = BitstringBuilder(200, size)
    expected = {i: v % (1 << size) for i, v in values.items()}
    builder.set_many(expected.items())
    decoded = decode_encoded_list(builder.encode(), status_size=size, min_entries=200)
    assert [decoded.get(i) for i in range(200)] == [expected.get(i, 0) for i in range(200)]


def test_builder_overwrites_without_touching_neighbours() -> None:
    builder = BitstringBuilder(16, 3)
    for i in range(16):
        builder.set(i, 7)
    builder.set(5, 2)
    frozen = builder.freeze()
    assert [frozen.get(i) for i in range(16)] == [7] * 5 + [2] + [7] * 10


def test_encoding_is_gzip_multibase_and_deterministic() -> None:
    data = bytes(FULL_BYTES)
    encoded = encode_bitstring(data)
    assert encoded.startswith("u")
    assert encoded == encode_bitstring(data)
    assert decode_encoded_list(encoded).data == data


# -- H.49 list too short ---------------------------------------------------------------------------


def test_h49_short_list_is_a_length_error() -> None:
    with pytest.raises(InputError) as exc:
        decode_encoded_list(_encoded(bytes(FULL_BYTES - 1)))
    assert exc.value.code == "status.list_too_short"
    assert exc.value.problem_type is not None and exc.value.problem_type.endswith("STATUS_LIST_LENGTH_ERROR")


def test_h49_length_is_counted_in_entries_of_status_size() -> None:
    # 16 KiB holds 131,072 one-bit entries but only 65,536 two-bit ones
    encoded = _encoded(bytes(FULL_BYTES))
    assert decode_encoded_list(encoded, status_size=1).entries == MIN_ENTRIES
    with pytest.raises(InputError) as exc:
        decode_encoded_list(encoded, status_size=2)
    assert exc.value.code == "status.list_too_short"
    assert decode_encoded_list(_encoded(bytes(2 * FULL_BYTES)), status_size=2).entries == MIN_ENTRIES


# -- H.50 index parsing and status messages --------------------------------------------------------


@pytest.mark.parametrize(
    "raw", ["-1", "0x10", "1e3", " 5", "5 ", "1_000", "๑๒", "12abc", "", "+5", "5\n", 5, None, 1.0]
)
def test_h50_index_must_be_ascii_digits(raw: object) -> None:
    with pytest.raises(InputError) as exc:
        parse_index(raw)
    assert exc.value.code == "status.index_invalid"
    assert problem_type_for("status.index_invalid") == exc.value.problem_type
    assert exc.value.problem_type is not None and exc.value.problem_type.endswith("RANGE_ERROR")


def test_h50_index_past_the_end() -> None:
    assert parse_index("131071", entries=MIN_ENTRIES) == 131_071
    assert parse_index("007") == 7
    with pytest.raises(InputError) as exc:
        parse_index("131072", entries=MIN_ENTRIES)
    assert exc.value.code == "status.index_invalid"
    with pytest.raises(InputError):
        parse_index("9" * 40)


def _messages(count: int) -> list[dict[str, str]]:
    return [{"status": hex(i), "message": f"m{i}"} for i in range(count)]


def test_h50_status_size_needs_matching_messages() -> None:
    assert parse_status_messages(_messages(4), 2) == ("m0", "m1", "m2", "m3")
    assert parse_status_messages(None, 1) is None
    for bad, size in [(None, 2), (_messages(3), 2), (_messages(8), 2), (_messages(3), 1), ("x", 2)]:
        with pytest.raises(InputError) as exc:
            parse_status_messages(bad, size)
        assert exc.value.code == "status.malformed"


def test_status_messages_must_cover_each_value_once() -> None:
    repeated = _messages(4)
    repeated[3]["status"] = "0x1"
    out_of_range = _messages(4)
    out_of_range[3]["status"] = "0x4"
    not_hex = _messages(4)
    not_hex[0]["status"] = "0"
    for bad in (repeated, out_of_range, not_hex):
        with pytest.raises(InputError) as exc:
            parse_status_messages(bad, 2)
        assert exc.value.code == "status.malformed"


# -- H.51 bombs and bad encodings -------------------------------------------------------------------


def _zero_gzip(size: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1024 * 1024)
    parts = [compressor.compress(block) for _ in range(size // len(block))]
    parts.append(compressor.flush())
    return b"".join(parts)


def test_h51_gzip_bomb_aborts_at_the_cap() -> None:
    bomb = _zero_gzip(64 * 1024 * 1024)  # 64 MiB of zeros in ~65 KB
    assert len(bomb) < 100_000
    with pytest.raises(InputError) as exc:
        decode_encoded_list("u" + b64url_encode(bomb))
    assert exc.value.code == "status.too_large"
    assert exc.value.problem_type is not None and exc.value.problem_type.endswith("STATUS_RETRIEVAL_ERROR")


@pytest.mark.slow
def test_h51_one_megabyte_that_inflates_past_a_gigabyte() -> None:
    bomb = _zero_gzip(1024 * 1024 * 1024)
    assert len(bomb) < 1_100_000
    with pytest.raises(InputError) as exc:
        inflate_capped(bomb, container="gzip")
    assert exc.value.code == "status.too_large"


def test_h51_cap_is_exact() -> None:
    data = gzip.compress(bytes(1000))
    assert len(inflate_capped(data, container="gzip", max_output=1000)) == 1000
    with pytest.raises(InputError) as exc:
        inflate_capped(data, container="gzip", max_output=999)
    assert exc.value.code == "status.too_large"


@pytest.mark.parametrize(
    "encoded",
    [
        b64url_encode(gzip.compress(bytes(FULL_BYTES), mtime=0)),  # no multibase prefix
        "z" + b64url_encode(gzip.compress(bytes(FULL_BYTES), mtime=0)),  # another multibase base
        "u" + b64url_encode(zlib.compress(bytes(FULL_BYTES))),  # zlib, not gzip
        "u" + b64url_encode(bytes(FULL_BYTES)),  # not compressed at all
        "u" + b64url_encode(gzip.compress(bytes(FULL_BYTES), mtime=0) + b"garbage"),  # trailing bytes
        "u" + b64url_encode(gzip.compress(bytes(FULL_BYTES), mtime=0) * 2),  # a second gzip member
        "u" + b64url_encode(gzip.compress(bytes(FULL_BYTES), mtime=0)[:-6]),  # truncated
        "u" + b64url_encode(gzip.compress(bytes(FULL_BYTES), mtime=0)) + "=",  # padding
        "u" + b64url_encode(gzip.compress(bytes(FULL_BYTES), mtime=0)).replace("-", "+"),  # base64, not base64url
        "u",
        "",
        12345,
        None,
    ],
)
def test_h51_bad_encodings_are_verification_errors(encoded: object) -> None:
    with pytest.raises(InputError) as exc:
        decode_encoded_list(encoded)
    assert exc.value.code == "status.verification"
    assert exc.value.problem_type is not None and exc.value.problem_type.endswith("STATUS_VERIFICATION_ERROR")


# -- the specification's examples ----------------------------------------------------------------------


def _examples(vectors: Path) -> list[Path]:
    return sorted((vectors / "vc-bitstring-status-list").glob("*.json"))


def test_spec_example_lists_are_full_size_and_all_valid(vectors: Path) -> None:
    lists = [json.loads(p.read_text()) for p in _examples(vectors)]
    encoded = [
        d["credentialSubject"]["encodedList"]
        for d in lists
        if "encodedList" in d.get("credentialSubject", {})
    ]
    assert len(encoded) == 2  # examples 3 and 5
    for value in encoded:
        bits = decode_encoded_list(value)  # default minimum: the examples are full-size 16 KiB lists
        assert bits.entries == MIN_ENTRIES
        assert not any(bits.data)
        assert bits.get(94_567) == 0  # the index example 4 refers to


def test_spec_example_entries_parse(vectors: Path) -> None:
    indices = []
    for path in _examples(vectors):
        doc = json.loads(path.read_text())
        status = doc.get("credentialStatus")
        for entry in status if isinstance(status, list) else [status] if status else []:
            assert entry["type"] == "BitstringStatusListEntry"
            indices.append(parse_index(entry["statusListIndex"], entries=MIN_ENTRIES))
    assert sorted(indices) == [23_452, 94_567, 94_567]


def test_short_list_decodes_only_with_an_explicit_minimum() -> None:
    short = _encoded(b"\x40" + bytes(15))  # 128 entries
    with pytest.raises(InputError) as exc:
        decode_encoded_list(short)
    assert exc.value.code == "status.list_too_short"
    bits = decode_encoded_list(short, min_entries=128)
    assert bits.get(1) == 1 and bits.get(0) == 0


@given(st.one_of(st.text(max_size=80), st.binary(max_size=80).map(lambda b: "u" + b64url_encode(b))))
def test_fuzz_decoder_only_raises_typed_errors(encoded: str) -> None:
    try:
        decode_encoded_list(encoded, min_entries=0)
    except InputError as exc:
        assert exc.code in {"status.verification", "status.too_large", "status.list_too_short"}


@given(st.text(max_size=24))
def test_fuzz_index_parser(raw: str) -> None:
    try:
        value = parse_index(raw)
    except InputError as exc:
        assert exc.code == "status.index_invalid"
    else:
        assert raw.isascii() and raw.isdigit() and value == int(raw)
