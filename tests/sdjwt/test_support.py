"""Nonce store, SD-JWT VC type-metadata chains, JWT VC Issuer Metadata, argument checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from thaivc.core.clock import FixedClock
from thaivc.core.errors import Indeterminate, InputError, ThaiVCError, UsageError
from thaivc.sdjwt import (
    MemoryNonceStore,
    NonceStore,
    issue_sd_jwt,
    issuer_metadata_url,
    require_issuer_metadata,
    require_vct_chain,
)

from .conftest import ISS, NOW, TestSigner, base_claims

JWKS = {"keys": [{"kty": "EC", "crv": "P-256", "x": "AAAA", "y": "BBBB", "kid": "key-1"}]}


def _code(fn: Callable[[], Any]) -> str:
    with pytest.raises(ThaiVCError) as info:
        fn()
    return info.value.code


# --- nonce store ---------------------------------------------------------------------------------


def test_nonce_store_is_single_use_within_ttl_and_forgets_after() -> None:
    clock = FixedClock(NOW)
    store = MemoryNonceStore(ttl=600, clock=clock)
    assert isinstance(store, NonceStore)
    assert store.consume("a") is True
    assert store.consume("a") is False
    clock.advance(599)
    assert store.consume("a") is False
    assert store.consume("b") is True
    clock.advance(1)
    assert store.consume("a") is True  # "a" expired exactly at its TTL; "b" is still live
    assert store.consume("b") is False
    assert len(store) == 2


def test_nonce_store_refuses_when_full_of_live_nonces() -> None:
    clock = FixedClock(NOW)
    store = MemoryNonceStore(ttl=60, max_entries=2, clock=clock)
    assert store.consume("a") and store.consume("b")
    assert store.consume("c") is False  # fail closed, never evict a live nonce
    clock.advance(61)
    assert store.consume("c") is True


@pytest.mark.parametrize("kw", [{"ttl": 0}, {"ttl": -1}, {"max_entries": 0}])
def test_nonce_store_arguments(kw: dict[str, Any]) -> None:
    with pytest.raises(UsageError):
        MemoryNonceStore(**kw)


# --- vct extends chains ----------------------------------------------------------------------------


def test_vct_chain_follows_extends_to_the_root() -> None:
    metadata = {
        "urn:th:citizen:v2": {"vct": "urn:th:citizen:v2", "extends": "urn:th:citizen"},
        "urn:th:citizen": {"vct": "urn:th:citizen", "extends": "urn:eudi:pid:1"},
        "urn:eudi:pid:1": {"vct": "urn:eudi:pid:1"},
    }
    assert require_vct_chain("urn:th:citizen:v2", metadata.get) == [
        "urn:th:citizen:v2",
        "urn:th:citizen",
        "urn:eudi:pid:1",
    ]


@pytest.mark.parametrize(
    "metadata",
    [
        {},  # no metadata for the vct
        {"urn:a": {"vct": "urn:a", "extends": "urn:missing"}},
        {"urn:a": {"vct": "urn:b"}},  # metadata about another type
        {"urn:a": {"vct": "urn:a", "extends": 42}},
        {"urn:a": {"vct": "urn:a", "extends": ""}},
        {"urn:a": "not an object"},
    ],
)
def test_vct_chain_invalid(metadata: dict[str, Any]) -> None:
    assert _code(lambda: require_vct_chain("urn:a", metadata.get)) == "sdjwt.vct_invalid"


def test_vct_chain_too_long() -> None:
    metadata = {f"urn:t{i}": {"vct": f"urn:t{i}", "extends": f"urn:t{i + 1}"} for i in range(40)}
    assert _code(lambda: require_vct_chain("urn:t0", metadata.get)) == "sdjwt.vct_invalid"


def test_vct_lookup_errors_pass_through() -> None:
    def down(vct: str) -> dict[str, Any]:
        raise Indeterminate("registry.unavailable", "metadata host down")

    assert _code(lambda: require_vct_chain("urn:a", down)) == "registry.unavailable"


@pytest.mark.parametrize("vct", ["", 7, None])
def test_vct_must_be_a_string(vct: Any) -> None:
    empty: dict[str, dict[str, Any]] = {}
    assert _code(lambda: require_vct_chain(vct, empty.get)) == "sdjwt.vct_invalid"


# --- JWT VC Issuer Metadata ------------------------------------------------------------------------


def test_issuer_metadata_url_inserts_the_well_known_segment() -> None:
    assert issuer_metadata_url("https://registrar.example.go.th") == (
        "https://registrar.example.go.th/.well-known/jwt-vc-issuer"
    )
    assert issuer_metadata_url("https://example.go.th/tenant/1") == (
        "https://example.go.th/.well-known/jwt-vc-issuer/tenant/1"
    )


@pytest.mark.parametrize("iss", ["http://example.go.th", "https://example.go.th?x=1", "did:web:example.go.th", ""])
def test_issuer_metadata_url_needs_https(iss: str) -> None:
    with pytest.raises(UsageError):
        issuer_metadata_url(iss)


def test_issuer_metadata_with_jwks_uri_uses_only_the_callers_fetcher() -> None:
    fetched: list[str] = []

    def fetch(url: str) -> Any:
        fetched.append(url)
        return JWKS

    metadata = {"issuer": ISS, "jwks_uri": ISS + "/jwks.json"}
    assert require_issuer_metadata(metadata, ISS, fetch_jwks=fetch) == JWKS
    assert fetched == [ISS + "/jwks.json"]
    with pytest.raises(UsageError):
        require_issuer_metadata(metadata, ISS)


@pytest.mark.parametrize(
    ("metadata", "code"),
    [
        ({"issuer": ISS}, "sdjwt.malformed"),  # neither jwks nor jwks_uri
        ({"issuer": ISS, "jwks": JWKS, "jwks_uri": ISS + "/jwks.json"}, "sdjwt.malformed"),
        ({"issuer": ISS, "jwks_uri": "http://registrar.example.go.th/jwks.json"}, "sdjwt.malformed"),
        ({"issuer": ISS, "jwks": {"keys": []}}, "sdjwt.malformed"),
        ({"issuer": ISS, "jwks": {"keys": [{"kty": "EC", "d": "secret"}]}}, "key.invalid"),
        ({"issuer": ISS, "jwks": {"keys": ["not a jwk"]}}, "key.invalid"),
        ({"jwks": JWKS}, "vc.issuer_mismatch"),
        ("not an object", "sdjwt.malformed"),
    ],
)
def test_issuer_metadata_invalid(metadata: Any, code: str) -> None:
    assert _code(lambda: require_issuer_metadata(metadata, ISS)) == code


# --- verify_sd_jwt argument checks -----------------------------------------------------------------


@pytest.mark.parametrize(
    "kw",
    [
        {"accepted_typ": frozenset()},
        {"accepted_typ": frozenset({"JWT"})},
        {"accepted_typ": frozenset({"vc+jwt"})},
        {"leeway": 301},
        {"leeway": -1},
        {"max_kb_age": 0},
        {"require_kb": True},  # no nonce expectation
    ],
)
def test_verify_usage_errors(issuer: TestSigner, verify: Callable[..., Any], kw: dict[str, Any]) -> None:
    sd_jwt = issue_sd_jwt(base_claims(), disclosable=[], signer=issuer)
    with pytest.raises(UsageError) as info:
        verify(sd_jwt, **kw)
    assert info.value.code == "usage.invalid_argument"


def test_resolver_errors_pass_through(issuer: TestSigner, verify: Callable[..., Any]) -> None:
    sd_jwt = issue_sd_jwt(base_claims(), disclosable=[], signer=issuer)

    def unavailable(header: dict[str, Any], payload: dict[str, Any]) -> Any:
        raise Indeterminate("did.resolver_unavailable", "no resolver for this issuer")

    with pytest.raises(Indeterminate) as info:
        verify(sd_jwt, issuer_key_resolver=unavailable)
    assert info.value.code == "did.resolver_unavailable"


def test_bytes_input(issuer: TestSigner, verify: Callable[..., Any]) -> None:
    sd_jwt = issue_sd_jwt(base_claims(), disclosable=["/birthdate"], signer=issuer)
    assert verify(sd_jwt.encode("ascii")).disclosed == ["/birthdate"]
    with pytest.raises(InputError) as info:
        verify(sd_jwt.encode("ascii") + "ก".encode())
    assert info.value.code == "sdjwt.malformed"


# --- report form and the holder's receipt check ----------------------------------------------------


def test_check_sd_jwt_reports_success_with_disclosed_pointers(issuer: TestSigner, resolver: Any) -> None:
    from thaivc.sdjwt import check_sd_jwt

    sd_jwt = issue_sd_jwt(base_claims(), disclosable=["/birthdate", "/given_name"], signer=issuer)
    report = check_sd_jwt(sd_jwt, issuer_key_resolver=resolver, now=NOW, require_kb=False)
    assert report.ok
    assert report.details["disclosed"] == ["/birthdate", "/given_name"]
    assert report.document is not None and report.document["birthdate"] == "1990-05-17"
    assert [c.name for c in report.checks if c.status == "pass"] == [
        "parse",
        "signature",
        "time",
        "disclosures",
        "required_claims",
    ]
    key_binding = report.check("key_binding")
    assert key_binding is not None and key_binding.status == "skip"


@pytest.mark.parametrize(
    ("mutate", "step", "code"),
    [
        (lambda s: s + "WyJzYWx0c2FsdHNhbHRzYWx0c2FsdCIsICJ4IiwgMV0~", "disclosures", "sdjwt.disclosure_unreferenced"),
        (lambda s: s.replace(".", "..", 1), "parse", "jose.malformed"),
        (lambda s: s, "key_binding", "sdjwt.kb_required"),
    ],
)
def test_check_sd_jwt_reports_the_failing_step(
    issuer: TestSigner, resolver: Any, mutate: Callable[[str], str], step: str, code: str
) -> None:
    from thaivc.sdjwt import check_sd_jwt

    sd_jwt = issue_sd_jwt(base_claims(), disclosable=["/birthdate"], signer=issuer)
    require_kb = code == "sdjwt.kb_required"
    report = check_sd_jwt(
        mutate(sd_jwt), issuer_key_resolver=resolver, now=NOW, require_kb=require_kb, expected_nonce="n"
    )
    assert report.status == "failed"
    assert report.document is None
    assert report.codes == [code]
    failed = report.check(step)
    assert failed is not None and failed.code == code


def test_check_sd_jwt_never_raises_on_internal_errors(issuer: TestSigner) -> None:
    from thaivc.sdjwt import check_sd_jwt

    def broken(header: dict[str, Any], payload: dict[str, Any]) -> Any:
        raise RuntimeError("bug in a resolver")

    sd_jwt = issue_sd_jwt(base_claims(), disclosable=[], signer=issuer)
    report = check_sd_jwt(sd_jwt, issuer_key_resolver=broken, now=NOW, require_kb=False)
    assert report.codes == ["internal.error"]


def test_receive_sd_jwt(issuer: TestSigner, holder: TestSigner, resolver: Any, backend: str) -> None:
    from thaivc.sdjwt import present_sd_jwt, receive_sd_jwt

    from .conftest import load_jwk

    sd_jwt = issue_sd_jwt(base_claims(), disclosable=["/birthdate"], signer=issuer, holder_jwk=holder.public_jwk)
    assert receive_sd_jwt(sd_jwt, issuer_key_resolver=resolver, now=NOW).disclosed == ["/birthdate"]
    with_kb = present_sd_jwt(sd_jwt, disclose=[], holder_signer=holder, nonce="n", aud="a", iat=NOW)
    kw: dict[str, Any] = {"holder_key_loader": load_jwk} if backend == "seam" else {}
    assert _code(lambda: receive_sd_jwt(with_kb, issuer_key_resolver=resolver, now=NOW, **kw)) == "sdjwt.malformed"
