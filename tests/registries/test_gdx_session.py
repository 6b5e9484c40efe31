"""GdxSession transport behaviour with httpx.MockTransport (no sockets): backoff, idle tokens, caps."""

from __future__ import annotations

import httpx
import pytest

from thaivc.core.clock import FixedClock
from thaivc.core.errors import Indeterminate, UsageError
from thaivc.registries.gdx import AUTH_PATH, GdxSession

AGENT = "1999900000994"


def _session(handler: httpx.MockTransport, **kwargs: object) -> GdxSession:
    return GdxSession("https://gdx.test/", "key", "secret", AGENT, transport=handler, **kwargs)  # type: ignore[arg-type]


def test_a_misspelt_setting_is_refused_not_ignored() -> None:
    """``insecure`` misspelt must not quietly leave the https rule on or off: the call fails."""
    with pytest.raises(TypeError, match="insecur"):
        GdxSession("http://127.0.0.1:1/", "key", "secret", AGENT, insecur=True)  # type: ignore[call-arg]
    with pytest.raises(UsageError):
        GdxSession("http://127.0.0.1:1/", "key", "secret", AGENT, insecure="yes")  # type: ignore[typeddict-item]


def test_backoff_is_exponential_and_bounded() -> None:
    sleeps: list[float] = []
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        return httpx.Response(503)

    session = _session(httpx.MockTransport(handler), retries=3, backoff=0.2, sleep=sleeps.append)
    with pytest.raises(Indeterminate) as info:
        session.get("/ws/x", {})
    assert info.value.code == "registry.unavailable"
    assert sleeps == [0.2, 0.4, 0.8]
    assert calls == [AUTH_PATH] * 4


def test_idle_token_is_renewed_before_use() -> None:
    clock = FixedClock(1_700_000_000)
    auths: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == AUTH_PATH:
            auths.append(1)
            return httpx.Response(200, json={"Result": f"tok{len(auths)}"})
        assert request.headers["Token"] == f"tok{len(auths)}"
        return httpx.Response(200, json={"ok": True})

    session = _session(httpx.MockTransport(handler), clock=clock)
    session.get("/ws/x", {})
    clock.advance(30 * 60)
    session.get("/ws/x", {})
    assert len(auths) == 1
    clock.advance(56 * 60)
    session.get("/ws/x", {})
    assert len(auths) == 2


@pytest.mark.parametrize("token", ["", "a b", "tok\r\nX-Injected: 1", 5, None, "x" * 5000])
def test_unusable_token_is_unavailable(token: object) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"Result": token})

    with pytest.raises(Indeterminate) as info:
        _session(httpx.MockTransport(handler)).get("/ws/x", {})
    assert info.value.code == "registry.unavailable"


def test_oversized_answer_is_unavailable() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == AUTH_PATH:
            return httpx.Response(200, json={"Result": "tok"})
        return httpx.Response(200, content=b'{"a":"' + b"x" * 5000 + b'"}')

    with pytest.raises(Indeterminate) as info:
        _session(httpx.MockTransport(handler), max_response_bytes=1000).get("/ws/x", {})
    assert info.value.code == "registry.unavailable"


def test_redirects_are_not_followed() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == AUTH_PATH:
            return httpx.Response(200, json={"Result": "tok"})
        return httpx.Response(302, headers={"Location": "http://169.254.169.254/"})

    answer = _session(httpx.MockTransport(handler)).get("/ws/x", {})
    assert answer.status == 302 and answer.body is None


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        (("ftp://gdx.test", "k", "s", AGENT), {}),
        (("https://gdx.test?x=1", "k", "s", AGENT), {}),
        (("https://u:p@gdx.test", "k", "s", AGENT), {}),
        (("https://gdx.test", "", "s", AGENT), {}),
        (("https://gdx.test", "k", "", AGENT), {}),
        (("https://gdx.test", "คีย์", "s", AGENT), {}),
        (("https://gdx.test", "k", "s\r\nX: 1", AGENT), {}),
        (("https://gdx.test", "k", "s", "1234567890123"), {}),
        (("https://gdx.test", "k", "s", AGENT), {"timeout": 0}),
        (("https://gdx.test", "k", "s", AGENT), {"retries": -1}),
    ],
)
def test_misconfiguration_is_a_usage_error(args: tuple[str, str, str, str], kwargs: dict[str, float]) -> None:
    with pytest.raises(UsageError):
        GdxSession(*args, **kwargs)  # type: ignore[arg-type]


def test_repr_hides_secrets() -> None:
    session = GdxSession("https://gdx.test", "consumer-key-value", "consumer-secret-value", AGENT)
    text = repr(session) + str(session)
    assert "consumer-key-value" not in text and "consumer-secret-value" not in text
    assert session.redact("x consumer-secret-value y") == "x *** y"
