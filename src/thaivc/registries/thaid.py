"""ThaID (DOPA's OIDC digital ID) → a verified ID token → a ThaiCitizenCredential subject and evidence.

ThaID is an OpenID Connect provider (docs/thai.md; issuer ``https://imauth.bora.dopa.go.th``).
This module does the relying party's half that matters for credentials: it verifies the ID token
against the provider's JWKS and turns the verified claims into a citizen record and
``thaid_login`` evidence. Nothing here trusts a claim before the signature, ``iss``, ``aud``,
``nonce`` and the times have been checked.

The signing algorithm ThaID uses is not published ⚠️: RS256 is what OIDC providers default to, so
it is the default, and RS256/ES256/EdDSA can be allowed by configuration. RSA keys below 2048
bits are refused. The JWKS is fetched through an injected :class:`thaivc.net.Fetcher` (a
:class:`thaivc.net.SafeHttpClient` in production; ``timeout`` is seconds, as everywhere) and
cached for the ``max_age`` the provider gives, within bounds.
Signatures are verified with PyJWT; the token's JSON is first parsed with
:func:`thaivc.core.jsonutil.loads_strict`, because PyJWT's parser lets a repeated member win silently.
"""

from __future__ import annotations

import hmac
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from thaivc.assurance import DEFAULT_IAL_TABLE, IAL, Evidence, IALTable, ThaidLoginEvidence, derive_ial
from thaivc.assurance.evidence import at_time
from thaivc.core.b64 import b64url_decode
from thaivc.core.clock import DEFAULT_LEEWAY, Clock, SystemClock
from thaivc.core.errors import Indeterminate, InputError, ThaiVCError, UsageError
from thaivc.core.jsonutil import loads_strict
from thaivc.net import DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT, MAX_TIMEOUT, Fetcher, FetchResult
from thaivc.thai.address import ThaiAddress
from thaivc.thai.dates import BE_OFFSET, BEDate, parse_be_date
from thaivc.thai.ids import validate_citizen_id
from thaivc.thai.names import ThaiName

if TYPE_CHECKING:
    from thaivc.credentials.types import CitizenPerson

__all__ = [
    "THAID_ISSUER",
    "FakeThaid",
    "FetchResult",
    "Fetcher",
    "ThaidConfig",
    "ThaidIdentity",
    "ThaidVerifier",
    "merge_userinfo",
    "thaid_credential",
    "thaid_identity",
]

#: ThaID's issuer, from its discovery document (docs/thai.md).
THAID_ISSUER: Final = "https://imauth.bora.dopa.go.th"
SUPPORTED_ALGORITHMS: Final = frozenset({"RS256", "ES256", "EdDSA"})
MIN_RSA_BITS: Final = 2048
MAX_TOKEN_BYTES: Final = 16 * 1024
MAX_JWKS_KEYS: Final = 32
_MIN_CACHE_SECONDS: Final = 60.0
_MAX_CACHE_SECONDS: Final = 24 * 3600.0
_DEFAULT_CACHE_SECONDS: Final = 300.0
_ISO_DATE: Final = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?", re.ASCII)
_EIGHT: Final = re.compile(r"[0-9]{8}", re.ASCII)
_POSTCODE: Final = re.compile(r"[0-9]{5}", re.ASCII)
_LOOPBACK: Final = frozenset({"127.0.0.1", "localhost", "::1"})
#: A token naming an unknown ``kid`` triggers at most one JWKS refetch per this many seconds, so
#: forged tokens cannot turn the verifier into a request amplifier against the provider.
MIN_REFETCH_SECONDS: Final = 60.0
_JWKS_ACCEPT: Final = "application/jwk-set+json, application/json;q=0.9"


