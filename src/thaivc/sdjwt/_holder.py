"""The holder's side: choosing what to reveal and binding the presentation (RFC 9901 §7.2, §4.3).

The holder reveals the disclosures on the path to each requested claim — the claim's own and those
of every enclosing disclosed object — and nothing else. With a holder key it appends a KB-JWT whose
``sd_hash`` covers exactly the presented ``<jwt>~<d…>~``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from thaivc.core.errors import InputError, UsageError

from ._backend import SignerLike, as_signer
from ._disclosure import parse_disclosure
from ._hashing import DEFAULT_SD_ALG, hash_function
from ._jws import peek_compact
from ._kb import make_kb_jwt
from ._pointer import resolve_pointer
from ._process import process_payload
from ._serial import join_sd_jwt, split_sd_jwt
from ._verify import SdJwtResult, verify_sd_jwt

__all__ = ["present_sd_jwt", "receive_sd_jwt"]


def present_sd_jwt(
    sd_jwt: str,
    *,
    disclose: Sequence[str],
    holder_signer: SignerLike | None = None,
    nonce: str | None = None,
    aud: str | None = None,
    iat: int | None = None,
) -> str:
    """Build a presentation revealing the claims named by ``disclose`` (JSON pointers).

    Pointers refer to the credential with every disclosure applied (as the holder sees it).
    An SD-JWT that already ends in a KB-JWT is refused: an issuer never sends one (docs/security.md group F).
    """
    if isinstance(disclose, str):
        raise UsageError("usage.invalid_argument", "disclose is a sequence of JSON pointers, not one string")
    parts = split_sd_jwt(sd_jwt)
    if parts.kb_jwt is not None:
        raise InputError("sdjwt.malformed", "an issued SD-JWT must not carry a key-binding JWT")
    _header, payload = peek_compact(parts.jwt)
    hasher = hash_function(payload.get("_sd_alg", DEFAULT_SD_ALG))
    disclosures = [parse_disclosure(d, hasher) for d in parts.disclosures]
    processed = process_payload(payload, disclosures)

    wanted = [resolve_pointer(processed.payload, pointer) for pointer in disclose]
    chosen = {
        r.disclosure.digest for r in processed.revealed if any(target[: len(r.path)] == r.path for target in wanted)
    }
    selected = [d.encoded for d in disclosures if d.digest in chosen]
    presented = join_sd_jwt(parts.jwt, selected)
    if holder_signer is None:
        if nonce is not None or aud is not None or iat is not None:
            raise UsageError("usage.invalid_argument", "nonce, aud and iat need a holder_signer")
        return presented
    if not isinstance(nonce, str) or not isinstance(aud, str):
        raise UsageError("usage.invalid_argument", "key binding needs a string nonce and aud")
    if isinstance(iat, bool) or not isinstance(iat, int):
        raise UsageError("usage.invalid_argument", "key binding needs an integer iat")
    if not isinstance(processed.payload.get("cnf"), dict):
        raise UsageError("usage.invalid_argument", "the SD-JWT has no cnf claim to bind to")
    # no kid: the KB-JWT's key is cnf.jwk, and a kid pointing at nothing makes strict verifiers refuse it
    kb_signer = as_signer(holder_signer, include_kid=False)
    return presented + make_kb_jwt(kb_signer, presented, hasher, nonce=nonce, aud=aud, iat=iat)


def receive_sd_jwt(sd_jwt: str, **verify_kwargs: Any) -> SdJwtResult:
    """The holder's check of an issued SD-JWT (RFC 9901 §7.2): verify it fully, and refuse an SD-JWT+KB.

    ``verify_kwargs`` are those of :func:`~thaivc.sdjwt.verify_sd_jwt` (``issuer_key_resolver``,
    ``now``, …); key binding is not required at issuance, so ``require_kb`` is fixed to ``False``.
    """
    if split_sd_jwt(sd_jwt).kb_jwt is not None:
        raise InputError("sdjwt.malformed", "an issued SD-JWT must not carry a key-binding JWT")
    return verify_sd_jwt(sd_jwt, require_kb=False, **verify_kwargs)
