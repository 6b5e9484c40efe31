"""Selective disclosure with Data Integrity: the ``ecdsa-sd-2023`` cryptosuite.

* :mod:`~thaivc.di.sd.pointers` — JSON Pointers and *selectJsonLd*;
* :mod:`~thaivc.di.sd.primitives` — skolemisation, HMAC label replacement, canonicalise-and-group;
* :mod:`~thaivc.di.sd.proof_value` — the CBOR base and derived ``proofValue``;
* :mod:`~thaivc.di.sd.ecdsa_sd_2023` — base proof, derivation, verification of derived proofs.

Issue with :func:`thaivc.di.add_proof` (or ``Issuer.issue(..., cryptosuite="ecdsa-sd-2023")``) and
``mandatory_pointers``; derive with :func:`thaivc.di.derive`; verify with ``Verifier.check``.
"""
