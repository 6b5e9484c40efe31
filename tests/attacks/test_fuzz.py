"""Property tests: whatever arrives, ``Verifier.check`` answers with a report and never raises.

Five families of input: arbitrary bytes, arbitrary text, arbitrary JSON values (as objects and as
text), mutations of genuine ``vc+jwt`` / ``vp+jwt`` tokens (bit flips, segment swaps, truncation,
re-encoded headers and payloads), and every format (``vc+jwt``, ``vp+jwt``, ``dc+sd-jwt`` with and
without key binding, Data Integrity credentials and presentations in an RDFC and a JCS suite)
checked with a challenge and a domain, genuine and with random proof or document members. For
every input: no exception escapes, no report says ``internal.error``, every problem code is in the
catalogue, a refusal carries no document, a mutated token is never verified unless the mutation
left it byte-for-byte unchanged, and a challenge is never answered by what is no reply to it.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import thaivc
from thaivc.core.b64 import b64url_decode, b64url_encode
from thaivc.core.clock import FixedClock
from thaivc.core.errors import CODES
from thaivc.core.report import VerificationReport
from thaivc.keys import PrivateKey
from thaivc.testing.plugin import seeded_key

from .conftest import NOW_ISO, enveloped, forge, vc_header, vc_payload, vp_header, vp_payload

FUZZ = settings(max_examples=200, deadline=None)


@functools.cache
def _world() -> tuple[thaivc.Verifier, str, str]:
    """A verifier and two genuine tokens it accepts (built once: key generation is not the subject)."""
    clock = FixedClock.at(NOW_ISO)
    issuer: PrivateKey = seeded_key("fuzz-issuer")
    wallet: PrivateKey = seeded_key("fuzz-wallet", "P-256")
    vc = forge(vc_header(issuer), vc_payload(wallet.did, issuer=issuer.did, name="สมชาย"), issuer)
    vp = forge(vp_header(wallet), vp_payload(wallet.did, [enveloped(vc)]), wallet)
    verifier = thaivc.Verifier(policy=thaivc.Policy(require_challenge=False), clock=clock)
    assert verifier.check(vc).ok and verifier.check(vp).ok
    return verifier, vc, vp


def _sound(report: VerificationReport) -> None:
    """The invariants every report must keep, whatever the input."""
    assert isinstance(report, VerificationReport)
    assert report.status in ("verified", "failed", "indeterminate")
    assert "internal.error" not in report.codes, report.to_json()  # every input has a stable code
    for problem in report.problems:
        assert problem.code in CODES, problem.code
    for check in report.checks:
        assert check.code is None or check.code in CODES, check.code
    if report.status != "verified":
        assert report.document is None
        assert report.problems
    for child in report.children:
        _sound(child)
    json.dumps(report.to_json())  # always exportable


def _refused(report: VerificationReport) -> None:
    _sound(report)
    assert report.status != "verified", report.to_json()


json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner, max_size=5),
    max_leaves=30,
)


@FUZZ
@given(st.binary(max_size=2048))
def test_arbitrary_bytes(data: bytes) -> None:
    _refused(_world()[0].check(data))


@FUZZ
@given(st.text(max_size=2048))
def test_arbitrary_text(text: str) -> None:
    _refused(_world()[0].check(text))


@FUZZ
@given(st.text(alphabet='ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~= +/{}"', max_size=600))
def test_token_alphabet_text(text: str) -> None:
    """Text made of the characters tokens and JSON are made of reaches deeper than random Unicode."""
    _refused(_world()[0].check(text))


@FUZZ
@given(json_values)
def test_arbitrary_json_values(value: Any) -> None:
    verifier = _world()[0]
    _refused(verifier.check(value))
    _refused(verifier.check(json.dumps(value)))


@FUZZ
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "@context",
                "type",
                "proof",
                "id",
                "payload",
                "signature",
                "signatures",
                "protected",
                "holder",
                "verifiableCredential",
                "issuer",
            ]
        ),
        json_values,
    )
)
def test_credential_shaped_objects(value: dict[str, Any]) -> None:
    """Objects using the member names the dispatcher looks at: enveloped, proof, VP, JWS JSON."""
    verifier = _world()[0]
    _refused(verifier.check(value))
    _refused(verifier.check(json.dumps(value)))


def _token(which: int) -> str:
    _, vc, vp = _world()
    return (vc, vp)[which]


@FUZZ
@given(st.integers(0, 1), st.data())
def test_bit_flips(which: int, data: st.DataObject) -> None:
    token = _token(which).encode("ascii")
    index = data.draw(st.integers(0, len(token) - 1))
    bit = data.draw(st.integers(0, 7))
    mutated = token[:index] + bytes([token[index] ^ (1 << bit)]) + token[index + 1 :]
    report = _world()[0].check(mutated)
    _refused(report)


@FUZZ
@given(st.integers(0, 1), st.data())
def test_byte_replacements(which: int, data: st.DataObject) -> None:
    token = _token(which)
    index = data.draw(st.integers(0, len(token) - 1))
    char = data.draw(st.characters(codec="ascii"))
    mutated = token[:index] + char + token[index + 1 :]
    report = _world()[0].check(mutated)
    if mutated.strip() == token:
        assert report.ok
    else:
        _refused(report)


@FUZZ
@given(st.integers(0, 1), st.permutations([0, 1, 2]), st.lists(st.integers(0, 2), min_size=1, max_size=5))
def test_segment_swaps(which: int, order: list[int], extra: list[int]) -> None:
    parts = _token(which).split(".")
    for layout in (order, extra):
        mutated = ".".join(parts[i] for i in layout)
        report = _world()[0].check(mutated)
        if mutated == _token(which):
            assert report.ok
        else:
            _refused(report)


@FUZZ
@given(st.integers(0, 1), st.data())
def test_truncation(which: int, data: st.DataObject) -> None:
    token = _token(which)
    start = data.draw(st.integers(0, len(token)))
    end = data.draw(st.integers(start, len(token)))
    mutated = token[start:end]
    report = _world()[0].check(mutated)
    if mutated == token:
        assert report.ok
    else:
        _refused(report)


@FUZZ
@given(st.integers(0, 1), st.integers(0, 1), json_values, st.booleans())
def test_segment_reencoded_with_random_json(which: int, segment: int, value: Any, merge: bool) -> None:
    """Replace the header or payload with random JSON (or the genuine one plus random members)."""
    token = _token(which)
    parts = token.split(".")
    if merge and isinstance(value, dict):
        original = json.loads(b64url_decode(parts[segment]))
        value = {**original, **value}
    parts[segment] = b64url_encode(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode())
    mutated = ".".join(parts)
    report = _world()[0].check(mutated)
    if mutated == token:
        assert report.ok
    else:
        _refused(report)


@FUZZ
@given(st.integers(0, 1), st.text(alphabet=" \t\r\n", max_size=3), st.text(alphabet=" \t\r\n", max_size=3))
def test_surrounding_whitespace_is_the_only_identity(which: int, before: str, after: str) -> None:
    """Leading/trailing whitespace is stripped (an identity); inner changes are covered above."""
    token = _token(which)
    assert _world()[0].check(before + token + after).ok


@FUZZ
@given(st.data())
def test_mutated_inner_credential(data: st.DataObject) -> None:
    """A presentation (genuinely signed) carrying a mutated credential is never verified."""
    verifier, vc, _ = _world()
    wallet: PrivateKey = seeded_key("fuzz-wallet", "P-256")
    index = data.draw(st.integers(0, len(vc) - 1))
    char = data.draw(st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."))
    mutated = vc[:index] + char + vc[index + 1 :]
    vp = forge(vp_header(wallet), vp_payload(wallet.did, [enveloped(mutated)]), wallet)
    report = verifier.check(vp)
    if mutated == vc:
        assert report.ok
    else:
        _refused(report)
        assert report.children and report.children[0].status != "verified"


# -- every format with a challenge and a domain (review item L2/L9) -----------------------------

FORMAT_FUZZ = settings(max_examples=60, deadline=None)
_CHALLENGE = "fuzz-challenge"
_DOMAIN = "https://fuzz.example"


@functools.cache
def _formats() -> dict[str, Any]:
    """One genuine item of every format; the presentations answer ``_CHALLENGE`` at ``_DOMAIN``."""
    clock = FixedClock.at(NOW_ISO)
    issuer: PrivateKey = seeded_key("fuzz-issuer")
    wallet: PrivateKey = seeded_key("fuzz-wallet", "P-256")
    body = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "name": "ใบรับรอง",
        "credentialSubject": {"id": wallet.did},
    }
    signer, holder = thaivc.Issuer(issuer, clock=clock), thaivc.Holder(wallet, clock=clock)
    sd_jwt = signer.issue(body, format="dc+sd-jwt")
    items: dict[str, Any] = {
        "vc+jwt": signer.issue(body),
        "dc+sd-jwt": sd_jwt,
        "dc+sd-jwt+kb": holder.present([sd_jwt], format="dc+sd-jwt", challenge=_CHALLENGE, domain=_DOMAIN),
    }
    for suite in ("eddsa-rdfc-2022", "eddsa-jcs-2022"):
        vc = signer.issue(body, format="di", cryptosuite=suite)
        items[f"di-{suite}"] = vc
        reply_suite = "ecdsa-rdfc-2019" if "rdfc" in suite else "ecdsa-jcs-2019"  # the wallet's key is P-256
        items[f"di-vp-{suite}"] = holder.present(
            [vc], format="di", challenge=_CHALLENGE, domain=_DOMAIN, cryptosuite=reply_suite
        )
    items["vp+jwt"] = holder.present([items["vc+jwt"]], challenge=_CHALLENGE, domain=_DOMAIN)
    return items


def _lax_verifier() -> thaivc.Verifier:
    policy = thaivc.Policy(require_challenge=False, require_key_binding=False)
    return thaivc.Verifier(policy=policy, clock=FixedClock.at(NOW_ISO))


_FORMAT_NAMES = sorted(_formats())
challenges = st.none() | st.text(max_size=12).filter(lambda c: c != _CHALLENGE)
domains = st.none() | st.sampled_from([_DOMAIN, "https://other.example", ""])


@FORMAT_FUZZ
@given(st.sampled_from(_FORMAT_NAMES), challenges, domains)
def test_every_format_with_a_challenge_and_domain(name: str, challenge: str | None, domain: str | None) -> None:
    """Only a presentation answering this exact challenge verifies; nothing else, in any format."""
    item = _formats()[name]
    report = _lax_verifier().check(item, challenge=challenge, domain=domain)
    _sound(report)
    if challenge is not None or (domain is not None and domain != _DOMAIN):
        assert report.status != "verified", (name, challenge, domain)
    if domain is not None and not any(name.startswith(p) for p in ("vp+jwt", "di-vp", "dc+sd-jwt+kb")):
        assert report.status != "verified", (name, domain)


_PROOF_MEMBERS = ["type", "cryptosuite", "proofPurpose", "verificationMethod", "created", "expires", "proofValue",
                  "id", "previousProof", "challenge", "domain", "nonce", "@context", "foo", "@index"]
_DI_NAMES = [n for n in _FORMAT_NAMES if n.startswith("di-")]


@FORMAT_FUZZ
@given(st.sampled_from(_DI_NAMES), st.sampled_from(_PROOF_MEMBERS), json_values, st.booleans())
def test_data_integrity_proof_members(name: str, member: str, value: Any, reply: bool) -> None:
    """Any JSON value in any proof member: a stable code, never a verdict the signature did not give."""
    doc = json.loads(json.dumps(_formats()[name]))
    if member in doc["proof"] and doc["proof"][member] == value:
        return  # no mutation
    doc["proof"][member] = value
    kwargs: dict[str, Any] = {"challenge": "c-" + member, "domain": _DOMAIN} if reply else {}
    _refused(_lax_verifier().check(doc, **kwargs))


@FORMAT_FUZZ
@given(st.sampled_from(_DI_NAMES), st.sampled_from(["name", "description", "credentialSubject", "@foo"]), json_values)
def test_data_integrity_document_members(name: str, member: str, value: Any) -> None:
    """A member added or replaced after signing is refused (or, for JCS, breaks the signature)."""
    doc = json.loads(json.dumps(_formats()[name]))
    target = doc["verifiableCredential"][0] if "-vp-" in name else doc
    if target.get(member) == value:
        return
    target[member] = value
    _refused(_lax_verifier().check(doc, challenge="c-other", domain=_DOMAIN))
