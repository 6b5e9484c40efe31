"""SafeHttpClient against a real loopback server and against httpx.MockTransport."""

from __future__ import annotations

import json
import socket
import threading
from typing import Any

import httpx
import pytest

from thaivc.core.errors import Indeterminate, ThaiVCError
from thaivc.net import Fetcher, FetchResult, SafeHttpClient, address_refusal, literal_address, parse_max_age

from .loopback import LoopbackServer, Rebinder, answers, drip, drip_headers, forbid_resolver, redirect, send

DOC = json.dumps({"hello": "world"}).encode()


def loopback_client(**kwargs: Any) -> SafeHttpClient:
    return SafeHttpClient(allow_loopback=True, resolver=kwargs.pop("resolver", forbid_resolver), **kwargs)


# -- the real pinned transport on 127.0.0.1 ------------------------------------------------------


def test_fetches_body_type_and_max_age(server: LoopbackServer) -> None:
    server.routes["/doc"] = send(DOC, headers={"Content-Type": "application/json", "Cache-Control": "max-age=120"})
    result = loopback_client().fetch(server.url("/doc"), accept="application/json")
    assert result == FetchResult(server.url("/doc"), 200, DOC, "application/json", 120)
    assert result.media_type == "application/json"


def test_client_is_a_fetcher() -> None:
    assert isinstance(SafeHttpClient(), Fetcher)


def test_loopback_refused_by_default(server: LoopbackServer) -> None:
    server.routes["/doc"] = send(DOC)
    with pytest.raises(ThaiVCError) as info:
        SafeHttpClient(resolver=forbid_resolver).fetch(server.url("/doc"))
    assert info.value.code == "net.address_blocked"
    assert server.hits == []


def test_body_over_cap_with_length(server: LoopbackServer) -> None:
    server.routes["/big"] = send(b"x" * 70_000)
    with pytest.raises(ThaiVCError) as info:
        loopback_client().fetch(server.url("/big"))
    assert info.value.code == "net.too_large"


def test_body_over_cap_without_length(server: LoopbackServer) -> None:
    server.routes["/big"] = send(b"x" * 70_000, length=False)
    with pytest.raises(ThaiVCError) as info:
        loopback_client().fetch(server.url("/big"))
    assert info.value.code == "net.too_large"


def test_missing_length_tolerated_within_cap(server: LoopbackServer) -> None:
    server.routes["/small"] = send(DOC, length=False)
    assert loopback_client().fetch(server.url("/small")).body == DOC


def test_exactly_the_cap_is_accepted(server: LoopbackServer) -> None:
    server.routes["/edge"] = send(b"y" * 1000)
    assert len(loopback_client().fetch(server.url("/edge"), max_bytes=1000).body) == 1000
    with pytest.raises(ThaiVCError) as info:
        loopback_client().fetch(server.url("/edge"), max_bytes=999)
    assert info.value.code == "net.too_large"


def test_body_drip_hits_total_deadline(server: LoopbackServer) -> None:
    # 40 bytes at 0.1 s each needs 4 s; every single read is fast, so only a total deadline stops it.
    server.routes["/drip"] = drip(40, 0.1)
    with pytest.raises(Indeterminate) as info:
        loopback_client().fetch(server.url("/drip"), timeout=0.5)
    assert info.value.code == "net.timeout"


def test_header_drip_hits_total_deadline(server: LoopbackServer) -> None:
    server.routes["/slow"] = drip_headers(40, 0.1)
    with pytest.raises(Indeterminate) as info:
        loopback_client().fetch(server.url("/slow"), timeout=0.5)
    assert info.value.code == "net.timeout"


def test_redirects_followed_and_revalidated(server: LoopbackServer) -> None:
    server.routes["/doc"] = send(DOC)
    server.routes["/a"] = redirect("/b")
    server.routes["/b"] = redirect(server.url("/doc"), status=307)
    result = loopback_client().fetch(server.url("/a"))
    assert result.body == DOC
    assert result.url == server.url("/doc")
    assert server.hits == ["/a", "/b", "/doc"]


def test_more_than_three_redirects(server: LoopbackServer) -> None:
    server.routes["/doc"] = send(DOC)
    for i in range(4):
        server.routes[f"/r{i}"] = redirect(f"/r{i + 1}" if i < 3 else "/doc")
    with pytest.raises(ThaiVCError) as info:
        loopback_client().fetch(server.url("/r0"))
    assert info.value.code == "net.redirect_blocked"
    assert "/doc" not in server.hits
    # three hops are allowed
    assert loopback_client().fetch(server.url("/r1")).body == DOC


def test_redirect_to_private_address_is_not_followed(server: LoopbackServer) -> None:
    server.routes["/a"] = redirect("http://10.0.0.5/doc")
    with pytest.raises(ThaiVCError) as info:
        loopback_client().fetch(server.url("/a"))
    assert info.value.code == "net.redirect_blocked"


