"""A vc+jwt skips the walk for nested ``@context`` only when its payload text proves there is none.

The attacker hides a second ``@context`` below the root — plainly, spelt with a ``\\u`` escape, or
beside a string that says "@context" — in a genuinely signed token; each must still be refused
exactly as the full walk refuses it (issue 16 fast path, ``require_contexts(source=...)``).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import thaivc
from thaivc.core.b64 import b64url_encode
from thaivc.core.clock import FixedClock
from thaivc.core.errors import ThaiVCError
from thaivc.engine.verify.di import default_contexts, require_contexts

CLOCK = FixedClock.at("2026-06-01T00:00:00Z")
EVIL = "https://evil.example/context.jsonld"


def _payload(key: thaivc.PrivateKey, subject: dict[str, Any]) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": key.did,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:holder", **subject},
    }


def _sign_text(key: thaivc.PrivateKey, payload_text: str) -> str:
    """A genuine signature over exactly ``payload_text`` (no issuance checks, as a foreign issuer)."""
    header = json.dumps({"alg": key.algorithm, "kid": key.kid, "typ": "vc+jwt"}, separators=(",", ":"))
    signing_input = b64url_encode(header.encode()) + "." + b64url_encode(payload_text.encode())
    return signing_input + "." + b64url_encode(key.sign(signing_input.encode()))


def _walk_code(payload: dict[str, Any]) -> str | None:
    try:
        require_contexts(payload, default_contexts())
    except ThaiVCError as err:
        return err.code
    return None


@pytest.fixture(scope="module")
def key() -> thaivc.PrivateKey:
    return thaivc.generate_key("Ed25519")


@pytest.mark.parametrize(
    "nested",
    [
        {"@context": EVIL},
        {"@context": {"@vocab": "https://evil.example/#"}},
        {"@context": {"name": "https://evil.example/#name"}},
        {"@context": ["https://www.w3.org/ns/credentials/v2"]},  # the root's own context again: allowed
    ],
)
@pytest.mark.parametrize("spelling", ["plain", "escaped-at", "escaped-letter", "beside-a-string"])
def test_a_nested_context_is_refused_however_it_is_spelt(
    key: thaivc.PrivateKey, nested: dict[str, Any], spelling: str
) -> None:
    payload = _payload(key, {"detail": nested})
    expected = _walk_code(payload)
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    inner = '"detail":{"@context"'
    assert inner in text
    if spelling == "escaped-at":
        text = text.replace(inner, '"detail":{"\\u0040context"')
    elif spelling == "escaped-letter":
        text = text.replace(inner, '"detail":{"@cont\\u0065xt"')
    elif spelling == "beside-a-string":
        text = text.replace(inner, '"note":"@context",' + inner)
    report = thaivc.Verifier(clock=CLOCK).check(_sign_text(key, text))
    model = report.check("model")
    assert model is not None and model.code == expected  # the walk's own verdict, however it is spelt
    assert report.ok == (expected is None)
    assert expected is not None or nested["@context"] == payload["@context"]


def test_a_string_saying_at_context_is_no_context(key: thaivc.PrivateKey) -> None:
    payload = _payload(key, {"note": "@context", "n": ["@context"]})
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    assert thaivc.Verifier(clock=CLOCK).check(_sign_text(key, text)).ok


_json = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.sampled_from(["@context", "x", EVIL]),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.sampled_from(["@context", "a", "b", "@vocab", "name"]), inner, max_size=3),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(_json, st.booleans())
def test_the_source_hint_never_changes_the_verdict(subject: Any, escape: bool) -> None:
    doc = {"@context": ["https://www.w3.org/ns/credentials/v2"], "credentialSubject": {"x": subject}}
    text = json.dumps(doc, ensure_ascii=escape, separators=(",", ":"))
    if escape:
        text = text.replace('"@context"', '"\\u0040context"')
    expected = _walk_code(doc)
    try:
        require_contexts(doc, default_contexts(), source=text.encode())
    except ThaiVCError as err:
        assert err.code == expected
    else:
        assert expected is None
