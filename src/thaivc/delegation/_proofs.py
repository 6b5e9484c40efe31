"""The seam between delegations and Data Integrity proof sets.

A power of attorney is one document signed by several directors, each on their own device, one
proof at a time: a Data Integrity *proof set*. Delegation code needs only two things from Data
Integrity — add one proof, and say which proofs verify and who controls their keys — so it talks
to a :class:`ProofSuite` and never to a cryptosuite directly.

:func:`default_proof_suite` uses ``thaivc.di`` (``add_proof`` / ``verify_proofs``) when that
package provides them. Until then it falls back to :class:`JcsProofSuite`, a deliberately small
``eddsa-jcs-2022`` / ``ecdsa-jcs-2019`` implementation (VC DI EdDSA §3.3, ECDSA §3.4: hash of the
JCS proof configuration ‖ hash of the JCS document, base58btc ``proofValue``). Its proofs are
standard, so the full Data Integrity verifier accepts them too.
"""

from __future__ import annotations

import copy
import hashlib
import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final, Protocol

from thaivc.clock import Clock, SystemClock
from thaivc.di.canon.jcs import canonicalize
from thaivc.did import UniversalResolver
from thaivc.errors import ThaiVCError, UsageError
from thaivc.keys import Signer
from thaivc.keys._base58 import b58decode, b58encode

__all__ = ["JcsProofSuite", "ProofCheck", "ProofSuite", "controllers_of", "default_proof_suite", "proofs_of"]

