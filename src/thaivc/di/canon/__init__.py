"""Canonical forms that Data Integrity signatures are computed over.

One job per module:

* :mod:`~thaivc.di.canon.jcs` — RFC 8785 JSON Canonicalization Scheme (``*-jcs-*`` cryptosuites);
* :mod:`~thaivc.di.canon.dataset` — the immutable RDF dataset model (terms, quads, datasets);
* :mod:`~thaivc.di.canon.nquads` — strict N-Quads parser and canonical N-Quads serialiser;
* :mod:`~thaivc.di.canon.rdfc` — W3C RDF Dataset Canonicalization 1.0 (``*-rdfc-*`` cryptosuites),
  with a work limit against "poisoned" datasets;
* :mod:`~thaivc.di.canon.jsonld_rdf` — JSON-LD document to RDF dataset (pyld, null base, offline
  loader passed in);
* :mod:`~thaivc.di.canon.jsonld_fast` — the same conversion served from per-shape templates when
  every context is a pinned URL, falling back to :mod:`~thaivc.di.canon.jsonld_rdf` otherwise;
* :mod:`~thaivc.di.canon.prepared` — a dataset already written as RDFC rows (what a template hands
  to :mod:`~thaivc.di.canon.rdfc`, so no term objects are built for a document of a known shape).

Nothing is imported here, so ``jcs`` can be used without loading the JSON-LD processor.
"""
