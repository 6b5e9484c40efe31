"""Private signing keys: generation, loading, saving, and signing in raw JOSE/DI form.

A :class:`PrivateKey` is what the public API calls "a key": it knows its DID (``did:key`` unless
bound to another DID) and verification-method id, so issuers never have to assemble a ``kid``.
Private material is reachable only through :meth:`PrivateKey.private_jwk`; ``repr``/``str`` and
every error raised while loading show nothing secret, because both end up in logs.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final, NoReturn

from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from thaivc.core.b64 import b64url_decode, b64url_encode
from thaivc.core.errors import ThaiVCError, UsageError
from thaivc.core.jsonutil import dumps_compact, loads_strict
from thaivc.keys._multicodec import decode_multikey
from thaivc.keys._public import (
    ALGORITHMS,
    CURVES,
    KeyType,
    PublicKey,
    key_type_of,
    require_jwk_header,
)

__all__ = ["PrivateKey", "generate_key", "load_key"]

SignKey = ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey

#: The general shape of a DID (DID Core §3.1); method-specific rules are thaivc.did's business.
_DID_SHAPE: Final = re.compile(r"did:[a-z0-9]+:[A-Za-z0-9._%:-]*[A-Za-z0-9._%-]", re.ASCII)

#: A JWK file is a few hundred bytes; anything much larger is not a key file.
MAX_KEY_FILE_BYTES: Final = 64 * 1024


def _invalid(detail: str) -> NoReturn:
    raise ThaiVCError("key.invalid", detail)


class PrivateKey:
    """A signing key bound to a DID and verification-method id. Implements :class:`Signer`."""

    __slots__ = ("_crypto", "_did", "_kid", "_public")

    _crypto: SignKey
    _public: PublicKey
    _did: str
    _kid: str

    def __init__(self, crypto: SignKey, *, did: str | None = None, kid: str | None = None) -> None:
        """Wrap a ``cryptography`` private key; ``did``/``kid`` default to its did:key identifiers."""
        if not isinstance(crypto, ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey):
            raise UsageError("usage.invalid_argument", "not an Ed25519 or EC private key object")
        public = PublicKey.from_crypto(crypto.public_key())
        if did is None:
            did = "did:key:" + public.multikey
            kid = f"{did}#{public.multikey}"
        elif kid is None or not kid.startswith(did + "#") or len(kid) == len(did) + 1:
            raise UsageError("usage.invalid_argument", "kid must be the DID followed by a '#fragment'")
        object.__setattr__(self, "_crypto", crypto)
        object.__setattr__(self, "_public", public)
        object.__setattr__(self, "_did", did)
        object.__setattr__(self, "_kid", kid)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("PrivateKey is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("PrivateKey is immutable")

    # --- Signer protocol ------------------------------------------------------------------------

    @property
    def algorithm(self) -> str:
        return ALGORITHMS[self._public.key_type]

    @property
    def kid(self) -> str:
        """Verification-method id, e.g. ``did:key:z6Mk…#z6Mk…``."""
        return self._kid

    @property
    def public_key(self) -> PublicKey:
        return self._public

    def sign(self, data: bytes) -> bytes:
        """Raw signature: Ed25519 ``R‖S`` or ECDSA ``r‖s`` (RFC 6979 deterministic nonces).

        Deterministic ECDSA removes the dependency on a good RNG at signing time and makes
        signatures reproducible in tests.
        """
        if isinstance(self._crypto, ed25519.Ed25519PrivateKey):
            return self._crypto.sign(data)
        curve = CURVES[self._public.key_type]
        der = self._crypto.sign(data, ec.ECDSA(curve.hash, deterministic_signing=True))
        r, s = decode_dss_signature(der)
        return r.to_bytes(curve.size, "big") + s.to_bytes(curve.size, "big")

    # --- attributes -----------------------------------------------------------------------------

    @property
    def key_type(self) -> KeyType:
        return self._public.key_type

    @property
    def alg(self) -> str:
        return self.algorithm

    @property
    def public(self) -> PublicKey:
        return self._public

    @property
    def public_jwk(self) -> dict[str, str]:
        return self._public.jwk

    @property
    def did(self) -> str:
        return self._did

    @property
    def crypto(self) -> SignKey:
        """The underlying ``cryptography`` private key (hazardous: it exposes the secret)."""
        return self._crypto

    def private_jwk(self) -> dict[str, str]:
        """The private JWK including ``d``. A method, not a property, so that it is never implicit."""
        jwk = self._public.jwk
        if isinstance(self._crypto, ed25519.Ed25519PrivateKey):
            jwk["d"] = b64url_encode(self._crypto.private_bytes_raw())
        else:
            size = CURVES[self._public.key_type].size
            jwk["d"] = b64url_encode(self._crypto.private_numbers().private_value.to_bytes(size, "big"))
        return jwk

    def bind(self, did: str, kid: str) -> PrivateKey:
        """The same key material presented as verification method ``kid`` of ``did`` (e.g. did:web)."""
        if not isinstance(did, str) or _DID_SHAPE.fullmatch(did) is None or not isinstance(kid, str):
            raise UsageError("usage.invalid_argument", "did must be a DID and kid a DID URL")
        return PrivateKey(self._crypto, did=did, kid=kid)

    def save(self, path: str | os.PathLike[str], *, overwrite: bool = False) -> None:
        """Write the private JWK (with ``kid``) to ``path``: mode 0600, atomic, fsynced.

        The file is written to a temporary name in the same directory and then linked (no
        overwrite) or renamed (overwrite) into place, so a crash never leaves a half-written key
        and an existing key is never replaced by accident.
        """
        target = Path(path)
        jwk: dict[str, Any] = self.private_jwk()
        jwk["kid"] = self._kid
        body = dumps_compact(jwk).encode("utf-8") + b"\n"
        directory = target.parent
        if not overwrite and target.exists():
            raise ThaiVCError("key.exists", f"{target.name} already exists")
        try:
            fd, tmp = tempfile.mkstemp(prefix=".thaivc-key-", dir=directory)  # created 0600
        except OSError as exc:
            detail = f"cannot create a file next to {target.name}: {exc.strerror}"
            raise ThaiVCError("key.unwritable", detail) from None
        try:
            with os.fdopen(fd, "wb") as fh:
                os.fchmod(fh.fileno(), 0o600)
                fh.write(body)
                fh.flush()
                os.fsync(fh.fileno())
            if overwrite:
                os.replace(tmp, target)
            else:
                try:
                    os.link(tmp, target)  # atomic create-if-absent
                except FileExistsError:
                    raise ThaiVCError("key.exists", f"{target.name} already exists") from None
                os.unlink(tmp)
            _fsync_dir(directory)
        except OSError as exc:
            raise ThaiVCError("key.unwritable", f"cannot write {target.name}: {exc.strerror}") from None
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)

    def __repr__(self) -> str:
        return f"PrivateKey({self.key_type}, kid={self._kid!r})"

    __str__ = __repr__

    def __reduce__(self) -> NoReturn:
        raise TypeError("PrivateKey cannot be pickled; save it as a JWK file instead")