#: Proof sets larger than this are refused before any signature is checked.
MAX_PROOFS: Final = 32
_SUITE_FOR_KEY: Final = {"Ed25519": ("eddsa-jcs-2022", "sha256"), "P-256": ("ecdsa-jcs-2019", "sha256"),
                         "P-384": ("ecdsa-jcs-2019", "sha384")}


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
    once: the quorum is counted in people, not in signatures (security.md case 70).
    """
    seen: list[str] = []
    for c in checks:
        if c.ok and c.controller is not None and c.controller not in seen:
            seen.append(c.controller)
    return seen


def _xsd(ts: float) -> str:
    return datetime.fromtimestamp(int(ts), tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class JcsProofSuite:
    """``eddsa-jcs-2022`` / ``ecdsa-jcs-2019`` proof sets, hand-written until ``thaivc.di`` lands."""

    def __init__(self, resolver: UniversalResolver | None = None, *, clock: Clock | None = None) -> None:
        self.resolver = resolver or UniversalResolver()
        self.clock: Clock = clock or SystemClock()

    @staticmethod
    def _hash_data(config: Mapping[str, Any], unsecured: Mapping[str, Any], hash_name: str) -> bytes:
        h = getattr(hashlib, hash_name)
        digest_config: bytes = h(canonicalize(dict(config))).digest()
        digest_doc: bytes = h(canonicalize(dict(unsecured))).digest()
        return digest_config + digest_doc

    def add(self, document: Mapping[str, Any], signer: Signer) -> dict[str, Any]:
        if not isinstance(document, Mapping):
            raise UsageError("usage.invalid_argument", "a document to sign is a JSON object")
        key_type = signer.public_key.key_type
        if key_type not in _SUITE_FOR_KEY:
            raise UsageError("usage.invalid_argument", f"no JCS cryptosuite for a {key_type} key")
        suite, hash_name = _SUITE_FOR_KEY[key_type]
        existing = proofs_of(document)
        if len(existing) >= MAX_PROOFS:
            raise UsageError("usage.invalid_argument", f"a proof set holds at most {MAX_PROOFS} proofs")
        unsecured = {k: copy.deepcopy(v) for k, v in document.items() if k != "proof"}
        config: dict[str, Any] = {
            "type": "DataIntegrityProof",
            "cryptosuite": suite,
            "created": _xsd(self.clock.now()),
            "verificationMethod": signer.kid,
            "proofPurpose": "assertionMethod",
        }
        if "@context" in document:
            config["@context"] = copy.deepcopy(document["@context"])
        signature = signer.sign(self._hash_data(config, unsecured, hash_name))
        proof = {k: v for k, v in config.items() if k != "@context"}
        proof["proofValue"] = "z" + b58encode(signature)
        out = dict(unsecured)
        out["proof"] = [*copy.deepcopy(existing), proof] if existing else proof
        return out

    def verify(self, document: Mapping[str, Any]) -> list[ProofCheck]:
        proofs = proofs_of(document)
        if len(proofs) > MAX_PROOFS:
            return [ProofCheck(0, False, None, None, "input.too_large", f"more than {MAX_PROOFS} proofs")]
        unsecured = {k: v for k, v in document.items() if k != "proof"}
        return [self._verify_one(i, p, unsecured) for i, p in enumerate(proofs)]

    def _verify_one(self, index: int, proof: Any, unsecured: Mapping[str, Any]) -> ProofCheck:
        if not isinstance(proof, dict):
            return ProofCheck(index, False, None, None, "di.proof_invalid", "a proof is not an object")
        vm = proof.get("verificationMethod")
        vm_id = vm if isinstance(vm, str) else None

        def bad(code: str, detail: str) -> ProofCheck:
            return ProofCheck(index, False, vm_id, None, code, detail)

        value = proof.get("proofValue")
        suite = proof.get("cryptosuite")
        if (proof.get("type") != "DataIntegrityProof" or vm_id is None or not isinstance(value, str)
                or not value.startswith("z") or proof.get("proofPurpose") != "assertionMethod"):
            return bad("di.proof_invalid", "not a DataIntegrityProof for assertionMethod")
        if "previousProof" in proof:
            return bad("di.proof_invalid", "a delegation is a proof set, not a proof chain")
        try:
            _doc, method = self.resolver.resolve_verification_method(vm_id)
            expected = _SUITE_FOR_KEY.get(method.public_key.key_type)
            if expected is None or expected[0] != suite:
                return bad("di.proof_invalid", f"cryptosuite {suite!r} does not fit the key")
            config = {k: v for k, v in proof.items() if k != "proofValue"}
            if "@context" in unsecured:
                config["@context"] = unsecured["@context"]
            signature = b58decode(value[1:])
            data = self._hash_data(config, unsecured, expected[1])
        except ThaiVCError as err:
            return bad(err.code, err.detail)
        except Exception as exc:  # hostile proof values must never escape as exceptions
            return bad("di.proof_invalid", f"{type(exc).__name__} while reading the proof")
        if not method.public_key.verify(signature, data):
            return bad("di.proof_invalid", "the proof's signature does not verify")
        return ProofCheck(index, True, vm_id, method.controller)


class _DiModuleSuite:
    """Adapter over ``thaivc.di.add_proof`` / ``verify_proofs`` once Data Integrity provides them."""

    def __init__(self, module: Any, resolver: UniversalResolver, clock: Clock) -> None:
        self._di = module
        self.resolver = resolver
        self.clock = clock

    def add(self, document: Mapping[str, Any], signer: Signer) -> dict[str, Any]:
        suite = _SUITE_FOR_KEY.get(signer.public_key.key_type, ("eddsa-jcs-2022", ""))[0]
        out: dict[str, Any] = self._di.add_proof(document, signer, suite, clock=self.clock)
        return out

    def verify(self, document: Mapping[str, Any]) -> list[ProofCheck]:
        result = self._di.verify_proofs(document, resolver=self.resolver, clock=self.clock)
        return [ProofCheck(o.index, o.status == "pass", o.verification_method,
                           o.controller if o.status == "pass" else None, o.code, o.detail)
                for o in result.proofs]


def default_proof_suite(resolver: UniversalResolver | None = None, *, clock: Clock | None = None) -> ProofSuite:
    """``thaivc.di`` when it offers proof sets, else the built-in JCS suite."""
    res = resolver or UniversalResolver()
    clk = clock or SystemClock()
    try:
        module = importlib.import_module("thaivc.di")
    except ImportError:  # pragma: no cover - thaivc.di always exists; its proof API may not yet
        module = None
    if module is not None and hasattr(module, "add_proof") and hasattr(module, "verify_proofs"):
        return _DiModuleSuite(module, res, clk)
    return JcsProofSuite(res, clock=clk)
