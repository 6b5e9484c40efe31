"""``thaivc serve`` over HTTPS: ``--tls-cert``/``--tls-key`` or ``[server] tls_cert``/``tls_key``.

Every bad pair is refused at start with a named error (never a traceback, never the key's text):
a missing file, half a pair, a file that is not a certificate or a key, a key of another certificate,
an encrypted key, an expired certificate. Then the real service answers one request over loopback HTTPS.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from server_helpers import free_port, serve_process, write_config

from thaivc.cli import main
from thaivc.server import load_config
from thaivc.server.config import ConfigError
from thaivc.server.tls import tls_errors


def make_pair(directory: Path, name: str = "tls", *, days: int = 7, password: bytes | None = None) -> tuple[Path, Path]:
    """A throwaway self-signed certificate for localhost / 127.0.0.1 and its key, as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    start, end = (
        (now - dt.timedelta(days=1), now + dt.timedelta(days=days))
        if days > 0
        else (now - dt.timedelta(days=10), now - dt.timedelta(days=1))
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / f"{name}.crt", directory / f"{name}.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(password) if password else serialization.NoEncryption()
    )
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption))
    return cert_file, key_file


def config_errors(tmp_path: Path, section: str) -> str:
    path = write_config(tmp_path, f"[server]\n{section}\n")
    with pytest.raises(ConfigError) as info:
        load_config(path, environ={})
    return str(info.value)


# -- attacker first: every bad pair is a named error at start ---------------------------------------
def test_missing_files_are_named(tmp_path: Path) -> None:
    text = config_errors(tmp_path, 'tls_cert = "nope.crt"\ntls_key = "nope.key"')
    assert "server.tls_cert: no such file" in text
    assert "server.tls_key: no such file" in text


@pytest.mark.parametrize("section", ['tls_cert = "tls.crt"', 'tls_key = "tls.key"'])
def test_half_a_pair_is_refused(tmp_path: Path, section: str) -> None:
    make_pair(tmp_path)
    assert "server: give both tls_cert and tls_key" in config_errors(tmp_path, section)


def test_a_key_of_another_certificate_is_refused(tmp_path: Path) -> None:
    make_pair(tmp_path)
    _, other_key = make_pair(tmp_path, "other")
    text = config_errors(tmp_path, f'tls_cert = "tls.crt"\ntls_key = "{other_key.name}"')
    assert "server.tls_key: not the key of the certificate in server.tls_cert" in text


def test_files_that_are_not_pem_are_refused(tmp_path: Path) -> None:
    cert, key = make_pair(tmp_path)
    secret = key.read_text()
    cert.write_text("not a certificate")
    text = config_errors(tmp_path, 'tls_cert = "tls.crt"\ntls_key = "tls.crt"')
    assert "server.tls_cert: not a PEM certificate" in text
    assert "server.tls_key: not a PEM private key" in text
    assert secret not in text


def test_swapped_files_are_refused_without_echoing_the_key(tmp_path: Path) -> None:
    _, key = make_pair(tmp_path)
    text = config_errors(tmp_path, 'tls_cert = "tls.key"\ntls_key = "tls.crt"')
    assert "server.tls_cert: not a PEM certificate" in text
    assert "server.tls_key: not a PEM private key" in text
    assert "PRIVATE KEY" not in text
    assert key.read_text().splitlines()[1] not in text


def test_an_encrypted_key_is_refused(tmp_path: Path) -> None:
    make_pair(tmp_path, password=b"correct horse")
    text = config_errors(tmp_path, 'tls_cert = "tls.crt"\ntls_key = "tls.key"')
    assert "server.tls_key: encrypted" in text
    assert "correct horse" not in text


def test_an_expired_certificate_is_refused(tmp_path: Path) -> None:
    make_pair(tmp_path, days=0)
    assert "server.tls_cert: expired" in config_errors(tmp_path, 'tls_cert = "tls.crt"\ntls_key = "tls.key"')


def test_an_oversized_file_is_refused(tmp_path: Path) -> None:
    cert, _ = make_pair(tmp_path)
    cert.write_bytes(cert.read_bytes() * 2000)
    assert "server.tls_cert: larger than" in config_errors(tmp_path, 'tls_cert = "tls.crt"\ntls_key = "tls.key"')


def test_the_environment_overrides_are_checked_too(tmp_path: Path) -> None:
    path = write_config(tmp_path)
    with pytest.raises(ConfigError, match=r"server.tls_cert: no such file"):
        load_config(path, environ={"THAIVC_SERVER__TLS_CERT": "x.crt", "THAIVC_SERVER__TLS_KEY": "x.key"})


def test_a_good_pair_loads(tmp_path: Path) -> None:
    make_pair(tmp_path)
    config = load_config(write_config(tmp_path, '[server]\ntls_cert = "tls.crt"\ntls_key = "tls.key"\n'), environ={})
    assert config.server.tls_cert == "tls.crt"
    assert tls_errors(config.path("tls.crt"), config.path("tls.key")) == []


def test_cli_flags_are_checked_before_starting(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_config(tmp_path)
    cert, _ = make_pair(tmp_path)
    code = main(["serve", "--config", str(path), "--tls-cert", str(cert), "--port", "1"])
    assert code == 2
    assert "--tls-key" in capsys.readouterr().err
    _, other_key = make_pair(tmp_path, "other")
    code = main(["serve", "--config", str(path), "--tls-cert", str(cert), "--tls-key", str(other_key), "--port", "1"])
    assert code == 2
    assert "--tls-key: not the key of the certificate in --tls-cert" in capsys.readouterr().err


# -- the real service over loopback HTTPS -------------------------------------------------------------
@pytest.fixture
def https_service(tmp_path: Path) -> Iterator[tuple[str, ssl.SSLContext]]:
    port = free_port()
    cert, key = make_pair(tmp_path)
    path = write_config(tmp_path)
    path.write_text(path.read_text().replace("https://issuer.example.go.th", f"https://localhost:{port}"))
    trust = ssl.create_default_context(cafile=str(cert))
    base = f"https://localhost:{port}"
    args = ["serve", "--config", str(path), "--port", str(port), "--tls-cert", str(cert), "--tls-key", str(key)]
    with serve_process(args, ready_url=base + "/healthz", verify=trust, stderr=tmp_path / "stderr.txt"):
        yield base, trust


def test_serve_answers_over_loopback_https(https_service: tuple[str, ssl.SSLContext]) -> None:
    base, trust = https_service
    r = httpx.post(base + "/credentials/verify", json={"verifiableCredential": "not-a-token"}, timeout=10, verify=trust)
    assert r.status_code >= 400
    assert r.headers["content-type"].startswith("application/problem+json")
    with pytest.raises(httpx.HTTPError):  # plain HTTP on the TLS port is not served
        httpx.get(base.replace("https://", "http://") + "/healthz", timeout=5)