def _fsync_dir(directory: Path) -> None:
    """Persist the new directory entry (POSIX); a no-op where directories cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def generate_key(key_type: str = "Ed25519") -> PrivateKey:
    """A fresh key from the OS CSPRNG, bound to its did:key."""
    kt = key_type_of(key_type)
    if kt == "Ed25519":
        return PrivateKey(ed25519.Ed25519PrivateKey.generate())
    return PrivateKey(ec.generate_private_key(CURVES[kt].crypto))


def _private_from_jwk(jwk: Mapping[str, Any]) -> PrivateKey:
    """Parse a private JWK and check that ``d`` really belongs to the public members.

    Every error is raised ``from None`` with a fixed message so that neither the message nor the
    exception chain can carry the value of ``d``.
    """
    key_type, jwk = require_jwk_header(jwk, allow_private=True)
    public = PublicKey._from_checked_jwk(key_type, jwk)
    d_text = jwk.get("d")
    if not isinstance(d_text, str):
        _invalid("JWK member 'd' is not a string")
    try:
        d = b64url_decode(d_text)
    except ValueError:
        _invalid("JWK member 'd' is not canonical base64url")
    crypto: SignKey
    if key_type == "Ed25519":
        if len(d) != 32:
            _invalid("JWK member 'd' has the wrong length")
        crypto = ed25519.Ed25519PrivateKey.from_private_bytes(d)
    else:
        curve = CURVES[key_type]
        scalar = int.from_bytes(d, "big")
        if len(d) != curve.size or not 0 < scalar < curve.n:
            _invalid("JWK member 'd' is out of range")
        crypto = ec.derive_private_key(scalar, curve.crypto)
    key = PrivateKey(crypto)
    if key.public != public:
        _invalid("JWK private member does not match its public key")
    kid = jwk.get("kid")
    if isinstance(kid, str) and kid.startswith("did:") and not kid.startswith("did:key:"):
        # A key file saved after bind() records its DID binding in "kid".
        try:
            return key.bind(kid.split("#", 1)[0], kid)
        except UsageError:
            _invalid("JWK 'kid' is not a usable DID URL")
    return key


def _private_from_multikey(value: str) -> PrivateKey:
    codec, raw = decode_multikey(value)
    if codec == "ed25519-priv":
        return PrivateKey(ed25519.Ed25519PrivateKey.from_private_bytes(raw))
    key_type: KeyType = "P-256" if codec == "p256-priv" else "P-384"
    curve = CURVES[key_type]
    scalar = int.from_bytes(raw, "big")
    if not 0 < scalar < curve.n:
        _invalid("secret Multikey scalar out of range")
    return PrivateKey(ec.derive_private_key(scalar, curve.crypto))


def _from_multikey(value: str) -> PrivateKey | PublicKey:
    codec, _ = decode_multikey(value)
    if codec.endswith("-priv"):
        return _private_from_multikey(value)
    return PublicKey.from_multikey(value)


def _from_mapping(obj: Mapping[str, Any]) -> PrivateKey | PublicKey:
    """A JWK, or a Multikey key pair ``{publicKeyMultibase, secretKeyMultibase}``."""
    if "kty" not in obj and "publicKeyMultibase" in obj:
        secret = obj.get("secretKeyMultibase", obj.get("privateKeyMultibase"))
        public = PublicKey.from_multikey(obj["publicKeyMultibase"])
        if secret is None:
            return public
        if not isinstance(secret, str):
            _invalid("secretKeyMultibase is not a string")
        key = _private_from_multikey(secret)
        if key.public != public:
            _invalid("secret Multikey does not match publicKeyMultibase")
        return key
    if "d" in obj:
        return _private_from_jwk(obj)
    return PublicKey.from_jwk(obj)


def _looks_like_multikey(text: str) -> bool:
    """base58btc has no '.', '/' or '\\', so anything with them is a path, even a missing one."""
    return text.startswith("z") and not any(c in text for c in "./\\")


def load_key(source: str | os.PathLike[str] | Mapping[str, Any]) -> PrivateKey | PublicKey:
    """Load a key from a JWK dict, a JWK file path, or a Multikey string.

    A private JWK or secret Multikey gives a :class:`PrivateKey`; public material gives a
    :class:`PublicKey`. A string is a path if such a file exists or it contains a path
    character; otherwise it is read as a Multikey.
    """
    if isinstance(source, Mapping):
        return _from_mapping(source)
    if isinstance(source, str) and _looks_like_multikey(source) and not os.path.exists(source):
        return _from_multikey(source)
    if not isinstance(source, str | os.PathLike):
        raise UsageError("usage.invalid_argument", "load_key takes a JWK dict, a path or a Multikey string")
    path = Path(source)
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_KEY_FILE_BYTES + 1)
    except OSError as exc:
        raise ThaiVCError("key.unreadable", f"cannot read {path.name}: {exc.strerror}") from None
    if len(data) > MAX_KEY_FILE_BYTES:
        raise ThaiVCError("key.unreadable", f"{path.name} is too large to be a key file")
    try:
        obj = loads_strict(data, require_object=True)
    except ThaiVCError as exc:
        raise ThaiVCError("key.unreadable", f"{path.name} is not a JSON object ({exc.code})") from None
    return _from_mapping(obj)
