"""The one switch for thaivc's fast paths (issue 16).

A fast path computes exactly what the strict code computes — proven by a property test beside
each one — and declines, never refuses, whatever it cannot prove: the strict code then decides
and words the error. Setting ``THAIVC_NO_FAST_PATHS`` (to any non-empty value) in the environment
before ``import thaivc`` turns every one off, to rule them out when hunting a bug or to measure
what they buy. The fast paths, each with the ``make bench`` row it speeds up:

- :func:`thaivc.core.jsonutil.loads_strict` — orjson, accepted only when it re-serialises to the
  input bytes (every ``vc+jwt``, SD-JWT and status-list row; 1,000 object-valued claims most);
- :func:`thaivc.core.b64.b64url_decode` / ``b64url_encode`` — pybase64's SIMD codec behind the same
  canonical-spelling checks (the large-token rows: the stdlib decoder spends ~4 ns a byte).
"""

from __future__ import annotations

import os
from typing import Final

__all__ = ["FAST_PATHS"]

#: ``False`` when ``THAIVC_NO_FAST_PATHS`` is set: every fast path then takes its strict route.
FAST_PATHS: Final = not os.environ.get("THAIVC_NO_FAST_PATHS")
