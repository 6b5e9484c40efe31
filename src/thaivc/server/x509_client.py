"""An ``x509_san_dns:`` OpenID4VP client for ``thaivc serve``: its certificate chain and key from files.

Wallets that follow HAIP trust a verifier by an X.509 certificate for its DNS name, not by a DID. The
service then signs its request objects with the certificate's key and sends the chain as ``x5c``
(:func:`thaivc.oid4vp.request.sign_request`). A wrong file here would make every wallet refuse every
request, silently from the agency's side, so everything a wallet will check is checked at start:

* the chain parses (PEM, leaf first) and the leaf is inside its validity period;
* the leaf's subjectAltName holds exactly the client's DNS name (no wildcard matching: a wallet's
  verifier may not accept one), and that name is ``public_url``'s host, where the wallet posts;
* the key file holds a private key (PKCS#8 PEM without password, or a private JWK) whose public half
  is the leaf's.

Whether a wallet trusts the chain's root is the wallet's configuration; the service cannot know it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat, load_pem_private_key

from thaivc.core.errors import ThaiVCError
from thaivc.keys import PrivateKey, load_key
from thaivc.server.protocol_config import Oid4vpConfig

__all__ = ["X509Client", "load_x509_client", "x509_errors"]

_PREFIX = "x509_san_dns:"
_MAX_FILE = 256 * 1024


@dataclass(frozen=True)
class X509Client:
    """What signs the service's request objects: the leaf's key and the chain sent as ``x5c``."""

    signer: PrivateKey
    chain: tuple[x509.Certificate, ...]


class _Invalid(ValueError):
    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")


def _read(path: Path, where: str) -> bytes:
    if not path.is_file():
        raise _Invalid(where, "no such file")
    data = path.read_bytes()
    if len(data) > _MAX_FILE:
        raise _Invalid(where, f"larger than {_MAX_FILE} bytes")
    return data


def _load_key(path: Path) -> PrivateKey:
    data = _read(path, "oid4vp.x509_key_file")
    if data.lstrip().startswith(b"-----BEGIN"):
        try:
            crypto = load_pem_private_key(data, password=None)
        except (ValueError, TypeError):
            raise _Invalid("oid4vp.x509_key_file", "not an unencrypted PEM private key") from None
        if not isinstance(crypto, ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey):
            raise _Invalid("oid4vp.x509_key_file", "an EC (P-256, P-384) or Ed25519 key")
        try:
            return PrivateKey(crypto)
        except ThaiVCError as exc:
            raise _Invalid("oid4vp.x509_key_file", exc.detail) from None
    try:
        key = load_key(path)
    except ThaiVCError as exc:
        raise _Invalid("oid4vp.x509_key_file", f"neither PEM nor a JWK ({exc.code})") from None
    if not isinstance(key, PrivateKey):
        raise _Invalid("oid4vp.x509_key_file", "holds no private key")
    return key


def _load_chain(path: Path, host: str) -> tuple[x509.Certificate, ...]:
    where = "oid4vp.x509_chain_file"
    try:
        chain = tuple(x509.load_pem_x509_certificates(_read(path, where)))
    except ValueError:
        raise _Invalid(where, "not a PEM certificate chain (leaf first)") from None
    if not chain or len(chain) > 5:
        raise _Invalid(where, "1 to 5 certificates, leaf first")
    leaf = chain[0]
    now = dt.datetime.now(dt.UTC)
    if not leaf.not_valid_before_utc <= now <= leaf.not_valid_after_utc:
        raise _Invalid(where, "the leaf certificate is not valid now (expired or not yet valid)")
    try:
        names = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        raise _Invalid(where, "the leaf certificate has no subjectAltName") from None
    if host.lower() not in [n.lower() for n in names.get_values_for_type(x509.DNSName)]:
        raise _Invalid(where, f"the leaf's subjectAltName does not hold the DNS name {host}")
    return chain


def _spki(key: object) -> bytes:
    public = key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)  # type: ignore[attr-defined]
    assert isinstance(public, bytes)
    return public


def load_x509_client(public_url: str, section: Oid4vpConfig, path: Callable[[str], Path]) -> X509Client | None:
    """The configured x509_san_dns client (``None`` for any other client); :class:`ValueError` naming the fault."""
    client_id = section.client_id or ""
    files = section.x509_chain_file, section.x509_key_file
    if not client_id.startswith(_PREFIX):
        if any(f is not None for f in files):
            raise _Invalid("oid4vp.x509_chain_file", "only for an x509_san_dns: client_id")
        return None
    host = client_id[len(_PREFIX) :]
    if urlsplit(public_url).hostname != host.lower():
        raise _Invalid("oid4vp.client_id", "the DNS name must be public_url's host (the wallet posts there)")
    chain_file, key_file = files
    if chain_file is None or key_file is None:
        raise _Invalid("oid4vp", "an x509_san_dns client needs x509_chain_file and x509_key_file")
    chain = _load_chain(path(chain_file), host)
    key = _load_key(path(key_file))
    if _spki(key.crypto.public_key()) != _spki(chain[0].public_key()):
        raise _Invalid("oid4vp.x509_key_file", "the key is not the leaf certificate's")
    return X509Client(key, chain)


def x509_errors(public_url: str, section: Oid4vpConfig | None, path: Callable[[str], Path]) -> list[str]:
    """The x509 client's problems, for the start-up validation (every error named, none echoed)."""
    if section is None:
        return []
    try:
        load_x509_client(public_url, section, path)
    except _Invalid as exc:
        return [str(exc)]
    return []
