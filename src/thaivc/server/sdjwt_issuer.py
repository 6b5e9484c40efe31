"""The service as an https SD-JWT VC issuer: who signs, what it publishes, and how it knows its own keys.

With ``[sd_jwt_vc]`` configured, ``dc+sd-jwt`` credentials are issued by a :class:`thaivc.Issuer` whose
identifier is the https URL: its tokens carry ``kid`` = the key's RFC 7638 thumbprint, and the
service publishes exactly those keys (the active one and rotated ones until their ``verify_until``)
as JWT VC Issuer Metadata built by :func:`thaivc.sdjwt.issuer_metadata_document`, so a verifier
resolves the same keys the service signs with. The service's own verifier reads its own metadata
from memory (as it reads its own did:web document) and another issuer's only when network access
is configured.

Status: an SD-JWT VC's ``status`` claim points at the service's IETF status list token, signed by the
service's key under its DID. The credential's ``iss`` is the https URL, so a verifier must be told
that the DID signs this issuer's lists (``StatusChecker(trusted_status_issuers={https: [did]})``);
the service's own verifier is. The documents are fixed per key set, so they are built once per
answer and carry an ``ETag``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from thaivc import Issuer
from thaivc.core.errors import Indeterminate, ThaiVCError
from thaivc.jose import key_alg_of
from thaivc.keys import PublicKey
from thaivc.sdjwt import https_key_id, issuer_metadata_document, type_metadata_document, vct_url
from thaivc.server.keys import KeyRing
from thaivc.server.sdjwt_config import SdJwtVcConfig, VctTypeConfig
from thaivc.trust.issuer_metadata import IssuerMetadata

__all__ = ["Published", "SdJwtPublisher"]

KeyResolver = Callable[[Mapping[str, Any], Mapping[str, Any]], PublicKey]


@dataclass(frozen=True, slots=True)
class Published:
    """A JSON document as served: its bytes and its strong ``ETag``."""

    body: bytes
    etag: str

    @classmethod
    def of(cls, document: Mapping[str, Any]) -> Published:
        body = json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
        return cls(body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"')


def _type_document(vct: str, conf: VctTypeConfig) -> dict[str, Any]:
    display = {"en": (conf.name_en, conf.description_en)}
    if conf.name_th is not None:
        display["th"] = (conf.name_th, conf.description_th)
    return type_metadata_document(vct, display=display, extends=conf.extends)


class SdJwtPublisher:
    """The https issuer of ``config``: its :class:`~thaivc.Issuer`, metadata, type metadata, key resolver."""

    def __init__(self, config: SdJwtVcConfig, keyring: KeyRing) -> None:
        self.issuer_id = config.issuer
        self.issuer = Issuer(keyring.active, issuer_id=config.issuer)
        self._keyring = keyring
        self.types: dict[str, Published] = {
            name: Published.of(_type_document(vct_url(config.issuer, name), conf))
            for name, conf in config.types.items()
        }

    def metadata(self, now: float) -> Published:
        """The JWT VC Issuer Metadata at ``now`` (keys leave it when their ``verify_until`` passes)."""
        return Published.of(issuer_metadata_document(self.issuer_id, self._keyring.public_keys(now)))

    def own_keys(self, now: float) -> IssuerMetadata:
        keys = tuple((https_key_id(k), k) for k in self._keyring.public_keys(now))
        return IssuerMetadata(self.issuer_id, keys)

    def key_resolver(self, now: Callable[[], float], fallback: KeyResolver | None) -> KeyResolver:
        """The SD-JWT VC issuer key seam: this issuer's keys from memory, another's through ``fallback``."""

        def resolve(header: Mapping[str, Any], payload: Mapping[str, Any]) -> PublicKey:
            if payload.get("iss") != self.issuer_id:
                if fallback is None:
                    raise Indeterminate("trust.metadata_unavailable", "fetching other issuers' metadata is not enabled")
                return fallback(header, payload)
            key = self.own_keys(now()).select(header.get("kid"))
            alg = header.get("alg")
            if alg is not None and key_alg_of(alg) != key.alg:
                raise ThaiVCError("jose.alg_key_mismatch", f"alg {alg!r} does not fit the issuer's key")
            return key

        return resolve
