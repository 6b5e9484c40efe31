"""Wallet attestation: OAuth 2.0 Attestation-Based Client Authentication, as HAIP uses it.

A wallet is a public client: anyone can write an app that calls an issuer's token endpoint. For the
higher assurance levels the issuer wants to know the request comes from a wallet a provider it
trusts vouches for (a certified app on a device with a hardware-backed key). The wallet provider
(the *attester*) signs a **Client Attestation** JWT (``oauth-client-attestation+jwt``) naming the
wallet's ``client_id`` (``sub``) and the wallet instance's key (``cnf.jwk``); with each request the
wallet adds a **Client Attestation PoP** JWT (``oauth-client-attestation-pop+jwt``) signed by that
instance key, for this server (``aud``), fresh (``iat``) and single use (``jti``). They travel in the
``OAuth-Client-Attestation`` and ``OAuth-Client-Attestation-PoP`` headers.

The checks: the attestation's signature verifies under the key configured for its ``iss`` (never a
key the token names), it has not expired, its ``cnf`` key is a public key; the PoP is signed by
exactly that key, its ``aud`` is this server, its ``iat`` lies within a short window, and its ``jti``
is recorded in the :class:`~thaivc.oid4vc.StateStore` so a captured pair is refused when replayed —
on any process. Error names follow the draft: ``invalid_client_attestation``, and
``use_fresh_attestation`` for an expired attestation.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from thaivc.core.clock import Clock
from thaivc.core.errors import ThaiVCError
from thaivc.jose.compact import ParsedJws, parse_compact, sign_compact, verify_compact
from thaivc.keys import PublicKey, Signer
from thaivc.oid4vc.store import StateStore

__all__ = [
    "ATTESTATION_HEADER",
    "ATTESTATION_TYP",
    "POP_HEADER",
    "POP_TYP",
    "AttestationError",
    "AttestedClient",
    "make_attestation_pop",
    "make_client_attestation",
    "verify_client_attestation",
]

ATTESTATION_TYP: Final = "oauth-client-attestation+jwt"
POP_TYP: Final = "oauth-client-attestation-pop+jwt"
ATTESTATION_HEADER: Final = "OAuth-Client-Attestation"
POP_HEADER: Final = "OAuth-Client-Attestation-PoP"
#: How far a PoP's ``iat`` may lie from now (seconds); its ``jti`` is remembered twice as long.
DEFAULT_WINDOW: Final = 120
#: Clock skew allowed on the attestation's ``exp``/``iat`` (seconds).
LEEWAY: Final = 30
MAX_TOKEN_BYTES: Final = 8 * 1024
_NS_JTI: Final = "attestation_pop_jti"


class AttestationError(Exception):
    """A client attestation was refused: ``error`` is the OAuth error name, ``reason`` is for the log."""

    def __init__(self, error: str, reason: str) -> None:
        super().__init__(reason)
        self.error = error
        self.reason = reason


@dataclass(frozen=True, slots=True)
class AttestedClient:
    """What a verified attestation establishes: the client, its attester and the instance key."""

    client_id: str
    attester: str
    instance_key: PublicKey


def _int_claim(claims: Mapping[str, Any], name: str) -> int | None:
    value = claims.get(name)
    return value if type(value) is int else None


def _parse(token: object, typ: str) -> ParsedJws:
    if not isinstance(token, str) or not token:
        raise AttestationError("invalid_client", "client attestation required")
    try:
        parsed = parse_compact(token, expected_typ=frozenset({typ}), max_bytes=MAX_TOKEN_BYTES)
    except ThaiVCError as exc:
        raise AttestationError("invalid_client_attestation", f"{typ} refused: {exc.code}") from None
    if "jwk" in parsed.header:  # the key is never the token's to choose
        raise AttestationError("invalid_client_attestation", f"{typ} must not carry its own key")
    return parsed


def _verify(parsed: ParsedJws, key: PublicKey, what: str) -> None:
    try:
        verify_compact(parsed, key)
    except ThaiVCError as exc:
        raise AttestationError("invalid_client_attestation", f"{what} signature refused: {exc.code}") from None


def _attested_instance(claims: Mapping[str, Any]) -> tuple[str, PublicKey]:
    """The client the attestation names (``sub``) and the wallet instance's key it binds (``cnf.jwk``)."""
    client_id, cnf = claims.get("sub"), claims.get("cnf")
    if not isinstance(client_id, str) or not 0 < len(client_id) <= 256:
        raise AttestationError("invalid_client_attestation", "the attestation names no client (sub)")
    jwk = cnf.get("jwk") if isinstance(cnf, Mapping) else None
    if not isinstance(jwk, Mapping):
        raise AttestationError("invalid_client_attestation", "the attestation binds no instance key (cnf.jwk)")
    try:
        return client_id, PublicKey.from_jwk(jwk)  # refuses private keys, RSA, off-curve points
    except ThaiVCError:
        raise AttestationError("invalid_client_attestation", "cnf.jwk is not an acceptable public key") from None


