"""The holder's step of selective disclosure: a derived ``ecdsa-sd-2023`` proof over chosen claims.

:func:`derive` takes the credential exactly as the issuer signed it (with its base proof) and JSON
Pointers to the claims the holder wants to show; the issuer's mandatory pointers are always added.
It returns a new credential holding only those claims and a derived proof that any verifier checks
with the issuer's key — the HMAC key that hides blank-node labels stays with the holder.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from thaivc.contexts import ContextRegistry
from thaivc.core.errors import UsageError
from thaivc.di.canon import rdfc
from thaivc.di.sd import ecdsa_sd_2023
from thaivc.di.sign import proofs_of
from thaivc.di.transform import shared_contexts

__all__ = ["derive"]


def derive(
    credential: Mapping[str, Any],
    reveal: Sequence[str],
    *,
    contexts: ContextRegistry | None = None,
    max_work: int = rdfc.DEFAULT_MAX_WORK,
) -> dict[str, Any]:
    """The credential reduced to the issuer's mandatory claims and ``reveal``, with a derived proof.

    ``reveal`` is a list of JSON Pointers (RFC 6901) into ``credential``, e.g.
    ``["/credentialSubject/birthDate"]``. A pointer that selects nothing is ``di.sd_pointer``; a
    credential that does not carry exactly one ``ecdsa-sd-2023`` base proof is a usage error.
    """
    if not isinstance(credential, Mapping):
        raise UsageError("usage.invalid_argument", "a credential to derive from is a JSON object")
    if isinstance(reveal, str):
        raise UsageError("usage.invalid_argument", "reveal is a list of JSON pointers, not one string")
    proofs = proofs_of(credential)
    if len(proofs) != 1:
        raise UsageError("usage.invalid_argument", "derive needs a credential with exactly one (base) proof")
    return ecdsa_sd_2023.derive(
        {**credential, "proof": proofs[0]},
        reveal,
        contexts=shared_contexts() if contexts is None else contexts,
        max_work=max_work,
    )
