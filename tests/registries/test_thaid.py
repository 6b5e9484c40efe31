"""ThaID ID-token verification and claims → citizen credential, with an in-memory JWKS fetcher."""

from __future__ import annotations

import json
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

import thaivc
from thaivc.core.b64 import b64url_decode, b64url_encode
from thaivc.core.clock import FixedClock
from thaivc.core.errors import Indeterminate, InputError, ThaiVCError, UsageError
from thaivc.credentials import CitizenPerson, citizen_credential
from thaivc.registries.thaid import (
    THAID_ISSUER,
    FetchResult,
    ThaidConfig,
    ThaidVerifier,
    merge_userinfo,
    thaid_credential,
    thaid_identity,
)
from thaivc.testing.plugin import seeded_key

NOW = 1780272000
CLIENT = "rp-client-123"
JWKS_URI = "https://imauth.bora.dopa.go.th/jwks"
NONCE = "n-0S6_WzA2Mj"

RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_RSA = rsa.generate_private_key(public_exponent=65537, key_size=2048)
WEAK_RSA = rsa.generate_private_key(public_exponent=65537, key_size=1024)
EC_KEY = ec.generate_private_key(ec.SECP256R1())
ED_KEY = ed25519.Ed25519PrivateKey.generate()


def jwk_of(private: Any, kid: str, alg: str) -> dict[str, Any]:
    algorithm = {"RS256": jwt.algorithms.RSAAlgorithm, "ES256": jwt.algorithms.ECAlgorithm}.get(alg)
    if algorithm is None:
        public = jwt.algorithms.OKPAlgorithm.to_jwk(private.public_key(), as_dict=True)
    else:
        public = algorithm.to_jwk(private.public_key(), as_dict=True)
    return {**public, "kid": kid, "use": "sig", "alg": alg}


class MemoryFetcher:
    """Answers from a dict; an Exception value is raised. Records every URL fetched."""

    def __init__(self, answers: dict[str, FetchResult | Exception]) -> None:
        self.answers = answers
        self.calls: list[str] = []

    def fetch(self, url: str, *, max_bytes: int, timeout: float, accept: str | None = None) -> FetchResult:
        self.calls.append(url)
        answer = self.answers[url]
        if isinstance(answer, Exception):
            raise answer
        return answer


def jwks_answer(*keys: dict[str, Any], max_age: int | None = None) -> FetchResult:
    return FetchResult(JWKS_URI, 200, json.dumps({"keys": list(keys)}).encode(), "application/json", max_age)


def claims(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "iss": THAID_ISSUER,
        "aud": CLIENT,
        "sub": "thaid-sub-0001",
        "iat": NOW - 60,
        "exp": NOW + 600,
        "nonce": NONCE,
        "pid": "1999900001010",
        "title": "นาย",
        "given_name": "สมชาย",
        "family_name": "ใจดี",
        "title_en": "Mr.",
        "given_name_en": "Somchai",
        "family_name_en": "Jaidee",
        "birthdate": "1995-08-12",
        "ial": "2.3",
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def token(payload: dict[str, Any], key: Any = RSA_KEY, alg: str = "RS256", **headers: Any) -> str:
    return jwt.encode(payload, key, algorithm=alg, headers={"kid": "k1", **headers})


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(float(NOW))


@pytest.fixture
def fetcher() -> MemoryFetcher:
    return MemoryFetcher({JWKS_URI: jwks_answer(jwk_of(RSA_KEY, "k1", "RS256"))})


@pytest.fixture
def verifier(fetcher: MemoryFetcher, clock: FixedClock) -> ThaidVerifier:
    return ThaidVerifier(ThaidConfig(client_id=CLIENT, jwks_uri=JWKS_URI), fetcher=fetcher, clock=clock)


def code_of(verifier: ThaidVerifier, tok: str, nonce: str = NONCE) -> str:
    with pytest.raises(ThaiVCError) as err:
        verifier.verify_id_token(tok, nonce=nonce)
    return err.value.code


def test_valid_token_yields_claims_and_a_citizen_credential(verifier: ThaidVerifier, clock: FixedClock) -> None:
    verified = verifier.verify_id_token(token(claims()), nonce=NONCE)
    assert verified["pid"] == "1999900001010"
    identity = thaid_identity(verified)
    assert identity.citizen_id == "1999900001010"
    assert (identity.name.given_th, identity.name.family_en) == ("สมชาย", "Jaidee")
    assert str(identity.ial) == "2.3"
    assert [e.type for e in identity.evidence.items] == ["thaid_login"]
    wallet = seeded_key("thaid-wallet")
    doc = thaid_credential(verified, wallet.did)
    assert doc == citizen_credential(
        wallet.did,
        CitizenPerson(identity.citizen_id, identity.name, identity.birth_date, identity.address),
        ial=identity.ial,
        evidence=identity.evidence,
    )
    agency = thaivc.Issuer(seeded_key("thaid-agency"), clock=clock)
    report = thaivc.Verifier(clock=clock).check(agency.issue(doc))
    assert report.ok, report.to_json()
    assert report.document is not None and report.document["evidence"][0]["type"] == "thaid_login"
    assert report.document["credentialSubject"]["birthDate"] == "1995-08-12"


def test_wrong_key_is_a_bad_signature(verifier: ThaidVerifier) -> None:
    assert code_of(verifier, token(claims(), key=OTHER_RSA)) == "crypto.bad_signature"


def test_tampered_payload_is_a_bad_signature(verifier: ThaidVerifier) -> None:
    head, body, sig = token(claims()).split(".")
    payload = json.loads(b64url_decode(body))
    payload["pid"] = "3999900001041"
    forged = ".".join([head, b64url_encode(json.dumps(payload).encode()), sig])
    assert code_of(verifier, forged) == "crypto.bad_signature"


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"iss": "https://evil.example"}, "registry.issuer_mismatch"),
        ({"iss": None}, "registry.issuer_mismatch"),
        ({"aud": "someone-else"}, "claims.audience_mismatch"),
        ({"aud": [CLIENT, "other"]}, "claims.audience_mismatch"),
        ({"nonce": "another-login"}, "registry.nonce_mismatch"),
        ({"nonce": None}, "registry.nonce_mismatch"),
        ({"exp": NOW - 301}, "time.expired"),
        ({"iat": NOW + 301}, "time.not_yet_valid"),
        ({"nbf": NOW + 301}, "time.not_yet_valid"),
        ({"iat": NOW - 3600 - 301, "exp": NOW + 60}, "time.expired"),
        ({"exp": None}, "claims.malformed"),
        ({"exp": "tomorrow"}, "claims.malformed"),
        ({"sub": None}, "claims.malformed"),
    ],
)
def test_claim_checks(verifier: ThaidVerifier, overrides: dict[str, Any], code: str) -> None:
    assert code_of(verifier, token(claims(**overrides))) == code