def verify_client_attestation(
    attestation: str | None,
    pop: str | None,
    *,
    attesters: Mapping[str, PublicKey],
    audience: str,
    store: StateStore,
    clock: Clock,
    window: int = DEFAULT_WINDOW,
) -> AttestedClient:
    """Check the two header values of one request; the attested client, or :class:`AttestationError`.

    ``attesters`` maps each trusted wallet provider's identifier (the attestation's ``iss``) to its
    public key; ``audience`` is this server's issuer identifier (the PoP's ``aud``).
    """
    if not attestation or not pop:
        raise AttestationError("invalid_client", "client attestation and its proof of possession are required")
    parsed = _parse(attestation, ATTESTATION_TYP)
    claims = parsed.payload_json or {}
    attester = claims.get("iss")
    key = attesters.get(attester) if isinstance(attester, str) else None
    if key is None:
        raise AttestationError("invalid_client_attestation", "the attestation is not from a trusted wallet provider")
    _verify(parsed, key, "attestation")
    now = clock.now()
    exp, iat = _int_claim(claims, "exp"), _int_claim(claims, "iat")
    if exp is None:
        raise AttestationError("invalid_client_attestation", "the attestation has no exp")
    if now > exp + LEEWAY:
        raise AttestationError("use_fresh_attestation", "the attestation has expired")
    if iat is not None and iat > now + LEEWAY:
        raise AttestationError("invalid_client_attestation", "the attestation is issued in the future")
    client_id, instance = _attested_instance(claims)

    proof = _parse(pop, POP_TYP)
    _verify(proof, instance, "PoP")
    pop_claims = proof.payload_json or {}
    if pop_claims.get("aud") != audience:
        raise AttestationError("invalid_client_attestation", "the PoP is for another server (aud)")
    if "iss" in pop_claims and pop_claims["iss"] != client_id:
        raise AttestationError("invalid_client_attestation", "the PoP names another client (iss)")
    pop_iat, jti = _int_claim(pop_claims, "iat"), pop_claims.get("jti")
    if pop_iat is None or abs(now - pop_iat) > window:
        raise AttestationError("invalid_client_attestation", "the PoP's iat is missing or outside the window")
    if not isinstance(jti, str) or not 8 <= len(jti) <= 128:
        raise AttestationError("invalid_client_attestation", "the PoP's jti is missing or malformed")
    # replay: recorded per instance key, after every other check passed (junk cannot fill the store)
    record = hashlib.sha256(f"{instance.thumbprint()}|{jti}".encode()).hexdigest()
    if not store.put(_NS_JTI, record, {"iat": pop_iat}, ttl=2 * window + 1):
        raise AttestationError("invalid_client_attestation", "the PoP was replayed")
    return AttestedClient(client_id, attester, instance)  # type: ignore[arg-type]


def make_client_attestation(
    attester: Signer, *, issuer: str, client_id: str, instance_key: PublicKey, now: float, ttl: int = 86_400
) -> str:
    """The wallet provider's side: an attestation for one wallet instance's key (``ttl`` seconds)."""
    payload = {
        "iss": issuer,
        "sub": client_id,
        "iat": int(now),
        "exp": int(now) + ttl,
        "cnf": {"jwk": dict(instance_key.jwk)},
    }
    return sign_compact({"typ": ATTESTATION_TYP}, payload, attester)


def make_attestation_pop(instance: Signer, *, audience: str, now: float, challenge: str | None = None) -> str:
    """The wallet's side: a fresh proof of possession of the instance key, for one request to ``audience``."""
    payload: dict[str, Any] = {"aud": audience, "jti": secrets.token_urlsafe(16), "iat": int(now)}
    if challenge is not None:
        payload["challenge"] = challenge
    return sign_compact({"typ": POP_TYP}, payload, instance)
