"""The Authorization Request (OpenID4VP 1.0 §5): build it, sign it, and read one back strictly.

The verifier's side builds an :class:`AuthorizationRequest` and either signs it as a request object
(``typ: oauth-authz-req+jwt``, served by ``request_uri``) or hands the plain parameters over by value
(tests, and the ``redirect_uri:`` client id, which cannot sign). The wallet's side
(:func:`read_request_object`) trusts nothing in the request until its signature verified under the
key its ``client_id`` prefix names:

* ``x509_san_dns:<host>`` — an ``x5c`` chain to one of the wallet's trust anchors, whose leaf has
  ``<host>`` as a DNS name (checked by ``cryptography``'s X.509 path validation), and a
  ``response_uri`` on that host;
* ``decentralized_identifier:<did>`` — ``kid`` is a verification method of ``<did>``, resolved by
  thaivc's DID resolver;
* ``redirect_uri:<uri>`` — development only: never signed, and ``<uri>`` must be the ``response_uri``.
"""

from __future__ import annotations

import base64
import datetime as dt
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal
from urllib.parse import urlencode, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError

from thaivc.core.b64 import b64url_decode, b64url_encode
from thaivc.core.errors import InputError, ThaiVCError, UsageError
from thaivc.core.jsonutil import dumps_compact, loads_strict
from thaivc.did import UniversalResolver
from thaivc.jose.compact import ParsedJws, sign_compact, verify_compact
from thaivc.jose.types import JoseSigner
from thaivc.keys import ALGORITHMS, PublicKey
from thaivc.oid4vp.dcql import DcqlQuery

__all__ = [
    "REQUEST_TYP",
    "AuthorizationRequest",
    "ClientId",
    "ResponseMode",
    "deep_link",
    "parse_client_id",
    "qr_png",
    "qr_svg",
    "read_request_object",
    "sign_request",
]

REQUEST_TYP: Final = "oauth-authz-req+jwt"
#: Static discovery audience for a request object (OpenID4VP 1.0 §5.8).
SELF_ISSUED_AUD: Final = "https://self-issued.me/v2"
MAX_REQUEST_BYTES: Final = 64 * 1024
MAX_X5C: Final = 5
PREFIXES: Final = ("x509_san_dns", "decentralized_identifier", "redirect_uri")
_ALLOWED_ALGS: Final = frozenset({"ES256", "ES384", "EdDSA"})
_REFUSED_HEADER: Final = ("jwk", "jku", "x5u", "crit", "b64", "enc", "zip")

ResponseMode = Literal["direct_post", "direct_post.jwt"]


def _bad(detail: str) -> InputError:
    return InputError("openid.request_invalid", detail)


@dataclass(frozen=True, slots=True)
class ClientId:
    """A prefixed ``client_id`` split into its prefix and the identifier it names."""

    prefix: Literal["x509_san_dns", "decentralized_identifier", "redirect_uri"]
    value: str

    def __str__(self) -> str:
        return f"{self.prefix}:{self.value}"


def parse_client_id(raw: object) -> ClientId:
    """Split ``raw``; a client_id without one of the supported prefixes is refused, not guessed at."""
    if not isinstance(raw, str) or len(raw) > 2048 or ":" not in raw:
        raise InputError("openid.client_id_mismatch", "client_id has no supported prefix")
    prefix, value = raw.split(":", 1)
    if prefix not in PREFIXES or not value:
        raise InputError("openid.client_id_mismatch", f"client_id prefix {prefix[:40]!r} is not supported")
    if prefix == "decentralized_identifier" and not value.startswith("did:"):
        raise InputError("openid.client_id_mismatch", "a decentralized_identifier client_id is a DID")
    if prefix == "x509_san_dns" and ("/" in value or ":" in value or not value.isascii()):
        raise InputError("openid.client_id_mismatch", "an x509_san_dns client_id is a DNS name")
    return ClientId(prefix, value)  # type: ignore[arg-type]


def _https(uri: object, what: str) -> str:
    if not isinstance(uri, str) or len(uri) > 2048:
        raise _bad(f"{what} is missing")
    parts = urlsplit(uri)
    if parts.scheme not in ("https", "http") or not parts.hostname or parts.fragment:
        raise _bad(f"{what} is not an absolute http(s) URL without fragment")
    return uri