@dataclass(frozen=True)
class ThaidConfig:
    """The relying party's registration with ThaID (or any OIDC provider of the same shape)."""

    client_id: str
    jwks_uri: str
    issuer: str = THAID_ISSUER
    algorithms: tuple[str, ...] = ("RS256",)
    leeway: float = DEFAULT_LEEWAY
    #: seconds for the whole JWKS fetch (passed to the fetcher as ``timeout``)
    timeout: float = DEFAULT_TIMEOUT
    max_jwks_bytes: int = DEFAULT_MAX_BYTES
    #: refuse tokens whose ``iat`` is older than this many seconds (``None``: ``exp`` alone decides)
    max_token_age: float | None = 3600.0

    def __post_init__(self) -> None:
        unknown = set(self.algorithms) - SUPPORTED_ALGORITHMS
        if not self.algorithms or unknown:
            raise UsageError("usage.invalid_argument", f"algorithms must be among {sorted(SUPPORTED_ALGORITHMS)}")
        if not self.client_id or not self.issuer:
            raise UsageError("usage.invalid_argument", "client_id and issuer are required")
        parts = urlsplit(self.jwks_uri) if isinstance(self.jwks_uri, str) else None
        loopback = parts is not None and parts.scheme == "http" and parts.hostname in _LOOPBACK
        if parts is None or not parts.hostname or parts.username or not (parts.scheme == "https" or loopback):
            raise UsageError("usage.invalid_argument", "jwks_uri must be an https URL (or loopback http for tests)")
        if not 0 < self.timeout <= MAX_TIMEOUT or self.max_jwks_bytes <= 0 or self.leeway < 0:
            raise UsageError(
                "usage.invalid_argument",
                f"timeout must be in (0, {MAX_TIMEOUT:g}] seconds, max_jwks_bytes > 0, leeway >= 0",
            )


@dataclass
class _Cache:
    keys: tuple[Mapping[str, Any], ...] = ()
    expires: float = 0.0
    fetched_at: float | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


