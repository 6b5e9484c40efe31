"""docs/security.md group F, cases 35–43, plus the SD-JWT rows of groups A and D.

Each test builds one hostile input and asserts the exact problem code.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from thaivc.core.b64 import b64url_decode, b64url_encode
from thaivc.core.clock import FixedClock
from thaivc.core.errors import Indeterminate, InputError, ThaiVCError, UsageError
from thaivc.sdjwt import (
    MemoryNonceStore,
    issue_sd_jwt,
    present_sd_jwt,
    require_issuer_metadata,
    require_vct_chain,
)
from thaivc.sdjwt._kb import sd_hash

from .conftest import (
    ISS,
    NOW,
    VCT,
    TestSigner,
    base_claims,
    craft,
    digest_of,
    encode_disclosure,
    plain_payload,
)

Verify = Callable[..., Any]
NONCE = "n-0S6_WzA2Mj"
AUD = "https://rd.go.th"
KB = {"require_kb": True, "expected_nonce": NONCE, "expected_aud": AUD}


def _code(fn: Callable[[], Any]) -> str:
    with pytest.raises(ThaiVCError) as info:
        fn()
    return info.value.code


def _issued(issuer: TestSigner, holder: TestSigner | None = None) -> str:
    return issue_sd_jwt(
        base_claims(),
        disclosable=["/given_name", "/family_name", "/birthdate", "/address", "/address/locality"],
        signer=issuer,
        holder_jwk=holder.public_jwk if holder else None,
    )


def _kb_signed(holder: TestSigner, signed_part: str, *, header: dict[str, Any] | None = None, **claims: Any) -> str:
    payload = {"iat": NOW, "aud": AUD, "nonce": NONCE, "sd_hash": sd_hash(_sha256, signed_part), **claims}
    return holder.sign_raw({"alg": holder.alg, "typ": "kb+jwt", **(header or {})}, payload)


def _sha256(data: bytes) -> Any:
    import hashlib

    return hashlib.sha256(data)


def _swap_disclosure(sd_jwt: str, index: int, new: str) -> str:
    parts = sd_jwt.split("~")
    parts[1 + index] = new
    return "~".join(parts)


def _mutate_disclosure(encoded: str, position: int, value: Any) -> str:
    array = json.loads(b64url_decode(encoded))
    array[position] = value
    return encode_disclosure(array)


# --- 35 tampered or extra disclosures ---------------------------------------------------------


def test_f35_tampered_disclosure_value(issuer: TestSigner, verify: Verify) -> None:
    sd_jwt = _issued(issuer)
    first = sd_jwt.split("~")[1]
    forged = _swap_disclosure(sd_jwt, 0, _mutate_disclosure(first, -1, "Mallory"))
    assert _code(lambda: verify(forged)) == "sdjwt.disclosure_unreferenced"


def test_f35_tampered_disclosure_salt(issuer: TestSigner, verify: Verify) -> None:
    sd_jwt = _issued(issuer)
    first = sd_jwt.split("~")[1]
    forged = _swap_disclosure(sd_jwt, 0, _mutate_disclosure(first, 0, b64url_encode(b"\x00" * 16)))
    assert _code(lambda: verify(forged)) == "sdjwt.disclosure_unreferenced"


def test_f35_extra_unreferenced_disclosure(issuer: TestSigner, verify: Verify) -> None:
    extra = encode_disclosure(["c2FsdHNhbHRzYWx0c2FsdA", "nationality", "US"])
    assert _code(lambda: verify(_issued(issuer) + extra + "~")) == "sdjwt.disclosure_unreferenced"


def test_f35_nested_disclosure_without_its_parent(issuer: TestSigner, verify: Verify) -> None:
    sd_jwt = _issued(issuer)
    parts = sd_jwt.split("~")
    names = [json.loads(b64url_decode(d))[1] for d in parts[1:-1]]
    without_parent = [d for d, n in zip(parts[1:-1], names, strict=True) if n != "address"]
    presented = parts[0] + "~" + "".join(d + "~" for d in without_parent)
    assert _code(lambda: verify(presented)) == "sdjwt.disclosure_unreferenced"


# --- 36 malformed disclosures -----------------------------------------------------------------


def test_f36_digest_in_sd_and_in_array_element(issuer: TestSigner, verify: Verify) -> None:
    d = encode_disclosure(["c2FsdHNhbHRzYWx0c2FsdA", "given_name", "A"])
    payload = plain_payload(_sd=[digest_of(d)], list=[{"...": digest_of(d)}])
    assert _code(lambda: verify(craft(issuer, payload, [d]))) == "sdjwt.duplicate_digest"


def test_f36_digest_twice_in_one_sd(issuer: TestSigner, verify: Verify) -> None:
    d = encode_disclosure(["c2FsdHNhbHRzYWx0c2FsdA", "given_name", "A"])
    payload = plain_payload(_sd=[digest_of(d), digest_of(d)])
    assert _code(lambda: verify(craft(issuer, payload, [d]))) == "sdjwt.duplicate_digest"


def test_f36_decoy_digest_twice(issuer: TestSigner, verify: Verify) -> None:
    decoy = digest_of("decoy")
    payload = plain_payload(_sd=[decoy], sub={"_sd": [decoy]})
    assert _code(lambda: verify(craft(issuer, payload, []))) == "sdjwt.duplicate_digest"


def test_f36_digest_in_payload_and_inside_a_disclosure(issuer: TestSigner, verify: Verify) -> None:
    inner = encode_disclosure(["c2FsdHNhbHRzYWx0c2FsdA", "locality", "Bangkok"])
    outer = encode_disclosure(["b3RoZXJzYWx0b3RoZXJzYQ", "address", {"_sd": [digest_of(inner)]}])
    payload = plain_payload(_sd=[digest_of(outer), digest_of(inner)])
    assert _code(lambda: verify(craft(issuer, payload, [outer, inner]))) == "sdjwt.duplicate_digest"


def test_f36_same_disclosure_presented_twice(issuer: TestSigner, verify: Verify) -> None:
    sd_jwt = _issued(issuer)
    first = sd_jwt.split("~")[1]
    assert _code(lambda: verify(sd_jwt + first + "~")) == "sdjwt.duplicate_digest"


@pytest.mark.parametrize("name", ["_sd", "..."])
def test_f36_reserved_claim_name(issuer: TestSigner, verify: Verify, name: str) -> None:
    d = encode_disclosure(["c2FsdHNhbHRzYWx0c2FsdA", name, ["x"]])
    payload = plain_payload(_sd=[digest_of(d)])
    assert _code(lambda: verify(craft(issuer, payload, [d]))) == "sdjwt.disclosure_malformed"


def test_f36_disclosure_shadowing_plaintext_iss(issuer: TestSigner, verify: Verify) -> None:
    d = encode_disclosure(["c2FsdHNhbHRzYWx0c2FsdA", "iss", "https://attacker.example"])
    payload = plain_payload(_sd=[digest_of(d)])
    assert _code(lambda: verify(craft(issuer, payload, [d]))) == "sdjwt.disclosure_malformed"


def test_f36_two_disclosures_with_the_same_name(issuer: TestSigner, verify: Verify) -> None:
    a = encode_disclosure(["c2FsdHNhbHRzYWx0c2FsdA", "role", "clerk"])
    b = encode_disclosure(["b3RoZXJzYWx0b3RoZXJzYQ", "role", "director"])
    payload = plain_payload(_sd=sorted([digest_of(a), digest_of(b)]))
    assert _code(lambda: verify(craft(issuer, payload, [a, b]))) == "sdjwt.disclosure_malformed"


@pytest.mark.parametrize(
    "array",
    [
        ["c2FsdHNhbHRzYWx0c2FsdA", "given_name", "A", "extra"],
        ["c2FsdHNhbHRzYWx0c2FsdA"],
        [],
        ["c2FsdHNhbHRzYWx0c2FsdA", 7, "A"],
        [7, "given_name", "A"],
    ],
    ids=["arity4", "arity1", "empty", "name-not-string", "salt-not-string"],
)
def test_f36_wrong_shape(issuer: TestSigner, verify: Verify, array: list[Any]) -> None:
    d = encode_disclosure(array)
    payload = plain_payload(_sd=[digest_of(d)])
    assert _code(lambda: verify(craft(issuer, payload, [d]))) == "sdjwt.disclosure_malformed"


def test_f36_two_element_disclosure_referenced_from_sd(issuer: TestSigner, verify: Verify) -> None:
    d = encode_disclosure(["c2FsdHNhbHRzYWx0c2FsdA", "A"])
    payload = plain_payload(_sd=[digest_of(d)])
    assert _code(lambda: verify(craft(issuer, payload, [d]))) == "sdjwt.disclosure_malformed"


def test_f36_three_element_disclosure_referenced_from_array(issuer: TestSigner, verify: Verify) -> None:
    d = encode_disclosure(["c2FsdHNhbHRzYWx0c2FsdA", "given_name", "A"])
    payload = plain_payload(list=[{"...": digest_of(d)}])
    assert _code(lambda: verify(craft(issuer, payload, [d]))) == "sdjwt.disclosure_malformed"


@pytest.mark.parametrize(
    "raw",
    [b'{"salt":"x","name":"given_name"}', b'"just a string"', b"42", b"not json"],
    ids=["object", "string", "number", "garbage"],
)
def test_f36_not_a_json_array(issuer: TestSigner, verify: Verify, raw: bytes) -> None:
    d = b64url_encode(raw)
    payload = plain_payload(_sd=[digest_of(d)])
    code = _code(lambda: verify(craft(issuer, payload, [d])))
    assert code == ("json.invalid" if raw == b"not json" else "sdjwt.disclosure_malformed")


@pytest.mark.parametrize("bad", ["WyJh+IiwiYiJd", "WyJhIiwiYiJd=", "Wy Jh", "WyJhIiwiYiJdIh"])
def test_f36_disclosure_not_canonical_base64url(issuer: TestSigner, verify: Verify, bad: str) -> None:
    payload = plain_payload(_sd=[digest_of(bad)])
    assert _code(lambda: verify(craft(issuer, payload, [bad]))) == "sdjwt.disclosure_malformed"


def test_f36_duplicate_key_inside_a_disclosure(issuer: TestSigner, verify: Verify) -> None:
    d = b64url_encode(b'["c2FsdHNhbHRzYWx0c2FsdA","address",{"country":"TH","country":"US"}]')
    payload = plain_payload(_sd=[digest_of(d)])
    assert _code(lambda: verify(craft(issuer, payload, [d]))) == "json.duplicate_key"


# --- 37 weak _sd_alg ---------------------------------------------------------------------------


@pytest.mark.parametrize("alg", ["md5", "sha-256-32", "sha-1", "SHA-256", "sha256", "", 256, None])
def test_f37_hash_alg_not_allowed(issuer: TestSigner, verify: Verify, alg: Any) -> None:
    payload = plain_payload()
    payload["_sd_alg"] = alg
    assert _code(lambda: verify(craft(issuer, payload, []))) == "sdjwt.hash_alg_not_allowed"


def test_f37_absent_sd_alg_means_sha256(issuer: TestSigner, verify: Verify) -> None:
    d = encode_disclosure(["c2FsdHNhbHRzYWx0c2FsdA", "given_name", "A"])
    payload = plain_payload(_sd=[digest_of(d)])
    del payload["_sd_alg"]
    assert verify(craft(issuer, payload, [d])).payload["given_name"] == "A"


# --- 38 security-critical claims hidden in disclosures ------------------------------------------


@pytest.mark.parametrize("name", ["iss", "vct", "exp", "nbf", "cnf", "status"])
def test_f38_critical_claim_disclosed(issuer: TestSigner, verify: Verify, lax: Any, name: str) -> None:
    values = {
        "iss": ISS,
        "vct": VCT,
        "exp": NOW + 3600,
        "nbf": NOW - 10,
        "cnf": {"jwk": {"kty": "EC"}},
        "status": {"status_list": {"idx": 3, "uri": "https://s.example/1"}},
    }
    d = encode_disclosure(["c2FsdHNhbHRzYWx0c2FsdA", name, values[name]])
    payload = plain_payload(_sd=[digest_of(d)])
    payload.pop(name, None)
    presented = craft(issuer, payload, [d])
    assert _code(lambda: verify(presented, issuer_key_resolver=lax)) == "sdjwt.required_claim_missing"


@pytest.mark.parametrize("name", ["iss", "vct"])
def test_f38_critical_claim_withheld(issuer: TestSigner, verify: Verify, lax: Any, name: str) -> None:
    d = encode_disclosure(["c2FsdHNhbHRzYWx0c2FsdA", name, {"iss": ISS, "vct": VCT}[name]])
    payload = plain_payload(_sd=[digest_of(d)])
    del payload[name]
    withheld = craft(issuer, payload, [])  # the holder leaves the disclosure out
    assert _code(lambda: verify(withheld, issuer_key_resolver=lax)) == "sdjwt.required_claim_missing"


def test_f38_issuance_refuses_hiding_critical_claims(issuer: TestSigner) -> None:
    for name in ("iss", "vct", "exp", "iat"):
        with pytest.raises(UsageError) as info:
            issue_sd_jwt(base_claims(), disclosable=[f"/{name}"], signer=issuer)
        assert info.value.code == "usage.invalid_argument"


# --- 39 key binding stripped ------------------------------------------------------------------


def test_f39_bare_sd_jwt_when_kb_required(issuer: TestSigner, holder: TestSigner, verify: Verify) -> None:
    bare = present_sd_jwt(_issued(issuer, holder), disclose=["/given_name"])
    assert _code(lambda: verify(bare, **KB)) == "sdjwt.kb_required"


def test_f39_kb_stripped_from_a_presentation(issuer: TestSigner, holder: TestSigner, verify: Verify) -> None:
    vp = present_sd_jwt(
        _issued(issuer, holder), disclose=["/given_name"], holder_signer=holder, nonce=NONCE, aud=AUD, iat=NOW
    )
    assert verify(vp, **KB).kb_payload is not None
    stripped = vp[: vp.rindex("~") + 1]
    assert _code(lambda: verify(stripped, **KB)) == "sdjwt.kb_required"


def test_f39_requirement_is_not_inferred_from_cnf(issuer: TestSigner, holder: TestSigner, verify: Verify) -> None:
    # a bound credential presented bare passes only when the caller's policy does not require KB
    bare = present_sd_jwt(_issued(issuer, holder), disclose=[])
    assert verify(bare, require_kb=False).holder_jwk is None


# --- 40 bad KB-JWT ----------------------------------------------------------------------------


def _signed_part(issuer: TestSigner, holder: TestSigner) -> str:
    return present_sd_jwt(_issued(issuer, holder), disclose=["/birthdate"])


@pytest.mark.parametrize("typ", ["JWT", "jwt", "dc+sd-jwt", "vc+jwt", None])
def test_f40_kb_typ(issuer: TestSigner, holder: TestSigner, verify: Verify, typ: str | None) -> None:
    part = _signed_part(issuer, holder)
    header = {"typ": typ} if typ else {}
    payload = {"iat": NOW, "aud": AUD, "nonce": NONCE, "sd_hash": sd_hash(_sha256, part)}
    h = {"alg": holder.alg, **header}
    kb = holder.sign_raw(h, payload)
    assert _code(lambda: verify(part + kb, **KB)) == "sdjwt.kb_invalid"


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "nOnE"])
def test_f40_kb_alg_none(issuer: TestSigner, holder: TestSigner, verify: Verify, alg: str) -> None:
    part = _signed_part(issuer, holder)
    payload = {"iat": NOW, "aud": AUD, "nonce": NONCE, "sd_hash": sd_hash(_sha256, part)}
    header = b64url_encode(json.dumps({"alg": alg, "typ": "kb+jwt"}).encode())
    body = b64url_encode(json.dumps(payload).encode())
    for kb in (f"{header}.{body}.", f"{header}.{body}.AAAA"):
        presented = part + kb
        assert _code(lambda: verify(presented, **KB)) == "sdjwt.kb_invalid"


def test_f40_kb_signed_by_another_key(
    issuer: TestSigner, holder: TestSigner, attacker: TestSigner, verify: Verify
) -> None:
    part = _signed_part(issuer, holder)
    assert _code(lambda: verify(part + _kb_signed(attacker, part), **KB)) == "sdjwt.kb_invalid"


def test_f40_kb_key_in_header_is_not_used(
    issuer: TestSigner, holder: TestSigner, attacker: TestSigner, verify: Verify
) -> None:
    part = _signed_part(issuer, holder)
    kb = _kb_signed(attacker, part, header={"jwk": attacker.public_jwk})
    assert _code(lambda: verify(part + kb, **KB)) == "sdjwt.kb_invalid"


def test_f40_no_cnf(issuer: TestSigner, holder: TestSigner, verify: Verify) -> None:
    part = present_sd_jwt(_issued(issuer), disclose=["/birthdate"])  # issued without holder binding
    assert _code(lambda: verify(part + _kb_signed(holder, part), **KB)) == "sdjwt.kb_invalid"


@pytest.mark.parametrize(
    "cnf",
    [{"jwk": "not-an-object"}, {"kid": "did:example:123#k"}, "cnf", {"jwk": {"kty": "EC", "crv": "P-256"}}],
)
def test_f40_unusable_cnf(issuer: TestSigner, holder: TestSigner, verify: Verify, cnf: Any) -> None:
    part = craft(issuer, plain_payload(cnf=cnf), [])
    assert _code(lambda: verify(part + _kb_signed(holder, part), **KB)) == "sdjwt.kb_invalid"


def test_f40_cnf_with_private_key(issuer: TestSigner, holder: TestSigner, verify: Verify) -> None:
    jwk = {**holder.public_jwk, "d": "AAAA"}
    part = craft(issuer, plain_payload(cnf={"jwk": jwk}), [])
    assert _code(lambda: verify(part + _kb_signed(holder, part), **KB)) == "sdjwt.kb_invalid"


@pytest.mark.parametrize("missing", ["nonce", "aud", "sd_hash", "iat"])
def test_f40_kb_claim_missing(issuer: TestSigner, holder: TestSigner, verify: Verify, missing: str) -> None:
    part = _signed_part(issuer, holder)
    payload = {"iat": NOW, "aud": AUD, "nonce": NONCE, "sd_hash": sd_hash(_sha256, part)}
    del payload[missing]
    kb = holder.sign_raw({"alg": holder.alg, "typ": "kb+jwt"}, payload)
    assert _code(lambda: verify(part + kb, **KB)) == "sdjwt.kb_invalid"


def test_f40_kb_iat_not_a_number(issuer: TestSigner, holder: TestSigner, verify: Verify) -> None:
    part = _signed_part(issuer, holder)
    assert _code(lambda: verify(part + _kb_signed(holder, part, iat=str(NOW)), **KB)) == "sdjwt.kb_invalid"


# --- 41 KB-JWT replay ------------------------------------------------------------------------


def test_f41_nonce_mismatch(issuer: TestSigner, holder: TestSigner, verify: Verify) -> None:
    part = _signed_part(issuer, holder)
    assert _code(lambda: verify(part + _kb_signed(holder, part, nonce="other"), **KB)) == "sdjwt.kb_replay"


def test_f41_aud_mismatch(issuer: TestSigner, holder: TestSigner, verify: Verify) -> None:
    part = _signed_part(issuer, holder)
    kb = _kb_signed(holder, part, aud="https://attacker.example")
    assert _code(lambda: verify(part + kb, **KB)) == "sdjwt.kb_replay"


def test_f41_nonce_used_twice(issuer: TestSigner, holder: TestSigner, verify: Verify) -> None:
    store = MemoryNonceStore(clock=FixedClock(NOW))
    part = _signed_part(issuer, holder)
    vp = part + _kb_signed(holder, part)
    kw = {"require_kb": True, "expected_aud": AUD, "nonce_store": store}
    assert verify(vp, **kw).kb_payload["nonce"] == NONCE
    assert _code(lambda: verify(vp, **kw)) == "sdjwt.kb_replay"


def test_f41_failed_presentation_does_not_burn_the_nonce(
    issuer: TestSigner, holder: TestSigner, attacker: TestSigner, verify: Verify
) -> None:
    store = MemoryNonceStore(clock=FixedClock(NOW))
    part = _signed_part(issuer, holder)
    kw = {"require_kb": True, "expected_aud": AUD, "nonce_store": store}
    assert _code(lambda: verify(part + _kb_signed(attacker, part), **kw)) == "sdjwt.kb_invalid"
    assert verify(part + _kb_signed(holder, part), **kw).kb_payload is not None


def test_f41_broken_store_is_indeterminate(issuer: TestSigner, holder: TestSigner, verify: Verify) -> None:
    class Broken:
        def consume(self, nonce: str) -> bool:
            raise OSError("database down")

    part = _signed_part(issuer, holder)
    with pytest.raises(Indeterminate) as info:
        verify(part + _kb_signed(holder, part), require_kb=True, nonce_store=Broken())
    assert info.value.code == "sdjwt.kb_replay"


@pytest.mark.parametrize(
    ("iat", "ok"),
    [
        (NOW, True),
        (NOW - 300, True),
        (NOW - 301, False),
        (NOW + 300, True),
        (NOW + 301, False),
        (NOW - 86400, False),
    ],
)
def test_f41_kb_iat_window(issuer: TestSigner, holder: TestSigner, verify: Verify, iat: int, ok: bool) -> None:
    part = _signed_part(issuer, holder)
    vp = part + _kb_signed(holder, part, iat=iat)
    if ok:
        assert verify(vp, **KB).kb_payload["iat"] == iat
    else:
        assert _code(lambda: verify(vp, **KB)) == "sdjwt.kb_replay"


def test_f41_kb_required_without_nonce_expectation_is_usage_error(
    issuer: TestSigner, holder: TestSigner, verify: Verify
) -> None:
    part = _signed_part(issuer, holder)
    with pytest.raises(UsageError):
        verify(part + _kb_signed(holder, part), require_kb=True, expected_aud=AUD)


# --- 42 sd_hash --------------------------------------------------------------------------------


def _full_vp(issuer: TestSigner, holder: TestSigner) -> tuple[str, str, list[str], str]:
    sd_jwt = _issued(issuer, holder)
    vp = present_sd_jwt(
        sd_jwt, disclose=["/given_name", "/birthdate"], holder_signer=holder, nonce=NONCE, aud=AUD, iat=NOW
    )
    jwt, *ds, kb = vp.split("~")
    return sd_jwt, jwt, ds, kb


def test_f42_disclosure_added_after_kb(issuer: TestSigner, holder: TestSigner, verify: Verify) -> None:
    sd_jwt, jwt, ds, kb = _full_vp(issuer, holder)
    extra = present_sd_jwt(sd_jwt, disclose=["/family_name"]).split("~")[1]  # genuine, from the same credential
    assert extra not in ds
    tampered = jwt + "~" + "".join(d + "~" for d in [*ds, extra]) + kb
    assert _code(lambda: verify(tampered, **KB)) == "sdjwt.sd_hash_mismatch"


def test_f42_disclosure_removed_after_kb(issuer: TestSigner, holder: TestSigner, verify: Verify) -> None:
    _, jwt, ds, kb = _full_vp(issuer, holder)
    tampered = jwt + "~" + ds[0] + "~" + kb
    assert _code(lambda: verify(tampered, **KB)) == "sdjwt.sd_hash_mismatch"


def test_f42_disclosures_reordered_after_kb(issuer: TestSigner, holder: TestSigner, verify: Verify) -> None:
    _, jwt, ds, kb = _full_vp(issuer, holder)
    assert len(ds) == 2
    tampered = jwt + "~" + ds[1] + "~" + ds[0] + "~" + kb
    assert _code(lambda: verify(tampered, **KB)) == "sdjwt.sd_hash_mismatch"


def test_f42_sd_hash_with_another_algorithm(issuer: TestSigner, holder: TestSigner, verify: Verify) -> None:
    import hashlib

    part = _signed_part(issuer, holder)
    wrong = sd_hash(hashlib.sha384, part)
    assert _code(lambda: verify(part + _kb_signed(holder, part, sd_hash=wrong), **KB)) == "sdjwt.sd_hash_mismatch"


# --- 43 SD-JWT VC specifics --------------------------------------------------------------------


@pytest.mark.parametrize("typ", ["JWT", "vc+jwt", "kb+jwt", "sd-jwt", "example+sd-jwt", None])
def test_f43_issuer_typ(issuer: TestSigner, verify: Verify, typ: str | None) -> None:
    token = issuer.sign_raw({"alg": issuer.alg, **({"typ": typ} if typ else {})}, plain_payload())
    assert _code(lambda: verify(token + "~")) == "jose.typ_mismatch"


def test_f43_legacy_typ_accepted_on_input_only(issuer: TestSigner, verify: Verify) -> None:
    token = issuer.sign_raw({"alg": issuer.alg, "typ": "vc+sd-jwt"}, plain_payload())
    assert verify(token + "~").header["typ"] == "vc+sd-jwt"
    assert _code(lambda: verify(token + "~", accepted_typ=frozenset({"dc+sd-jwt"}))) == "jose.typ_mismatch"
    with pytest.raises(UsageError):
        issue_sd_jwt(base_claims(), disclosable=[], signer=issuer, typ="vc+sd-jwt")


def test_f43_issuer_metadata_for_another_issuer() -> None:
    jwks = {"keys": [{"kty": "EC", "crv": "P-256", "x": "x", "y": "y"}]}
    assert require_issuer_metadata({"issuer": ISS, "jwks": jwks}, ISS) == jwks
    for other in (ISS + "/", ISS.upper(), "https://registrar.example.go.th.evil", ISS + ":443"):
        metadata = {"issuer": other, "jwks": jwks}
        assert _code(lambda: require_issuer_metadata(metadata, ISS)) == "vc.issuer_mismatch"


def test_f43_cyclic_vct_extends() -> None:
    metadata = {
        "urn:a": {"vct": "urn:a", "extends": "urn:b"},
        "urn:b": {"vct": "urn:b", "extends": "urn:c"},
        "urn:c": {"vct": "urn:c", "extends": "urn:a"},
    }
    assert _code(lambda: require_vct_chain("urn:a", metadata.get)) == "sdjwt.vct_invalid"
    self_loop = {"urn:s": {"vct": "urn:s", "extends": "urn:s"}}
    assert _code(lambda: require_vct_chain("urn:s", self_loop.get)) == "sdjwt.vct_invalid"


def test_f43_holder_refuses_sd_jwt_kb_at_issuance(issuer: TestSigner, holder: TestSigner) -> None:
    vp = present_sd_jwt(_issued(issuer, holder), disclose=[], holder_signer=holder, nonce="n", aud="a", iat=NOW)
    with pytest.raises(InputError) as info:
        present_sd_jwt(vp, disclose=[])
    assert info.value.code == "sdjwt.malformed"


# --- A/D rows that apply to SD-JWT --------------------------------------------------------------


def test_a1_whole_input_too_large(issuer: TestSigner, verify: Verify) -> None:
    big = _issued(issuer) + "A" * (64 * 1024)
    assert _code(lambda: verify(big)) == "input.too_large"


def test_a1_one_disclosure_too_large_before_decoding(issuer: TestSigner, verify: Verify) -> None:
    blob = "!" * (16 * 1024 + 1)  # not even base64url: the cap must trigger first
    assert _code(lambda: verify(_issued(issuer) + blob + "~")) == "input.too_large"


def test_a2_deeply_nested_disclosure(issuer: TestSigner, verify: Verify) -> None:
    d = b64url_encode(b'["c2FsdHNhbHRzYWx0c2FsdA","x",' + b"[" * 5000 + b"]" * 5000 + b"]")
    payload = plain_payload(_sd=[digest_of(d)])
    assert _code(lambda: verify(craft(issuer, payload, [d]))) == "input.too_deep"


def test_a2_disclosures_nesting_through_digests(issuer: TestSigner, verify: Verify) -> None:
    disclosures: list[str] = []
    value: Any = "leaf"
    for i in range(70):
        d = encode_disclosure([f"c2FsdHNhbHRzYWx0c2Fs{i:02d}", "n", value])
        disclosures.append(d)
        value = {"_sd": [digest_of(d)]}
    payload = plain_payload(_sd=value["_sd"])
    assert _code(lambda: verify(craft(issuer, payload, disclosures))) == "input.too_deep"


def test_a10_key_in_issuer_header_is_never_used(attacker: TestSigner, verify: Verify) -> None:
    forged = craft(attacker, plain_payload(), [], header={"jwk": attacker.public_jwk})
    calls: list[Any] = []
    code = _code(lambda: verify(forged, issuer_key_resolver=lambda h, p: calls.append(h)))
    assert code == "jose.untrusted_key_source"
    assert calls == []


def test_issuer_signature_by_attacker(attacker: TestSigner, verify: Verify) -> None:
    assert _code(lambda: verify(craft(attacker, plain_payload(), []))) == "crypto.bad_signature"


@pytest.mark.parametrize(
    ("claims", "code"),
    [
        ({"exp": NOW - 301}, "time.expired"),
        ({"exp": NOW - 300}, "time.expired"),
        ({"nbf": NOW + 301}, "time.not_yet_valid"),
        ({"iat": NOW + 301}, "time.not_yet_valid"),
        ({"exp": str(NOW + 10)}, "claims.malformed"),
        ({"exp": True}, "claims.malformed"),
        ({"exp": -1}, "claims.malformed"),
        ({"exp": 253_402_300_800}, "claims.malformed"),
    ],
)
def test_d20_issuer_jwt_times(issuer: TestSigner, verify: Verify, claims: dict[str, Any], code: str) -> None:
    assert _code(lambda: verify(craft(issuer, plain_payload(**claims), []))) == code


@pytest.mark.parametrize("claims", [{"exp": NOW - 299}, {"nbf": NOW + 300}, {"iat": NOW + 300}])
def test_d20_issuer_jwt_time_boundaries_pass(issuer: TestSigner, verify: Verify, claims: dict[str, Any]) -> None:
    assert verify(craft(issuer, plain_payload(**claims), [])).payload["iss"] == ISS


@pytest.mark.parametrize(
    "text",
    ["", "~", "abc", "a.b.c~", "~~", "eyJ9.eyJ9.AA~~x~", '{"payload":"x"}~'],
)
def test_structure_errors(verify: Verify, text: str) -> None:
    code = _code(lambda: verify(text))
    assert code in {"sdjwt.malformed", "jose.malformed", "jose.serialization_not_allowed"}


def test_unknown_issuer_resolver_error_propagates(attacker: TestSigner, verify: Verify) -> None:
    token = craft(attacker, {**plain_payload(), "iss": "https://attacker.example"}, [])
    assert _code(lambda: verify(token)) == "trust.untrusted_issuer"


@pytest.mark.parametrize(
    "extra",
    [{"_sd": "not-a-list"}, {"_sd": [1]}, {"list": [{"...": 5}]}, {"sub": {"_sd": {"a": 1}}}],
    ids=["sd-string", "sd-number-entry", "ellipsis-number", "nested-sd-object"],
)
def test_malformed_digest_structures(issuer: TestSigner, verify: Verify, extra: dict[str, Any]) -> None:
    assert _code(lambda: verify(craft(issuer, plain_payload(**extra), []))) == "sdjwt.malformed"
