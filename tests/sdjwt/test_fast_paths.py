"""The hand-inlined hot paths of SD-JWT verification answer exactly as the general code they replace."""

from __future__ import annotations

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from thaivc.b64 import b64url_encode
from thaivc.sdjwt._hashing import b64_digest, b64_digest_of_ascii

_B64URL = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_~.", max_size=200)


@given(_B64URL, st.sampled_from([hashlib.sha256, hashlib.sha384, hashlib.sha512]))
def test_digest_encoding_matches_b64url_encode(text: str, hasher: object) -> None:
    assert callable(hasher)
    expected = b64url_encode(hasher(text.encode("ascii")).digest())
    assert b64_digest(hasher, text) == expected
    assert b64_digest_of_ascii(hasher, text.encode("ascii")) == expected
