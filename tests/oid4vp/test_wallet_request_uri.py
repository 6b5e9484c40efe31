"""The wallet fetches a ``request_uri`` over https only; plain http to loopback needs an explicit flag.

Before, any ``request_uri`` starting with ``http://127.0.0.1`` was fetched without a flag, and the
prefix test let other hosts through (``http://127.0.0.1.evil.example/``, ``http://127.0.0.1@evil.example/``).
"""

from __future__ import annotations

from urllib.parse import quote

import httpx
import pytest

from thaivc import generate_key
from thaivc.core.errors import InputError
from thaivc.wallet.present import PresentationWallet


def _wallet(fetched: list[str], *, allow: bool = False) -> PresentationWallet:
    def answer(request: httpx.Request) -> httpx.Response:
        fetched.append(str(request.url))
        return httpx.Response(404)  # whatever was fetched, it is no request object

    http = httpx.Client(transport=httpx.MockTransport(answer))
    return PresentationWallet(generate_key("P-256"), http=http, allow_insecure_loopback=allow)


def _link(request_uri: str) -> str:
    return f"openid4vp://?client_id=x509_san_dns%3Ard.go.th&request_uri={quote(request_uri, safe='')}"


@pytest.mark.parametrize("uri", ["http://127.0.0.1:8000/oid4vp/request/abc", "http://[::1]:8000/oid4vp/request/abc"])
def test_plain_http_to_loopback_is_refused_without_the_flag(uri: str) -> None:
    fetched: list[str] = []
    with pytest.raises(InputError, match="not https"):
        _wallet(fetched).read_request(_link(uri))
    assert fetched == []  # refused before any request went out


@pytest.mark.parametrize("uri", ["http://127.0.0.1:8000/oid4vp/request/abc", "http://[::1]:8000/oid4vp/request/abc"])
def test_plain_http_to_loopback_is_fetched_with_the_flag(uri: str) -> None:
    fetched: list[str] = []
    with pytest.raises(InputError, match="answered 404"):
        _wallet(fetched, allow=True).read_request(_link(uri))
    assert len(fetched) == 1


@pytest.mark.parametrize(
    "uri",
    [
        "http://127.0.0.1.evil.example/oid4vp/request/abc",  # a prefix, not the host
        "http://127.0.0.1@evil.example/oid4vp/request/abc",  # userinfo: the host is evil.example
        "http://127.0.0.1:80@evil.example/x",
        "http://localhost/oid4vp/request/abc",  # a name anyone's resolver may map elsewhere
        "http://10.0.0.7/oid4vp/request/abc",
        "http://127.0.0.1:99999/x",  # a port that is no port
        "ftp://127.0.0.1/x",
        "https:///no-host",
        "//127.0.0.1/x",
    ],
)
def test_other_hosts_and_shapes_are_refused_even_with_the_flag(uri: str) -> None:
    fetched: list[str] = []
    with pytest.raises(InputError):
        _wallet(fetched, allow=True).read_request(_link(uri))
    assert fetched == []


def test_https_is_fetched_without_the_flag() -> None:
    fetched: list[str] = []
    with pytest.raises(InputError, match="answered 404"):
        _wallet(fetched).read_request(_link("https://rd.go.th/oid4vp/request/abc"))
    assert fetched == ["https://rd.go.th/oid4vp/request/abc"]
