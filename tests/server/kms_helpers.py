"""A KMS stand-in for the ``[[issuer.keys]] signer`` seam whose answers a test switches.

``MODE[0]`` picks what the next call to the KMS does: ``ok`` signs; any other value names an
exception the KMS client raises (its message carries a made-up key ARN, which no answer or log line
may repeat).
"""

from __future__ import annotations

from typing import Any

from thaivc import Signer, generate_key
from thaivc.keys.callback import CallbackSigner

KEY = generate_key("Ed25519")
KID = KEY.did + "#" + KEY.did.split(":")[-1]
SECRET = "arn:aws:kms:ap-southeast-1:000000000000:key/secret-key-id"
MODE = ["ok"]
RAISES: dict[str, type[BaseException]] = {"timeout": TimeoutError, "runtime": RuntimeError, "os": ConnectionResetError}


def _kms(data: bytes) -> bytes:
    if MODE[0] != "ok":
        raise RAISES[MODE[0]](f"KMS Sign failed for {SECRET}")
    return KEY.sign(data)


def callback_signer(settings: dict[str, Any]) -> Signer:
    """``signer = "kms_helpers:callback_signer"``: the library's CallbackSigner around the KMS call."""
    return CallbackSigner(_kms, public_key=KEY.public_key, kid=KID)


class _OwnSigner:
    """A Signer of the agency's own making (not a CallbackSigner): the service guards it all the same."""

    algorithm = "EdDSA"
    kid = KID
    public_key = KEY.public_key

    def sign(self, data: bytes) -> bytes:
        return _kms(data)


def own_signer(settings: dict[str, Any]) -> Signer:
    """``signer = "kms_helpers:own_signer"``."""
    return _OwnSigner()