@dataclass(frozen=True, slots=True)
class AuthorizationRequest:
    """One request for presentations: who asks, where to answer, what to present, and the nonce.

    ``client_metadata`` carries ``jwks`` (the response encryption key) for ``direct_post.jwt``
    and ``vp_formats_supported``; ``exp`` bounds a request object's lifetime.
    """

    client_id: str
    response_uri: str
    nonce: str
    state: str
    dcql_query: DcqlQuery
    response_mode: ResponseMode = "direct_post"
    client_metadata: Mapping[str, Any] = field(default_factory=dict)
    iat: int | None = None
    exp: int | None = None

    def __post_init__(self) -> None:
        parse_client_id(self.client_id)
        _https(self.response_uri, "response_uri")
        if self.response_mode not in ("direct_post", "direct_post.jwt"):
            raise _bad("response_mode is direct_post or direct_post.jwt")
        for what, value in (("nonce", self.nonce), ("state", self.state)):
            if not isinstance(value, str) or not 16 <= len(value) <= 256:
                raise _bad(f"{what} is a string of 16 to 256 characters")
        if self.response_mode == "direct_post.jwt" and not self.encryption_jwk():
            raise _bad("direct_post.jwt needs an encryption key in client_metadata.jwks")

    @property
    def client(self) -> ClientId:
        return parse_client_id(self.client_id)

    def encryption_jwk(self) -> dict[str, Any] | None:
        """The first ``use: enc`` key of ``client_metadata.jwks`` (the one a wallet encrypts to)."""
        jwks = self.client_metadata.get("jwks")
        keys = jwks.get("keys") if isinstance(jwks, Mapping) else None
        if not isinstance(keys, list):
            return None
        for key in keys:
            if isinstance(key, dict) and key.get("use", "enc") == "enc" and key.get("kty") == "EC":
                return key
        return None

    def encryption_enc(self) -> str:
        values = self.client_metadata.get("encrypted_response_enc_values_supported")
        if isinstance(values, list) and values and isinstance(values[0], str):
            return values[0]
        return "A128GCM"

    def to_claims(self) -> dict[str, Any]:
        """The request as JSON claims (the request object's payload)."""
        out: dict[str, Any] = {
            "response_type": "vp_token",
            "client_id": self.client_id,
            "response_mode": self.response_mode,
            "response_uri": self.response_uri,
            "nonce": self.nonce,
            "state": self.state,
            "dcql_query": self.dcql_query.to_json(),
        }
        if self.client_metadata:
            out["client_metadata"] = dict(self.client_metadata)
        if self.iat is not None:
            out["iat"] = self.iat
        if self.exp is not None:
            out["exp"] = self.exp
        return out

    def to_params(self) -> dict[str, str]:
        """The plain by-value form: every parameter a string, JSON values JSON-encoded (§5.1)."""
        return {k: v if isinstance(v, str) else dumps_compact(v) for k, v in self.to_claims().items()
                if k not in ("iat", "exp")}

    @classmethod
    def from_claims(cls, claims: Mapping[str, Any]) -> AuthorizationRequest:
        """Read request parameters strictly (``openid.request_invalid``, ``openid.dcql_invalid``)."""
        if claims.get("response_type") != "vp_token":
            raise _bad("response_type must be vp_token")
        if "presentation_definition" in claims or "scope" in claims:
            raise _bad("only dcql_query is supported (no presentation_definition or scope)")
        metadata = claims.get("client_metadata", {})
        if not isinstance(metadata, dict):
            raise _bad("client_metadata is an object")
        for name in ("iat", "exp"):
            if name in claims and (type(claims[name]) is not int):
                raise _bad(f"{name} is an integer")
        try:
            return cls(
                client_id=claims.get("client_id"),  # type: ignore[arg-type]
                response_uri=claims.get("response_uri"),  # type: ignore[arg-type]
                nonce=claims.get("nonce"),  # type: ignore[arg-type]
                state=claims.get("state"),  # type: ignore[arg-type]
                dcql_query=DcqlQuery.from_json(claims.get("dcql_query")),
                response_mode=claims.get("response_mode", "direct_post"),
                client_metadata=metadata,
                iat=claims.get("iat"),
                exp=claims.get("exp"),
            )
        except ThaiVCError:
            raise
        except (TypeError, ValueError, AttributeError):
            raise _bad("the request parameters are malformed") from None

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> AuthorizationRequest:
        """The by-value form back: JSON parameters decoded strictly."""
        claims: dict[str, Any] = dict(params)
        for name in ("dcql_query", "client_metadata"):
            if name in claims:
                claims[name] = loads_strict(claims[name], max_bytes=MAX_REQUEST_BYTES, require_object=True)
        return cls.from_claims(claims)