def test_leeway_accepts_small_skew(verifier: ThaidVerifier) -> None:
    assert verifier.verify_id_token(token(claims(exp=NOW - 200, iat=NOW + 200)), nonce=NONCE)["sub"]


def test_several_audiences_with_azp(verifier: ThaidVerifier) -> None:
    assert verifier.verify_id_token(token(claims(aud=[CLIENT, "other"], azp=CLIENT)), nonce=NONCE)


def test_nonce_is_required_by_the_api(verifier: ThaidVerifier) -> None:
    with pytest.raises(UsageError):
        verifier.verify_id_token(token(claims()), nonce="")


@pytest.mark.parametrize("alg", ["HS256", "none", "ES256", "PS256"])
def test_unconfigured_algorithms_are_refused(verifier: ThaidVerifier, alg: str) -> None:
    header = b64url_encode(json.dumps({"alg": alg, "kid": "k1"}).encode())
    body = b64url_encode(json.dumps(claims()).encode())
    assert code_of(verifier, f"{header}.{body}.c2ln") == "jose.alg_not_allowed"


@pytest.mark.parametrize(("alg", "private"), [("ES256", EC_KEY), ("EdDSA", ED_KEY)])
def test_other_algorithms_by_configuration(alg: str, private: Any, clock: FixedClock) -> None:
    fetcher = MemoryFetcher({JWKS_URI: jwks_answer(jwk_of(private, "k1", alg))})
    config = ThaidConfig(client_id=CLIENT, jwks_uri=JWKS_URI, algorithms=("RS256", alg))
    verifier = ThaidVerifier(config, fetcher=fetcher, clock=clock)
    assert verifier.verify_id_token(token(claims(), key=private, alg=alg), nonce=NONCE)["pid"]


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
def test_weak_rsa_key_is_refused(clock: FixedClock) -> None:
    fetcher = MemoryFetcher({JWKS_URI: jwks_answer(jwk_of(WEAK_RSA, "k1", "RS256"))})
    verifier = ThaidVerifier(ThaidConfig(client_id=CLIENT, jwks_uri=JWKS_URI), fetcher=fetcher, clock=clock)
    assert code_of(verifier, token(claims(), key=WEAK_RSA)) == "key.invalid"


def test_private_key_in_the_jwks_is_refused(clock: FixedClock) -> None:
    private = {**jwt.algorithms.RSAAlgorithm.to_jwk(RSA_KEY, as_dict=True), "kid": "k1", "use": "sig", "alg": "RS256"}
    fetcher = MemoryFetcher({JWKS_URI: jwks_answer(private)})
    verifier = ThaidVerifier(ThaidConfig(client_id=CLIENT, jwks_uri=JWKS_URI), fetcher=fetcher, clock=clock)
    assert code_of(verifier, token(claims())) == "key.invalid"


