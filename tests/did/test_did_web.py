"""did:web: URL mapping, host refusal before any fetch, strict parsing, caching, verifier wiring."""

from __future__ import annotations

import json
import socket
from typing import Any

import httpx
import pytest

import thaivc
from net.fakes import FakeFetcher, did_document, json_result
from net.loopback import answers
from thaivc.core.clock import FixedClock
from thaivc.core.errors import Indeterminate, ThaiVCError
from thaivc.did import DidJwkResolver, DidKeyResolver, UniversalResolver
from thaivc.did.web import ACCEPT, DidWebResolver, did_web_url
from thaivc.net import FetchResult, SafeHttpClient
from thaivc.testing.plugin import seeded_key

DID = "did:web:issuer.example"
URL = "https://issuer.example/.well-known/did.json"
KEY = seeded_key("did-web-issuer")


@pytest.mark.parametrize(
    ("did", "url"),
    [
        ("did:web:issuer.example", "https://issuer.example/.well-known/did.json"),
        ("did:web:dopa.go.th", "https://dopa.go.th/.well-known/did.json"),
        ("did:web:issuer.example:users:alice", "https://issuer.example/users/alice/did.json"),
        ("did:web:xn--o3cw4h.xn--o3cw4h", "https://xn--o3cw4h.xn--o3cw4h/.well-known/did.json"),
        ("did:web:a-b.c9.example:x_y.z", "https://a-b.c9.example/x_y.z/did.json"),
    ],
)
def test_url_mapping(did: str, url: str) -> None:
    assert did_web_url(did) == url


def test_port_only_when_configured() -> None:
    with pytest.raises(ThaiVCError) as info:
        did_web_url("did:web:issuer.example%3A8443")
    assert info.value.code == "did.invalid"
    assert (
        did_web_url("did:web:issuer.example%3A8443", allow_port=True)
        == "https://issuer.example:8443/.well-known/did.json"
    )
    for bad in ("did:web:issuer.example%3A0", "did:web:issuer.example%3A99999", "did:web:issuer.example%3Ax"):
        with pytest.raises(ThaiVCError):
            did_web_url(bad, allow_port=True)


@pytest.mark.parametrize(
    "did",
    [
        "did:web:localhost",
        "did:web:127.0.0.1",
        "did:web:10.0.0.5",
        "did:web:169.254.169.254",
        "did:web:%5B::1%5D",
        "did:web:0x7f000001",
        "did:web:2130706433",
        "did:web:localhost.",
        "did:web:a.localhost",
        "did:web:issuer.example:..:etc",
        "did:web:issuer.example:.",
        "did:web:issuer.example%2Fetc",
        "did:web:issuer.example:a%2Fb",
        "did:web:user@issuer.example",
        "did:web:issuer.example%3A22",
        "did:web:ไทย.th",
        "did:web:%E0%B9%84%E0%B8%97%E0%B8%A2.th",
        "did:web:Issuer.Example",
        "did:web:xn--zz.example",
        "did:web:ab--c.example",
        "did:web:-a.example",
        "did:web:single",
        "did:web:printer.local",
        "did:web:x.internal",
        "did:web:issuer.123",
        "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
    ],
)
def test_non_dns_hosts_refused_before_fetch(did: str) -> None:
    fetcher = FakeFetcher()
    with pytest.raises(ThaiVCError) as info:
        DidWebResolver(fetcher).resolve(did)
    assert info.value.code == "did.invalid"
    assert fetcher.calls == []


def test_resolves_and_passes_limits_and_accept() -> None:
    fetcher = FakeFetcher({URL: json_result(URL, did_document(DID, KEY.public), content_type="application/did+json")})
    doc = DidWebResolver(fetcher, max_bytes=4096, timeout=2.0).resolve(DID)
    assert doc.id == DID
    assert doc.find(f"{DID}#key-1") is not None
    assert fetcher.calls == [(URL, 4096, 2.0, ACCEPT)]


def test_id_mismatch() -> None:
    fetcher = FakeFetcher({URL: json_result(URL, did_document("did:web:other.example", KEY.public))})
    with pytest.raises(ThaiVCError) as info:
        DidWebResolver(fetcher).resolve(DID)
    assert info.value.code == "did.id_mismatch"


@pytest.mark.parametrize("content_type", ["text/html", "application/octet-stream", None, "application/jsonx"])
def test_non_json_content_type(content_type: str | None) -> None:
    body = json.dumps(did_document(DID, KEY.public)).encode()
    fetcher = FakeFetcher({URL: FetchResult(URL, 200, body, content_type, None)})
    with pytest.raises(ThaiVCError) as info:
        DidWebResolver(fetcher).resolve(DID)
    assert info.value.code == "did.content_type_invalid"


def test_json_with_charset_parameter_accepted() -> None:
    body = json.dumps(did_document(DID, KEY.public)).encode()
    fetcher = FakeFetcher({URL: FetchResult(URL, 200, body, "application/json; charset=utf-8", None)})
    assert DidWebResolver(fetcher).resolve(DID).id == DID


def test_remote_contexts_are_data_not_fetched() -> None:
    doc = did_document(DID, KEY.public)
    doc["@context"] = ["https://www.w3.org/ns/did/v1", "https://attacker.example/ctx.jsonld"]
    fetcher = FakeFetcher({URL: json_result(URL, doc)})
    assert DidWebResolver(fetcher).resolve(DID).id == DID
    assert fetcher.urls == [URL]


