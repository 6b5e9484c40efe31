"""Data Integrity proofs (W3C VC Data Integrity 1.0) and the canonicalisation they rest on.

* :mod:`~thaivc.di.suites` — ``eddsa-rdfc-2022``, ``eddsa-jcs-2022``, ``ecdsa-rdfc-2019``,
  ``ecdsa-jcs-2019`` and the deny-by-default :class:`CryptosuiteRegistry`;
* :mod:`~thaivc.di.sign` — :func:`add_proof`: one more proof on a document (proof sets, chains);
* :mod:`~thaivc.di.verify` — :func:`verify_proofs` and :class:`ProofSetPolicy`;
* :mod:`~thaivc.di.transform` — the canonical bytes and hashes a proof signs;
* :mod:`~thaivc.di.sd` — ``ecdsa-sd-2023`` selective disclosure; :func:`derive` is the holder's step;
* :mod:`~thaivc.di.canon` — JCS and RDFC-1.0 (imported lazily by the above).
"""

from thaivc.di.derive import derive
from thaivc.di.sign import PROOF_TYPE, add_proof
from thaivc.di.suites import (
    DEFAULT_SUITES,
    ECDSA_JCS_2019,
    ECDSA_RDFC_2019,
    ECDSA_SD_2023,
    EDDSA_JCS_2022,
    EDDSA_RDFC_2022,
    Cryptosuite,
    CryptosuiteRegistry,
    default_cryptosuite,
)
from thaivc.di.verify import ProofOutcome, ProofSetPolicy, ProofsResult, verify_proofs

__all__ = [
    "DEFAULT_SUITES",
    "ECDSA_JCS_2019",
    "ECDSA_RDFC_2019",
    "ECDSA_SD_2023",
    "EDDSA_JCS_2022",
    "EDDSA_RDFC_2022",
    "PROOF_TYPE",
    "Cryptosuite",
    "CryptosuiteRegistry",
    "ProofOutcome",
    "ProofSetPolicy",
    "ProofsResult",
    "add_proof",
    "default_cryptosuite",
    "derive",
    "verify_proofs",
]
