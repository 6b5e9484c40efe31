"""The holder role: wraps credentials in a presentation bound to a verifier's challenge and domain."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final, Literal

from thaivc.core.clock import Clock, SystemClock
from thaivc.core.errors import UsageError
from thaivc.jose.compact import sign_compact
from thaivc.jose.media import envelope
from thaivc.keys import Signer

__all__ = ["Holder"]

V2_CONTEXT: Final = "https://www.w3.org/ns/credentials/v2"
#: Lifetime of a ``vp+jwt``: long enough to cross a network, short enough to limit replays.
PRESENTATION_TTL: Final = 600


class Holder:
    """Presents credentials with one key; ``holder`` defaults to the key's DID."""

    def __init__(self, key: Signer, *, holder_id: str | None = None, clock: Clock | None = None) -> None:
        self.key = key
        self.holder_id = holder_id or key.kid.split("#", 1)[0]
        self.clock: Clock = clock or SystemClock()

    def presentation(self, credentials: Sequence[str | dict[str, Any]]) -> dict[str, Any]:
        """The unsigned VCDM 2.0 presentation: tokens enveloped, secured documents embedded."""
        items: list[dict[str, Any]] = []
        for credential in credentials:
            if isinstance(credential, str):
                media = "dc+sd-jwt" if "~" in credential else "vc+jwt"
                items.append(envelope(credential, media))
            elif isinstance(credential, dict) and "proof" in credential:  # Data Integrity: embedded
                items.append(credential)
            else:
                raise UsageError("usage.invalid_argument", "present secured credentials: a token or a signed document")
        return {
            "@context": [V2_CONTEXT],
            "type": ["VerifiablePresentation"],
            "holder": self.holder_id,
            "verifiableCredential": items,
        }

    def present(
        self,
        credentials: Sequence[str | dict[str, Any]],
        *,
        challenge: str | None = None,
        domain: str | None = None,
        format: Literal["vp+jwt", "di", "dc+sd-jwt"] = "vp+jwt",
        disclose: Sequence[str] | None = None,
        **options: Any,
    ) -> Any:
        """Sign a presentation of ``credentials`` for the verifier that issued ``challenge``.

        An SD-JWT VC is presented as itself (``format="dc+sd-jwt"``, or automatically when the one
        credential is an SD-JWT and ``disclose`` is given): the chosen disclosures plus a key-binding
        JWT carrying the challenge (``nonce``) and domain (``aud``).
        """
        single_sd_jwt = len(credentials) == 1 and isinstance(credentials[0], str) and "~" in credentials[0]
        if format == "dc+sd-jwt" or (disclose is not None and single_sd_jwt):
            if not single_sd_jwt:
                raise UsageError("usage.invalid_argument", "an SD-JWT presentation carries exactly one SD-JWT")
            from thaivc.sdjwt import present_sd_jwt

            sd_jwt = credentials[0]
            assert isinstance(sd_jwt, str)
            return present_sd_jwt(
                sd_jwt,
                disclose=list(disclose or ()),
                holder_signer=self.key,
                nonce=challenge,
                aud=domain,
                iat=int(self.clock.now()),
            )
        vp = self.presentation(credentials)
        if format == "vp+jwt":
            now = int(self.clock.now())
            payload: dict[str, Any] = dict(vp)
            payload["iat"] = now
            payload["exp"] = now + PRESENTATION_TTL
            if challenge is not None:
                payload["nonce"] = challenge
            if domain is not None:
                payload["aud"] = domain
            header = {"alg": self.key.algorithm, "typ": "vp+jwt", "kid": self.key.kid}
            return sign_compact(header, payload, self.key)
        if format == "di":
            from thaivc.di import add_proof, default_cryptosuite

            options.setdefault("clock", self.clock)
            cryptosuite = options.pop("cryptosuite", None) or default_cryptosuite(self.key.public_key.key_type)
            return add_proof(
                vp, self.key, cryptosuite, proof_purpose="authentication", challenge=challenge, domain=domain, **options
            )
        raise UsageError("usage.unsupported_format", f"format {format!r} is not supported")