# -- signing (the verifier) -----------------------------------------------------------------------

def _sign_with_header(header: dict[str, Any], payload: dict[str, Any], signer: JoseSigner) -> str:
    """A compact JWS whose header carries ``x5c``, which thaivc's general signer refuses on purpose."""
    full = {"alg": signer.algorithm, **header}
    h = b64url_encode(dumps_compact(full).encode("utf-8"))
    p = b64url_encode(dumps_compact(payload).encode("utf-8"))
    signing_input = f"{h}.{p}"
    return f"{signing_input}.{b64url_encode(signer.sign(signing_input.encode('ascii')))}"


def sign_request(request: AuthorizationRequest, signer: JoseSigner, *,
                 x5c: Sequence[x509.Certificate] | None = None) -> str:
    """The signed request object. ``x509_san_dns`` needs ``x5c`` (leaf first); a DID client signs with
    a key whose ``kid`` is a verification method of its DID; ``redirect_uri`` cannot sign."""
    client = request.client
    payload = {**request.to_claims(), "aud": SELF_ISSUED_AUD}
    if client.prefix == "redirect_uri":
        raise UsageError("usage.invalid_argument", "a redirect_uri: client_id cannot sign; pass the request by value")
    if client.prefix == "x509_san_dns":
        if not x5c:
            raise UsageError("usage.invalid_argument", "an x509_san_dns client signs with its certificate chain (x5c)")
        # x5c is standard base64 (RFC 7515 §4.1.6), not base64url
        chain = [base64.b64encode(c.public_bytes(Encoding.DER)).decode("ascii") for c in x5c]
        return _sign_with_header({"typ": REQUEST_TYP, "x5c": chain}, payload, signer)
    if not signer.kid.startswith(client.value + "#"):
        raise UsageError("usage.invalid_argument", "the signing key is not a verification method of the client DID")
    return sign_compact({"typ": REQUEST_TYP}, payload, signer)


# -- reading (the wallet) -------------------------------------------------------------------------

def _split(token: object) -> tuple[dict[str, Any], ParsedJws]:
    if not isinstance(token, str):
        raise _bad("a request object is a compact JWS")
    if len(token) > MAX_REQUEST_BYTES:
        raise InputError("input.too_large", f"request object exceeds {MAX_REQUEST_BYTES} bytes")
    parts = token.split(".")
    if len(parts) != 3 or not all(parts):
        raise _bad("a request object is a three-part compact JWS")
    try:
        header = loads_strict(b64url_decode(parts[0]), max_bytes=16 * 1024, require_object=True)
        payload_bytes = b64url_decode(parts[1])
        signature = b64url_decode(parts[2])
    except ValueError:
        raise _bad("a request object segment is not base64url") from None
    payload = loads_strict(payload_bytes, max_bytes=MAX_REQUEST_BYTES, require_object=True)
    if header.get("typ") != REQUEST_TYP:
        raise _bad(f"typ must be {REQUEST_TYP}")
    if header.get("alg") not in _ALLOWED_ALGS:
        raise InputError("openid.request_signature", "alg is not an allowed asymmetric algorithm")
    for name in _REFUSED_HEADER:
        if name in header:
            raise _bad(f"the header carries {name}")
    signing_input = f"{parts[0]}.{parts[1]}".encode("ascii")
    return header, ParsedJws(header, payload, payload_bytes, signing_input, signature)


def _x509_key(header: Mapping[str, Any], host: str, anchors: Sequence[x509.Certificate], now: float) -> PublicKey:
    chain = header.get("x5c")
    if not isinstance(chain, list) or not 1 <= len(chain) <= MAX_X5C or not all(isinstance(c, str) for c in chain):
        raise InputError("openid.client_id_mismatch", "an x509_san_dns request carries its certificate chain in x5c")
    if not anchors:
        raise InputError("openid.client_id_mismatch", "no X.509 trust anchors are configured for this wallet")
    try:
        certs = [x509.load_der_x509_certificate(base64.b64decode(c, validate=True)) for c in chain]
    except ValueError:
        raise InputError("openid.client_id_mismatch", "x5c holds a malformed certificate") from None
    try:
        verifier = (
            PolicyBuilder().store(Store(list(anchors))).time(dt.datetime.fromtimestamp(now, dt.UTC))
            .build_server_verifier(x509.DNSName(host))
        )
        verifier.verify(certs[0], certs[1:])
    except (VerificationError, ValueError) as exc:
        detail = f"the certificate does not prove {host}: {str(exc)[:120]}"
        raise InputError("openid.client_id_mismatch", detail) from None
    try:
        return PublicKey.from_crypto(certs[0].public_key())
    except ThaiVCError:
        raise InputError("openid.request_signature", "the certificate key is not a supported signing key") from None


