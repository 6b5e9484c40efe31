"""The generic credential engine: the ``Issuer``, ``Holder`` and ``Verifier`` roles over the formats.

It knows W3C Verifiable Credentials and their securing formats, and nothing of Thai law: the Thai
domain (``thaivc.credentials``, ``thaivc.authority``, ``thaivc.authorization`` …) is built on top
of it. The per-format verification pipelines live in :mod:`thaivc.engine.verify`. Modules are
imported by their full name; this package itself loads nothing.
"""
