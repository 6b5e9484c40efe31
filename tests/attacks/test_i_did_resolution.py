"""docs/security.md group I, cases 56–63: DID resolution attacks, each with its exact code.

The did:web resolver here is the production stack — :class:`DidWebResolver` over
:class:`SafeHttpClient` with its pinned transport — with only DNS replaced by a fake. Every refused
case runs under a guard that fails the test if a socket is created, connected or resolved.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

import thaivc
from net.fakes import did_document
from net.loopback import LoopbackServer, Rebinder, answers, drip, running, send
from thaivc.core.b64 import b64url_encode
from thaivc.core.clock import FixedClock
from thaivc.core.errors import Indeterminate, ThaiVCError
from thaivc.did import DidDocument, DidJwkResolver, DidKeyResolver, UniversalResolver
from thaivc.did.web import DidWebResolver
from thaivc.keys import generate_key
from thaivc.keys._base58 import b58encode
from thaivc.net import DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT, FetchResult, SafeHttpClient
from thaivc.testing.plugin import seeded_key
from thaivc.trust import StaticTrustList

DID = "did:web:issuer.example"
KEY = seeded_key("group-i-issuer")
PUBLIC_IP = "93.184.216.34"


@pytest.fixture
def sockets_forbidden(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Record (and refuse) any attempt to resolve or open a socket."""
    attempts: list[str] = []

    def refuse(name: str) -> Any:
        def guard(*args: Any, **kwargs: Any) -> Any:
            attempts.append(name)
            raise AssertionError(f"socket.{name} called for a case that must be refused before any I/O")

        return guard

    for name in ("getaddrinfo", "create_connection", "socket"):
        monkeypatch.setattr(socket, name, refuse(name))
    yield attempts
    assert attempts == []


def web(client: SafeHttpClient | Any, **options: Any) -> UniversalResolver:
    return UniversalResolver(
        methods={"key": DidKeyResolver(), "jwk": DidJwkResolver(), "web": DidWebResolver(client, **options)}
    )


def dns(*ips: str) -> SafeHttpClient:
    """The real pinned client, with DNS faked."""
    return SafeHttpClient(resolver=answers(*ips))


def mocked(handler: Any, *ips: str) -> SafeHttpClient:
    return SafeHttpClient(transport=httpx.MockTransport(handler), resolver=answers(*(ips or (PUBLIC_IP,))))


def serve_json(obj: Any, content_type: str = "application/did+json") -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=json.dumps(obj).encode(), headers={"Content-Type": content_type})

    return handler


def code_of(resolver: UniversalResolver, did: str) -> tuple[str, bool]:
    with pytest.raises(ThaiVCError) as info:
        resolver.resolve(did)
    return info.value.code, isinstance(info.value, Indeterminate)


# -- 56. Non-DNS did:web hosts: never fetch, did.invalid ---------------------------------------

I56 = [
    "did:web:localhost",
    "did:web:127.0.0.1",
    "did:web:10.0.0.5",
    "did:web:169.254.169.254",
    "did:web:%5B::1%5D",
    "did:web:0x7f000001",
    "did:web:2130706433",
    "did:web:localhost.",
    "did:web:a.localhost",
    "did:web:issuer.example:..:admin",
    "did:web:issuer.example%2F..%2Fadmin",
    "did:web:issuer.example:a%2Fb",
    "did:web:attacker@issuer.example",
    "did:web:issuer.example%3A22",
]


@pytest.mark.parametrize("did", I56)
def test_i56_non_dns_hosts(did: str, sockets_forbidden: list[str]) -> None:
    assert code_of(web(dns(PUBLIC_IP)), did) == ("did.invalid", False)


def test_i56_through_the_verifier(thaivc_clock: FixedClock, sockets_forbidden: list[str]) -> None:
    signer = KEY.bind("did:web:169.254.169.254", "did:web:169.254.169.254#key-1")
    token = thaivc.Issuer(signer, clock=thaivc_clock).issue(
        {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "credentialSubject": {"id": "did:example:x"},
        }
    )
    report = thaivc.Verifier(resolver=web(dns(PUBLIC_IP)), clock=thaivc_clock).check(token)
    assert report.status == "failed"
    assert "did.invalid" in report.codes


# -- 57. DNS to a private address, or rebinding: never connect ---------------------------------


@pytest.mark.parametrize(
    "addresses",
    [
        ("10.0.0.5",),
        ("192.168.1.10",),
        ("169.254.169.254",),
        ("127.0.0.1",),
        ("0.0.0.0",),
        ("::1",),
        ("::ffff:10.0.0.5",),
        ("fe80::1",),
        (PUBLIC_IP, "10.0.0.5"),
    ],
)
def test_i57_public_name_resolving_private(addresses: tuple[str, ...], sockets_forbidden: list[str]) -> None:
    assert code_of(web(dns(*addresses)), DID) == ("did.address_blocked", False)