def test_duplicate_keys_refused() -> None:
    body = b'{"id": "did:web:issuer.example", "id": "did:web:other.example"}'
    fetcher = FakeFetcher({URL: FetchResult(URL, 200, body, "application/json", None)})
    with pytest.raises(ThaiVCError) as info:
        DidWebResolver(fetcher).resolve(DID)
    assert info.value.code == "json.duplicate_key"


def test_missing_document_fails_server_error_is_indeterminate() -> None:
    with pytest.raises(ThaiVCError) as info:
        DidWebResolver(FakeFetcher()).resolve(DID)
    assert info.value.code == "did.not_found" and not isinstance(info.value, Indeterminate)
    fetcher = FakeFetcher({URL: FetchResult(URL, 503, b"", None, None)})
    with pytest.raises(Indeterminate) as ind:
        DidWebResolver(fetcher).resolve(DID)
    assert ind.value.code == "did.not_found"


@pytest.mark.parametrize(
    ("error", "code", "indeterminate"),
    [
        (ThaiVCError("net.redirect_blocked"), "did.redirect_blocked", False),
        (ThaiVCError("net.too_large"), "did.resolution_limit", False),
        (Indeterminate("net.timeout"), "did.resolution_limit", True),
        (ThaiVCError("net.address_blocked"), "did.address_blocked", False),
        (Indeterminate("net.unavailable"), "did.not_found", True),
    ],
)
def test_network_errors_map_to_did_codes(error: ThaiVCError, code: str, indeterminate: bool) -> None:
    with pytest.raises(ThaiVCError) as info:
        DidWebResolver(FakeFetcher({URL: error})).resolve(DID)
    assert info.value.code == code
    assert isinstance(info.value, Indeterminate) is indeterminate


def test_cache_honours_max_age() -> None:
    clock = FixedClock(1_000_000.0)
    fetcher = FakeFetcher({URL: json_result(URL, did_document(DID, KEY.public), max_age=60)})
    resolver = DidWebResolver(fetcher, clock=clock)
    resolver.resolve(DID)
    resolver.resolve(DID)
    assert len(fetcher.calls) == 1
    clock.advance(61)
    resolver.resolve(DID)
    assert len(fetcher.calls) == 2


def test_no_max_age_means_no_cache() -> None:
    fetcher = FakeFetcher({URL: json_result(URL, did_document(DID, KEY.public))})
    resolver = DidWebResolver(fetcher)
    resolver.resolve(DID)
    resolver.resolve(DID)
    assert len(fetcher.calls) == 2


def test_failures_are_not_cached() -> None:
    fetcher = FakeFetcher({URL: Indeterminate("net.unavailable")})
    resolver = DidWebResolver(fetcher)
    with pytest.raises(Indeterminate):
        resolver.resolve(DID)
    fetcher.table[URL] = json_result(URL, did_document(DID, KEY.public), max_age=60)
    assert resolver.resolve(DID).id == DID


def test_fetcher_must_have_fetch() -> None:
    with pytest.raises(ThaiVCError) as info:
        DidWebResolver(object())  # type: ignore[arg-type]
    assert info.value.code == "usage.invalid_argument"


# -- end to end: safe client, universal resolver, verifier ---------------------------------------


def web_resolver(doc: dict[str, Any], seen: list[str] | None = None) -> UniversalResolver:
    def handler(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(str(request.url))
        return httpx.Response(200, json=doc, headers={"Content-Type": "application/did+json"})

    client = SafeHttpClient(transport=httpx.MockTransport(handler), resolver=answers("93.184.216.34"))
    return UniversalResolver(methods={"key": DidKeyResolver(), "jwk": DidJwkResolver(), "web": DidWebResolver(client)})


def test_universal_resolver_with_safe_client() -> None:
    seen: list[str] = []
    resolver = web_resolver(did_document(DID, KEY.public), seen)
    doc, vm = resolver.resolve_verification_method(f"{DID}#key-1")
    assert doc.id == DID and vm.public_key == KEY.public
    assert seen == [URL]


def _credential() -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", "ThaiCitizenCredential"],
        "issuer": DID,
        "credentialSubject": {"id": "did:example:citizen"},
    }


def test_verifier_checks_did_web_vc_jwt(thaivc_clock: FixedClock) -> None:
    signer = KEY.bind(DID, f"{DID}#key-1")
    token = thaivc.Issuer(signer, clock=thaivc_clock).issue(_credential())
    verifier = thaivc.Verifier(resolver=web_resolver(did_document(DID, KEY.public)), clock=thaivc_clock)
    report = verifier.check(token)
    assert report.status == "verified", report.to_json()


def test_verifier_refuses_did_web_key_not_in_document(thaivc_clock: FixedClock) -> None:
    signer = seeded_key("impostor").bind(DID, f"{DID}#key-1")
    token = thaivc.Issuer(signer, clock=thaivc_clock).issue(_credential())
    verifier = thaivc.Verifier(resolver=web_resolver(did_document(DID, KEY.public)), clock=thaivc_clock)
    report = verifier.check(token)
    assert report.status == "failed"
    assert "crypto.bad_signature" in report.codes


def test_no_web_resolver_is_indeterminate_without_network(
    thaivc_clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/security.md group I, case 63: the default verifier has no did:web resolver and opens no socket."""

    def no_network(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("no network access expected")

    signer = KEY.bind(DID, f"{DID}#key-1")
    token = thaivc.Issuer(signer, clock=thaivc_clock).issue(_credential())
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    report = thaivc.Verifier(clock=thaivc_clock).check(token)
    assert report.status == "indeterminate"
    assert report.codes == ["did.resolver_unavailable"]
