"""``thaivc did resolve`` as a user runs it: offline methods, did:web only with --allow-network."""

from __future__ import annotations

import json
import socket
from typing import Any

import httpx
import pytest

import thaivc.cli.did as cli_did
from net.fakes import did_document
from net.loopback import answers
from thaivc.cli import main
from thaivc.did import did_jwk, did_key
from thaivc.net import SafeHttpClient
from thaivc.testing.plugin import seeded_key

KEY = seeded_key("cli-did")
WEB = "did:web:agency.example"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("no network access expected")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


@pytest.mark.usefixtures("no_network")
def test_did_key_offline_text(capsys: pytest.CaptureFixture[str]) -> None:
    did = did_key(KEY.public)
    code, out, _ = run(capsys, "did", "resolve", did)
    assert code == 0
    assert out.splitlines()[0] == f"id  {did}"
    assert "assertionMethod" in out and "Ed25519" in out


@pytest.mark.usefixtures("no_network")
def test_did_jwk_offline_json(capsys: pytest.CaptureFixture[str]) -> None:
    did = did_jwk(seeded_key("cli-p256", "P-256").public)
    code, out, _ = run(capsys, "did", "resolve", did, "--json")
    assert code == 0
    document = json.loads(out)
    assert document["id"] == did
    assert document["verificationMethod"][0]["publicKeyJwk"]["crv"] == "P-256"


@pytest.mark.usefixtures("no_network")
def test_did_web_needs_allow_network(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "did", "resolve", WEB)
    assert code == 3
    assert out == ""
    assert "did.resolver_unavailable" in err and "--allow-network" in err


@pytest.mark.usefixtures("no_network")
@pytest.mark.parametrize("did", ["did:web:localhost", "did:web:169.254.169.254", "did:web:agency.example%3A22"])
def test_did_web_non_dns_refused_even_with_network(capsys: pytest.CaptureFixture[str], did: str) -> None:
    code, _, err = run(capsys, "did", "resolve", did, "--allow-network")
    assert code == 1
    assert "did.invalid" in err


@pytest.mark.usefixtures("no_network")
def test_bad_did_key(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "did", "resolve", "did:key:fabc")
    assert code == 1
    assert "refused" in err


def test_did_web_with_network(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, json=did_document(WEB, KEY.public), headers={"Content-Type": "application/did+json"})

    client = SafeHttpClient(transport=httpx.MockTransport(handler), resolver=answers("93.184.216.34"))
    monkeypatch.setattr(cli_did, "make_fetcher", lambda: client)
    code, out, _ = run(capsys, "did", "resolve", WEB, "--allow-network", "--json")
    assert code == 0
    assert json.loads(out)["id"] == WEB
    assert seen == ["https://agency.example/.well-known/did.json"]


def test_did_web_private_address_refused(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    client = SafeHttpClient(transport=httpx.MockTransport(lambda r: httpx.Response(500)), resolver=answers("10.9.8.7"))
    monkeypatch.setattr(cli_did, "make_fetcher", lambda: client)
    code, _, err = run(capsys, "did", "resolve", WEB, "--allow-network")
    assert code == 1
    assert "did.address_blocked" in err


def test_default_fetcher_is_the_safe_client() -> None:
    assert isinstance(cli_did.make_fetcher(), SafeHttpClient)


def test_help_mentions_network_opt_in(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["did", "resolve", "--help"])
    assert "--allow-network" in capsys.readouterr().out
