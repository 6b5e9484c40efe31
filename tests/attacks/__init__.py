"""Hostile-input suite, keyed to the SEC-nn cases of docs/security.md (a package: test_fuzz.py exists elsewhere)."""
