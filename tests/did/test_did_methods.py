"""did:key and did:jwk: documents, relationships, and docs/security.md group I, case 62 bad-key cases."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from thaivc.core.b64 import b64url_encode
from thaivc.core.errors import ThaiVCError
from thaivc.did import RELATIONSHIPS, DidJwkResolver, DidKeyResolver, UniversalResolver, did_jwk, did_key
from thaivc.keys import PublicKey, generate_key
from thaivc.keys._base58 import b58encode

KEY_TYPES = ["Ed25519", "P-256", "P-384"]


@pytest.mark.parametrize(("key_type", "prefix"), [("Ed25519", "z6Mk"), ("P-256", "zDn"), ("P-384", "z82")])
def test_did_key_document(key_type: str, prefix: str) -> None:
    pub = generate_key(key_type).public
    did = did_key(pub)
    assert did.startswith("did:key:" + prefix)
    doc = DidKeyResolver().resolve(did)
    vm_id = f"{did}#{pub.multikey}"
    assert doc.id == did
    assert [vm.id for vm in doc.verification_methods] == [vm_id]
    vm = doc.find(vm_id)
    assert vm is not None and vm.type == "Multikey" and vm.controller == did and vm.public_key == pub
    assert doc.find("#" + pub.multikey) == vm
    for rel in RELATIONSHIPS:
        assert doc.is_authorized(vm_id, rel)
    out = doc.to_json()
    assert out["@context"] == ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]
    assert out["verificationMethod"] == [
        {"id": vm_id, "type": "Multikey", "controller": did, "publicKeyMultibase": pub.multikey}
    ]
    assert out["assertionMethod"] == [vm_id]


def test_did_key_matches_vector(vectors: Path) -> None:
    pair = json.loads((vectors / "vc-di-eddsa/keyPair.json").read_text())
    did = "did:key:" + pair["publicKeyMultibase"]
    doc, vm = UniversalResolver().resolve_verification_method(f"{did}#{pair['publicKeyMultibase']}")
    assert doc.id == did and vm.public_key.multikey == pair["publicKeyMultibase"]


@pytest.mark.parametrize("key_type", KEY_TYPES)
def test_did_jwk_document(key_type: str) -> None:
    pub = generate_key(key_type).public
    did = did_jwk(pub)
    doc = DidJwkResolver().resolve(did)
    vm = doc.find(did + "#0")
    assert vm is not None and vm.type == "JsonWebKey" and vm.public_key == pub
    assert all(doc.is_authorized("#0", rel) for rel in RELATIONSHIPS)
    out = doc.to_json()
    assert "https://w3id.org/security/jwk/v1" in out["@context"]
    assert out["verificationMethod"][0]["publicKeyJwk"] == pub.jwk


def test_did_jwk_spec_example() -> None:
    # The P-256 example from the did:jwk specification (§ Examples).
    did = "did:jwk:eyJjcnYiOiJQLTI1NiIsImt0eSI6IkVDIiwieCI6ImFjYklRaXVNczNpOF91c3pFakoydHBUdFJNNEVVM3l6OTFQSDZDZEgyVjAiLCJ5IjoiX0tjeUxqOXZXTXB0bm1LdG00NkdxRHo4d2Y3NEk1TEtncmwyR3pIM25TRSJ9"
    doc = UniversalResolver().resolve(did)
    vm = doc.find("#0")
    assert vm is not None
    assert vm.public_key.jwk == {
        "crv": "P-256",
        "kty": "EC",
        "x": "acbIQiuMs3i8_uszEjJ2tpTtRM4EU3yz91PH6CdH2V0",
        "y": "_KcyLj9vWMptnmKtm46GqDz8wf74I5LKgrl2GzH3nSE",
    }


def _did_jwk_of(jwk: dict[str, Any]) -> str:
    return "did:jwk:" + b64url_encode(json.dumps(jwk).encode())


def _multikey(header: bytes, body: bytes) -> str:
    return "z" + b58encode(header + body)


def _key_vm(multikey: str) -> str:
    """The verification-method id a did:key would have for this (possibly bad) Multikey."""
    return f"did:key:{multikey}#{multikey}"


def _p256_compressed_off_curve() -> str:
    p = 2**256 - 2**224 + 2**192 + 2**96 - 1
    b = 0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B
    x = 1
    while pow((x**3 - 3 * x + b) % p, (p - 1) // 2, p) == 1:
        x += 1
    return _multikey(b"\x80\x24", b"\x02" + x.to_bytes(32, "big"))


def _rsa_jwk() -> dict[str, str]:
    from cryptography.hazmat.primitives.asymmetric import rsa

    nums = rsa.generate_private_key(65537, 2048).public_key().public_numbers()
    return {"kty": "RSA", "n": b64url_encode(nums.n.to_bytes(256, "big")), "e": "AQAB"}


# docs/security.md group I, case 62: each of these must be rejected with key.invalid.
I62_VM_IDS = {
    "multibase not z": lambda: "did:key:m" + generate_key().public.multikey[1:] + "#k",
    "unknown multicodec": lambda: _key_vm(_multikey(b"\xec\x01", bytes(range(32)))),
    "ed25519 prefix not ed01": lambda: _key_vm(_multikey(b"\xed\x02", generate_key().public.raw)),
    "wrong length": lambda: _key_vm(_multikey(b"\xed\x01", bytes(range(1, 31)))),
    "p256 not on curve": lambda: _key_vm(_p256_compressed_off_curve()),
    "secret multikey": lambda: _key_vm(_multikey(b"\x80\x26", bytes(range(32)))),
    "fragment is another key": lambda: f"{generate_key().did}#{generate_key().public.multikey}",
    "fragment is not a key": lambda: f"{generate_key().did}#keys-1",
    "did:jwk fragment not 0": lambda: did_jwk(generate_key().public) + "#1",
    "did:jwk with d": lambda: _did_jwk_of(generate_key().private_jwk()) + "#0",
    "did:jwk use enc": lambda: _did_jwk_of({**generate_key("P-256").public_jwk, "use": "enc"}) + "#0",
    "did:jwk rsa": lambda: _did_jwk_of(_rsa_jwk()) + "#0",
    "did:jwk x25519": lambda: (
        _did_jwk_of({"kty": "OKP", "crv": "X25519", "x": b64url_encode(bytes(range(32)))}) + "#0"
    ),
    "did:jwk small-order ed25519": lambda: (
        _did_jwk_of({"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(b"\x01" + bytes(31))}) + "#0"
    ),
}


@pytest.mark.parametrize("case", sorted(I62_VM_IDS))
def test_i62_bad_did_keys_are_key_invalid(case: str) -> None:
    vm_id = I62_VM_IDS[case]()
    with pytest.raises(ThaiVCError) as exc:
        UniversalResolver().resolve_verification_method(vm_id)
    assert exc.value.code == "key.invalid", exc.value.detail


@pytest.mark.parametrize(
    "did",
    [
        "did:jwk:not-base64!",
        "did:jwk:" + b64url_encode(b"[1,2]"),
        "did:jwk:" + b64url_encode(b"not json"),
        "did:jwk:" + b64url_encode(b'{"kty":"OKP","kty":"EC"}'),
        "did:jwk:" + b64url_encode(b"{" + b'"a":1,' * 400 + b'"b":2}'),
        "did:key:z6Mk:extra",
        "did:jwk:a=",
    ],
)
def test_malformed_method_specific_ids_are_did_invalid(did: str) -> None:
    with pytest.raises(ThaiVCError) as exc:
        UniversalResolver().resolve(did)
    assert exc.value.code == "did.invalid"


def test_resolvers_refuse_other_methods() -> None:
    did = did_jwk(generate_key().public)
    with pytest.raises(ThaiVCError) as exc:
        DidKeyResolver().resolve(did)
    assert exc.value.code == "did.invalid"
    with pytest.raises(ThaiVCError):
        DidJwkResolver().resolve(generate_key().did)


def test_did_key_resolution_is_cached() -> None:
    did = generate_key().did
    assert DidKeyResolver().resolve(did) is DidKeyResolver().resolve(did)
    resolver = UniversalResolver()
    kid = f"{did}#{did[8:]}"
    assert resolver.resolve_verification_method(kid) is resolver.resolve_verification_method(kid)


def test_public_key_from_did_matches() -> None:
    key = generate_key("P-384")
    _, vm = UniversalResolver().resolve_verification_method(key.kid)
    sig = key.sign(b"m")
    assert vm.public_key.verify(sig, b"m")
    assert isinstance(vm.public_key, PublicKey)