class ThaidVerifier:
    """Verifies ThaID ID tokens. One instance per provider registration; thread-safe."""

    def __init__(self, config: ThaidConfig, *, fetcher: Fetcher, clock: Clock | None = None) -> None:
        self.config = config
        self._fetcher = fetcher
        self._clock: Clock = clock if clock is not None else SystemClock()
        self._cache = _Cache()

    # -- JWKS -----------------------------------------------------------------------------------

    def _fetch_jwks(self) -> tuple[Mapping[str, Any], ...]:
        cfg = self.config
        try:
            answer = self._fetcher.fetch(
                cfg.jwks_uri, max_bytes=cfg.max_jwks_bytes, timeout=cfg.timeout, accept=_JWKS_ACCEPT
            )
        except ThaiVCError as err:
            raise Indeterminate("registry.unavailable", f"JWKS fetch failed: {err.code}") from None
        except Exception as exc:  # a transport fault means "cannot decide", never "valid"
            raise Indeterminate("registry.unavailable", f"JWKS fetch failed: {type(exc).__name__}") from None
        if not isinstance(answer, FetchResult) or not isinstance(answer.body, bytes):
            raise Indeterminate("registry.unavailable", "the JWKS fetcher returned no answer")
        if answer.status != 200:
            raise Indeterminate("registry.unavailable", f"JWKS endpoint answered HTTP {answer.status}")
        media = (answer.content_type or "").split(";", 1)[0].strip().lower()
        if media not in ("application/json", "application/jwk-set+json"):
            raise Indeterminate("registry.unavailable", f"JWKS has media type {media or 'none'!r}")
        try:
            doc = loads_strict(answer.body, max_bytes=cfg.max_jwks_bytes, require_object=True)
        except ThaiVCError as err:
            raise Indeterminate("registry.unavailable", f"JWKS is not strict JSON ({err.code})") from None
        keys = doc.get("keys")
        if not isinstance(keys, list) or not all(isinstance(k, dict) for k in keys) or len(keys) > MAX_JWKS_KEYS:
            raise Indeterminate("registry.unavailable", "JWKS has no usable keys array")
        age = answer.max_age if answer.max_age is not None else _DEFAULT_CACHE_SECONDS
        age = min(max(age, _MIN_CACHE_SECONDS), _MAX_CACHE_SECONDS)
        self._cache.keys = tuple(keys)
        self._cache.expires = self._clock.now() + age
        self._cache.fetched_at = self._clock.now()
        return self._cache.keys

    def _keys(self, *, refresh: bool = False) -> tuple[Mapping[str, Any], ...]:
        with self._cache.lock:
            now = self._clock.now()
            fetched = self._cache.fetched_at
            if refresh and fetched is not None and now - fetched < MIN_REFETCH_SECONDS:
                refresh = False  # fetched moments ago: the unknown key is not there
            if refresh or not self._cache.keys or now >= self._cache.expires:
                return self._fetch_jwks()
            return self._cache.keys

    def _select(self, keys: Sequence[Mapping[str, Any]], kid: object, alg: str) -> Mapping[str, Any] | None:
        wanted = {"RS256": "RSA", "ES256": "EC", "EdDSA": "OKP"}[alg]
        usable = [
            k for k in keys if k.get("kty") == wanted and k.get("use", "sig") == "sig" and k.get("alg", alg) == alg
        ]
        if kid is not None:
            matches = [k for k in usable if k.get("kid") == kid]
            return matches[0] if len(matches) == 1 else None
        return usable[0] if len(usable) == 1 else None

    def _public_key(self, jwk_doc: Mapping[str, Any], alg: str) -> Any:
        try:
            key = jwt.PyJWK(dict(jwk_doc), algorithm=alg).key
        except Exception:
            raise InputError("key.invalid", "the provider's JWK is malformed or does not fit its algorithm") from None
        if isinstance(key, rsa.RSAPublicKey) and key.key_size < MIN_RSA_BITS:
            raise InputError("key.invalid", f"RSA key of {key.key_size} bits; at least {MIN_RSA_BITS} required")
        if isinstance(key, rsa.RSAPrivateKey) or hasattr(key, "private_bytes"):
            raise InputError("key.invalid", "the JWKS holds a private key")
        return key

    # -- the token ------------------------------------------------------------------------------

    def verify_id_token(self, token: str, *, nonce: str) -> dict[str, Any]:
        """The claims of a verified ID token; raises a typed error on anything else.

        Codes: ``jose.malformed`` (shape, strict JSON), ``jose.alg_not_allowed``, ``key.not_found``
        / ``key.invalid``, ``crypto.bad_signature``, ``registry.issuer_mismatch``,
        ``claims.audience_mismatch``, ``registry.nonce_mismatch``, ``claims.malformed``,
        ``time.expired`` / ``time.not_yet_valid``, and ``registry.unavailable`` (indeterminate)
        when the JWKS cannot be obtained.
        """
        cfg = self.config
        if not isinstance(nonce, str) or not nonce:
            raise UsageError("usage.invalid_argument", "the nonce sent in the authorisation request is required")
        header, claims = _parse(token)
        alg = header.get("alg")
        if not isinstance(alg, str) or alg not in cfg.algorithms:
            raise InputError("jose.alg_not_allowed", f"alg {str(alg)[:20]!r} is not configured for this provider")
        if any(name in header for name in ("jwk", "jku", "x5u", "x5c")):
            raise InputError("jose.untrusted_key_source", "the token names its own key; only the JWKS is trusted")
        if "crit" in header:
            raise InputError("jose.crit_unsupported", "crit header not supported")
        kid = header.get("kid")
        jwk_doc = self._select(self._keys(), kid, alg)
        if jwk_doc is None:  # rotated keys: look once more, bypassing the cache
            jwk_doc = self._select(self._keys(refresh=True), kid, alg)
        if jwk_doc is None:
            raise InputError("key.not_found", "no key in the provider's JWKS matches the token")
        key = self._public_key(jwk_doc, alg)
        try:
            jwt.decode(
                token,
                key=key,
                algorithms=[alg],
                options={
                    "verify_signature": True,
                    "verify_exp": False,
                    "verify_nbf": False,
                    "verify_iat": False,
                    "verify_aud": False,
                    "verify_iss": False,
                },
            )
        except jwt.InvalidSignatureError:
            raise InputError("crypto.bad_signature", "the ID token signature does not verify") from None
        except (jwt.PyJWTError, ValueError, TypeError) as exc:
            raise InputError("jose.malformed", f"the ID token could not be verified: {type(exc).__name__}") from None
        self._check_claims(claims, nonce)
        return claims

    def _check_claims(self, claims: Mapping[str, Any], nonce: str) -> None:
        cfg = self.config
        if claims.get("iss") != cfg.issuer:
            raise InputError("registry.issuer_mismatch", "the ID token was issued by another provider")
        aud = claims.get("aud")
        audiences = aud if isinstance(aud, list) else [aud]
        if cfg.client_id not in audiences:
            raise InputError("claims.audience_mismatch", "the ID token is addressed to another client")
        if len(audiences) > 1 and claims.get("azp") != cfg.client_id:
            raise InputError("claims.audience_mismatch", "several audiences and azp is not this client")
        token_nonce = claims.get("nonce")
        if not isinstance(token_nonce, str) or not hmac.compare_digest(token_nonce.encode(), nonce.encode()):
            raise InputError("registry.nonce_mismatch", "the ID token does not carry this login's nonce")
        if not isinstance(claims.get("sub"), str) or not claims["sub"]:
            raise InputError("claims.malformed", "sub is missing", loc=("sub",))
        now = self._clock.now()
        times = _token_times(claims)
        if times["exp"] < now - cfg.leeway:
            raise InputError("time.expired", "the ID token has expired")
        if times["iat"] > now + cfg.leeway or times.get("nbf", 0.0) > now + cfg.leeway:
            raise InputError("time.not_yet_valid", "the ID token is from the future")
        if cfg.max_token_age is not None and times["iat"] < now - cfg.max_token_age - cfg.leeway:
            raise InputError("time.expired", "the ID token is older than the configured maximum age")