def test_i57_rebinding_second_answer_is_never_used(sockets_forbidden: list[str]) -> None:
    rebinder = Rebinder("10.0.0.5", PUBLIC_IP)  # a check-then-fetch client would pass the 2nd lookup
    client = SafeHttpClient(resolver=rebinder)
    assert code_of(web(client), DID) == ("did.address_blocked", False)
    assert rebinder.calls == 1


def test_i57_rebinding_connection_goes_to_the_pinned_address() -> None:
    """The connection is made to the address that was checked, whatever DNS says afterwards."""
    with running() as server:
        server.routes["/did.json"] = send(json.dumps({"ok": True}).encode())
        rebinder = Rebinder("127.0.0.1", "10.0.0.5")
        client = SafeHttpClient(allow_loopback=True, resolver=rebinder)
        result = client.fetch(server.url("/did.json", host="issuer.example"))
        assert result.status == 200 and rebinder.calls == 1
        assert server.hits == ["/did.json"]


# -- 58. Unsafe redirects: did.redirect_blocked ------------------------------------------------


def _redirecting(location: str) -> Any:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": location})

    return handler


@pytest.mark.parametrize(
    "location",
    [
        "http://issuer.example/.well-known/did.json",
        "https://10.0.0.5/did.json",
        "https://169.254.169.254/latest/meta-data/",
        "https://localhost/did.json",
        "https://[::1]/did.json",
        "file:///etc/passwd",
    ],
)
def test_i58_unsafe_redirect(location: str) -> None:
    assert code_of(web(mocked(_redirecting(location))), DID) == ("did.redirect_blocked", False)


def test_i58_redirect_to_name_resolving_private() -> None:
    def resolver(host: str, port: int, **kwargs: Any) -> list[tuple[Any, ...]]:
        ip = "10.0.0.7" if host == "internal.example" else PUBLIC_IP
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))]

    client = SafeHttpClient(
        transport=httpx.MockTransport(_redirecting("https://internal.example/did.json")), resolver=resolver
    )
    assert code_of(web(client), DID) == ("did.redirect_blocked", False)


def test_i58_more_than_three_hops() -> None:
    hops: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        hops.append(request.url.path)
        if len(hops) <= 4:
            return httpx.Response(302, headers={"Location": f"/hop{len(hops)}"})
        return serve_json(did_document(DID, KEY.public))(request)

    assert code_of(web(mocked(handler)), DID) == ("did.redirect_blocked", False)
    assert len(hops) == 4  # the original request and three redirects; the fourth is not followed


def test_i58_three_safe_hops_are_followed() -> None:
    hops: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        hops.append(request.url.path)
        if len(hops) <= 3:
            return httpx.Response(301, headers={"Location": f"https://issuer.example/hop{len(hops)}"})
        return serve_json(did_document(DID, KEY.public))(request)

    assert web(mocked(handler)).resolve(DID).id == DID


# -- 59. Resource limits: did.resolution_limit -------------------------------------------------


class ToLoopback:
    """Sends did:web's https URL to a loopback http server, through the real pinned client."""

    def __init__(self, server: LoopbackServer) -> None:
        self.server = server
        self.client = SafeHttpClient(allow_loopback=True, resolver=answers("127.0.0.1"))

    def fetch(
        self,
        url: str,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        timeout: float = DEFAULT_TIMEOUT,
        accept: str | None = None,
    ) -> FetchResult:
        path = httpx.URL(url).path
        return self.client.fetch(self.server.url(path), max_bytes=max_bytes, timeout=timeout, accept=accept)


@pytest.fixture
def loopback() -> Iterator[LoopbackServer]:
    with running() as server:
        yield server


def test_i59_body_over_64_kib(loopback: LoopbackServer) -> None:
    loopback.routes["/.well-known/did.json"] = send(b" " * (64 * 1024 + 1))
    assert code_of(web(ToLoopback(loopback)), DID) == ("did.resolution_limit", False)


def test_i59_missing_content_length_over_cap(loopback: LoopbackServer) -> None:
    loopback.routes["/.well-known/did.json"] = send(b" " * (70 * 1024), length=False)
    assert code_of(web(ToLoopback(loopback)), DID) == ("did.resolution_limit", False)


def test_i59_missing_content_length_within_cap_is_tolerated(loopback: LoopbackServer) -> None:
    body = json.dumps(did_document(DID, KEY.public)).encode()
    loopback.routes["/.well-known/did.json"] = send(body, headers={"Content-Type": "application/json"}, length=False)
    assert web(ToLoopback(loopback)).resolve(DID).id == DID


def test_i59_drip_aborts_at_the_total_deadline(loopback: LoopbackServer) -> None:
    loopback.routes["/.well-known/did.json"] = drip(50, 0.1)  # 5 s of body; the budget is 0.5 s
    assert code_of(web(ToLoopback(loopback), timeout=0.5), DID) == ("did.resolution_limit", True)


