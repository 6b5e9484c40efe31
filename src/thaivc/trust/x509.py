"""Issuer keys from an ``x5c`` certificate chain, validated to trust anchors the verifier configured.

RFC 8725 §3.10: a key carried in the token is never trusted for itself. An ``x5c`` chain is used
only when a verifier was given anchors (``Verifier(x509_trust=X509Trust([...]))``), and only after
``cryptography``'s X.509 path validation (:mod:`cryptography.x509.verification`, not hand-written):
the chain must end at one of those anchors, every certificate be valid at the verifier's clock, CA
certificates follow the Web PKI CA profile, and the leaf carry Key Usage ``digitalSignature``. The
leaf is then bound to the issuer: an https ``iss`` must be a URI in the leaf's Subject Alternative
Name, or its host a DNS name there (SD-JWT VC §3.5). Anything else is refused with a ``trust.x5c_*``
code; the certificates' own opinions (EKU for TLS, names in the subject) are not consulted.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Final
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.x509.verification import Criticality, ExtensionPolicy, PolicyBuilder, Store, VerificationError

from thaivc.core.errors import ThaiVCError, UsageError
from thaivc.keys import PublicKey

__all__ = ["MAX_CERT_BYTES", "MAX_CHAIN", "X509Trust"]

#: Longest ``x5c`` accepted (leaf and intermediates; the anchor need not be sent).
MAX_CHAIN: Final = 5
#: Largest single certificate accepted, DER bytes.
MAX_CERT_BYTES: Final = 8192


def _digital_signature(policy: Any, cert: x509.Certificate, usage: x509.KeyUsage | None) -> None:
    """Extension validator: the leaf must be allowed to sign (Key Usage ``digitalSignature``)."""
    if usage is None or not usage.digital_signature:
        raise ValueError("the leaf certificate is not for digital signatures")


class X509Trust:
    """Trust anchors for ``x5c`` chains, and the one way thaivc turns a chain into an issuer key."""

    def __init__(self, anchors: Sequence[x509.Certificate], *, max_chain_depth: int = MAX_CHAIN) -> None:
        if not anchors or not all(isinstance(a, x509.Certificate) for a in anchors):
            raise UsageError("usage.invalid_argument", "anchors are cryptography x509.Certificate objects")
        self._store = Store(list(anchors))
        self._depth = max_chain_depth
        self._ee_policy = ExtensionPolicy.permit_all().require_present(
            x509.KeyUsage, Criticality.AGNOSTIC, _digital_signature
        )

    @classmethod
    def from_pem(cls, pem: bytes) -> X509Trust:
        """Anchors from PEM text (one or more certificates)."""
        try:
            return cls(x509.load_pem_x509_certificates(pem))
        except ValueError as exc:
            raise UsageError("usage.invalid_argument", f"not PEM certificates: {exc}") from None

    def issuer_key(self, x5c: object, issuer: str, now: float) -> PublicKey:
        """The leaf's key, once the chain validates to an anchor at ``now`` and the leaf names ``issuer``."""
        chain = _decode(x5c)
        leaf, intermediates = chain[0], chain[1:]
        verifier = (
            PolicyBuilder()
            .store(self._store)
            .time(datetime.fromtimestamp(now, tz=UTC))
            .max_chain_depth(self._depth)
            .extension_policies(ca_policy=ExtensionPolicy.webpki_defaults_ca(), ee_policy=self._ee_policy)
            .build_client_verifier()
        )
        try:
            verified = verifier.verify(leaf, intermediates)
        except VerificationError as exc:
            raise ThaiVCError("trust.x5c_untrusted", f"the x5c chain does not validate: {str(exc)[:200]}") from None
        _check_bound(verified.subjects or [], issuer)
        try:
            return PublicKey.from_crypto(leaf.public_key())
        except ThaiVCError as err:
            raise ThaiVCError(err.code, f"the x5c leaf key: {err.detail}") from None


def _decode(x5c: object) -> list[x509.Certificate]:
    """RFC 7515 §4.1.6: a non-empty array of standard-base64 DER certificates, leaf first."""
    if not isinstance(x5c, list) or not x5c:
        raise ThaiVCError("trust.x5c_invalid", "x5c is not a non-empty array")
    if len(x5c) > MAX_CHAIN:
        raise ThaiVCError("input.too_large", f"x5c carries more than {MAX_CHAIN} certificates")
    out: list[x509.Certificate] = []
    for index, item in enumerate(x5c):
        if not isinstance(item, str) or len(item) > MAX_CERT_BYTES * 4 // 3 + 4:
            raise ThaiVCError("trust.x5c_invalid", f"x5c[{index}] is not a certificate string of sane size")
        try:
            der = base64.b64decode(item, validate=True)
            out.append(x509.load_der_x509_certificate(der))
        except (binascii.Error, ValueError):
            raise ThaiVCError("trust.x5c_invalid", f"x5c[{index}] is not a base64 DER certificate") from None
    return out


def _check_bound(subjects: Sequence[x509.GeneralName], issuer: str) -> None:
    """The leaf names ``issuer``: the exact URI, or (for an https issuer) its host as a DNS name."""
    parts = urlsplit(issuer) if isinstance(issuer, str) else None
    if parts is None or parts.scheme != "https" or not parts.hostname:
        raise ThaiVCError("trust.x5c_issuer_mismatch", "an x5c chain vouches only for an https issuer")
    for name in subjects:
        if isinstance(name, x509.UniformResourceIdentifier) and name.value == issuer:
            return
        if isinstance(name, x509.DNSName) and name.value.lower() == parts.hostname.lower():
            return
    raise ThaiVCError("trust.x5c_issuer_mismatch", "the leaf certificate does not name the issuer")
