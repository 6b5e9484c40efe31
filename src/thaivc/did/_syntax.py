"""DID and DID-URL syntax (DID Core §3.1–3.2), checked before any method-specific work.

Only the forms thaivc needs are accepted: a bare DID, and a DID followed by a ``#fragment``
(a verification-method id). Paths and queries are refused rather than guessed at.
"""

from __future__ import annotations

import re
from typing import Final

from thaivc.core.errors import ThaiVCError

__all__ = ["MAX_DID_LENGTH", "require_did", "split_did_url"]

#: A did:jwk for a P-384 key is ~230 characters; this cap bounds every later step.
MAX_DID_LENGTH: Final = 2048

_IDCHAR: Final = r"(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})"
_DID_RE: Final = re.compile(rf"did:([a-z0-9]+):(?:{_IDCHAR}*:)*{_IDCHAR}+", re.ASCII)
_FRAGMENT_RE: Final = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})+", re.ASCII)


def require_did(did: object) -> str:
    """Return the DID method name, or raise ``did.invalid``."""
    if not isinstance(did, str) or len(did) > MAX_DID_LENGTH:
        raise ThaiVCError("did.invalid", "a DID must be a string of reasonable length")
    match = _DID_RE.fullmatch(did)
    if match is None:
        raise ThaiVCError("did.invalid", "not a syntactically valid DID")
    return match.group(1)


def split_did_url(vm_id: object) -> tuple[str, str]:
    """Split ``did:…#fragment`` into the DID and the fragment, or raise ``did.invalid``."""
    if not isinstance(vm_id, str) or len(vm_id) > MAX_DID_LENGTH:
        raise ThaiVCError("did.invalid", "a DID URL must be a string of reasonable length")
    did, sep, fragment = vm_id.partition("#")
    if not sep or _FRAGMENT_RE.fullmatch(fragment) is None:
        raise ThaiVCError("did.invalid", "a verification-method id must be a DID with a '#fragment'")
    require_did(did)
    return did, fragment
