"""Hostile input never escapes as an untyped exception: schema validation and ThaID token parsing."""

from __future__ import annotations

import contextlib
import functools
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from thaivc.core.clock import FixedClock
from thaivc.core.errors import ThaiVCError
from thaivc.credentials import CITIZEN_SCHEMA, JURISTIC_SCHEMA, validate_credential_schema
from thaivc.registries.thaid import FetchResult, ThaidConfig, ThaidVerifier, thaid_identity

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)


@settings(deadline=None, max_examples=150)
@given(
    subject=JSON,
    evidence=JSON,
    schema=st.sampled_from([CITIZEN_SCHEMA, JURISTIC_SCHEMA]),
)
def test_schema_validation_only_raises_typed_errors(subject: Any, evidence: Any, schema: str) -> None:
    doc = {
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://contexts.thaivc.dev/v1"],
        "type": ["VerifiableCredential", "ThaiCitizenCredential"],
        "credentialSubject": subject,
        "evidence": evidence,
        "credentialSchema": {"id": schema, "type": "JsonSchema"},
    }
    try:
        validate_credential_schema(doc)
    except ThaiVCError as err:
        assert err.code in {"schema.invalid", "schema.unavailable"}


class _Jwks:
    def fetch(self, url: str, *, max_bytes: int, timeout: float, accept: str | None = None) -> FetchResult:
        return FetchResult(url, 200, b'{"keys": []}', "application/json")


@settings(deadline=None, max_examples=150)
@given(token=st.text(max_size=300) | st.lists(st.text(max_size=60), min_size=3, max_size=3).map(".".join))
def test_id_token_parsing_only_raises_typed_errors(token: str) -> None:
    verifier = ThaidVerifier(
        ThaidConfig(client_id="rp", jwks_uri="https://idp.example/jwks"), fetcher=_Jwks(), clock=FixedClock(0.0)
    )
    with contextlib.suppress(ThaiVCError):
        verifier.verify_id_token(token, nonce="n")


@settings(deadline=None, max_examples=150)
@given(
    claims=st.dictionaries(st.sampled_from(["pid", "given_name", "family_name", "birthdate", "address", "ial"]), JSON)
)
def test_claims_mapping_only_raises_typed_errors(claims: dict[str, Any]) -> None:
    with contextlib.suppress(ThaiVCError):
        thaid_identity(claims)


@functools.cache
def _fake_dopa() -> Any:
    from thaivc.registries import FakeDopa

    return FakeDopa(clock=FixedClock(1780272000.0))


@settings(deadline=None, max_examples=100)
@given(
    citizen=st.sampled_from(["1999900001010", "3999900001059", "1999900001061", "1999900001011", "0000000000000"]),
    given_name=st.sampled_from(["สมชาย", "ประเสริฐ", "วิภา", ""]) | st.text(max_size=8),
    family=st.sampled_from(["ใจดี", "มั่นคง", "แสงทอง"]) | st.text(max_size=8),
    birth=st.sampled_from(["25380812", "25050315", "25301120", "25380800", "2538081"]),
    laser=st.sampled_from(["ZX0001000001", "ZX0001000005", "ZX0001000006", "ZX0001000016", "", "zz"]),
)
def test_proofing_never_raises_and_issues_only_for_an_exact_match(
    citizen: str, given_name: str, family: str, birth: str, laser: str
) -> None:
    import thaivc
    from thaivc.credentials import CardData, proof_citizen
    from thaivc.testing.plugin import seeded_key
    from thaivc.thai import ThaiName

    try:
        name = ThaiName(given_th=given_name or None, family_th=family or None)
    except ThaiVCError:
        return
    issuer = thaivc.Issuer(seeded_key("fuzz-agency"), clock=FixedClock(1780272000.0))
    result = proof_citizen(
        CardData(citizen, name, birth, laser), dopa=_fake_dopa(), issuer=issuer, subject_did="did:example:fuzz"
    )
    genuine = {
        ("1999900001010", "สมชาย", "ใจดี", "25380812", "ZX0001000001"),
        ("1999900001061", "วิภา", "แสงทอง", "25301120", "ZX0001000016"),
    }
    issued = result.credential is not None
    assert issued == ((citizen, given_name, family, birth, laser) in genuine)
    assert issued != bool(result.problems)
