"""Over real TLS: the connection goes to the pinned IP while SNI and certificate checks use the name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from thaivc.core.errors import Indeterminate
from thaivc.did import DidJwkResolver, DidKeyResolver, UniversalResolver
from thaivc.did.web import DidWebResolver
from thaivc.net import SafeHttpClient
from thaivc.testing.plugin import seeded_key

from .fakes import did_document
from .loopback import Rebinder, answers, running, send
from .tls import make_tls


def test_https_to_pinned_address_verifies_the_name(tmp_path: Path) -> None:
    server_tls, client_tls = make_tls(tmp_path, "issuer.example")
    with running(server_tls) as server:
        server.routes["/doc"] = send(b'{"ok": true}')
        rebinder = Rebinder("127.0.0.1", "10.0.0.5")
        client = SafeHttpClient(allow_loopback=True, resolver=rebinder, verify=client_tls)
        result = client.fetch(server.url("/doc", host="issuer.example"))
        assert json.loads(result.body) == {"ok": True}
        assert rebinder.calls == 1


def test_certificate_for_another_name_is_refused(tmp_path: Path) -> None:
    server_tls, client_tls = make_tls(tmp_path, "other.example")
    with running(server_tls) as server:
        server.routes["/doc"] = send(b"{}")
        client = SafeHttpClient(allow_loopback=True, resolver=answers("127.0.0.1"), verify=client_tls)
        with pytest.raises(Indeterminate) as info:
            client.fetch(server.url("/doc", host="issuer.example"))
        assert info.value.code == "net.unavailable"
        assert server.hits == []


def test_untrusted_ca_is_refused(tmp_path: Path) -> None:
    server_tls, _ = make_tls(tmp_path, "issuer.example")
    (tmp_path / "other").mkdir()
    _, stranger = make_tls(tmp_path / "other", "issuer.example")
    with running(server_tls) as server:
        server.routes["/doc"] = send(b"{}")
        client = SafeHttpClient(allow_loopback=True, resolver=answers("127.0.0.1"), verify=stranger)
        with pytest.raises(Indeterminate):
            client.fetch(server.url("/doc", host="issuer.example"))
        assert server.hits == []


def test_did_web_end_to_end_over_https(tmp_path: Path) -> None:
    """did:web with a configured port, resolved over real HTTPS through the pinned client."""
    key = seeded_key("tls-did-web")
    server_tls, client_tls = make_tls(tmp_path, "issuer.example")
    with running(server_tls) as server:
        did = f"did:web:issuer.example%3A{server.port}:tenants:alpha"
        body = json.dumps(did_document(did, key.public)).encode()
        server.routes["/tenants/alpha/did.json"] = send(body, headers={"Content-Type": "application/did+json"})
        client = SafeHttpClient(allow_loopback=True, resolver=answers("127.0.0.1"), verify=client_tls)
        resolver = UniversalResolver(
            methods={
                "key": DidKeyResolver(),
                "jwk": DidJwkResolver(),
                "web": DidWebResolver(client, allow_port=True),
            }
        )
        _, vm = resolver.resolve_verification_method(f"{did}#key-1")
        assert vm.public_key == key.public
        assert server.hits == ["/tenants/alpha/did.json"]
