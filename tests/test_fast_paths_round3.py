"""Issue 16, third round: each new shortcut against the attacker's input, both ways.

Every case runs with the fast paths on and off (:func:`thaivc.core.fastpath.disabled`) and must give
the same value or the same code: depth hidden behind brackets in strings, a nested ``@context``
smuggled into a credential being issued, an inline context that redefines a term, an implausible
(Buddhist-Era) year issued twice, and a work budget reused, exhausted and left behind.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import thaivc
from thaivc.contexts import CREDENTIALS_V2
from thaivc.core import fastpath
from thaivc.core.budget import current_budget, request_budget
from thaivc.core.clock import FixedClock
from thaivc.core.errors import InputError, ThaiVCError
from thaivc.core.jsonutil import _parse, _valid_json_deeper_than, loads_strict
from thaivc.engine.verify.di import default_contexts, require_contexts
from thaivc.model.jsonld import require_context_value

CLOCK = FixedClock.at("2026-06-01T00:00:00Z")


def _both(action: Callable[[], Any]) -> tuple[str, Any]:
    """The outcome of ``action`` with fast paths on, which must equal the one with them off."""

    def outcome() -> tuple[str, Any]:
        try:
            return "value", action()
        except ThaiVCError as err:
            return "error", err.code

    fast = outcome()
    with fastpath.disabled():
        slow = outcome()
    assert fast == slow
    return fast


# -- depth: the opening-bracket bound and the quote-pair shortcut ----------------------------------


def _nested(levels: int, filler: str = "") -> bytes:
    return ('{"a":' * levels + f'"{filler}"' + "}" * levels).encode()


@pytest.mark.parametrize(
    ("raw", "deeper"),
    [
        (_nested(64), False),
        (_nested(65), True),
        # brackets in strings raise the bound but never hide a level
        (_nested(60, "{{{{{{{{{{"), False),
        (_nested(65, "}}}}}}}}}}]]]]]]"), True),
        # a string of closing brackets between real levels: the quote pairs are not adjacent
        (b'{"x":"}}}}}}}}","y":' + _nested(65) + b"}", True),
        (b'{"x":"]]]]","y":[' + b"[" * 64 + b"]" * 64 + b"]}", True),
        (b'{"x":"]]]]","y":[' + b"[" * 62 + b"]" * 62 + b"]}", False),
        # escaped quotes and backslashes inside strings
        (b'{"x":"\\"{{{{\\\\","y":' + _nested(64) + b"}", True),
        (b"[" * 70 + b"]" * 70, True),
        (b'["((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((("]', False),
    ],
)
def test_depth_bound_is_exact(raw: bytes, deeper: bool) -> None:
    assert _valid_json_deeper_than(raw, 64) is deeper
    code = _both(lambda: loads_strict(raw) and "parsed")
    assert code == (("error", "input.too_deep") if deeper else ("value", "parsed"))


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from(['{"k":', "[", '"', "{", "}", "]", '"}"', '"]"', '"{"', ",", "1", "\\"]), max_size=200),
    st.integers(min_value=1, max_value=8),
)
def test_depth_fast_and_strict_agree(pieces: list[str], limit: int) -> None:
    raw = "".join(pieces).encode()

    def run(fast: bool) -> tuple[str, Any]:
        try:
            _parse(raw, max_bytes=65536, max_depth=limit, require_object=False, safe_integers=False, fast=fast)
        except InputError as err:
            return "error", err.code
        return "value", None

    assert run(True) == run(False)


# -- JSON-LD contexts --------------------------------------------------------------------------------


def test_inline_context_after_urls_still_may_not_redefine() -> None:
    registry = default_contexts()
    with pytest.raises(InputError) as caught:
        require_context_value(
            [CREDENTIALS_V2, {"name": "https://attacker.example/name"}], registry, ("@context",), inline_allowed=True
        )
    assert caught.value.code == "di.context_not_allowed"
    # before the URL nothing is defined yet: that order is what JSON-LD processes, and stays allowed
    require_context_value(
        [{"x": "https://example.com/x"}, CREDENTIALS_V2], registry, ("@context",), inline_allowed=True
    )


@pytest.mark.parametrize(
    "subject",
    [
        {"id": "did:example:1", "@context": {"@vocab": "https://attacker.example/#"}},
        {"id": "did:example:1", "nested": [{"@context": "https://attacker.example/ctx"}]},
        {"id": "did:example:1", "note": "@context"},  # the name as a value: the count is 2, the walk decides
        {"id": "did:example:1", "ctl\u0001": {"@context": "https://attacker.example/ctx"}},  # an escape in the text
    ],
)
def test_issuance_finds_a_nested_context(subject: dict[str, Any]) -> None:
    doc = {
        "@context": [CREDENTIALS_V2],
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "credentialSubject": subject,
    }
    outcome = _both(lambda: require_contexts(doc, default_contexts()))
    if subject.get("note") == "@context":
        assert outcome == ("value", None)
    else:
        assert outcome[0] == "error"


def test_issuer_refuses_a_hidden_vocab_both_ways() -> None:
    issuer = thaivc.Issuer(thaivc.generate_key("Ed25519"), clock=CLOCK)
    credential = {
        "@context": [CREDENTIALS_V2],
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": "did:example:1", "claim": {"@context": {"@vocab": "https://attacker.example/#"}}},
    }
    assert _both(lambda: issuer.issue(credential))[0] == "error"


# -- issuance times -----------------------------------------------------------------------------------


def test_a_buddhist_era_year_is_refused_every_time() -> None:
    issuer = thaivc.Issuer(thaivc.generate_key("Ed25519"), clock=CLOCK)
    credential = {
        "@context": [CREDENTIALS_V2],
        "type": ["VerifiableCredential"],
        "validFrom": "2569-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:1"},
    }
    for _ in range(3):  # a refusal is never remembered as an answer
        assert _both(lambda: issuer.issue(credential)) == ("error", "time.implausible_year")
    credential["validFrom"] = "2026-01-01T00:00:00Z"
    for _ in range(2):
        assert _both(lambda: thaivc.Verifier(clock=CLOCK).check(issuer.issue(credential)).status) == (
            "value",
            "verified",
        )


def test_validfrom_is_filled_only_when_absent() -> None:
    issuer = thaivc.Issuer(thaivc.generate_key("Ed25519"), clock=CLOCK)
    base = {
        "@context": [CREDENTIALS_V2],
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": "did:example:1"},
    }
    filled = thaivc.Verifier(clock=CLOCK).verify(issuer.issue(base))
    assert filled["validFrom"] == "2026-06-01T00:00:00Z"
    kept = thaivc.Verifier(clock=CLOCK).verify(issuer.issue({**base, "validFrom": "2026-01-02T03:04:05Z"}))
    assert kept["validFrom"] == "2026-01-02T03:04:05Z"


# -- the request budget --------------------------------------------------------------------------------


def test_request_budget_nests_and_always_resets() -> None:
    assert current_budget() is None
    with request_budget(10) as outer:
        with request_budget() as inner:
            assert inner is outer  # nesting cannot multiply the ceiling
        assert current_budget() is outer
        with pytest.raises(InputError) as caught:
            outer.spend(11, "too much")
        assert caught.value.code == "di.canonicalization_limit"
    assert current_budget() is None
    with pytest.raises(RuntimeError), request_budget(5):
        raise RuntimeError("a step that breaks")
    assert current_budget() is None


@pytest.mark.parametrize(
    ("valid_from", "valid_until", "code"),
    [
        ("2026-01-01T00:00:00Z", "2025-01-01T00:00:00Z", "vc.validity_range"),
        ("2026-01-01 00:00:00Z", None, "vc.datetime_invalid"),
        ("2026-02-30T00:00:00Z", None, "vc.datetime_invalid"),
        (None, "2026-01-01T00:00:00+25:00", "vc.datetime_invalid"),
    ],
)
def test_validity_memo_never_keeps_a_refusal(valid_from: str | None, valid_until: str | None, code: str) -> None:
    from thaivc.model import require_credential

    doc: dict[str, Any] = {
        "@context": [CREDENTIALS_V2],
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "credentialSubject": {"id": "did:example:1"},
    }
    if valid_from is not None:
        doc["validFrom"] = valid_from
    if valid_until is not None:
        doc["validUntil"] = valid_until
    for _ in range(2):
        assert _both(lambda: require_credential(doc)) == ("error", code)


def test_validity_memo_repeats_its_warning() -> None:
    from thaivc.model import require_credential

    doc = {
        "@context": [CREDENTIALS_V2],
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "validFrom": "2026-01-01T00:00:00",  # no time zone: read as UTC, with a warning each time
        "credentialSubject": {"id": "did:example:1"},
    }
    first = _both(lambda: require_credential(doc))
    assert first[0] == "value" and len(first[1]) == 1 and "UTC" in first[1][0]
    assert _both(lambda: require_credential(doc)) == first


# -- issuance: a plain payload is written once ---------------------------------------------------------


def _payload(token: str) -> bytes:
    from thaivc.core.b64 import b64url_decode

    return b64url_decode(token.split(".")[1])


def test_plain_payload_is_byte_for_byte_the_checked_text() -> None:
    key = thaivc.generate_key("Ed25519")
    issuer = thaivc.Issuer(key, clock=CLOCK)
    credential = {
        "@context": [CREDENTIALS_V2],
        "type": ["VerifiableCredential"],
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:1", "ชื่อ": "สมหญิง", "n": 3, "ok": True, "none": None},
    }
    fast = issuer.issue(credential)
    with fastpath.disabled():
        slow = issuer.issue(credential)
    assert fast == slow  # Ed25519 is deterministic: same header, same payload text, same signature
    assert thaivc.Verifier(clock=CLOCK).check(fast).ok


@pytest.mark.parametrize(
    ("claim", "code"),
    [
        (float("nan"), "json.not_ijson"),
        (float("inf"), "json.not_ijson"),
        (float("-inf"), "json.not_ijson"),
        ("a\u200bb", "text.forbidden_char"),
    ],
)
def test_unplain_claims_take_the_checked_route(claim: Any, code: str) -> None:
    issuer = thaivc.Issuer(thaivc.generate_key("Ed25519"), clock=CLOCK)
    credential = {
        "@context": [CREDENTIALS_V2],
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": "did:example:1", "claim": claim},
    }
    assert _both(lambda: issuer.issue(credential)) == ("error", code)


def test_sign_compact_json_keeps_the_header_rules_and_wants_an_object() -> None:
    from thaivc.jose.compact import sign_compact_json

    key = thaivc.generate_key("Ed25519")
    for bad in (b"[1]", b"", b'"x"', bytearray(b"{}")):
        with pytest.raises(ThaiVCError) as caught:
            sign_compact_json({"typ": "vc+jwt"}, bad, key)  # type: ignore[arg-type]
        assert caught.value.code == "usage.invalid_argument"
    with pytest.raises(ThaiVCError) as caught:
        sign_compact_json({"typ": "vc+jwt", "jwk": {"kty": "OKP"}}, b"{}", key)
    assert caught.value.code == "usage.invalid_argument"
    with pytest.raises(ThaiVCError):
        sign_compact_json({}, b"{}", key)  # no typ


def test_signer_header_memo_never_keeps_a_conflict() -> None:
    from thaivc.jose.compact import sign_compact

    key = thaivc.generate_key("Ed25519")
    for header in ({"typ": "vc+jwt", "kid": key.kid + "x"}, {"typ": "vc+jwt", "alg": "ES256"}, {"kid": key.kid}):
        for _ in range(2):
            assert _both(lambda h=header: sign_compact(h, {"a": 1}, key)) == ("error", "usage.invalid_argument")
    plain = _both(lambda: sign_compact({"typ": "vc+jwt"}, {"a": 1}, key).split(".")[0])
    specified = _both(lambda: sign_compact({"typ": "vc+jwt"}, {"a": 1}, key, fully_specified=True).split(".")[0])
    no_kid = _both(lambda: sign_compact({"typ": "kb+jwt"}, {"a": 1}, key, include_kid=False).split(".")[0])
    assert len({plain, specified, no_kid}) == 3  # each argument is part of what is remembered
