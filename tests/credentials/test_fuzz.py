"""Hostile input never escapes as an untyped exception: schema validation and ThaID token parsing."""

from __future__ import annotations

import contextlib
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from thaivc.clock import FixedClock
from thaivc.credentials import CITIZEN_SCHEMA, JURISTIC_SCHEMA, validate_credential_schema
from thaivc.errors import ThaiVCError
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
    def fetch(self, url: str, *, max_bytes: int, deadline: float) -> FetchResult:
        return FetchResult(200, b'{"keys": []}', "application/json")


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
