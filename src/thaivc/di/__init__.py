"""Data Integrity proofs (W3C VC Data Integrity 1.0) and the canonicalisation they rest on."""
