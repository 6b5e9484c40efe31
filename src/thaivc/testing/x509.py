"""A throwaway X.509 hierarchy for OpenID4VP ``x509_san_dns:`` verifiers in tests.

Real verifiers get a certificate from a CA the wallets trust; tests need the same shape without
one: a root (the wallet's trust anchor) and a leaf for one DNS name, with an ES256 key wrapped as
a thaivc signer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from thaivc.keys import PrivateKey

__all__ = ["X509Client", "x509_client"]


@dataclass(frozen=True)
class X509Client:
    """The leaf's signer, the chain it sends (``x5c``: leaf first) and the root a wallet trusts."""

    signer: PrivateKey
    chain: tuple[x509.Certificate, ...]
    anchor: x509.Certificate


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def x509_client(host: str, *, now: dt.datetime | None = None, days: int = 30,
                root: tuple[ec.EllipticCurvePrivateKey, x509.Certificate] | None = None) -> X509Client:
    """A root CA and a leaf certificate for ``host`` (valid ``days`` from ``now``)."""
    now = now or dt.datetime.now(dt.UTC)
    start, end = now - dt.timedelta(days=1), now + dt.timedelta(days=days)
    if root is None:
        root_key = ec.generate_private_key(ec.SECP256R1())
        root_cert = (
            x509.CertificateBuilder().subject_name(_name("thaivc test root")).issuer_name(_name("thaivc test root"))
            .public_key(root_key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(end)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), critical=False)
            .sign(root_key, hashes.SHA256())
        )
    else:
        root_key, root_cert = root
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder().subject_name(_name(host)).issuer_name(root_cert.subject)
        .public_key(leaf_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(start).not_valid_after(end)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    return X509Client(PrivateKey(leaf_key), (leaf,), root_cert)
