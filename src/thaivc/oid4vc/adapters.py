"""Mount a framework-free endpoint on HTTP: an ``httpx`` transport, and the request conversion it uses.

:func:`mock_transport` routes an :class:`httpx.Client` straight to one or more ``handle`` callables
without a socket: the wallet then speaks exactly the bytes it would speak over the network, which is
how the tests, the demo and an agency's own integration suite run both sides in one process.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import httpx

from thaivc.oid4vc.http import HttpRequest, HttpResponse

__all__ = ["from_httpx", "mock_transport"]

Handler = Callable[[HttpRequest], HttpResponse]


def from_httpx(request: httpx.Request) -> HttpRequest:
    """The :class:`HttpRequest` for an ``httpx`` request (query parameters kept apart from the URL)."""
    url = request.url
    return HttpRequest(
        method=request.method,
        path=url.path,
        headers=dict(request.headers),
        body=request.read(),
        query=dict(url.params),
        url=str(url.copy_with(query=None, fragment=None)),
    )


def mock_transport(hosts: Mapping[str, Handler]) -> httpx.MockTransport:
    """A transport that answers requests to each ``host`` (``"issuer.example.go.th"``) with its handler;
    any other host gets 502, as an unreachable server would."""

    def route(request: httpx.Request) -> httpx.Response:
        handler = hosts.get(request.url.host)
        if handler is None:
            return httpx.Response(502, text="no such host in this test network")
        answer = handler(from_httpx(request))
        return httpx.Response(answer.status, headers=dict(answer.headers), content=answer.body)

    return httpx.MockTransport(route)