def test_loopback_jwks_uri_is_allowed_for_tests() -> None:
    assert ThaidConfig(client_id=CLIENT, jwks_uri="http://127.0.0.1:8080/jwks").jwks_uri.startswith("http://")


def test_key_in_the_header_is_refused(verifier: ThaidVerifier) -> None:
    tok = token(claims(), jwk=jwk_of(OTHER_RSA, "k1", "RS256"))
    assert code_of(verifier, tok) == "jose.untrusted_key_source"


def test_duplicate_claims_are_refused(verifier: ThaidVerifier) -> None:
    head, _, _ = token(claims()).split(".")
    text = json.dumps(claims())[:-1] + ', "pid": "3999900001041"}'
    body = b64url_encode(text.encode())
    assert code_of(verifier, f"{head}.{body}.c2ln") == "jose.malformed"


@pytest.mark.parametrize(
    "tok", ["", "a.b", "a..c", "x" * 20000, "e30.e30.e30.e30", "0.0.0", "e30=.e30.c2ln", "W10.e30.c2ln"]
)
def test_malformed_tokens(verifier: ThaidVerifier, tok: str) -> None:
    assert code_of(verifier, tok) == "jose.malformed"


def test_unknown_kid_refetches_at_most_once_a_minute(
    verifier: ThaidVerifier, fetcher: MemoryFetcher, clock: FixedClock
) -> None:
    verifier.verify_id_token(token(claims()), nonce=NONCE)
    clock.advance(61)
    for _ in range(5):
        assert code_of(verifier, token(claims(), kid="k9")) == "key.not_found"
    assert len(fetcher.calls) == 2  # the first fetch, then one refresh for the unknown kid


def test_key_rotation_is_picked_up(fetcher: MemoryFetcher, verifier: ThaidVerifier, clock: FixedClock) -> None:
    verifier.verify_id_token(token(claims()), nonce=NONCE)
    clock.advance(61)
    fetcher.answers[JWKS_URI] = jwks_answer(jwk_of(RSA_KEY, "k1", "RS256"), jwk_of(OTHER_RSA, "k2", "RS256"))
    assert verifier.verify_id_token(token(claims(), key=OTHER_RSA, kid="k2"), nonce=NONCE)
    assert len(fetcher.calls) == 2


def test_jwks_is_cached_for_max_age(clock: FixedClock) -> None:
    fetcher = MemoryFetcher({JWKS_URI: jwks_answer(jwk_of(RSA_KEY, "k1", "RS256"), max_age=600)})
    verifier = ThaidVerifier(ThaidConfig(client_id=CLIENT, jwks_uri=JWKS_URI), fetcher=fetcher, clock=clock)
    verifier.verify_id_token(token(claims()), nonce=NONCE)
    verifier.verify_id_token(token(claims()), nonce=NONCE)
    assert len(fetcher.calls) == 1
    clock.advance(601)
    verifier.verify_id_token(token(claims(iat=NOW + 500, exp=NOW + 1200)), nonce=NONCE)
    assert len(fetcher.calls) == 2


@pytest.mark.parametrize(
    "answer",
    [
        OSError("connection refused"),
        Indeterminate("registry.unavailable", "deadline"),
        FetchResult(JWKS_URI, 503, b"", "text/plain"),
        FetchResult(JWKS_URI, 200, b"<html>", "text/html"),
        FetchResult(JWKS_URI, 200, b'{"keys": [', "application/json"),
        FetchResult(JWKS_URI, 200, b'{"keys": {}}', "application/json"),
        FetchResult(JWKS_URI, 200, b'{"keys": [], "keys": []}', "application/json"),
    ],
    ids=["raises", "typed", "503", "html", "truncated", "not-a-list", "duplicate"],
)
def test_jwks_failure_is_indeterminate(answer: FetchResult | Exception, clock: FixedClock) -> None:
    fetcher = MemoryFetcher({JWKS_URI: answer})
    verifier = ThaidVerifier(ThaidConfig(client_id=CLIENT, jwks_uri=JWKS_URI), fetcher=fetcher, clock=clock)
    with pytest.raises(Indeterminate) as err:
        verifier.verify_id_token(token(claims()), nonce=NONCE)
    assert err.value.code == "registry.unavailable"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"algorithms": ("HS256",)},
        {"algorithms": ()},
        {"jwks_uri": "http://imauth.example/jwks"},
        {"jwks_uri": "http://127.0.0.1.evil.example/jwks"},
        {"jwks_uri": "https://user:pw@imauth.example/jwks"},
        {"client_id": ""},
        {"timeout": 0},
    ],
)
def test_config_is_validated(kwargs: dict[str, Any]) -> None:
    base: dict[str, Any] = {"client_id": CLIENT, "jwks_uri": JWKS_URI}
    with pytest.raises(UsageError):
        ThaidConfig(**{**base, **kwargs})


