"""An SD-JWT+KB produced by another implementation (sd-jwt-python 0.10.4; see data/README.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from thaivc.core.errors import ThaiVCError
from thaivc.keys import PublicKey
from thaivc.sdjwt import receive_sd_jwt, verify_sd_jwt

DATA = json.loads((Path(__file__).parent / "data" / "sd-jwt-python-0.10.4.json").read_text(encoding="utf-8"))
KEY = PublicKey.from_jwk(DATA["issuer_jwk"])


def _verify(text: str, **kw: Any) -> Any:
    kw.setdefault("require_kb", True)
    kw.setdefault("expected_nonce", DATA["nonce"])
    kw.setdefault("expected_aud", DATA["aud"])
    return verify_sd_jwt(text, issuer_key_resolver=lambda h, p: KEY, now=DATA["now"], **kw)


def test_reference_presentation_verifies() -> None:
    result = _verify(DATA["presentation"])
    assert result.disclosed == ["/address", "/address/locality", "/given_name", "/nationalities/0"]
    assert result.payload["given_name"] == "สมชาย"
    assert result.payload["address"] == {"country": "TH", "locality": "กรุงเทพมหานคร"}
    assert result.payload["nationalities"] == ["JP"]
    assert "family_name" not in result.payload


def test_reference_issuance_is_received_in_full() -> None:
    result = receive_sd_jwt(DATA["issuance"], issuer_key_resolver=lambda h, p: KEY, now=DATA["now"])
    assert result.payload["family_name"] == "ใจดี"
    assert result.payload["nationalities"] == ["TH", "JP"]


def test_reference_presentation_for_another_verifier_is_refused() -> None:
    with pytest.raises(ThaiVCError) as info:
        _verify(DATA["presentation"], expected_aud="https://other.go.th")
    assert info.value.code == "sdjwt.kb_replay"
