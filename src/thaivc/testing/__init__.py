"""Test helpers for thaivc and for agencies' own test suites: loopback servers, fakes and fixtures.

Nothing here talks to a real registry. Everything serves synthetic data on 127.0.0.1 or in memory.
"""
