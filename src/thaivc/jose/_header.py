"""The protected-header rules shared by every JOSE media type thaivc reads or writes.

The rules run in a fixed order so that one hostile header always yields the same code: algorithm,
key material, ``crit``/``b64``, encryption, ``kid``, ``typ``/``cty``. Each rule is a dictionary
lookup or one C-level regex match; nothing here walks the token in Python.
"""

from __future__ import annotations

import re
from typing import Any, Final

from thaivc.core.errors import InputError
from thaivc.jose.media import ALLOWED_CTY

__all__ = ["ALLOWED_ALGS", "FULLY_SPECIFIED", "key_alg_of", "require_header", "require_kid"]

#: Asymmetric algorithms only (RFC 8725 §3.1). Matched case-sensitively, as RFC 7515 requires.
#: ``Ed25519`` is RFC 9864's fully-specified name for what ``EdDSA`` means with an Ed25519 key (npm
#: ``jose`` 6 emits it); both are read, and thaivc emits ``EdDSA`` unless asked for the new name.
ALLOWED_ALGS: Final = frozenset({"EdDSA", "Ed25519", "ES256", "ES384"})
#: A key's own JOSE algorithm → its RFC 9864 fully-specified name (ES256/ES384 already are).
FULLY_SPECIFIED: Final = {"EdDSA": "Ed25519", "ES256": "ES256", "ES384": "ES384"}
_KEY_ALG: Final = {"EdDSA": "EdDSA", "Ed25519": "EdDSA", "ES256": "ES256", "ES384": "ES384"}


def key_alg_of(header_alg: object) -> str | None:
    """The key algorithm (``EdDSA``/``ES256``/``ES384``) a header ``alg`` names, or ``None``.

    ``Ed25519`` names exactly an Ed25519 ``EdDSA`` key, so it maps there and nowhere else: a header
    can never choose a different key type by its spelling.
    """
    return _KEY_ALG.get(header_alg) if isinstance(header_alg, str) else None

# Header members that carry or point at key material: never trusted (RFC 8725 §3.10).
_KEY_SOURCES: Final = ("jwk", "jku", "x5u", "x5c", "x5t", "x5t#S256")
_ENCRYPTION: Final = ("enc", "zip")
MAX_KID_CHARS: Final = 512

# One regex per accepted kid shape, ASCII only. The character classes leave out controls, space,
# quotes, '|', ';', '\\', '<', '>', '`', '{', '}', '^' and anything non-ASCII; '..' is refused apart.
_PCHAR: Final = r"[A-Za-z0-9._~!$&()*+,=:@/?%-]"
_DID_URL: Final = re.compile(
    r"did:[a-z0-9]+:[A-Za-z0-9._%-]+(?::[A-Za-z0-9._%-]*)*"  # did:method:msid[:more]
    rf"(?:/{_PCHAR}*)?"  # path and query
    rf"#{_PCHAR}+",  # fragment naming the verification method
    re.ASCII,
)
_ABS_URI_WITH_FRAGMENT: Final = re.compile(
    rf"[A-Za-z][A-Za-z0-9+.-]*:{_PCHAR}+#{_PCHAR}+",
    re.ASCII,
)
# RFC 7638 SHA-256 JWK thumbprint (43 base64url characters): the form the W3C test suite uses.
_THUMBPRINT: Final = re.compile(r"[A-Za-z0-9_-]{43}", re.ASCII)


def require_kid(kid: object, *, allow_thumbprint: bool = False) -> None:
    """Refuse a ``kid`` that could be anything other than an opaque verification-method id.

    ``kid`` is later compared byte-for-byte with ids in an already-resolved document; the shape
    check exists so that path, SQL or shell fragments never reach a lookup (docs/security.md group B).
    """
    if not isinstance(kid, str):
        raise InputError("jose.kid_invalid", "kid must be a string", loc=("header", "kid"))
    if len(kid) > MAX_KID_CHARS:
        raise InputError(
            "jose.kid_invalid", f"kid longer than {MAX_KID_CHARS} characters", loc=("header", "kid")
        )
    if ".." in kid:
        raise InputError("jose.kid_invalid", "kid contains '..'", loc=("header", "kid"))
    if kid[:4].lower() == "did:":  # URI schemes are case-insensitive: "DID:" must not slip past
        shaped = _DID_URL.fullmatch(kid) is not None
    else:
        shaped = _ABS_URI_WITH_FRAGMENT.fullmatch(kid) is not None
        if not shaped and allow_thumbprint:
            shaped = _THUMBPRINT.fullmatch(kid) is not None
    if not shaped:
        raise InputError(
            "jose.kid_invalid", "kid is not a DID URL or absolute URI with a fragment", loc=("header", "kid")
        )


def require_header(
    header: dict[str, Any],
    *,
    expected_typ: frozenset[str],
    allow_thumbprint_kid: bool = False,
    allow_x5c: bool = False,
) -> None:
    """Apply the header rules in their fixed order; raise :class:`InputError` on the first failure.

    ``allow_x5c`` admits an ``x5c`` chain for a verifier configured with X.509 trust anchors, which
    validates it before using its key (:class:`thaivc.trust.X509Trust`); every other key source stays
    refused.
    """
    alg = header.get("alg")
    if not isinstance(alg, str) or alg not in ALLOWED_ALGS:
        shown = alg[:32] if isinstance(alg, str) else type(alg).__name__
        raise InputError("jose.alg_not_allowed", f"alg {shown!r} is not allowed", loc=("header", "alg"))
    for name in _KEY_SOURCES:
        if name in header and not (allow_x5c and name == "x5c"):
            raise InputError("jose.untrusted_key_source", f"header carries {name}", loc=("header", name))
    if "crit" in header or "b64" in header:
        name = "crit" if "crit" in header else "b64"
        raise InputError("jose.crit_unsupported", f"header carries {name}", loc=("header", name))
    for name in _ENCRYPTION:
        if name in header:
            raise InputError(
                "jose.malformed", f"header carries {name}: JWE/compression refused", loc=("header", name)
            )
    if "kid" in header:
        require_kid(header["kid"], allow_thumbprint=allow_thumbprint_kid)
    typ = header.get("typ")
    if not isinstance(typ, str) or typ not in expected_typ:
        shown = typ[:64] if isinstance(typ, str) else "missing" if typ is None else type(typ).__name__
        raise InputError("jose.typ_mismatch", f"typ {shown!r} is not expected here", loc=("header", "typ"))
    if "cty" in header:
        cty = header["cty"]
        allowed = ALLOWED_CTY.get(typ, frozenset())
        if not isinstance(cty, str) or cty not in allowed:
            raise InputError("jose.typ_mismatch", f"cty is not allowed for {typ}", loc=("header", "cty"))
