"""Property tests: no mutation of a signed token verifies, and nothing escapes as a raw exception."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from thaivc.core.errors import ThaiVCError
from thaivc.jose import effective_expiry, parse_compact, require_jwt_times, require_vc_jwt_claims, verify_compact
from thaivc.jose.compact import ParsedJws

from .conftest import CryptoPublicKey, CryptoSigner, make_signer
from .helpers import VC_TYP, forge, header

SIGNERS: dict[str, CryptoSigner] = {alg: make_signer(alg) for alg in ("EdDSA", "ES256", "ES384")}
TOKENS: dict[str, bytes] = {
    alg: forge(header(alg=alg, cty="vc"), signer=signer).encode() for alg, signer in SIGNERS.items()
}
KEYS: dict[str, CryptoPublicKey] = {alg: signer.public() for alg, signer in SIGNERS.items()}


def _verify(token: bytes, alg: str) -> ParsedJws:
    parsed = parse_compact(token, expected_typ=VC_TYP)
    verify_compact(parsed, KEYS[alg])
    return parsed


@pytest.mark.parametrize("alg", sorted(TOKENS))
def test_unmutated_tokens_verify(alg: str) -> None:
    assert _verify(TOKENS[alg], alg).header["alg"] == alg


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(alg=st.sampled_from(sorted(TOKENS)), data=st.data())
def test_any_byte_mutation_never_verifies(alg: str, data: st.DataObject) -> None:
    token = TOKENS[alg]
    index = data.draw(st.integers(0, len(token) - 1), label="index")
    byte = data.draw(st.integers(0, 255).filter(lambda b: b != token[index]), label="byte")
    mutated = token[:index] + bytes([byte]) + token[index + 1 :]
    with pytest.raises(ThaiVCError):
        _verify(mutated, alg)


@settings(max_examples=300, deadline=None)
@given(alg=st.sampled_from(sorted(TOKENS)), data=st.data())
def test_insertions_and_deletions_never_verify(alg: str, data: st.DataObject) -> None:
    token = TOKENS[alg]
    index = data.draw(st.integers(0, len(token) - 1), label="index")
    if data.draw(st.booleans(), label="delete"):
        mutated = token[:index] + token[index + 1 :]
    else:
        mutated = token[:index] + data.draw(st.binary(min_size=1, max_size=4), label="ins") + token[index:]
    with pytest.raises(ThaiVCError):
        _verify(mutated, alg)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=300), st.binary(max_size=300)))
def test_arbitrary_input_only_raises_typed_errors(token: str | bytes) -> None:
    with pytest.raises(ThaiVCError):
        _verify(token if isinstance(token, bytes) else token.encode("utf-8", "surrogatepass"), "EdDSA")


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=10,
)


@settings(max_examples=400, deadline=None)
@given(
    payload=st.dictionaries(
        st.sampled_from(["exp", "nbf", "iat", "iss", "issuer", "holder", "validUntil", "vc", "x"]), JSON
    ),
    now=st.floats(0, 4e11),
)
def test_claim_checks_only_raise_typed_errors(payload: dict[str, Any], now: float) -> None:
    with contextlib.suppress(ThaiVCError):
        require_jwt_times(payload, now=now)
    with contextlib.suppress(ThaiVCError):
        require_vc_jwt_claims(payload, kind="credential")
    with contextlib.suppress(ThaiVCError):
        require_vc_jwt_claims(payload, kind="presentation")
    with contextlib.suppress(ThaiVCError):
        effective_expiry(payload)
