"""The one-pass SD-JWT verifier (``thaivc.sdjwt._fast``) accepts only what the strict path accepts.

Attacker's inputs first: forged issuer and KB signatures, a replayed or stale KB-JWT, a KB-JWT
moved to other disclosures or another verifier, oversized input, duplicated, injected and
plaintext-only disclosures, private, off-curve and out-of-field ``cnf`` keys. Each is verified with
the fast paths on and off: the outcome (the result, or the error's code and wording) must be the
same, and the one-pass verifier itself must *decline* every refused input (it never refuses).
Inputs the strict path accepts but the one pass does not prove (non-canonical JSON, ``sha-384``,
a ``cnf.jwk`` with ``alg``, bytes) must give the same result through the strict path. Last, a
seeded corpus of random mutations of an honest presentation, compared both ways.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
from collections.abc import Callable
from typing import Any

import pytest

import thaivc
from thaivc.core import fastpath
from thaivc.core.b64 import b64url_encode
from thaivc.core.errors import ThaiVCError
from thaivc.jose import sign_compact
from thaivc.sdjwt import MemoryNonceStore, verify_sd_jwt
from thaivc.sdjwt._disclosure import make_disclosure
from thaivc.sdjwt._fast import Binding, fast_verify

NOW = 1_780_000_000
NONCE = "n-0S6_WzA2Mj"
AUD = "https://rd.go.th"
AGENCY = thaivc.generate_key("P-256")
P256_P = 0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF
ACCEPTED = frozenset({"dc+sd-jwt", "vc+sd-jwt"})


def _resolver(header: dict[str, Any], payload: dict[str, Any]) -> Any:
    return AGENCY.public


def _disclosure(name: str | None, value: Any, salt: str = "c2FsdHNhbHQ", alg: str = "sha-256") -> tuple[str, str]:
    d = make_disclosure(getattr(hashlib, alg.replace("-", "")), salt, name, value)
    return d.encoded, d.digest


def build(
    *,
    wallet: thaivc.PrivateKey | None = None,
    kb_signer: thaivc.PrivateKey | None = None,
    jwk: dict[str, Any] | None = None,
    claims: dict[str, Any] | None = None,
    disclosures: list[tuple[str, str]] | None = None,
    kb: dict[str, Any] | None = None,
    kb_header: dict[str, Any] | None = None,
    alg: str = "sha-256",
    top: list[str] | None = None,
) -> str:
    """An honest SD-JWT+KB presentation, with any part replaced."""
    wallet = wallet or thaivc.generate_key("P-256")
    if disclosures is None:
        disclosures = [
            _disclosure("givenName", "สมหญิง", "c2FsdDE", alg),
            _disclosure("birthDate", "1995-08-12", "c2FsdDI", alg),
        ]
    payload: dict[str, Any] = {
        "iss": AGENCY.did,
        "vct": "ThaiCitizenCredential",
        "iat": NOW - 100,
        "exp": NOW + 10_000,
        "cnf": {"jwk": jwk if jwk is not None else wallet.public.jwk},
        "_sd": sorted(top if top is not None else [d for _, d in disclosures]),
        "_sd_alg": alg,
    }
    payload.update(claims or {})
    jwt = sign_compact({"typ": "dc+sd-jwt"}, payload, AGENCY)
    signed = jwt + "~" + "".join(e + "~" for e, _ in disclosures)
    digest = getattr(hashlib, alg.replace("-", ""))(signed.encode()).digest()
    kb_claims: dict[str, Any] = {"iat": NOW - 5, "aud": AUD, "nonce": NONCE, "sd_hash": b64url_encode(digest)}
    kb_claims.update(kb or {})
    kb_jwt = sign_compact({"typ": "kb+jwt", **(kb_header or {})}, kb_claims, kb_signer or wallet, include_kid=False)
    return signed + kb_jwt


def outcome(presented: Any, **options: Any) -> tuple[Any, ...]:
    kwargs: dict[str, Any] = {
        "issuer_key_resolver": _resolver,
        "now": NOW,
        "require_kb": True,
        "expected_nonce": NONCE,
        "expected_aud": AUD,
        "leeway": 60,
    }
    kwargs.update(options)
    try:
        r = verify_sd_jwt(presented, **kwargs)
    except ThaiVCError as err:
        return ("refused", err.code, err.detail)
    return ("accepted", r.payload, r.disclosed, r.header, r.holder_jwk, r.kb_payload, r.kb_header)


def both_ways(presented: Any, **options: Any) -> tuple[Any, ...]:
    fastpath.clear_all()
    fast = outcome(presented, **options)
    with fastpath.disabled():
        strict = outcome(presented, **options)
    assert fast == strict
    return fast


def one_pass(presented: Any, *, require_kb: bool = True) -> Any:
    binding = Binding(NOW, 60, 300, NONCE, AUD)
    return fast_verify(
        presented, _resolver, accepted_typ=ACCEPTED, allow_x5c=False, require_kb=require_kb, binding=binding
    )


def _forged_issuer_signature() -> str:
    p, other = build(), build()
    jwt, rest = p.split("~", 1)
    return jwt.rsplit(".", 1)[0] + "." + other.split("~", 1)[0].rsplit(".", 1)[1] + "~" + rest


def _other_disclosures() -> str:
    """A KB-JWT moved from one selection of the same credential to another (sd_hash mismatch)."""
    p = build()
    parts = p.split("~")
    return "~".join([parts[0], parts[1], parts[-1]])


def _point(x: int, y: int) -> dict[str, str]:
    return {
        "kty": "EC",
        "crv": "P-256",
        "x": b64url_encode(x.to_bytes(32, "big")),
        "y": b64url_encode(y.to_bytes(32, "big")),
    }


def _shadowing() -> str:
    enc, dig = _disclosure("status", {"id": "https://status.example/1#7"})
    return build(disclosures=[(enc, dig)])


REFUSED: dict[str, tuple[Callable[[], str], str]] = {
    "forged issuer signature": (_forged_issuer_signature, "crypto.bad_signature"),
    "KB-JWT signed by another key": (lambda: build(kb_signer=thaivc.generate_key("P-256")), "sdjwt.kb_invalid"),
    "replayed: another nonce": (lambda: build(kb={"nonce": "old"}), "sdjwt.kb_replay"),
    "another verifier": (lambda: build(kb={"aud": "https://evil.example"}), "sdjwt.kb_replay"),
    "stale KB-JWT": (lambda: build(kb={"iat": NOW - 301}), "sdjwt.kb_replay"),
    "KB-JWT from the future": (lambda: build(kb={"iat": NOW + 61}), "sdjwt.kb_replay"),
    "iat true": (lambda: build(kb={"iat": True}), "sdjwt.kb_invalid"),
    "iat text": (lambda: build(kb={"iat": "1780000000"}), "sdjwt.kb_invalid"),
    "sd_hash missing": (lambda: build(kb={"sd_hash": None}), "sdjwt.kb_invalid"),
    "mis-bound to other disclosures": (_other_disclosures, "sdjwt.sd_hash_mismatch"),
    "expired credential": (lambda: build(claims={"exp": NOW - 10_000}), "time.expired"),
    "no KB-JWT": (lambda: build().rsplit("~", 1)[0] + "~", "sdjwt.kb_required"),
    "oversized": (lambda: build(claims={"pad": "x" * 70_000}), "input.too_large"),
    "oversized disclosure": (lambda: build(disclosures=[_disclosure("n", "x" * 17_000)]), "input.too_large"),
    "duplicate disclosure": (
        lambda: build(disclosures=[_disclosure("givenName", "ก")] * 2),
        "sdjwt.duplicate_digest",
    ),
    "unreferenced disclosure": (
        lambda: build().replace("~", "~" + _disclosure("x", "injected")[0] + "~", 1),
        "sdjwt.disclosure_unreferenced",
    ),
    "plaintext-only claim disclosed": (_shadowing, "sdjwt.required_claim_missing"),
    "reserved name": (lambda: build(disclosures=[_disclosure("_sd", [])]), "sdjwt.disclosure_malformed"),
    "private cnf.jwk": (
        lambda: build(jwk={**thaivc.generate_key("P-256").public.jwk, "d": "AAAA"}),
        "sdjwt.kb_invalid",
    ),
    "off-curve cnf.jwk": (lambda: build(jwk=_point(1, 1)), "sdjwt.kb_invalid"),
    "cnf.jwk x past the field": (lambda: build(jwk=_point(P256_P + 1, 2)), "sdjwt.kb_invalid"),
    "KB-JWT alg not the cnf key's": (lambda: build(kb_signer=thaivc.generate_key("P-384")), "sdjwt.kb_invalid"),
    "md5 digests": (lambda: build(claims={"_sd_alg": "md5"}), "sdjwt.hash_alg_not_allowed"),
    "a lone '~~'": (lambda: build().replace("~", "~~", 1), "sdjwt.malformed"),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refused_the_same_both_ways_and_declined_by_the_one_pass(name: str) -> None:
    make, code = REFUSED[name]
    presented = make()
    result = both_ways(presented)
    assert result[0] == "refused", name
    assert result[1] == code, result
    assert one_pass(presented) is None


def _strict_only_jsons() -> str:
    """A disclosure the strict JSON parser accepts but which is not orjson's spelling (a space)."""
    raw = json.dumps(["c2FsdA", "givenName", "สมหญิง"], ensure_ascii=False).encode()
    enc = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    return build(disclosures=[(enc, b64url_encode(hashlib.sha256(enc.encode()).digest()))])


