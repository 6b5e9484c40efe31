"""PrivateKey: generation, loading from every source, saving safely, binding, and secrecy."""

from __future__ import annotations

import json
import os
import pickle
import stat
import traceback
from pathlib import Path

import pytest

from thaivc.core.errors import ThaiVCError, UsageError
from thaivc.keys import PrivateKey, PublicKey, Signer, generate_key, load_key

KEY_TYPES = ["Ed25519", "P-256", "P-384"]


@pytest.mark.parametrize("key_type", KEY_TYPES)
def test_generate_attributes(key_type: str) -> None:
    key = generate_key(key_type)
    assert key.key_type == key_type
    assert key.alg == key.algorithm == key.public.alg
    assert key.did == "did:key:" + key.public.multikey
    assert key.kid == f"{key.did}#{key.public.multikey}"
    assert "d" not in key.public_jwk
    assert key.public_jwk == key.public.jwk
    assert key.public_key is key.public
    assert isinstance(key, Signer)


def test_generate_rejects_unknown_type() -> None:
    with pytest.raises(ThaiVCError) as exc:
        generate_key("RSA")
    assert exc.value.code == "key.unsupported"


@pytest.mark.parametrize("key_type", KEY_TYPES)
def test_private_jwk_round_trip(key_type: str) -> None:
    key = generate_key(key_type)
    jwk = key.private_jwk()
    assert "d" in jwk
    again = load_key(jwk)
    assert isinstance(again, PrivateKey)
    assert again.public == key.public
    assert again.sign(b"x") == key.sign(b"x")  # deterministic signing: same key, same signature
    public = load_key(key.public_jwk)
    assert isinstance(public, PublicKey) and public == key.public


