"""DidDocument.from_json: strict parsing of arbitrary (e.g. did:web) documents and relationships."""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thaivc.core.errors import ThaiVCError
from thaivc.did import DidDocument, UniversalResolver, VerificationMethod, did_jwk
from thaivc.keys import PublicKey, generate_key

DID = "did:web:registrar.example"
ASSERT_KEY = generate_key("P-256").public
AUTH_KEY = generate_key().public
EMBEDDED_KEY = generate_key("P-384").public


def _doc() -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://example.org/remote-context-never-fetched"],
        "id": DID,
        "verificationMethod": [
            {"id": "#assert-1", "type": "JsonWebKey", "controller": DID, "publicKeyJwk": ASSERT_KEY.jwk},
            {
                "id": f"{DID}#auth-1",
                "type": "Multikey",
                "controller": DID,
                "publicKeyMultibase": AUTH_KEY.multikey,
            },
            {
                "id": "#agree-1",
                "type": "X25519KeyAgreementKey2020",
                "controller": DID,
                "publicKeyMultibase": "z6LS",
            },
        ],
        "assertionMethod": ["#assert-1", f"{DID}#missing"],
        "authentication": [
            f"{DID}#auth-1",
            {
                "id": "#embedded",
                "type": "Multikey",
                "controller": DID,
                "publicKeyMultibase": EMBEDDED_KEY.multikey,
            },
        ],
        "capabilityInvocation": ["did:web:other.example#key-1"],
        "keyAgreement": ["#agree-1"],
        "service": [{"id": "#svc", "type": "LinkedDomains", "serviceEndpoint": "https://registrar.example"}],
    }


def test_parses_a_did_web_document() -> None:
    doc = DidDocument.from_json(_doc())
    assert doc.id == DID
    assert {vm.id for vm in doc.verification_methods} == {
        f"{DID}#assert-1",
        f"{DID}#auth-1",
        f"{DID}#embedded",
    }
    vm = doc.find("#assert-1")
    assert vm == VerificationMethod(f"{DID}#assert-1", "JsonWebKey", DID, ASSERT_KEY)
    assert doc.find(f"{DID}#auth-1") is not None and doc.find(f"{DID}#auth-1").public_key == AUTH_KEY  # type: ignore[union-attr]
    assert doc.find("#agree-1") is None  # not a signing method type
    assert doc.find(123) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("vm_id", "relationship", "expected"),
    [
        ("#assert-1", "assertionMethod", True),
        (f"{DID}#assert-1", "assertionMethod", True),
        ("#assert-1", "authentication", False),
        ("#auth-1", "authentication", True),
        ("#auth-1", "assertionMethod", False),  # present in verificationMethod grants nothing
        ("#embedded", "authentication", True),
        ("#embedded", "assertionMethod", False),  # embedded methods count only where embedded
        ("#missing", "assertionMethod", False),  # referenced but never defined
        ("did:web:other.example#key-1", "capabilityInvocation", False),  # another document's key
        ("#agree-1", "assertionMethod", False),
        ("#assert-1", "keyAgreement", False),
        ("#assert-1", "nonsense", False),
    ],
)
def test_relationships(vm_id: str, relationship: str, expected: bool) -> None:
    doc = DidDocument.from_json(_doc())
    assert doc.is_authorized(vm_id, relationship) is expected  # type: ignore[arg-type]


def test_to_json_round_trip() -> None:
    doc = DidDocument.from_json(_doc())
    out = doc.to_json()
    assert out["@context"] == [
        "https://www.w3.org/ns/did/v1",
        "https://w3id.org/security/multikey/v1",
        "https://w3id.org/security/jwk/v1",
    ]
    assert DidDocument.from_json(out) == doc


def _mutate(path: list[Any], value: Any) -> dict[str, Any]:
    doc = copy.deepcopy(_doc())
    target: Any = doc
    for step in path[:-1]:
        target = target[step]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return doc


_DELETE = object()

