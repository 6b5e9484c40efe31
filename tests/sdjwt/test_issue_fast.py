"""Issuance shortcuts of ``dc+sd-jwt`` (issue 16) decline, never accept, what the strict walk refuses.

The attacker's cases first: a reserved name hidden deep, text that is not NFC, NaN, a foreign type,
nesting past the cap, a private holder key. Each must be refused with the fast paths on and off,
and the C-speed claim check must never pass what the walk refuses (hypothesis, arbitrary values).
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import thaivc
from thaivc.core import fastpath
from thaivc.core.b64 import b64url_decode
from thaivc.core.errors import UsageError
from thaivc.core.jsonutil import loads_strict
from thaivc.sdjwt import issue_sd_jwt, verify_sd_jwt
from thaivc.sdjwt._issue import MAX_CLAIM_DEPTH, _check_claims, _claims_clean

_ISSUER = thaivc.generate_key("Ed25519")
_WALLET = thaivc.generate_key("P-256")


def _claims(**extra: Any) -> dict[str, Any]:
    return {"iss": _ISSUER.did, "vct": "Example", "iat": 1_780_000_000, **extra}


def _deep(levels: int) -> Any:
    node: Any = "leaf"
    for _ in range(levels):
        node = {"n": node}
    return node


_HOSTILE = [
    pytest.param({"a": [{"b": {"_sd": ["x"]}}]}, id="reserved _sd deep inside"),
    pytest.param({"a": {"...": "x"}}, id="reserved ... name"),
    pytest.param({"a": {"_sd_alg": "md5"}}, id="reserved _sd_alg nested"),
    pytest.param({"name": "ก\u0e48\u0e38"}, id="not NFC (Thai tone mark before below vowel)"),
    pytest.param({"name": "e\u0301"}, id="not NFC (combining acute)"),
    pytest.param({"e\u0301": 1}, id="non-NFC member name"),
    pytest.param({"x": math.nan}, id="NaN"),
    pytest.param({"x": math.inf}, id="infinity"),
    pytest.param({"x": {1, 2}}, id="a set"),
    pytest.param({"x": (1, 2)}, id="a tuple is not a JSON array"),
    pytest.param({"x": _deep(MAX_CLAIM_DEPTH + 1)}, id="nested past the cap"),
]


@pytest.mark.parametrize("extra", _HOSTILE)
@pytest.mark.parametrize("fast", [True, False])
def test_hostile_claims_are_refused_both_ways(extra: dict[str, Any], fast: bool) -> None:
    claims = _claims(**extra)
    if fast:
        with pytest.raises(UsageError):
            issue_sd_jwt(claims, disclosable=[], signer=_ISSUER)
    else:
        with fastpath.disabled(), pytest.raises(UsageError):
            issue_sd_jwt(claims, disclosable=[], signer=_ISSUER)
    assert not _claims_clean(claims)


def test_private_or_foreign_holder_key_is_refused() -> None:
    private = dict(_WALLET.private_jwk())
    with pytest.raises(UsageError):
        issue_sd_jwt(_claims(), disclosable=[], signer=_ISSUER, holder_jwk=private)
    with pytest.raises(UsageError):
        issue_sd_jwt(_claims(), disclosable=[], signer=_ISSUER, holder_jwk={"kty": "EC", "crv": "P-256"})
    with pytest.raises(UsageError):  # cnf twice: the claims' own and the holder key
        issue_sd_jwt(_claims(cnf={"jwk": {}}), disclosable=[], signer=_ISSUER, holder_jwk=_WALLET.public_key)


def test_holder_public_key_binds_exactly_as_its_jwk() -> None:
    by_key = issue_sd_jwt(_claims(), disclosable=[], signer=_ISSUER, holder_jwk=_WALLET.public_key)
    by_jwk = issue_sd_jwt(_claims(), disclosable=[], signer=_ISSUER, holder_jwk=dict(_WALLET.public_key.jwk))
    a = verify_sd_jwt(
        by_key, issuer_key_resolver=lambda h, p: _ISSUER.public_key, now=1_780_000_000, require_kb=False
    ).payload
    b = verify_sd_jwt(
        by_jwk, issuer_key_resolver=lambda h, p: _ISSUER.public_key, now=1_780_000_000, require_kb=False
    ).payload
    assert a["cnf"] == b["cnf"] == {"jwk": dict(_WALLET.public_key.jwk)}


def test_each_disclosure_has_its_own_salt() -> None:
    claims = _claims(**{f"c{i}": i for i in range(12)})
    token = issue_sd_jwt(claims, disclosable=[f"/c{i}" for i in range(12)], signer=_ISSUER, decoys=5)
    result = verify_sd_jwt(
        token, issuer_key_resolver=lambda h, p: _ISSUER.public_key, now=1_780_000_000, require_kb=False
    )
    assert {f"c{i}" for i in range(12)} <= set(result.payload)
    disclosures = token.split("~")[1:-1]
    salts = {thaivc_loads(d)[0] for d in disclosures}
    assert len(disclosures) == 12 and len(salts) == 12


def thaivc_loads(encoded: str) -> Any:
    return loads_strict(b64url_decode(encoded))


def test_clean_credential_takes_the_fast_path() -> None:
    assert _claims_clean(_claims(name={"givenName": "สมหญิง", "familyName": "ใจดี"}, n=[1, 2.5, None, True]))


_JSONISH = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(alphabet=st.sampled_from('a_.\u0e01\u0e4d\u0e32\u0e33e\u0301\u00e9"\\\n'), max_size=6),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.tuples(inner)
        | st.dictionaries(st.sampled_from(["a", "_sd", "...", "_sd_alg", "\u0e33", "e\u0301", "x"]), inner, max_size=3)
    ),
    max_leaves=30,
)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.text(max_size=3), _JSONISH, max_size=4))
def test_fast_claim_check_never_accepts_what_the_walk_refuses(claims: dict[str, Any]) -> None:
    if _claims_clean(claims):
        _check_claims(claims)  # must not raise


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=MAX_CLAIM_DEPTH - 3, max_value=MAX_CLAIM_DEPTH + 3))
def test_depth_cap_agrees(levels: int) -> None:
    claims = {"x": _deep(levels)}
    try:
        _check_claims(claims)
    except UsageError:
        assert not _claims_clean(claims)


_POINTER_TOKENS = st.sampled_from(["", "credentialSubject", "id", "issuer", "type", "0", "a~1b", "ial", "validFrom"])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.lists(_POINTER_TOKENS, max_size=4).map(lambda ts: "".join("/" + t for t in ts)), max_size=6),
    st.sampled_from([[], ["ThaiCitizenCredential"], ["JuristicPersonCredential"]]),
)
def test_fixed_among_agrees_with_may_withhold(pointers: list[str], own: list[str]) -> None:
    from thaivc.contexts.disclosure import fixed_among, may_withhold
    from thaivc.contexts.vocab import OWN_TYPES

    doc: dict[str, Any] = {"type": ["VerifiableCredential", *own], "@context": [OWN_TYPES[t][0] for t in own]}
    assert fixed_among(doc, pointers) == [p for p in pointers if not may_withhold(doc, p)]