ACCEPTED_STRICTLY: dict[str, Callable[[], Any]] = {
    "non-canonical disclosure JSON": _strict_only_jsons,
    "sha-384 digests": lambda: build(alg="sha-384"),
    "cnf.jwk with alg and use": lambda: build(
        jwk={**(w := thaivc.generate_key("P-256")).public.jwk, "alg": "ES256", "use": "sig"}, wallet=w
    ),
    "P-384 wallet": lambda: build(wallet=thaivc.generate_key("P-384")),
    "Ed25519 wallet": lambda: build(wallet=thaivc.generate_key("Ed25519")),
    "bytes": lambda: build().encode(),
}


@pytest.mark.parametrize("name", sorted(ACCEPTED_STRICTLY))
def test_unusual_but_valid_input_takes_the_strict_path(name: str) -> None:
    presented = ACCEPTED_STRICTLY[name]()
    result = both_ways(presented)
    assert result[0] == "accepted", result
    assert one_pass(presented) is None


def test_honest_presentations_are_accepted_by_the_one_pass_as_by_the_strict_path() -> None:
    nested = _disclosure("province", "กรุงเทพมหานคร")
    element = _disclosure(None, "TH")
    given = _disclosure("givenName", "สมหญิง")
    presented = build(
        claims={"address": {"_sd": [nested[1]]}, "nationalities": [{"...": element[1]}, "LA"]},
        disclosures=[given, nested, element],
        top=[given[1], "decoy0rYN8lF3Xz6M7uKz0vQj2bE1lRzU5tq2rWZpLs"],
    )
    result = both_ways(presented)
    assert result[0] == "accepted"
    assert result[2] == ["/address/province", "/givenName", "/nationalities/0"]
    fields = one_pass(presented)
    assert fields is not None and list(fields) == list(result[1:])
    # without key binding (an SD-JWT inside a signed presentation)
    plain = presented.rsplit("~", 1)[0] + "~"
    assert both_ways(plain, require_kb=False, expected_nonce=None, expected_aud=None)[0] == "accepted"
    assert one_pass(plain, require_kb=False) is not None


