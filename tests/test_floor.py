"""The floor: strict JSON, base64url, errors."""

from __future__ import annotations

import pytest

from thaivc.core.b64 import b64url_decode, b64url_encode
from thaivc.core.errors import CODES, InputError, ThaiVCError, problem_type_for
from thaivc.core.jsonutil import loads_strict


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ('{"alg":"ES256","alg":"none"}', "json.duplicate_key"),
        ('{"exp": NaN}', "json.not_ijson"),
        ('{"exp": Infinity}', "json.not_ijson"),
        ('{"exp": -Infinity}', "json.not_ijson"),
        ('{"a": "\\ud800"}', "json.not_ijson"),
        ('{"a": 1e400}', "json.not_ijson"),
        ('{"a": ' + "9" * 5000 + "}", "json.not_ijson"),
        ("[" * 200_000, "input.too_deep"),
        ("[" * 65 + "]" * 65, "input.too_deep"),
        ("{", "json.invalid"),
        ("\ufeff{}", "json.not_ijson"),
    ],
)
def test_strict_json_rejects(text: str, code: str) -> None:
    with pytest.raises(InputError) as info:
        loads_strict(text, max_bytes=1 << 20)
    assert info.value.code == code


def test_strict_json_bytes_rules() -> None:
    with pytest.raises(InputError) as info:
        loads_strict(b"\xef\xbb\xbf{}")
    assert info.value.code == "json.not_ijson"
    with pytest.raises(InputError) as info:
        loads_strict(b'{"a":"\xff"}')
    assert info.value.code == "json.not_ijson"
    with pytest.raises(InputError) as info:
        loads_strict(b"{}" + b" " * 70_000)
    assert info.value.code == "input.too_large"


def test_strict_json_accepts_depth_at_cap_and_thai() -> None:
    assert loads_strict("[" * 64 + "]" * 64) is not None
    assert loads_strict('{"name":"สมชาย","s":"[[[["}') == {"name": "สมชาย", "s": "[[[["}


def test_safe_integers() -> None:
    assert loads_strict('{"a": 9007199254740991}', safe_integers=True) == {"a": 9007199254740991}
    with pytest.raises(InputError):
        loads_strict('{"a": 9007199254740992}', safe_integers=True)


def test_require_object() -> None:
    with pytest.raises(InputError) as info:
        loads_strict("[]", require_object=True)
    assert info.value.code == "json.not_object"


@pytest.mark.parametrize("bad", ["AA==", "A+", "A/", "A B", "QR", "A", "QUJ"[:2] + "=", "Q\n"])
def test_b64url_strict(bad: str) -> None:
    with pytest.raises(ValueError):
        b64url_decode(bad)


def test_b64url_round_trip() -> None:
    for n in range(40):
        data = bytes(range(n))
        assert b64url_decode(b64url_encode(data)) == data


def test_codes_well_formed() -> None:
    for code in CODES:
        ThaiVCError(code)
    assert problem_type_for("crypto.bad_signature", ).endswith("CRYPTOGRAPHIC_SECURITY_ERROR")  # type: ignore[union-attr]
    assert problem_type_for("status.revoked") is None