# -- claims ------------------------------------------------------------------------------------


def test_userinfo_must_be_about_the_same_subject() -> None:
    merged = merge_userinfo(claims(), {"sub": "thaid-sub-0001", "address": "1 ถนนราชดำเนิน", "pid": "3999900001041"})
    assert merged["address"] == "1 ถนนราชดำเนิน"
    assert merged["pid"] == "1999900001010"  # the signed claim wins
    with pytest.raises(InputError) as err:
        merge_userinfo(claims(), {"sub": "someone-else"})
    assert err.value.code == "registry.subject_mismatch"


@pytest.mark.parametrize(
    ("birthdate", "iso"),
    [("1995-08-12", "1995-08-12"), ("2538-08-12", "1995-08-12"), ("25380812", "1995-08-12"), ("1995", "1995")],
)
def test_birthdate_forms(birthdate: str, iso: str) -> None:
    identity = thaid_identity(claims(birthdate=birthdate))
    value = identity.birth_date
    assert (value if isinstance(value, str) else value.iso()) == iso


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"pid": "1999900001011"}, "thai.id_invalid"),
        ({"pid": None}, "thai.id_invalid"),
        ({"given_name": None}, "thai.name_invalid"),
        ({"family_name": 7}, "thai.name_invalid"),
        ({"birthdate": "12/08/1995"}, "thai.date_invalid"),
        ({"birthdate": "1995-02-30"}, "thai.date_invalid"),
        ({"address": 5}, "thai.address_invalid"),
    ],
)
def test_bad_claims_are_refused(overrides: dict[str, Any], code: str) -> None:
    with pytest.raises(InputError) as err:
        thaid_identity(claims(**overrides))
    assert err.value.code == code


def test_reported_ial_caps_the_level() -> None:
    identity = thaid_identity(claims(ial="1.3"))
    assert str(identity.ial) == "1.3"
    assert identity.reported_ial == "1.3"
    assert str(thaid_identity(claims(ial=None)).ial) == "2.3"
    assert str(thaid_identity(claims(ial="weird")).ial) == "2.3"


def test_address_object_claim() -> None:
    identity = thaid_identity(
        claims(address={"formatted": "99/1 ถนนราชดำเนินกลาง กรุงเทพมหานคร 10200", "postal_code": "10200"})
    )
    assert identity.address is not None
    assert identity.address.postcode == "10200"
    assert identity.address.full_text is not None and identity.address.full_text.startswith("99/1")


# -- the fake provider ----------------------------------------------------------------------------


def test_fake_thaid_login_to_verified_credential(clock: FixedClock) -> None:
    from thaivc.registries.thaid import FakeThaid

    fake = FakeThaid(clock=clock)
    verifier = ThaidVerifier(fake.config(), fetcher=fake, clock=clock)
    claims_ = verifier.verify_id_token(fake.login("8999900001033", nonce=NONCE), nonce=NONCE)
    assert claims_["middle_name"] == "ไมเคิล"
    wallet = seeded_key("fake-thaid-wallet")
    doc = thaid_credential(claims_, wallet.did)
    assert doc["credentialSubject"]["middleNameTh"] == "ไมเคิล"
    assert doc["credentialSubject"]["birthDate"] == "1969-07-04"
    agency = thaivc.Issuer(seeded_key("fake-thaid-agency"), clock=clock)
    assert thaivc.Verifier(clock=clock).check(agency.issue(doc)).ok
    assert fake.fetches == 1


def test_fake_thaid_tokens_fail_like_real_ones(clock: FixedClock) -> None:
    from thaivc.registries.thaid import FakeThaid

    fake, other = FakeThaid(clock=clock), FakeThaid(clock=clock)
    verifier = ThaidVerifier(fake.config(), fetcher=fake, clock=clock)
    assert code_of(verifier, other.login("1999900001010", nonce=NONCE)) == "crypto.bad_signature"
    assert code_of(verifier, fake.login("1999900001010", nonce="old")) == "registry.nonce_mismatch"
    expired = fake.login("1999900001010", nonce=NONCE, lifetime=60)
    clock.advance(400)
    assert code_of(verifier, expired) == "time.expired"
    with pytest.raises(ThaiVCError) as err:
        fake.login("3999999999999", nonce=NONCE)
    assert err.value.code == "registry.not_found"
    assert fake.fetch("https://elsewhere.example/jwks", max_bytes=100, timeout=1).status == 404
