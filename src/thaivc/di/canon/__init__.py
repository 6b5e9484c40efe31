"""Canonical forms that Data Integrity signatures are computed over.

Two independent transformations live here, one module each:

* :mod:`thaivc.di.canon.jcs` — RFC 8785 JSON Canonicalization Scheme (``*-jcs-*`` cryptosuites);
* :mod:`thaivc.di.canon.rdfc` — W3C RDF Dataset Canonicalization 1.0 (``*-rdfc-*`` cryptosuites),
  with a work limit against "poisoned" datasets;
* :mod:`thaivc.di.canon.jsonld_rdf` — JSON-LD to RDF dataset, the step before RDFC.
"""
