"""The service's signing keys: loaded from files or through the ``Signer`` seam, and its DID document.

A key held in a KMS or an HSM never reaches this process: the configuration names a factory
(``package.module:function``) that is called with the key's configuration and returns a
:class:`thaivc.Signer` (typically a :class:`thaivc.keys.callback.CallbackSigner` around the KMS's
sign call). The factory's signer is checked once at start: it must sign, and its signature must verify
under the public key it announces, so a wrong key id in the KMS stops the service before it issues.
Whatever such a signer raises while the service runs is ``key.signer_unavailable`` (a 503 with
``Retry-After``), by the exception's type only: a KMS's message can name its key ARNs and accounts.

Key rotation (did:web only): the active key signs; rotated-out keys carry ``verify_until`` and stay in
the DID document, under ``assertionMethod``, until that instant, so credentials they signed keep
verifying while holders are re-issued.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from thaivc import PrivateKey, PublicKey, Signer, load_key
from thaivc.core.errors import ThaiVCError
from thaivc.did import DidDocument, VerificationMethod
from thaivc.keys.callback import CallbackSigner, signer_unavailable
from thaivc.server.config import ConfigError, KeyConfig, ServerConfig

__all__ = ["KeyRing", "load_keyring"]

SignerFactory = Callable[[dict[str, Any]], Signer]


@dataclass(frozen=True, slots=True)
class _Entry:
    config: KeyConfig
    public: PublicKey
    vm_id: str
    until: float | None


class KeyRing:
    """The active signer, every published key, and the DID document that lists them."""

    def __init__(self, did: str, active: Signer, entries: list[_Entry]) -> None:
        self.did = did
        self.active = active
        self._entries = entries

    def document(self, now: float) -> DidDocument:
        """The DID document at ``now``: the active key, and retired keys still inside their window."""
        live = [e for e in self._entries if e.until is None or e.until > now]
        methods = tuple(VerificationMethod(e.vm_id, "JsonWebKey", self.did, e.public) for e in live)
        ids = tuple(e.vm_id for e in live)
        active = tuple(e.vm_id for e in live if e.until is None)
        return DidDocument(
            id=self.did, verification_methods=methods, assertion_method=ids, authentication=active
        )

    def public_keys(self, now: float) -> list[PublicKey]:
        """The published public keys at ``now``: the active one and rotated ones inside their window."""
        return [e.public for e in self._entries if e.until is None or e.until > now]

    def public_jwks(self, now: float) -> list[dict[str, Any]]:
        """The published keys as JWKs with their ``kid`` (for JWT VC issuer metadata)."""
        return [{**e.public.jwk, "kid": e.vm_id} for e in self._entries if e.until is None or e.until > now]


def _import(spec: str) -> SignerFactory:
    module_name, _, attr = spec.partition(":")
    module = importlib.import_module(module_name)
    factory = getattr(module, attr)
    if not callable(factory):
        raise TypeError(f"{spec} is not callable")
    return cast(SignerFactory, factory)


class _OutageGuard:
    """An agency's own :class:`~thaivc.Signer` whose failures are the signing service's outage.

    A :class:`~thaivc.keys.callback.CallbackSigner` maps them itself; any other signer a factory
    returns raised its KMS client's exceptions straight through the issuer: a 500 (or a 422 blaming
    the caller's credential) where the service's own dependency had failed.
    """

    __slots__ = ("_inner",)

    def __init__(self, inner: Signer) -> None:
        self._inner = inner

    @property
    def algorithm(self) -> str:
        return self._inner.algorithm

    @property
    def kid(self) -> str:
        return self._inner.kid

    @property
    def public_key(self) -> PublicKey:
        return self._inner.public_key

    def sign(self, data: bytes) -> bytes:
        try:
            return self._inner.sign(data)
        except ThaiVCError:
            raise
        except Exception as exc:
            raise signer_unavailable(exc) from None


def _load_one(config: ServerConfig, key: KeyConfig) -> Signer | PublicKey:
    if key.signer is not None:
        made = _import(key.signer)(key.model_dump())
        if not isinstance(made, Signer):
            raise TypeError("the factory did not return a thaivc.Signer")
        signer: Signer = made if isinstance(made, CallbackSigner) else _OutageGuard(made)
        probe = b"thaivc serve: signer self-test"
        if not signer.public_key.verify(signer.sign(probe), probe):
            raise ThaiVCError("crypto.bad_signature", "the signer's signature does not verify under its public key")
        return signer
    assert key.file is not None
    loaded = load_key(config.path(key.file))
    return loaded


def load_keyring(config: ServerConfig) -> KeyRing:
    """Load every configured key; :class:`ConfigError` names each one that fails."""
    errors: list[str] = []
    loaded: list[tuple[KeyConfig, Signer | PublicKey]] = []
    for i, key in enumerate(config.issuer.keys):
        try:
            loaded.append((key, _load_one(config, key)))
        except ThaiVCError as exc:
            errors.append(f"issuer.keys.{i}: {exc.code}: {exc.detail}")
        except Exception as exc:  # an operator's factory may raise anything; name it, never trace it
            errors.append(f"issuer.keys.{i}: cannot load ({type(exc).__name__}: {str(exc)[:200]})")
    if errors:
        raise ConfigError(errors)
    active_cfg, active = next((k, s) for k, s in loaded if k.verify_until is None)
    did = config.issuer.did
    if did is None or did.startswith(("did:key:", "did:jwk:")):
        if not isinstance(active, Signer):
            raise ConfigError(["issuer.keys: the active key file holds no private key"])
        issuer_did = active.kid.split("#", 1)[0]
        public = active.public_key
        return KeyRing(issuer_did, active, [_Entry(active_cfg, public, active.kid, None)])
    entries: list[_Entry] = []
    signer: Signer | None = None
    for key, item in loaded:
        vm_id = f"{did}#{key.id}"
        public = item if isinstance(item, PublicKey) else item.public_key
        until = None
        if key.verify_until:
            until = datetime.fromisoformat(key.verify_until.replace("Z", "+00:00")).timestamp()
        entries.append(_Entry(key, public, vm_id, until))
        if key.verify_until is None:
            if isinstance(item, PrivateKey):
                signer = item.bind(did, vm_id)
            elif isinstance(item, Signer) and item.kid == vm_id:
                signer = item
            elif isinstance(item, Signer):
                raise ConfigError([f"issuer.keys: the signer's kid must be {vm_id}, not {item.kid}"])
    if signer is None:
        raise ConfigError(["issuer.keys: the active key file holds no private key"])
    return KeyRing(did, signer, entries)