def _token_times(claims: Mapping[str, Any]) -> dict[str, float]:
    """The ID token's time claims as numbers (``exp`` and ``iat`` required); a non-number is malformed."""
    times: dict[str, float] = {}
    for name in ("exp", "iat", "nbf", "auth_time"):
        value = claims.get(name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InputError("claims.malformed", f"{name} must be a number", loc=(name,))
        times[name] = float(value)
    if "exp" not in times or "iat" not in times:
        raise InputError("claims.malformed", "an ID token needs exp and iat")
    return times


def _parse(token: object) -> tuple[dict[str, Any], dict[str, Any]]:
    if not isinstance(token, str) or len(token) > MAX_TOKEN_BYTES:
        raise InputError("jose.malformed", "an ID token is a compact JWS string of at most 16 KiB")
    parts = token.split(".")
    if len(parts) != 3 or not all(parts):
        raise InputError("jose.malformed", "an ID token has three non-empty parts")
    try:
        header_raw, claims_raw = b64url_decode(parts[0]), b64url_decode(parts[1])
    except ValueError:
        raise InputError("jose.malformed", "an ID token part is not canonical base64url") from None
    try:
        header = loads_strict(header_raw, require_object=True)
        claims = loads_strict(claims_raw, require_object=True)
    except ThaiVCError as err:
        raise InputError("jose.malformed", f"ID token JSON refused ({err.code})") from None
    return dict(header), dict(claims)


def merge_userinfo(id_claims: Mapping[str, Any], userinfo: Mapping[str, Any]) -> dict[str, Any]:
    """ID-token claims completed by the userinfo answer, which must describe the same ``sub``.

    OIDC Core §5.3.2: userinfo's ``sub`` must equal the ID token's, or the answer is discarded.
    ID-token claims win where both have a value (they are signed; userinfo usually is not).
    """
    if userinfo.get("sub") != id_claims.get("sub"):
        raise InputError("registry.subject_mismatch", "userinfo describes another subject than the ID token")
    return {**dict(userinfo), **dict(id_claims)}


@dataclass(frozen=True)
class ThaidIdentity:
    """What a ThaID login establishes: the person, the evidence, and the IAL it supports."""

    citizen_id: str
    name: ThaiName
    birth_date: BEDate | str
    address: ThaiAddress | None
    evidence: Evidence
    ial: IAL
    #: ``ial`` exactly as ThaID sent it (format unconfirmed ⚠️), or ``None``
    reported_ial: str | None = None

    def to_person(self) -> CitizenPerson:
        """The credential builders' view of this person."""
        from thaivc.credentials.types import CitizenPerson

        return CitizenPerson(self.citizen_id, self.name, self.birth_date, self.address)


def _birth_date(value: object) -> BEDate | str:
    """OIDC ``birthdate`` (``YYYY-MM-DD``, ``YYYY``; ``0000`` year = withheld); BE years and DOPA's
    8-digit form are recognised because ThaID's exact form is unconfirmed ⚠️."""
    if isinstance(value, str) and _EIGHT.fullmatch(value):
        return parse_be_date(value)
    if isinstance(value, str):
        m = _ISO_DATE.fullmatch(value)
        if m:
            year = int(m.group(1))
            if year >= 2400:  # a Buddhist-Era year in an ISO-shaped string
                month, day = m.group(2) or "00", m.group(3) or "00"
                return parse_be_date(f"{year:04d}{month}{day}")
            if 1800 <= year <= 2200:
                # validate the calendar date; the ISO string is kept at its own precision
                parse_be_date(f"{year + BE_OFFSET:04d}{m.group(2) or '00'}{m.group(3) or '00'}", rule=None)
                return value
    raise InputError("thai.date_invalid", "birthdate is not an ISO date", loc=("birthdate",))


def _address(value: object) -> ThaiAddress | None:
    if value is None or value in ("", {}):
        return None
    if isinstance(value, str):
        return ThaiAddress(full_text=value)
    if isinstance(value, Mapping):
        formatted = value.get("formatted")
        postcode = value.get("postal_code")
        province = value.get("region")
        return ThaiAddress.create(
            full_text=formatted if isinstance(formatted, str) else None,
            postcode=postcode if isinstance(postcode, str) and _POSTCODE.fullmatch(postcode) else None,
            province=province if isinstance(province, str) else None,
        )
    raise InputError("thai.address_invalid", "address claim must be a string or an object", loc=("address",))


def thaid_identity(claims: Mapping[str, Any], *, table: IALTable = DEFAULT_IAL_TABLE) -> ThaidIdentity:
    """Turn *verified* ThaID claims into a citizen record and ``thaid_login`` evidence.

    The IAL is what the evidence supports under ``table`` (ThaID login = IAL2.3 by default), but
    never more than ThaID itself reported in its ``ial`` claim when that is a known level.
    """
    citizen_id = validate_citizen_id(claims.get("pid"))
    name = ThaiName.from_claims(claims)
    if not name.given_th or not name.family_th:
        raise InputError("thai.name_invalid", "ThaID claims lack the Thai given or family name")
    birth = _birth_date(claims.get("birthdate"))
    address = _address(claims.get("address"))
    raw_ial = claims.get("ial")
    reported = str(raw_ial) if isinstance(raw_ial, str | int | float) and not isinstance(raw_ial, bool) else None
    when = claims.get("auth_time", claims.get("iat"))
    at = at_time(float(when)) if isinstance(when, int | float) and not isinstance(when, bool) else None
    evidence = Evidence.of(ThaidLoginEvidence(ial=reported, at=at))
    ial = derive_ial(evidence, table)
    if reported is not None:
        try:
            claimed = IAL.parse(reported)
        except ThaiVCError:
            claimed = None
        if claimed is not None and claimed.is_known and claimed < ial:
            ial = claimed
    return ThaidIdentity(citizen_id, name, birth, address, evidence, ial, reported)


def thaid_credential(
    claims: Mapping[str, Any],
    subject_did: str,
    *,
    table: IALTable = DEFAULT_IAL_TABLE,
    valid_until: str | None = None,
) -> dict[str, Any]:
    """An unsigned ThaiCitizenCredential from *verified* ThaID claims, with ``thaid_login`` evidence."""
    from thaivc.credentials.types import citizen_credential

    identity = thaid_identity(claims, table=table)
    return citizen_credential(
        subject_did, identity.to_person(), ial=identity.ial, evidence=identity.evidence, valid_until=valid_until
    )


# -- the fake provider ------------------------------------------------------------------------------


class FakeThaid:
    """An in-memory ThaID for tests and demos: signs ID tokens for the DOPA fake's synthetic citizens.

    It is also the :class:`Fetcher` that serves its own JWKS, so
    ``ThaidVerifier(fake.config(), fetcher=fake, clock=clock)`` verifies its tokens offline. Each
    instance has a fresh RSA-2048 key; nothing here is usable against the real ThaID.
    """

    JWKS_URI: Final = THAID_ISSUER + "/api/v2/oauth2/jwks/"

    def __init__(self, *, client_id: str = "thaivc-test-rp", clock: Clock | None = None, kid: str = "fake-1") -> None:
        from thaivc.registries.dopa import FakeDopa

        self.client_id = client_id
        self._clock: Clock = clock if clock is not None else SystemClock()
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=MIN_RSA_BITS)
        self._kid = kid
        self._citizens = {entry["citizen_id"]: entry for entry in FakeDopa().fixture["citizens"]}
        self.fetches = 0

    def config(self, **overrides: Any) -> ThaidConfig:
        """A :class:`ThaidConfig` that trusts this fake."""
        return ThaidConfig(**{"client_id": self.client_id, "jwks_uri": self.JWKS_URI, **overrides})

    def jwks(self) -> dict[str, Any]:
        public = jwt.algorithms.RSAAlgorithm.to_jwk(self._key.public_key(), as_dict=True)
        return {"keys": [{**public, "kid": self._kid, "use": "sig", "alg": "RS256"}]}

    def fetch(
        self,
        url: str,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        timeout: float = DEFAULT_TIMEOUT,
        accept: str | None = None,
    ) -> FetchResult:
        """Serve this fake's JWKS at :attr:`JWKS_URI` (the :class:`thaivc.net.Fetcher` seam)."""
        self.fetches += 1
        if url != self.JWKS_URI:
            return FetchResult(url, 404, b"", "text/plain")
        import json

        body = json.dumps(self.jwks()).encode("utf-8")
        return FetchResult(url, 200, body[:max_bytes], "application/json", 300)

    def claims_for(self, citizen_id: str) -> dict[str, Any]:
        """ThaID-style claims (docs/thai.md) for a fixture citizen; ``registry.not_found`` otherwise."""
        entry = self._citizens.get(citizen_id)
        if entry is None:
            raise ThaiVCError("registry.not_found", "no such citizen in the ThaID fake")
        name = entry["name"]
        claims: dict[str, Any] = {
            "pid": citizen_id,
            "title": name.get("title_th"),
            "given_name": name.get("given_th"),
            "middle_name": name.get("middle_th"),
            "family_name": name.get("family_th"),
            "title_en": name.get("title_en"),
            "given_name_en": name.get("given_en"),
            "middle_name_en": name.get("middle_en"),
            "family_name_en": name.get("family_en"),
            "birthdate": parse_be_date(entry["birth_date_be"]).iso(),
        }
        return {k: v for k, v in claims.items() if v}

    def login(self, citizen_id: str, *, nonce: str, ial: str | None = "2.3", lifetime: int = 600, **extra: Any) -> str:
        """The ID token ThaID would return after ``citizen_id`` logs in with ``nonce``."""
        now = int(self._clock.now())
        payload: dict[str, Any] = {
            "iss": THAID_ISSUER,
            "aud": self.client_id,
            "sub": "thaid-" + citizen_id[-6:],
            "iat": now,
            "auth_time": now,
            "exp": now + lifetime,
            "nonce": nonce,
            **self.claims_for(citizen_id),
        }
        if ial is not None:
            payload["ial"] = ial
        payload.update(extra)
        return jwt.encode(payload, self._key, algorithm="RS256", headers={"kid": self._kid})