def test_redirect_to_name_resolving_private(server: LoopbackServer) -> None:
    server.routes["/a"] = redirect("https://evil.example/doc")
    client = SafeHttpClient(allow_loopback=True, resolver=answers("169.254.169.254"))
    with pytest.raises(ThaiVCError) as info:
        client.fetch(server.url("/a"))
    assert info.value.code == "net.redirect_blocked"


def test_rebinding_uses_the_pinned_first_answer(server: LoopbackServer) -> None:
    """The name is resolved once; the second (private) answer is never consulted or dialled."""
    server.routes["/doc"] = send(DOC)
    rebinder = Rebinder("127.0.0.1", "10.0.0.5")
    client = SafeHttpClient(allow_loopback=True, resolver=rebinder)
    assert client.fetch(server.url("/doc", host="rebind.example")).body == DOC
    assert rebinder.calls == 1


def test_rebinding_private_first_is_refused(server: LoopbackServer) -> None:
    server.routes["/doc"] = send(DOC)
    client = SafeHttpClient(allow_loopback=True, resolver=Rebinder("10.0.0.5", "127.0.0.1"))
    with pytest.raises(ThaiVCError) as info:
        client.fetch(server.url("/doc", host="rebind.example"))
    assert info.value.code == "net.address_blocked"
    assert server.hits == []


def test_connection_refused_is_indeterminate() -> None:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    with pytest.raises(Indeterminate) as info:
        loopback_client().fetch(f"http://127.0.0.1:{port}/")
    assert info.value.code == "net.unavailable"


# -- address checks with MockTransport ------------------------------------------------------------


def recorder(seen: list[httpx.Request], status: int = 200) -> Any:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status)

    return handler


def mock_client(handler: Any = None, resolver: Any = None, **kwargs: Any) -> SafeHttpClient:
    handler = handler or (lambda request: httpx.Response(200, content=DOC))
    return SafeHttpClient(
        transport=httpx.MockTransport(handler), resolver=resolver or answers("93.184.216.34"), **kwargs
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/",
        "https://10.0.0.5/",
        "https://172.16.3.4/",
        "https://192.168.1.1/",
        "https://169.254.169.254/latest/meta-data/",
        "https://100.64.0.1/",
        "https://0.0.0.0/",
        "https://224.0.0.1/",
        "https://240.0.0.1/",
        "https://[::1]/",
        "https://[::]/",
        "https://[fe80::1]/",
        "https://[fc00::1]/",
        "https://[::ffff:127.0.0.1]/",
        "https://[::ffff:10.0.0.5]/",
        "https://[2002:7f00:1::]/",
        "https://0x7f000001/",
        "https://2130706433/",
        "https://127.1/",
        "https://127.0.0.1./",
        "https://0x7f.1/",
        "https://localhost/",
        "https://localhost./",
        "https://a.localhost/",
    ],
)
def test_unsafe_hosts_refused_without_request(url: str) -> None:
    seen: list[httpx.Request] = []
    client = mock_client(recorder(seen), resolver=forbid_resolver)
    with pytest.raises(ThaiVCError) as info:
        client.fetch(url)
    assert info.value.code == "net.address_blocked"
    assert seen == []


def test_octal_literal_refused() -> None:
    # httpx itself already rejects this spelling; either way no request is made.
    with pytest.raises(ThaiVCError) as info:
        mock_client(resolver=forbid_resolver).fetch("https://0177.0.0.1/")
    assert info.value.code in ("net.url_invalid", "net.address_blocked")
    assert str(literal_address("0177.0.0.1")) == "127.0.0.1"


@pytest.mark.parametrize(
    "addresses",
    [("10.0.0.5",), ("93.184.216.34", "10.0.0.5"), ("169.254.169.254",), ("::ffff:192.168.0.1",), ("fd00::1",)],
)
def test_public_name_resolving_private_refused(addresses: tuple[str, ...]) -> None:
    seen: list[httpx.Request] = []
    client = mock_client(recorder(seen), resolver=answers(*addresses))
    with pytest.raises(ThaiVCError) as info:
        client.fetch("https://public.example/doc")
    assert info.value.code == "net.address_blocked"
    assert seen == []


def test_allow_private_admits_rfc1918_but_not_link_local() -> None:
    assert mock_client(resolver=answers("10.0.0.5"), allow_private=True).fetch("https://reg.example/").body == DOC
    with pytest.raises(ThaiVCError):
        mock_client(resolver=answers("169.254.169.254"), allow_private=True).fetch("https://reg.example/")


@pytest.mark.parametrize(
    "url", ["http://public.example/", "ftp://public.example/", "https://user:pw@public.example/", "not a url", "/rel"]
)
def test_bad_urls(url: str) -> None:
    with pytest.raises(ThaiVCError) as info:
        mock_client().fetch(url)
    assert info.value.code == "net.url_invalid"


def test_redirect_to_http_refused() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "http://public.example/doc"})

    with pytest.raises(ThaiVCError) as info:
        mock_client(handler).fetch("https://public.example/")
    assert info.value.code == "net.redirect_blocked"


def test_redirect_without_location() -> None:
    with pytest.raises(ThaiVCError) as info:
        mock_client(lambda r: httpx.Response(301)).fetch("https://public.example/")
    assert info.value.code == "net.redirect_blocked"


