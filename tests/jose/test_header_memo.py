"""The memoised header path must answer exactly as the uncached one, whatever was parsed before."""

from __future__ import annotations

import pytest

from thaivc.core.errors import InputError
from thaivc.jose import parse_compact

from .helpers import KID, VC_TYP, forge

VP_TYP = frozenset({"vp+jwt"})


def _token(header: dict[str, object]) -> str:
    return forge(header, {"iss": "did:example:issuer"}, signature=b"\x01" * 64)


def test_repeated_header_parses_to_equal_fresh_dicts() -> None:
    token = _token({"alg": "EdDSA", "kid": KID, "typ": "vc+jwt"})
    first = parse_compact(token, expected_typ=VC_TYP).header
    first["alg"] = "none"  # a caller mutating its copy must not change the next parse
    second = parse_compact(token, expected_typ=VC_TYP).header
    assert second == {"alg": "EdDSA", "kid": KID, "typ": "vc+jwt"}
    assert second is not first


def test_a_header_accepted_for_one_typ_is_still_refused_for_another() -> None:
    token = _token({"alg": "EdDSA", "kid": KID, "typ": "vc+jwt"})
    parse_compact(token, expected_typ=VC_TYP)
    with pytest.raises(InputError) as err:
        parse_compact(token, expected_typ=VP_TYP)
    assert err.value.code == "jose.typ_mismatch"


def test_a_refused_header_is_refused_every_time() -> None:
    token = _token({"alg": "EdDSA", "kid": KID, "typ": "vc+jwt", "jku": "https://attacker.example/keys"})
    for _ in range(3):
        with pytest.raises(InputError) as err:
            parse_compact(token, expected_typ=VC_TYP)
        assert err.value.code == "jose.untrusted_key_source"


def test_thumbprint_kid_depends_on_the_argument_not_on_the_last_call() -> None:
    token = _token({"alg": "EdDSA", "kid": "A" * 43, "typ": "vc+jwt"})
    assert parse_compact(token, expected_typ=VC_TYP, allow_thumbprint_kid=True).header["kid"] == "A" * 43
    with pytest.raises(InputError) as err:
        parse_compact(token, expected_typ=VC_TYP)
    assert err.value.code == "jose.kid_invalid"


def test_header_with_a_nested_value_is_not_shared() -> None:
    token = _token({"alg": "EdDSA", "kid": KID, "typ": "vc+jwt", "x-extra": {"n": 1}})
    first = parse_compact(token, expected_typ=VC_TYP).header
    first["x-extra"]["n"] = 2
    assert parse_compact(token, expected_typ=VC_TYP).header["x-extra"] == {"n": 1}
