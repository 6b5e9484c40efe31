"""The five Data Integrity cryptosuites and the deny-by-default registry that names them.

A cryptosuite fixes three things (VC Data Integrity §3, vc-di-eddsa §3, vc-di-ecdsa §3):

* the **transformation** of the document and of the proof configuration into bytes: RDFC-1.0 over
  the JSON-LD dataset (``*-rdfc-*``) or RFC 8785 JCS over the JSON (``*-jcs-*``);
* the **hash**: SHA-256, or SHA-384 for P-384 keys (ECDSA suites only; the RDFC-1.0 canonicaliser
  then also uses SHA-384, as the ecdsa-rdfc-2019 P-384 test vectors require);
* the **key types** it accepts: Ed25519 for ``eddsa-*``, P-256/P-384 for ``ecdsa-*``. A proof whose
  verification method is of another type is refused before any signature check (docs/security.md group E).

A verifier only ever looks a suite up by the exact ``cryptosuite`` string of a proof, so a
misspelled or unknown suite (``eddsa-jcs-2O22``) is simply absent: nothing is guessed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Final, Literal

from thaivc.core.errors import InputError, UsageError
from thaivc.keys import KeyType

__all__ = [
    "DEFAULT_SUITES",
    "ECDSA_JCS_2019",
    "ECDSA_RDFC_2019",
    "ECDSA_SD_2023",
    "EDDSA_JCS_2022",
    "EDDSA_RDFC_2022",
    "Cryptosuite",
    "CryptosuiteRegistry",
    "HashName",
    "Transform",
    "default_cryptosuite",
]

Transform = Literal["rdfc", "jcs"]
HashName = Literal["sha256", "sha384"]


@dataclass(frozen=True, slots=True)
class Cryptosuite:
    """One cryptosuite: its name, transformation and, per accepted key type, its hash."""

    name: str
    transform: Transform
    hashes: tuple[tuple[KeyType, HashName], ...]

    def hash_for(self, key_type: str) -> HashName:
        """The hash this suite uses with ``key_type``; ``di.proof_invalid`` for a foreign key type."""
        for accepted, hash_name in self.hashes:
            if accepted == key_type:
                return hash_name
        raise InputError(
            "di.proof_invalid", f"{self.name} cannot be used with a {key_type} key (cryptosuite-key mismatch)"
        )

    @property
    def key_types(self) -> tuple[str, ...]:
        return tuple(k for k, _ in self.hashes)


EDDSA_RDFC_2022: Final = Cryptosuite("eddsa-rdfc-2022", "rdfc", (("Ed25519", "sha256"),))
EDDSA_JCS_2022: Final = Cryptosuite("eddsa-jcs-2022", "jcs", (("Ed25519", "sha256"),))
ECDSA_RDFC_2019: Final = Cryptosuite("ecdsa-rdfc-2019", "rdfc", (("P-256", "sha256"), ("P-384", "sha384")))
ECDSA_JCS_2019: Final = Cryptosuite("ecdsa-jcs-2019", "jcs", (("P-256", "sha256"), ("P-384", "sha384")))

#: Selective disclosure (vc-di-ecdsa §3.4): RDFC with HMAC-relabelled blank nodes, P-256 only, as the
#: reference implementation. Signing and verifying go through :mod:`thaivc.di.sd`.
ECDSA_SD_2023: Final = Cryptosuite("ecdsa-sd-2023", "rdfc", (("P-256", "sha256"),))

DEFAULT_SUITES: Final = (EDDSA_RDFC_2022, EDDSA_JCS_2022, ECDSA_RDFC_2019, ECDSA_JCS_2019, ECDSA_SD_2023)


def default_cryptosuite(key_type: str) -> str:
    """The suite a key signs with when none is named: RDFC (the most widely verified form)."""
    return EDDSA_RDFC_2022.name if key_type == "Ed25519" else ECDSA_RDFC_2019.name


class CryptosuiteRegistry:
    """The cryptosuites a signer may use and a verifier will accept: nothing else is known.

    ``CryptosuiteRegistry()`` holds the five standard suites; pass ``suites`` to narrow the set (a
    verifier that wants only ``eddsa-rdfc-2022`` lists only it).
    """

    __slots__ = ("_suites",)

    def __init__(self, suites: Iterable[Cryptosuite] = DEFAULT_SUITES) -> None:
        self._suites: dict[str, Cryptosuite] = {}
        for suite in suites:
            if not isinstance(suite, Cryptosuite):
                raise UsageError("usage.invalid_argument", "a registry holds Cryptosuite objects")
            self._suites[suite.name] = suite

    def get(self, name: object) -> Cryptosuite:
        """The suite called exactly ``name``; ``di.proof_invalid`` for anything unknown."""
        suite = self._suites.get(name) if isinstance(name, str) else None
        if suite is None:
            shown = name[:60] if isinstance(name, str) else type(name).__name__
            raise InputError("di.proof_invalid", f"unknown or disallowed cryptosuite {shown!r}")
        return suite

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self._suites

    def __iter__(self) -> Iterator[str]:
        return iter(tuple(self._suites))

    def __len__(self) -> int:
        return len(self._suites)
