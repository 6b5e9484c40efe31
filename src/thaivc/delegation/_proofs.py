"""The seam between delegations and Data Integrity proof sets.

A power of attorney is one document signed by several directors, each on their own device, one
proof at a time: a Data Integrity *proof set*. Delegation code needs only two things from Data
Integrity — add one proof, and say which proofs verify and who controls their keys — so it talks
to a :class:`ProofSuite`. :class:`DiProofSuite`, the default, is a thin adapter over
:func:`thaivc.di.add_proof` and :func:`thaivc.di.verify_proofs`; a test or a deployment with a
remote signing service can inject another.

Delegations use the JCS cryptosuites (``eddsa-jcs-2022``, ``ecdsa-jcs-2019``): every term of the
document must still expand under the bundled contexts (checked where they are verified), and no
RDF canonicalisation work is spent on a small, fixed-shape document.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Protocol

from thaivc.core.clock import Clock, SystemClock
from thaivc.core.errors import UsageError
from thaivc.di import add_proof, verify_proofs
from thaivc.did import UniversalResolver
from thaivc.keys import Signer

__all__ = ["DiProofSuite", "ProofCheck", "ProofSuite", "controllers_of", "default_proof_suite", "proofs_of"]

#: Proof sets larger than this are refused before any signature is checked.
MAX_PROOFS: Final = 32
_SUITE_FOR_KEY: Final = {"Ed25519": "eddsa-jcs-2022", "P-256": "ecdsa-jcs-2019", "P-384": "ecdsa-jcs-2019"}


@dataclass(frozen=True, slots=True)
class ProofCheck:
    """One member of a proof set after verification.

    ``controller`` is the DID that controls the verification method, taken from the resolved DID
    document — never from the proof itself — and is set only when the signature verified.
    """

    index: int
    ok: bool
    verification_method: str | None
    controller: str | None
    code: str | None = None
    detail: str = ""


class ProofSuite(Protocol):
    """Adds proofs to, and verifies the proof sets of, delegation documents."""

    def add(self, document: Mapping[str, Any], signer: Signer) -> dict[str, Any]:
        """A copy of ``document`` with one more proof by ``signer`` (existing proofs untouched)."""
        ...

    def verify(self, document: Mapping[str, Any]) -> list[ProofCheck]:
        """Every proof of ``document``, in order; an empty list when it carries none."""
        ...


def proofs_of(document: Mapping[str, Any]) -> list[Any]:
    """The document's proofs as a list (``proof`` may be one object or a set)."""
    proof = document.get("proof")
    if proof is None:
        return []
    return list(proof) if isinstance(proof, list) else [proof]


def controllers_of(checks: list[ProofCheck]) -> list[str]:
    """Distinct controllers of the proofs that verified, in first-seen order.

    Two proofs by one controller (one director signing twice, or with two keys of one DID) count
    once: the quorum is counted in people, not in signatures (docs/security.md group K).
    """
    seen: list[str] = []
    for c in checks:
        if c.ok and c.controller is not None and c.controller not in seen:
            seen.append(c.controller)
    return seen


class DiProofSuite:
    """Proof sets through :mod:`thaivc.di`, on an injected resolver and clock."""

    def __init__(self, resolver: UniversalResolver | None = None, *, clock: Clock | None = None,
                 leeway: int = 300) -> None:
        self.resolver = resolver or UniversalResolver()
        self.clock: Clock = clock or SystemClock()
        self.leeway = leeway

    def add(self, document: Mapping[str, Any], signer: Signer) -> dict[str, Any]:
        suite = _SUITE_FOR_KEY.get(signer.public_key.key_type)
        if suite is None:
            raise UsageError("usage.invalid_argument", f"no JCS cryptosuite for a {signer.public_key.key_type} key")
        if len(proofs_of(document)) >= MAX_PROOFS:
            raise UsageError("usage.invalid_argument", f"a proof set holds at most {MAX_PROOFS} proofs")
        return add_proof(document, signer, suite, clock=self.clock)

    def verify(self, document: Mapping[str, Any]) -> list[ProofCheck]:
        if len(proofs_of(document)) > MAX_PROOFS:
            return [ProofCheck(0, False, None, None, "input.too_large", f"more than {MAX_PROOFS} proofs")]
        result = verify_proofs(document, resolver=self.resolver, clock=self.clock, leeway=self.leeway)
        return [ProofCheck(o.index, o.status == "pass", o.verification_method,
                           o.controller if o.status == "pass" else None, o.code, o.detail)
                for o in result.proofs]


def default_proof_suite(resolver: UniversalResolver | None = None, *, clock: Clock | None = None) -> ProofSuite:
    """The Data Integrity proof suite on ``resolver`` and ``clock`` (defaults: did:key/did:jwk, now)."""
    return DiProofSuite(resolver, clock=clock)