BAD_DOCS: dict[str, tuple[Callable[[], Any], str]] = {
    "not an object": (lambda: [_doc()], "did.invalid"),
    "id missing": (lambda: _mutate(["id"], _DELETE), "did.invalid"),
    "id not a DID": (lambda: _mutate(["id"], "https://registrar.example"), "did.invalid"),
    "controller not a string": (
        lambda: _mutate(["verificationMethod", 0, "controller"], [DID]),
        "did.invalid",
    ),
    "controller object": (
        lambda: _mutate(["verificationMethod", 0, "controller"], {"id": DID}),
        "did.invalid",
    ),
    "controller missing": (lambda: _mutate(["verificationMethod", 0, "controller"], _DELETE), "did.invalid"),
    "vm id of another DID": (
        lambda: _mutate(["verificationMethod", 0, "id"], "did:web:evil.example#k"),
        "did.invalid",
    ),
    "vm id without fragment": (lambda: _mutate(["verificationMethod", 0, "id"], "assert-1"), "did.invalid"),
    "vm type not a string": (
        lambda: _mutate(["verificationMethod", 0, "type"], ["JsonWebKey"]),
        "did.invalid",
    ),
    "vm not an object": (lambda: _mutate(["verificationMethod", 0], "#assert-1"), "did.invalid"),
    "verificationMethod not a list": (lambda: _mutate(["verificationMethod"], {}), "did.invalid"),
    "relationship not a list": (lambda: _mutate(["assertionMethod"], "#assert-1"), "did.invalid"),
    "relationship entry junk": (lambda: _mutate(["assertionMethod", 0], 5), "did.invalid"),
    "relationship relative without #": (lambda: _mutate(["assertionMethod", 0], "assert-1"), "did.invalid"),
    "jwk and multibase": (
        lambda: _mutate(["verificationMethod", 0, "publicKeyMultibase"], ASSERT_KEY.multikey),
        "did.invalid",
    ),
    "multikey with jwk": (
        lambda: _mutate(["verificationMethod", 1, "publicKeyJwk"], AUTH_KEY.jwk),
        "did.invalid",
    ),
    "jwk missing": (lambda: _mutate(["verificationMethod", 0, "publicKeyJwk"], _DELETE), "did.invalid"),
    "multibase not a string": (
        lambda: _mutate(["verificationMethod", 1, "publicKeyMultibase"], 1),
        "did.invalid",
    ),
    "duplicate vm ids": (
        lambda: _mutate(["verificationMethod", 1, "id"], "#assert-1"),
        "did.invalid",
    ),
    "private jwk": (
        lambda: _mutate(["verificationMethod", 0, "publicKeyJwk"], generate_key("P-256").private_jwk()),
        "key.invalid",
    ),
    "secret multibase": (
        lambda: _mutate(
            ["verificationMethod", 1, "secretKeyMultibase"],
            "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq",
        ),
        "key.invalid",
    ),
    "jwk use enc": (
        lambda: _mutate(["verificationMethod", 0, "publicKeyJwk"], {**ASSERT_KEY.jwk, "use": "enc"}),
        "key.invalid",
    ),
    "bad multikey": (lambda: _mutate(["verificationMethod", 1, "publicKeyMultibase"], "z6LS"), "key.invalid"),
}


@pytest.mark.parametrize("case", sorted(BAD_DOCS))
def test_bad_documents(case: str) -> None:
    make, code = BAD_DOCS[case]
    with pytest.raises(ThaiVCError) as exc:
        DidDocument.from_json(make())
    assert exc.value.code == code


def test_expected_id_mismatch() -> None:
    with pytest.raises(ThaiVCError) as exc:
        DidDocument.from_json(_doc(), expected_id="did:web:registrar.example:other")
    assert exc.value.code == "did.id_mismatch"
    assert DidDocument.from_json(_doc(), expected_id=DID).id == DID


def test_frozen() -> None:
    doc = DidDocument.from_json(_doc())
    with pytest.raises(AttributeError):
        doc.id = "did:web:evil.example"  # type: ignore[misc]


# --- property-based -----------------------------------------------------------------------------

N_P256 = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


@st.composite
def keys(draw: st.DrawFn) -> PublicKey:
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519

    if draw(st.booleans()):
        seed = draw(st.binary(min_size=32, max_size=32))
        return PublicKey.from_crypto(ed25519.Ed25519PrivateKey.from_private_bytes(seed).public_key())
    scalar = draw(st.integers(min_value=1, max_value=N_P256 - 1))
    return PublicKey.from_crypto(ec.derive_private_key(scalar, ec.SECP256R1()).public_key())


@settings(max_examples=40, deadline=None)
@given(keys())
def test_property_key_and_did_round_trip(pub: PublicKey) -> None:
    assert PublicKey.from_multikey(pub.multikey) == pub
    assert PublicKey.from_jwk(pub.jwk) == pub
    resolver = UniversalResolver()
    for vm_id in (f"did:key:{pub.multikey}#{pub.multikey}", did_jwk(pub) + "#0"):
        doc, vm = resolver.resolve_verification_method(vm_id)
        assert vm.public_key == pub
        assert DidDocument.from_json(doc.to_json()) == doc


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["id", "verificationMethod", "assertionMethod", "authentication", "x"]), json_values
    )
)
def test_property_garbage_documents_fail_closed(obj: dict[str, Any]) -> None:
    with contextlib.suppress(ThaiVCError):
        DidDocument.from_json(obj)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=120))
def test_property_garbage_multikeys_fail_closed(text: str) -> None:
    try:
        PublicKey.from_multikey("z" + text)
    except ThaiVCError as exc:
        assert exc.code == "key.invalid"


def test_direct_construction_is_validated_and_normalised() -> None:
    vm = VerificationMethod(f"{DID}#k", "Multikey", DID, AUTH_KEY)
    doc = DidDocument(id=DID, verification_methods=(vm,), authentication=("#k",))
    assert doc.authentication == (f"{DID}#k",)
    assert doc.is_authorized(f"{DID}#k", "authentication")
    foreign = VerificationMethod("did:web:evil.example#k", "Multikey", DID, AUTH_KEY)
    with pytest.raises(ThaiVCError) as exc:
        DidDocument(id=DID, verification_methods=(foreign,))
    assert exc.value.code == "did.invalid"
    other = VerificationMethod(f"{DID}#k", "Multikey", DID, ASSERT_KEY)
    with pytest.raises(ThaiVCError) as exc:
        DidDocument(id=DID, verification_methods=(vm, other))
    assert exc.value.code == "did.invalid"


def test_too_many_methods_hit_the_resolution_limit() -> None:
    many = [
        {"id": f"#k{i}", "type": "Multikey", "controller": DID, "publicKeyMultibase": AUTH_KEY.multikey}
        for i in range(65)
    ]
    with pytest.raises(ThaiVCError) as exc:
        DidDocument.from_json({"id": DID, "verificationMethod": many})
    assert exc.value.code == "did.resolution_limit"
    assert len(DidDocument.from_json({"id": DID, "verificationMethod": many[:64]}).verification_methods) == 64
