"""HTTPS for ``thaivc serve``: the ``[server] tls_cert``/``tls_key`` pair (or ``--tls-cert``/``--tls-key``).

Why check the pair here rather than let uvicorn load it: uvicorn reads the files only when it starts
listening, and then fails with an OpenSSL traceback ("KEY_VALUES_MISMATCH") or, for an encrypted key,
stops to ask for a password on a terminal a service does not have. Checked at start, each problem is a
named error in the same ``config.invalid`` list as the rest of the configuration — a missing file,
half a pair, a file that is not PEM, a key of another certificate, an encrypted key, a certificate
outside its validity — and a message never quotes the files' contents. The parsing is the
``cryptography`` package's; this module only decides what counts as a usable pair.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Final

from pydantic import BaseModel, ConfigDict, Field, field_validator

if TYPE_CHECKING:
    from cryptography.x509 import Certificate

__all__ = [
    "DEFAULT_VERIFY_THREADS",
    "MAX_PEM_BYTES",
    "ServerSection",
    "resolve_tls",
    "section_errors",
    "tls_errors",
    "verification_threads",
]

#: Bytes of one PEM file: a certificate chain of a few certificates fits many times over.
MAX_PEM_BYTES: Final = 64 * 1024


class ServerSection(BaseModel):
    """``[server]``: how the process listens. Relative paths are read from the configuration's directory.

    ``threads`` bounds each worker's pool for blocking work (issuance, whose callback may wait on
    DOPA or DBD, the protocol endpoints, administration); ``verify_threads`` is the separate, small
    pool the VC-API verify endpoints run in: verification is CPU work under one GIL, so threads past
    a few only add hand-offs. Left unset it is 4, or ``threads`` when ``[policy] allow_network`` lets
    a verification wait on other issuers' DID documents and status lists (a few slow fetches must not
    hold every verification of the worker); :func:`verification_threads` decides.

    ``reconcile_interval`` (seconds; 0, the default, is off) runs reconciliation of orphaned status
    indices inside the service (:mod:`thaivc.server.reconcile`), leaving allocations younger than
    ``reconcile_grace`` seconds alone. Off by default: an orphan is harmless (never a delivered
    credential), while revoking by mistake is not — an operator turns it on once a dry run
    (``thaivc serve reconcile --dry-run``) shows nothing else writes this issuer's entries in the database.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    tls_cert: str | None = None
    tls_key: str | None = None
    threads: int = Field(default=40, ge=1, le=1000)
    verify_threads: int | None = Field(default=None, ge=1, le=1000)
    reconcile_interval: int = Field(default=0, ge=0, le=7 * 86400)
    reconcile_grace: int = Field(default=600, ge=60, le=30 * 86400)

    @field_validator("reconcile_interval")
    @classmethod
    def _interval(cls, value: int) -> int:
        if 0 < value < 60:
            raise ValueError("reconcile_interval is 0 (off) or at least 60 seconds")
        return value


def _read(path: Path, name: str, errors: list[str]) -> bytes | None:
    if not path.is_file():
        errors.append(f"{name}: no such file")
        return None
    if path.stat().st_size > MAX_PEM_BYTES:
        errors.append(f"{name}: larger than {MAX_PEM_BYTES // 1024} KiB, not a PEM file")
        return None
    try:
        return path.read_bytes()
    except OSError as exc:
        errors.append(f"{name}: cannot be read ({type(exc).__name__})")
        return None


def _certificate(data: bytes, name: str, now: dt.datetime, errors: list[str]) -> Certificate | None:
    from cryptography import x509

    try:
        leaf = x509.load_pem_x509_certificates(data)[0]
    except ValueError:
        errors.append(f"{name}: not a PEM certificate")
        return None
    if leaf.not_valid_after_utc <= now:
        errors.append(f"{name}: expired on {leaf.not_valid_after_utc:%Y-%m-%d}")
    elif leaf.not_valid_before_utc > now:
        errors.append(f"{name}: not valid before {leaf.not_valid_before_utc:%Y-%m-%d}")
    return leaf


