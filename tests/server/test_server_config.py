"""Configuration: one TOML file plus THAIVC_ overrides, every error named; keys through the Signer seam."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from server_helpers import credential, issuer_headers, write_config
from starlette.testclient import TestClient

from thaivc import PrivateKey, Verifier, generate_key
from thaivc.keys.callback import CallbackSigner
from thaivc.server import ConfigError, create_app, load_config, load_keyring

SIGNS: list[bytes] = []
_KMS_KEY: PrivateKey | None = None


def kms_signer(settings: dict[str, Any]) -> CallbackSigner:
    """What an agency writes for its KMS: the private key stays in the 'KMS' (here, this module)."""
    global _KMS_KEY
    if _KMS_KEY is None:
        _KMS_KEY = generate_key("P-256")
    key = _KMS_KEY

    def sign(data: bytes) -> bytes:
        SIGNS.append(data)
        return key.sign(data)

    return CallbackSigner(sign, public_key=key.public_key, kid=key.kid)


def broken_signer(settings: dict[str, Any]) -> CallbackSigner:
    key, other = generate_key("P-256"), generate_key("P-256")
    return CallbackSigner(other.sign, public_key=key.public_key, kid=key.kid, verify_output=False)


def test_every_error_is_named_at_once(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text(
        'public_url = "ftp://x/"\nbogus = 1\n[limits]\nmax_body_bytes = 1\n[database]\nurl = "mysql://x"\n'
        '[[issuer.keys]]\nid = "a b"\nfile = "missing.jwk"\n[cors]\nallow_origins = ["*"]\n'
    )
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "bad.toml", environ={})
    text = "\n".join(info.value.errors)
    for where in ("public_url", "bogus", "limits.max_body_bytes", "issuer.keys.0.id"):
        assert where in text, text
    assert info.value.code == "config.invalid"


def test_semantic_errors_are_all_named(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text(
        '[database]\nurl = "mysql://user:secret-password@x"\n'
        '[[issuer.keys]]\nid = "a"\nfile = "missing.jwk"\n[cors]\nallow_origins = ["*"]\n'
    )
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "bad.toml", environ={})
    text = "\n".join(info.value.errors)
    assert "database.url" in text and "issuer.keys.0.file" in text and "cors.allow_origins.0" in text
    assert "secret-password" not in text


def test_environment_overrides_the_file(tmp_path: Path) -> None:
    path = write_config(tmp_path)
    config = load_config(path, environ={"THAIVC_LIMITS__RATE_PER_IP": "7", "THAIVC_PUBLIC_URL": "https://x.go.th",
                                        "THAIVC_CORS__ALLOW_ORIGINS": '["https://app.go.th"]'})
    assert config.limits.rate_per_ip == 7
    assert config.public_url == "https://x.go.th"
    assert config.cors.allow_origins == ["https://app.go.th"]
    with pytest.raises(ConfigError, match=r"limits\.rate_per_ip"):
        load_config(path, environ={"THAIVC_LIMITS__RATE_PER_IP": "zero"})


def test_an_unreadable_or_invalid_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        load_config(tmp_path / "absent.toml", environ={})
    (tmp_path / "x.toml").write_text("[[[")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(tmp_path / "x.toml", environ={})


def test_issuance_signs_through_the_signer_seam(tmp_path: Path) -> None:
    module = sys.modules[__name__].__name__
    keys = f'[[issuer.keys]]\nid = "kms-1"\nsigner = "{module}:kms_signer"\n'
    config = load_config(write_config(tmp_path, keys=keys), environ={})
    SIGNS.clear()
    with TestClient(create_app(config), base_url="https://issuer.example.go.th") as client:
        r = client.post("/credentials/issue", json={"credential": credential(), "options": {"format": "vc+jwt"}},
                        headers=issuer_headers())
        assert r.status_code == 201, r.text
        assert len(SIGNS) >= 2  # the start-up self-test, then the credential
        vc = r.json()["verifiableCredential"]
        assert client.post("/credentials/verify", json={"verifiableCredential": vc}).status_code == 200
    from thaivc.jose.media import unenvelope

    _, token = unenvelope(vc)
    assert Verifier().check(token).status in ("verified", "indeterminate")  # signed by the KMS key


def test_a_signer_whose_signatures_do_not_verify_stops_the_start(tmp_path: Path) -> None:
    module = sys.modules[__name__].__name__
    keys = f'[[issuer.keys]]\nid = "kms-1"\nsigner = "{module}:broken_signer"\n'
    config = load_config(write_config(tmp_path, keys=keys), environ={})
    with pytest.raises(ConfigError, match=r"issuer\.keys\.0: crypto\.bad_signature"):
        load_keyring(config)


def test_a_signer_factory_that_does_not_exist(tmp_path: Path) -> None:
    keys = '[[issuer.keys]]\nid = "kms-1"\nsigner = "no_such_module_xyz:make"\n'
    config = load_config(write_config(tmp_path, keys=keys), environ={})
    with pytest.raises(ConfigError, match="ModuleNotFoundError"):
        load_keyring(config)


def test_rotation_needs_exactly_one_active_key(tmp_path: Path) -> None:
    generate_key("Ed25519").save(tmp_path / "b.jwk.json")
    keys = '[[issuer.keys]]\nid = "a"\nfile = "issuer.jwk.json"\n[[issuer.keys]]\nid = "b"\nfile = "b.jwk.json"\n'
    with pytest.raises(ConfigError, match="exactly one key must be active"):
        load_config(write_config(tmp_path, keys=keys, did="did:web:issuer.example.go.th"), environ={})