def test_i59_default_limits_are_64_kib_and_5_s() -> None:
    seen: list[tuple[int, float]] = []

    class Spy:
        def fetch(self, url: str, *, max_bytes: int = 0, timeout: float = 0.0, accept: str | None = None) -> Any:
            seen.append((max_bytes, timeout))
            raise Indeterminate("net.unavailable")

    with pytest.raises(Indeterminate):
        DidWebResolver(Spy()).resolve(DID)
    assert seen == [(64 * 1024, 5.0)]


# -- 60. Wrong document ------------------------------------------------------------------------


def test_i60_document_for_another_did() -> None:
    resolver = web(mocked(serve_json(did_document("did:web:attacker.example", KEY.public))))
    assert code_of(resolver, DID) == ("did.id_mismatch", False)


def test_i60_non_json_content_type() -> None:
    resolver = web(mocked(serve_json(did_document(DID, KEY.public), content_type="text/html")))
    assert code_of(resolver, DID) == ("did.content_type_invalid", False)


def test_i60_remote_contexts_never_fetched() -> None:
    requested: list[str] = []
    document = did_document(DID, KEY.public)
    document["@context"] = ["https://www.w3.org/ns/did/v1", "https://attacker.example/evil-context.jsonld"]

    def handler(request: httpx.Request) -> httpx.Response:
        requested.append(str(request.url))
        return serve_json(document)(request)

    resolved = web(mocked(handler)).resolve(DID)
    assert isinstance(resolved, DidDocument) and resolved.id == DID
    assert requested == ["https://issuer.example/.well-known/did.json"]


# -- 61. Internationalised domains -------------------------------------------------------------


@pytest.mark.parametrize("did", ["did:web:กรมการปกครอง.ไทย", "did:web:dopa.go.ไทย", "did:web:dopа.go.th"])
def test_i61_raw_unicode_host(did: str, sockets_forbidden: list[str]) -> None:
    assert code_of(web(dns(PUBLIC_IP)), did) == ("did.invalid", False)


def test_i61_punycode_homoglyph_is_a_different_issuer() -> None:
    trusted = "did:web:dopa.go.th"
    homoglyph = "did:web:" + "dopа".encode("idna").decode("ascii") + ".go.th"  # Cyrillic 'а'
    assert homoglyph == "did:web:xn--dop-8cd.go.th"
    policy = StaticTrustList.from_json({"issuers": [{"id": trusted, "credential_types": ["ThaiCitizenCredential"]}]})
    credential = {"type": ["VerifiableCredential", "ThaiCitizenCredential"]}
    with pytest.raises(ThaiVCError) as info:
        policy.check(homoglyph, credential)
    assert info.value.code == "trust.untrusted_issuer"
    assert policy.check(trusted, credential).issuer_id == trusted


# -- 62. Bad did:key / did:jwk keys: key.invalid -----------------------------------------------


def _multikey_vm(header: bytes, body: bytes) -> str:
    multikey = "z" + b58encode(header + body)
    return f"did:key:{multikey}#{multikey}"


def _did_jwk_vm(jwk: dict[str, Any]) -> str:
    return "did:jwk:" + b64url_encode(json.dumps(jwk).encode()) + "#0"


I62 = {
    "multibase not z": lambda: "did:key:m" + generate_key().public.multikey[1:] + "#k",
    "unknown multicodec": lambda: _multikey_vm(b"\xec\x01", bytes(range(32))),
    "ed25519 prefix not ed01": lambda: _multikey_vm(b"\xed\x02", generate_key().public.raw),
    "wrong length": lambda: _multikey_vm(b"\xed\x01", bytes(range(1, 31))),
    "fragment is not the key": lambda: f"{generate_key().did}#{generate_key().public.multikey}",
    "did:jwk with d": lambda: _did_jwk_vm(generate_key().private_jwk()),
    "did:jwk use enc": lambda: _did_jwk_vm({**generate_key("P-256").public_jwk, "use": "enc"}),
    "did:jwk P-256 point off the curve": lambda: _did_jwk_vm(
        {"kty": "EC", "crv": "P-256", "x": b64url_encode(bytes(31) + b"\x01"), "y": b64url_encode(bytes(31) + b"\x01")}
    ),
}


@pytest.mark.parametrize("case", sorted(I62))
def test_i62_bad_keys(case: str, sockets_forbidden: list[str]) -> None:
    with pytest.raises(ThaiVCError) as info:
        UniversalResolver().resolve_verification_method(I62[case]())
    assert info.value.code == "key.invalid"


# -- 63. No network configured -----------------------------------------------------------------


def test_i63_did_web_without_resolver(thaivc_clock: FixedClock, sockets_forbidden: list[str]) -> None:
    signer = KEY.bind(DID, f"{DID}#key-1")
    token = thaivc.Issuer(signer, clock=thaivc_clock).issue(
        {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "credentialSubject": {"id": "did:example:x"},
        }
    )
    report = thaivc.Verifier(clock=thaivc_clock).check(token)
    assert report.status == "indeterminate"
    assert report.codes == ["did.resolver_unavailable"]
    assert report.document is None