def test_the_nonce_is_consumed_once_after_the_one_pass() -> None:
    store = MemoryNonceStore()
    presented = build()
    first = outcome(presented, nonce_store=store, expected_nonce=None)
    second = outcome(presented, nonce_store=store, expected_nonce=None)
    assert first[0] == "accepted"
    assert second[:2] == ("refused", "sdjwt.kb_replay")


def test_a_resolver_that_raises_is_the_strict_paths_answer() -> None:
    def broken(header: dict[str, Any], payload: dict[str, Any]) -> Any:
        raise ThaiVCError("did.not_found", "no such issuer")

    presented = build()
    assert both_ways(presented, issuer_key_resolver=broken)[:2] == ("refused", "did.not_found")


def _mutate(rng: random.Random, text: str) -> str:
    kind = rng.randrange(5)
    parts = text.split("~")
    if kind == 0:  # one character changed
        i = rng.randrange(len(text))
        return text[:i] + rng.choice("AQgw-_~.xyz0") + text[i + 1 :]
    if kind == 1:  # a segment dropped
        del parts[rng.randrange(len(parts))]
    elif kind == 2:  # a segment repeated
        i = rng.randrange(len(parts))
        parts.insert(i, parts[i])
    elif kind == 3:  # two segments swapped
        i, j = rng.randrange(len(parts)), rng.randrange(len(parts))
        parts[i], parts[j] = parts[j], parts[i]
    else:  # a character dropped
        i = rng.randrange(len(text))
        return text[:i] + text[i + 1 :]
    return "~".join(parts)


def test_a_corpus_of_mutations_gets_the_same_answer_both_ways() -> None:
    rng = random.Random(16)
    honest = build()
    outcomes = {both_ways(_mutate(rng, honest))[0] for _ in range(300)}
    assert "refused" in outcomes