def _public_key_der(data: bytes, name: str, errors: list[str]) -> bytes | None:
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives import serialization

    try:
        key = serialization.load_pem_private_key(data, password=None)
    except TypeError:
        errors.append(f"{name}: encrypted; give an unencrypted key readable only by the service's user")
        return None
    except (ValueError, UnsupportedAlgorithm):
        errors.append(f"{name}: not a PEM private key")
        return None
    return key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def tls_errors(
    cert: Path | None,
    key: Path | None,
    *,
    names: tuple[str, str, str] = ("server", "server.tls_cert", "server.tls_key"),
    now: dt.datetime | None = None,
) -> list[str]:
    """Every problem of the pair, each named by ``names`` (the section, the certificate's, the key's)."""
    section, cert_name, key_name = names
    if cert is None and key is None:
        return []
    if cert is None or key is None:
        short = (cert_name.rsplit(".", 1)[-1], key_name.rsplit(".", 1)[-1])
        return [f"{section}: give both {short[0]} and {short[1]}, or neither"]
    errors: list[str] = []
    cert_data, key_data = _read(cert, cert_name, errors), _read(key, key_name, errors)
    when = now or dt.datetime.now(dt.UTC)
    leaf = None if cert_data is None else _certificate(cert_data, cert_name, when, errors)
    key_der = None if key_data is None else _public_key_der(key_data, key_name, errors)
    if leaf is not None and key_der is not None:
        from cryptography.hazmat.primitives import serialization

        cert_der = leaf.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        if cert_der != key_der:
            errors.append(f"{key_name}: not the key of the certificate in {cert_name}")
    return errors


def section_errors(section: ServerSection, base: Path) -> list[str]:
    """The problems of ``[server]``'s pair, paths relative to ``base`` (the configuration's directory)."""
    return tls_errors(_path(base, section.tls_cert), _path(base, section.tls_key))


def resolve_tls(
    section: ServerSection, base: Path, cert_flag: str | None, key_flag: str | None
) -> tuple[Path, Path] | None:
    """The pair to listen with: the command line's flags when given, else ``[server]``; checked.

    Raises :class:`thaivc.server.config.ConfigError` naming each problem by where it was set.
    """
    from thaivc.server.config import ConfigError

    if cert_flag is not None or key_flag is not None:
        cert, key = _path(Path.cwd(), cert_flag), _path(Path.cwd(), key_flag)
        names = ("serve", "--tls-cert", "--tls-key")
    else:
        cert, key = _path(base, section.tls_cert), _path(base, section.tls_key)
        names = ("server", "server.tls_cert", "server.tls_key")
    errors = tls_errors(cert, key, names=names)
    if errors:
        raise ConfigError(errors)
    return None if cert is None or key is None else (cert, key)


def _path(base: Path, name: str | None) -> Path | None:
    if name is None:
        return None
    candidate = Path(name)
    return candidate if candidate.is_absolute() else base / candidate


def certificate_names(cert_file: Path) -> tuple[set[str], bool]:
    """The DNS names and IP addresses a (checked) certificate names, and whether it is self-signed.

    For the start-up banner: the commands it prints must reach a name the certificate covers, and
    a self-signed certificate must be handed to ``curl`` (``--cacert``) for them to work as printed.
    """
    from cryptography.exceptions import InvalidSignature
    from cryptography.x509 import (
        DNSName,
        ExtensionNotFound,
        IPAddress,
        SubjectAlternativeName,
        load_pem_x509_certificate,
    )

    cert = load_pem_x509_certificate(cert_file.read_bytes())
    try:
        san = cert.extensions.get_extension_for_class(SubjectAlternativeName).value
        names = {str(n) for n in san.get_values_for_type(DNSName)} | {
            str(a) for a in san.get_values_for_type(IPAddress)
        }
    except ExtensionNotFound:
        names = set()
    try:
        cert.verify_directly_issued_by(cert)
        self_signed = True
    except (ValueError, TypeError, InvalidSignature):
        self_signed = False
    return names, self_signed


#: Verification threads per worker when nothing else is said: CPU work under one GIL (``make loadtest``:
#: 1.44 ms server CPU per verification with 40 threads, 1.01 ms with 4, 1.08 ms with 2).
DEFAULT_VERIFY_THREADS = 4


def verification_threads(server: ServerSection, *, allow_network: bool) -> int:
    """How many verifications a worker runs at once: as configured, else 4 offline, else ``threads``."""
    if server.verify_threads is not None:
        return server.verify_threads
    return server.threads if allow_network else DEFAULT_VERIFY_THREADS
