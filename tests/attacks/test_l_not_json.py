"""What JSON cannot say is refused at issuance with a code, never signed differently or raised bare.

``json.dumps`` signs the member name ``1`` as ``"1"`` (not what the caller wrote) and raises a bare
``TypeError``/``ValueError`` for a set, bytes, any other object or NaN; a tuple key made the issuer's
walk raise ``TypeError``. Every signing entry point is tried: ``Issuer.issue`` in each format and
the public ``thaivc.jose.sign_compact``.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

import thaivc
from thaivc.core.errors import ThaiVCError
from thaivc.jose import sign_compact

BASE: dict[str, Any] = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "type": ["VerifiableCredential"],
    "credentialSubject": {"id": "did:example:holder"},
}


def _self_containing() -> dict[str, Any]:
    value: dict[str, Any] = {"x": 1}
    value["self"] = value
    return value


NOT_JSON = [
    pytest.param({1: "x"}, id="int-name"),
    pytest.param({(1, 2): "x"}, id="tuple-name"),
    pytest.param({"a": {1, 2}}, id="set"),
    pytest.param({"a": b"x"}, id="bytes"),
    pytest.param({"a": object()}, id="object"),
    pytest.param({"a": float("nan")}, id="nan"),
    pytest.param({"a": float("inf")}, id="infinity"),
]


@pytest.fixture(scope="module")
def key() -> thaivc.PrivateKey:
    return thaivc.generate_key("Ed25519")


@pytest.mark.parametrize("fmt", ["vc+jwt", "di", "dc+sd-jwt"])
@pytest.mark.parametrize("extra", NOT_JSON)
def test_the_issuer_refuses_what_json_cannot_say(key: thaivc.PrivateKey, fmt: str, extra: Any) -> None:
    doc = copy.deepcopy(BASE)
    doc["credentialSubject"]["extra"] = extra
    with pytest.raises(ThaiVCError) as err:
        thaivc.Issuer(key).issue(doc, format=fmt)
    assert err.value.code == "json.not_ijson"


@pytest.mark.parametrize(
    "payload",
    [*NOT_JSON, pytest.param(_self_containing(), id="cycle"), pytest.param({"s": "\ud800"}, id="lone-surrogate")],
)
def test_sign_compact_refuses_what_json_cannot_say(key: thaivc.PrivateKey, payload: Any) -> None:
    with pytest.raises(ThaiVCError) as err:
        sign_compact({"typ": "JWT"}, payload, key)
    assert err.value.code == "json.not_ijson"


def test_sign_compact_refuses_a_value_too_deep_to_write(key: thaivc.PrivateKey) -> None:
    deep: list[Any] = []
    cursor = deep
    for _ in range(5000):
        cursor.append([])
        cursor = cursor[0]
    with pytest.raises(ThaiVCError) as err:
        sign_compact({"typ": "JWT"}, {"d": deep}, key)
    assert err.value.code == "input.too_deep"


def test_tuples_are_still_json_arrays(key: thaivc.PrivateKey) -> None:
    token = sign_compact({"typ": "JWT"}, {"a": (1, 2)}, key)
    assert token.count(".") == 2