def read_request_object(
    token: object,
    *,
    client_id: str | None = None,
    x509_anchors: Sequence[x509.Certificate] = (),
    resolver: UniversalResolver | None = None,
    now: float | None = None,
) -> AuthorizationRequest:
    """Verify a request object and return the request it carries; raise :class:`InputError`.

    ``client_id`` is the one the deep link named: the signed one must be the same (§5.10), or
    a man in the middle could swap the request behind a trusted name.
    """
    header, parsed = _split(token)
    claims = parsed.payload
    now = time.time() if now is None else now
    signed_client = claims.get("client_id")
    if client_id is not None and signed_client != client_id:
        raise InputError("openid.client_id_mismatch", "the request object names another client_id than the link")
    client = parse_client_id(signed_client)
    if client.prefix == "redirect_uri":
        raise _bad("a redirect_uri: client_id must not sign its request")
    if client.prefix == "x509_san_dns":
        if "kid" in header and not isinstance(header["kid"], str):
            raise _bad("kid is a string")
        key = _x509_key(header, client.value, x509_anchors, now)
    else:
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid.startswith(client.value + "#"):
            raise InputError("openid.client_id_mismatch", "kid is not a verification method of the client DID")
        if "x5c" in header:
            raise _bad("a DID client does not send x5c")
        try:
            _doc, method = (resolver or UniversalResolver()).resolve_verification_method(kid)
        except ThaiVCError as err:
            raise InputError("openid.client_id_mismatch", f"the client DID key does not resolve: {err.code}") from None
        key = method.public_key
    if ALGORITHMS.get(key.key_type) != header.get("alg"):
        raise InputError("openid.request_signature", "alg does not fit the client's key")
    try:
        verify_compact(parsed, key)
    except ThaiVCError:
        raise InputError("openid.request_signature", "the request object signature does not verify") from None
    exp = claims.get("exp")
    if exp is not None and (type(exp) is not int or exp < now - 60):
        raise _bad("the request object has expired")
    request = AuthorizationRequest.from_claims(claims)
    if client.prefix == "x509_san_dns" and urlsplit(request.response_uri).hostname != client.value:
        raise InputError("openid.client_id_mismatch", "response_uri is not on the certificate's host")
    return request


def require_unsigned(request: AuthorizationRequest) -> AuthorizationRequest:
    """The by-value form is accepted only for a ``redirect_uri:`` client whose id is its response_uri."""
    client = request.client
    if client.prefix != "redirect_uri":
        raise InputError("openid.client_id_mismatch", f"a {client.prefix}: client must sign its request")
    if client.value != request.response_uri:
        raise InputError("openid.client_id_mismatch", "a redirect_uri: client_id must equal the response_uri")
    return request


# -- the link and the QR code ---------------------------------------------------------------------

def deep_link(client_id: str, request_uri: str | None = None, *, request: AuthorizationRequest | None = None,
              scheme: str = "openid4vp://") -> str:
    """``openid4vp://?client_id=…&request_uri=…`` (or the by-value parameters for a redirect_uri client)."""
    if request is not None:
        return scheme + "?" + urlencode(request.to_params())
    if request_uri is None:
        raise UsageError("usage.invalid_argument", "a deep link carries a request_uri or the request itself")
    return scheme + "?" + urlencode({"client_id": client_id, "request_uri": request_uri})


def qr_png(link: str, *, scale: int = 5) -> bytes:
    """The link as a QR code PNG (``segno``, error correction M)."""
    import io

    import segno

    buffer = io.BytesIO()
    segno.make(link, error="m", micro=False).save(buffer, kind="png", scale=scale)
    return buffer.getvalue()


def qr_svg(link: str, *, scale: int = 4) -> str:
    """The link as a QR code SVG document."""
    import io

    import segno

    buffer = io.BytesIO()
    segno.make(link, error="m", micro=False).save(buffer, kind="svg", scale=scale)
    return buffer.getvalue().decode("utf-8")
