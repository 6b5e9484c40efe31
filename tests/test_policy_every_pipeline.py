"""A policy the caller set applies to every securing format, or refuses: never silently skipped.

Each test is parametrised over the pipelines a :class:`thaivc.Policy` field concerns: a flag one pipeline forgot used to let a
credential of that format through unchecked (VC 1.1 JWTs skipped ``schema`` and ``related``; an
SD-JWT+KB checked with a domain but without a challenge was not refused for the challenge, nor
without a domain under ``require_domain``; an SD-JWT ignored ``allowed_algs``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

import thaivc
from thaivc.core.b64 import b64url_encode
from thaivc.keys import PrivateKey

CLOCK = thaivc.FixedClock.at("2026-01-15T00:00:00Z")
DOMAIN = "https://rd.go.th"
V1 = "https://www.w3.org/2018/credentials/v1"
V2 = "https://www.w3.org/ns/credentials/v2"
UNKNOWN_SCHEMA = {"id": "https://schemas.example/unknown.json", "type": "JsonSchema"}
#: a relatedResource the verifier holds (a bundled context) with a digest that does not match it
BAD_DIGEST = [{"id": V2, "digestSRI": "sha384-" + "A" * 64}]
#: one the verifier does not hold: never fetched, so unchecked
UNREACHABLE = [{"id": "https://related.example/terms.json", "digestSRI": "sha384-" + "A" * 64}]


def _sign_raw(key: PrivateKey, header: dict[str, Any], payload: dict[str, Any]) -> str:
    def seg(value: dict[str, Any]) -> str:
        return b64url_encode(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())

    signing_input = seg(header) + "." + seg(payload)
    return signing_input + "." + b64url_encode(key.sign(signing_input.encode("ascii")))


Make = Callable[[dict[str, Any]], Any]


@pytest.fixture(scope="module")
def parties() -> tuple[PrivateKey, PrivateKey]:
    return thaivc.generate_key("Ed25519"), thaivc.generate_key("P-256")


@pytest.fixture(scope="module")
def credential_makers(parties: tuple[PrivateKey, PrivateKey]) -> dict[str, Make]:
    """Per credential format: the members given, added to a credential otherwise valid, signed."""
    agency, wallet = parties
    issuer = thaivc.Issuer(agency, clock=CLOCK)
    plain = {
        "@context": [V2],
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": wallet.did, "name": "สมหญิง ใจดี"},
    }

    def vc11(extra: dict[str, Any]) -> str:
        payload = {
            "iss": agency.did,
            "sub": wallet.did,
            "nbf": 1767225600,
            "vc": {"@context": [V1], "type": ["VerifiableCredential"], "credentialSubject": {"name": "สมหญิง"}, **extra},
        }
        return _sign_raw(agency, {"alg": agency.alg, "typ": "JWT", "kid": agency.kid}, payload)

    return {
        "vc+jwt": lambda extra: issuer.issue({**plain, **extra}, format="vc+jwt"),
        "dc+sd-jwt": lambda extra: issuer.issue({**plain, **extra}, format="dc+sd-jwt", disclosable=[]),
        "di": lambda extra: issuer.issue({**plain, **extra}, format="di", cryptosuite="eddsa-jcs-2022"),
        "jwt_vc_json": vc11,
    }


def _verifier(**policy: Any) -> thaivc.Verifier:
    return thaivc.Verifier(thaivc.Policy(accept_vcdm11_jwt=True, require_key_binding=False, **policy), clock=CLOCK)


CREDENTIAL_FORMATS = ["vc+jwt", "dc+sd-jwt", "di", "jwt_vc_json"]


@pytest.mark.parametrize("fmt", CREDENTIAL_FORMATS)
def test_each_credential_format_verifies_plainly(credential_makers: dict[str, Make], fmt: str) -> None:
    """The baseline the refusals below are measured against: the same credential, no policy flag."""
    report = _verifier().check(credential_makers[fmt]({}))
    assert report.ok, report.to_json()


@pytest.mark.parametrize("fmt", CREDENTIAL_FORMATS)
def test_require_known_schema_applies_to_every_format(credential_makers: dict[str, Make], fmt: str) -> None:
    token = credential_makers[fmt]({"credentialSchema": UNKNOWN_SCHEMA})
    lenient = _verifier().check(token)
    assert lenient.ok and any(c.name == "schema" and c.status == "skip" for c in lenient.checks), lenient.to_json()
    strict = _verifier(require_known_schema=True).check(token)
    assert strict.status == "indeterminate" and "schema.unavailable" in strict.codes, strict.to_json()


@pytest.mark.parametrize("fmt", CREDENTIAL_FORMATS)
def test_related_resources_are_checked_in_every_format(credential_makers: dict[str, Make], fmt: str) -> None:
    mismatch = _verifier().check(credential_makers[fmt]({"relatedResource": BAD_DIGEST}))
    assert mismatch.status == "failed" and "vc.related_resource_mismatch" in mismatch.codes, mismatch.to_json()
    unreachable = credential_makers[fmt]({"relatedResource": UNREACHABLE})
    assert _verifier().check(unreachable).ok
    strict = _verifier(require_related_resources=True).check(unreachable)
    assert strict.status == "indeterminate" and "vc.related_resource_unchecked" in strict.codes, strict.to_json()


STATUS = {
    "id": "https://status.example/1#5",
    "type": "BitstringStatusListEntry",
    "statusPurpose": "revocation",
    "statusListIndex": "5",
    "statusListCredential": "https://status.example/1",
}


@pytest.mark.parametrize("fmt", CREDENTIAL_FORMATS)
def test_require_status_check_applies_to_every_format(credential_makers: dict[str, Make], fmt: str) -> None:
    """No status checker configured: a credential with a status entry is undecided unless policy says not to check."""
    token = credential_makers[fmt]({"credentialStatus": STATUS})
    strict = _verifier().check(token)
    assert strict.status == "indeterminate" and "status.not_checked" in strict.codes, strict.to_json()
    assert _verifier(require_status_check=False).check(token).ok


@pytest.mark.parametrize("fmt", ["vc+jwt", "dc+sd-jwt", "jwt_vc_json"])
def test_allowed_algs_applies_to_every_jose_format(credential_makers: dict[str, Make], fmt: str) -> None:
    """The issuer signs with EdDSA; a verifier that allows only ES256 refuses, whatever the format."""
    report = _verifier(allowed_algs=frozenset({"ES256"})).check(credential_makers[fmt]({}))
    assert report.status == "failed" and "jose.alg_not_allowed" in report.codes, report.to_json()


# -- presentations --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def presenters(parties: tuple[PrivateKey, PrivateKey], credential_makers: dict[str, Make]) -> dict[str, Any]:
    """Per presentation format: (challenge, domain) -> a presentation answering them."""
    wallet = parties[1]
    holder = thaivc.Holder(wallet, clock=CLOCK)
    jwt, sd, di = (credential_makers[f]({}) for f in ("vc+jwt", "dc+sd-jwt", "di"))
    vc11 = credential_makers["jwt_vc_json"]({})

    def vp11(challenge: str | None, domain: str | None) -> str:
        payload: dict[str, Any] = {
            "iss": wallet.did,
            "iat": 1767225600,
            "vp": {"@context": [V1], "type": ["VerifiablePresentation"], "verifiableCredential": [vc11]},
        }
        if challenge is not None:
            payload["nonce"] = challenge
        if domain is not None:
            payload["aud"] = domain
        return _sign_raw(wallet, {"alg": wallet.alg, "typ": "JWT", "kid": wallet.kid}, payload)

    return {
        "vp+jwt": lambda c, d: holder.present([jwt], challenge=c, domain=d),
        "dc+sd-jwt": lambda c, d: holder.present([sd], format="dc+sd-jwt", disclose=[], challenge=c, domain=d),
        "di": lambda c, d: holder.present([di], format="di", challenge=c, domain=d),
        "jwt_vp_json": vp11,
    }


PRESENTATION_FORMATS = ["vp+jwt", "dc+sd-jwt", "di", "jwt_vp_json"]


@pytest.mark.parametrize("fmt", PRESENTATION_FORMATS)
def test_a_domain_without_a_challenge_is_refused_in_every_format(presenters: dict[str, Any], fmt: str) -> None:
    """Issue 2 of S16: the SD-JWT pipeline checked the KB-JWT's aud and let the missing challenge
    pass (under ``require_key_binding=False``), while every other presentation format refused it.
    The challenge the presentation answered is not spent by the refused check."""
    verifier = _verifier()
    challenge = verifier.new_challenge()
    presentation = presenters[fmt](challenge, DOMAIN)
    unasked = verifier.check(presentation, domain=DOMAIN)
    assert unasked.status == "failed" and "vp.challenge_missing" in unasked.codes, unasked.to_json()
    login = verifier.check(presentation, challenge=challenge, domain=DOMAIN)
    assert login.ok, login.to_json()


@pytest.mark.parametrize("fmt", PRESENTATION_FORMATS)
def test_require_domain_applies_to_every_presentation_format(presenters: dict[str, Any], fmt: str) -> None:
    verifier = _verifier(require_domain=True)
    challenge = verifier.new_challenge()
    report = verifier.check(presenters[fmt](challenge, DOMAIN), challenge=challenge)
    assert report.status == "failed", report.to_json()
    assert {"vp.domain_mismatch", "di.domain_mismatch"} & set(report.codes), report.to_json()


@pytest.mark.parametrize("fmt", PRESENTATION_FORMATS)
def test_require_challenge_applies_to_every_presentation_format(presenters: dict[str, Any], fmt: str) -> None:
    verifier = _verifier()
    challenge = verifier.new_challenge()
    report = verifier.check(presenters[fmt](challenge, DOMAIN))
    assert report.status == "failed" and "vp.challenge_missing" in report.codes, report.to_json()
    relaxed = _verifier(require_challenge=False).check(presenters[fmt](challenge, DOMAIN), domain=DOMAIN)
    assert relaxed.ok, relaxed.to_json()


# -- time: Policy.leeway and the clock judge every validity member a format defines ---------------


@pytest.mark.parametrize(
    ("member", "code"),
    [
        ({"expirationDate": "2020-01-01T00:00:00Z"}, "time.expired"),
        ({"issuanceDate": "2030-01-01T00:00:00Z"}, "time.not_yet_valid"),
    ],
)
def test_vc11_validity_members_are_judged_without_jwt_claims(
    parties: tuple[PrivateKey, PrivateKey], member: dict[str, str], code: str
) -> None:
    """A VC 1.1 JWT may carry ``expirationDate``/``issuanceDate`` in ``vc`` without ``exp``/``nbf``:
    the pipeline judged only the JWT claims, so an expired (or not yet valid) credential verified."""
    agency = parties[0]
    vc = {"@context": [V1], "type": ["VerifiableCredential"], "credentialSubject": {"name": "สมหญิง"}, **member}
    token = _sign_raw(agency, {"alg": agency.alg, "typ": "JWT", "kid": agency.kid}, {"iss": agency.did, "vc": vc})
    report = _verifier().check(token)
    assert report.status == "failed" and code in report.codes, report.to_json()
    lenient = _verifier(leeway=300).check(token)
    assert lenient.status == "failed", lenient.to_json()