@pytest.mark.parametrize("key_type", KEY_TYPES)
def test_save_and_load_file(tmp_path: Path, key_type: str) -> None:
    key = generate_key(key_type)
    path = tmp_path / "issuer.jwk.json"
    key.save(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["issuer.jwk.json"]  # no temp file left
    stored = json.loads(path.read_text())
    assert stored["kid"] == key.kid and "d" in stored
    loaded = load_key(path)
    assert isinstance(loaded, PrivateKey)
    assert loaded.public == key.public and loaded.kid == key.kid
    assert isinstance(load_key(str(path)), PrivateKey)


def test_save_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "k.json"
    first, second = generate_key(), generate_key()
    first.save(path)
    with pytest.raises(ThaiVCError) as exc:
        second.save(path)
    assert exc.value.code == "key.exists"
    loaded = load_key(path)
    assert isinstance(loaded, PrivateKey) and loaded.public == first.public
    second.save(path, overwrite=True)
    loaded = load_key(path)
    assert isinstance(loaded, PrivateKey) and loaded.public == second.public
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k.json"]


def test_save_into_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(ThaiVCError) as exc:
        generate_key().save(tmp_path / "missing" / "k.json")
    assert exc.value.code == "key.unwritable"


def test_load_unreadable_files(tmp_path: Path) -> None:
    cases = {
        "missing.json": None,
        "garbage.json": b"not json",
        "array.json": b"[1, 2]",
        "dup.json": b'{"kty": "OKP", "kty": "EC"}',
        "huge.json": b'{"a": "' + b"x" * 70_000 + b'"}',
    }
    for name, body in cases.items():
        path = tmp_path / name
        if body is not None:
            path.write_bytes(body)
        with pytest.raises(ThaiVCError) as exc:
            load_key(path)
        assert exc.value.code == "key.unreadable", name


@pytest.mark.parametrize("key_type", KEY_TYPES)
def test_repr_and_str_hide_private_material(key_type: str) -> None:
    key = generate_key(key_type)
    d = key.private_jwk()["d"]
    for text in (repr(key), str(key), f"{key}", repr([key]), repr(key.public)):
        assert d not in text
        assert "PrivateKey" in text or "PublicKey" in text


def test_private_key_cannot_be_pickled() -> None:
    with pytest.raises(TypeError):
        pickle.dumps(generate_key())
    pub = generate_key().public
    assert pickle.loads(pickle.dumps(pub)) == pub


def _bad_private_jwks() -> list[dict[str, str]]:
    a, b = generate_key("P-256"), generate_key("P-256")
    ed_a, ed_b = generate_key(), generate_key()
    return [
        {**a.private_jwk(), "d": b.private_jwk()["d"]},  # d of another key
        {**ed_a.private_jwk(), "d": ed_b.private_jwk()["d"]},
        {**a.private_jwk(), "d": a.private_jwk()["d"] + "A"},  # not canonical b64 / wrong length
        {**ed_a.private_jwk(), "d": ed_a.private_jwk()["d"][:-2]},
        {**a.private_jwk(), "use": "enc"},
        {**a.private_jwk(), "d": "_" * 43},  # scalar >= n
    ]


@pytest.mark.parametrize("index", range(6))
def test_bad_private_jwk_errors_do_not_leak_d(index: int) -> None:
    jwk = _bad_private_jwks()[index]
    with pytest.raises(ThaiVCError) as exc:
        load_key(jwk)
    assert exc.value.code == "key.invalid"
    rendered = "".join(traceback.format_exception(exc.value))
    assert jwk["d"] not in rendered
    assert jwk["d"] not in repr(exc.value)
    assert exc.value.__cause__ is None


@pytest.mark.parametrize(
    ("name", "key_type"),
    [
        ("vc-di-eddsa/keyPair.json", "Ed25519"),
        ("vc-di-ecdsa/p256KeyPair.json", "P-256"),
        ("vc-di-ecdsa/p384KeyPair.json", "P-384"),
    ],
)
def test_load_multikey_sources(vectors: Path, name: str, key_type: str) -> None:
    pair = json.loads((vectors / name).read_text())
    from_pair = load_key(pair)
    assert isinstance(from_pair, PrivateKey) and from_pair.key_type == key_type
    from_file = load_key(vectors / name)
    assert isinstance(from_file, PrivateKey) and from_file.public == from_pair.public
    public = load_key(pair["publicKeyMultibase"])
    assert isinstance(public, PublicKey) and public == from_pair.public
    assert from_pair.did == "did:key:" + pair["publicKeyMultibase"]


def test_multikey_pair_mismatch_is_key_invalid(vectors: Path) -> None:
    pair = json.loads((vectors / "vc-di-ecdsa/p256KeyPair.json").read_text())
    pair["publicKeyMultibase"] = generate_key("P-256").public.multikey
    with pytest.raises(ThaiVCError) as exc:
        load_key(pair)
    assert exc.value.code == "key.invalid"


def test_relative_path_starting_with_z(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ThaiVCError) as exc:
        load_key("zkeys.json")  # missing: a path, not a Multikey
    assert exc.value.code == "key.unreadable"
    key = generate_key()
    key.save("zkey")  # exists: read as a file even though it looks like base58
    loaded = load_key("zkey")
    assert isinstance(loaded, PrivateKey) and loaded.public == key.public


def test_load_key_rejects_other_types() -> None:
    with pytest.raises(UsageError):
        load_key(12345)  # type: ignore[arg-type]
    with pytest.raises(ThaiVCError) as exc:
        load_key("zNotAKey")
    assert exc.value.code == "key.invalid"


def test_bind_to_another_did(tmp_path: Path) -> None:
    key = generate_key("P-256")
    bound = key.bind("did:web:registrar.example", "did:web:registrar.example#key-1")
    assert bound.did == "did:web:registrar.example"
    assert bound.kid == "did:web:registrar.example#key-1"
    assert bound.public == key.public
    assert key.public.verify(bound.sign(b"m"), b"m")
    assert key.did.startswith("did:key:")  # the original is unchanged
    bound.save(tmp_path / "web.json")
    loaded = load_key(tmp_path / "web.json")
    assert isinstance(loaded, PrivateKey) and loaded.kid == bound.kid and loaded.did == bound.did


@pytest.mark.parametrize("kid", ["did:web:a.example", "did:web:a.example#", "did:#x"])
def test_key_file_with_unusable_kid_is_key_invalid(kid: str) -> None:
    with pytest.raises(ThaiVCError) as exc:
        load_key({**generate_key().private_jwk(), "kid": kid})
    assert exc.value.code == "key.invalid"


def test_key_file_with_plain_kid_keeps_did_key() -> None:
    key = generate_key()
    loaded = load_key({**key.private_jwk(), "kid": "issuer-2024"})
    assert isinstance(loaded, PrivateKey) and loaded.kid == key.kid


@pytest.mark.parametrize(
    ("did", "kid"),
    [
        ("did:web:a.example", "did:web:b.example#key-1"),
        ("did:web:a.example", "did:web:a.example#"),
        ("did:web:a.example", "did:web:a.example"),
        ("web:a.example", "web:a.example#k"),
    ],
)
def test_bind_rejects_inconsistent_ids(did: str, kid: str) -> None:
    with pytest.raises(UsageError):
        generate_key().bind(did, kid)


def test_key_file_written_atomically_with_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        generate_key().save(tmp_path / "k.json")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "k.json").stat().st_mode) == 0o600