def test_each_hop_is_resolved_and_checked() -> None:
    names: list[str] = []

    def resolver(host: str, port: int, **kwargs: Any) -> list[tuple[Any, ...]]:
        names.append(host)
        ip = "10.1.2.3" if host == "inner.example" else "93.184.216.34"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))]

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "https://inner.example/"})

    with pytest.raises(ThaiVCError) as info:
        mock_client(handler, resolver=resolver).fetch("https://outer.example/")
    assert info.value.code == "net.redirect_blocked"
    assert names == ["outer.example", "inner.example"]


def test_compressed_body_refused() -> None:
    handler = lambda r: httpx.Response(200, content=b"\x1f\x8b", headers={"Content-Encoding": "gzip"})  # noqa: E731
    with pytest.raises(ThaiVCError) as info:
        mock_client(handler).fetch("https://public.example/")
    assert info.value.code == "net.too_large"


def test_request_headers() -> None:
    seen: list[httpx.Request] = []
    mock_client(recorder(seen)).fetch("https://public.example/", accept="a/b")
    assert seen[0].headers["accept"] == "a/b"
    assert seen[0].headers["accept-encoding"] == "identity"


def test_unresolvable_name_is_indeterminate() -> None:
    def resolver(*args: Any, **kwargs: Any) -> list[tuple[Any, ...]]:
        raise socket.gaierror(-2, "Name or service not known")

    with pytest.raises(Indeterminate) as info:
        mock_client(resolver=resolver).fetch("https://nowhere.example/")
    assert info.value.code == "net.unavailable"


def test_non_200_status_is_returned_for_the_caller() -> None:
    assert mock_client(lambda r: httpx.Response(404)).fetch("https://public.example/").status == 404


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("max-age=60", 60),
        ("public, max-age=3600", 3600),
        ("no-store", 0),
        ("no-cache, max-age=60", 0),
        ("s-maxage=10", None),
        ("max-age=abc", None),
    ],
)
def test_parse_max_age(header: str | None, expected: int | None) -> None:
    assert parse_max_age(header) == expected


def test_literal_forms() -> None:
    assert str(literal_address("0x7f000001")) == "127.0.0.1"
    assert str(literal_address("2130706433")) == "127.0.0.1"
    assert literal_address("example.com") is None
    assert literal_address("deadbeef.example") is None
    ip = literal_address("8.8.8.8")
    assert ip is not None and address_refusal(ip, allow_loopback=False, allow_private=False) is None


def test_slow_dns_counts_against_the_deadline() -> None:
    release = threading.Event()

    def stuck(*args: Any, **kwargs: Any) -> list[tuple[Any, ...]]:
        release.wait(10)
        return answers("93.184.216.34")(*args, **kwargs)

    try:
        with pytest.raises(Indeterminate) as info:
            mock_client(resolver=stuck).fetch("https://slow-dns.example/", timeout=0.2)
        assert info.value.code == "net.timeout"
    finally:
        release.set()


def test_injected_transport_is_not_closed() -> None:
    class Tracking(httpx.MockTransport):
        closed = False

        def close(self) -> None:
            self.closed = True

    transport = Tracking(lambda r: httpx.Response(200, content=DOC))
    client = SafeHttpClient(transport=transport, resolver=answers("93.184.216.34"))
    client.fetch("https://public.example/")
    client.fetch("https://public.example/")
    assert transport.closed is False


def test_unicode_host_is_resolved_as_its_a_label() -> None:
    names: list[str] = []

    def resolver(host: str, port: int, **kwargs: Any) -> list[tuple[Any, ...]]:
        names.append(host)
        return answers("93.184.216.34")(host, port)

    mock_client(resolver=resolver).fetch("https://ไทย.th/")
    assert names == ["xn--o3cw4h.th"]


@pytest.mark.parametrize("location", ["https://[::1", "https://exa mple.com/", "https://a:99999999/", "\x00"])
def test_malformed_location_is_never_followed(location: str) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(302, headers={"Location": location})

    with pytest.raises(ThaiVCError) as info:
        mock_client(handler).fetch("https://public.example/")
    # httpx itself rejects some of these while reading the response (a protocol error)
    assert info.value.code in ("net.redirect_blocked", "net.unavailable")
    assert len(seen) == 1


@pytest.mark.parametrize("length", ["-1", "1e3", "12 34", "", "0x10"])
def test_malformed_content_length(length: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Length": length}, content=b"")

    with pytest.raises(ThaiVCError) as info:
        mock_client(handler).fetch("https://public.example/")
    assert info.value.code == "net.too_large"


def test_falls_back_to_the_next_checked_address(server: LoopbackServer) -> None:
    server.routes["/doc"] = send(DOC)
    # nothing listens on 127.0.0.2 at this port; the second checked address answers
    client = SafeHttpClient(allow_loopback=True, resolver=answers("127.0.0.2", "127.0.0.1"))
    assert client.fetch(server.url("/doc", host="multi.example")).body == DOC
    assert server.hits == ["/doc"]
