"""Group L (2026 review), registry clients: items 8, 20, 21 and 22.

Each test plays the hostile or broken registry: a DOPA error answer dressed as a card verdict, a DBD
signing clause with a piece missing, a GDX server that drips bytes or is reached over plain http,
and a fetcher seam that read "timeout" two ways. The expected outcome is always a structured error
with a stable code, never a pass.
"""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

import thaivc.registries.thaid as thaid_module
import thaivc.status as status_pkg
from delegation._helpers import ask, root_poa
from thaivc.authorization.scenario import DEMO_COMPANY, World
from thaivc.core.clock import FixedClock
from thaivc.core.errors import Indeterminate, ThaiVCError
from thaivc.did.web import DidWebResolver
from thaivc.net import Fetcher, FetchResult, SafeHttpClient
from thaivc.registries.dbd import FakeDbd, GdxDbdClient, parse_dbd_profile
from thaivc.registries.dopa import (
    DEFAULT_CARD_STATUS_TABLE,
    DOPA_VERIFY_PATH,
    CardStatus,
    CardStatusRule,
    FakeDopa,
    GdxDopaClient,
)
from thaivc.registries.gdx import AUTH_PATH, GdxSession
from thaivc.registries.thaid import FakeThaid, ThaidVerifier
from thaivc.status import StatusChecker
from thaivc.testing.gdx_server import Fault, GdxTestServer

AGENT_ID = "1999900000994"
BASE = "https://gdx.test"


def _somchai() -> tuple[str, str, str, str, str]:
    c = next(c for c in FakeDopa().fixture["citizens"] if c["key"] == "somchai")
    return (c["citizen_id"], c["name"]["given_th"], c["name"]["family_th"], c["birth_date_be"], c["card"]["laser_code"])


def _gdx(answer: Callable[[httpx.Request], httpx.Response]) -> httpx.MockTransport:
    """A GDX that issues a token and answers every data call with ``answer``."""

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == AUTH_PATH:
            return httpx.Response(200, json={"Result": "token-1"})
        return answer(request)

    return httpx.MockTransport(handler)


def _dopa_answering(status: int, body: bytes, table: Any = None) -> GdxDopaClient:
    transport = _gdx(lambda request: httpx.Response(status, content=body))
    client = GdxDopaClient(BASE, "key", "secret", AGENT_ID, transport=transport, retries=0)
    return client if table is None else client.with_table(table)


def _code(call: Callable[[], Any]) -> str:
    with pytest.raises(ThaiVCError) as info:
        call()
    return info.value.code


# -- item 21: an error answer is never a valid card ------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {"Code": "0", "Message": "Internal Server Error"},
        {"Code": "00", "Message": "Internal Server Error"},
        {"Code": "000", "Message": "Internal Server Error"},
        {"Code": 0, "Message": "Internal Server Error"},
        {"Code": 0.0, "Message": "สถานะปกติ"},
        {"Code": True, "Message": "สถานะปกติ"},
        {"Code": "4", "Message": "สถานะไม่ปกติ => ข้อมูลไม่ตรง"},
        {"Code": [0], "Message": "x"},
        {"Code": 2, "Message": None},
    ],
)
def test_l21_http_500_with_code_zero_or_a_wrong_type_is_an_error(body: dict[str, Any]) -> None:
    client = _dopa_answering(500, json.dumps(body).encode())
    assert _code(lambda: client.check_card(*_somchai())) == "registry.rejected"


@pytest.mark.parametrize("status", [400, 403, 404, 409, 501, 200])
def test_l21_code_zero_under_any_status_is_never_valid(status: int) -> None:
    client = _dopa_answering(status, b'{"Code": 0, "Message": "OK"}')
    assert _code(lambda: client.check_card(*_somchai())) in ("registry.rejected", "registry.unavailable")


@pytest.mark.parametrize(
    "body",
    [
        b'{"Result": true, "Code": 2, "Message": "card revoked"}',
        b'{"Result": 1}',
        b'{"Result": "true"}',
        b'{"Result": null}',
        b'{"result": true}',
        b"true",
    ],
)
def test_l21_a_200_off_the_documented_shape_is_unavailable(body: bytes) -> None:
    client = _dopa_answering(200, body)
    assert _code(lambda: client.check_card(*_somchai())) == "registry.unavailable"


@pytest.mark.parametrize("status", [201, 202, 204, 299])
def test_l21_other_2xx_statuses_are_not_answers(status: int) -> None:
    client = _dopa_answering(status, b'{"Result": true}')
    assert _code(lambda: client.check_card(*_somchai())) == "registry.unavailable"


def test_l21_a_table_mapping_an_error_code_to_valid_is_refused() -> None:
    table = (CardStatusRule(7, CardStatus.VALID), *DEFAULT_CARD_STATUS_TABLE)
    client = _dopa_answering(500, json.dumps({"Code": 7, "Message": "ok"}).encode(), table=table)
    assert _code(lambda: client.check_card(*_somchai())) == "registry.rejected"


def test_l21_documented_answers_still_decide() -> None:
    assert _dopa_answering(200, b'{"Result": true}').check_card(*_somchai()).ok
    invalid = _dopa_answering(500, json.dumps({"Code": 2, "Message": "บัตรสิ้นสภาพการใช้งาน"}).encode())
    result = invalid.check_card(*_somchai())
    assert result.status is CardStatus.CARD_INVALID and not result.ok


# -- item 22: a missing piece of a signing clause is never dropped ------------------------------------


def _demo_fixture(mutate: Callable[[list[dict[str, Any]]], None]) -> dict[str, Any]:
    data = copy.deepcopy(dict(FakeDbd().fixture))
    profile = next(e["profile"] for e in data["juristic_persons"] if e["profile"]["JuristicID"] == DEMO_COMPANY)
    mutate(profile["AuthorizeDescriptions"])
    return data


def _seal_row(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return next(r for r in rows if r["Type"] == "L" and "ประทับตรา" in str(r["AuthorizeDescription"]))


def _null_text(rows: list[dict[str, Any]]) -> None:
    _seal_row(rows)["AuthorizeDescription"] = None


def _number_text(rows: list[dict[str, Any]]) -> None:
    _seal_row(rows)["AuthorizeDescription"] = 42


def _missing_text(rows: list[dict[str, Any]]) -> None:
    del _seal_row(rows)["AuthorizeDescription"]


def _duplicate_sequence(rows: list[dict[str, Any]]) -> None:
    _seal_row(rows)["Sequence"] = 1


def _out_of_range(rows: list[dict[str, Any]]) -> None:
    _seal_row(rows)["Sequence"] = 3  # rows 1 and 3 of two: row 2 is missing


def _zero_sequence(rows: list[dict[str, Any]]) -> None:
    _seal_row(rows)["Sequence"] = 0


def _null_sequence(rows: list[dict[str, Any]]) -> None:
    _seal_row(rows)["Sequence"] = None


def _row_dropped(rows: list[dict[str, Any]]) -> None:
    first = next(r for r in rows if r["Type"] == "L" and r["Sequence"] == 1)
    rows.remove(first)  # only Sequence 2 of the clause arrives


BROKEN_CLAUSES = [
    _null_text, _number_text, _missing_text, _duplicate_sequence, _out_of_range, _zero_sequence, _null_sequence,
    _row_dropped,
]


@pytest.mark.parametrize("mutate", BROKEN_CLAUSES)
def test_l22_a_broken_clause_row_makes_the_clause_unreadable(mutate: Callable[[list[dict[str, Any]]], None]) -> None:
    company = FakeDbd(_demo_fixture(mutate)).lookup(DEMO_COMPANY)
    assert company.signing_clause_th == ""  # never the clause without its seal requirement
    assert company.signing_clause_problem is not None and "signing clause" in company.signing_clause_problem


@pytest.mark.parametrize("mutate", [_null_text, _duplicate_sequence, _out_of_range])
def test_l22_authorize_with_a_live_lookup_needs_review(mutate: Callable[[list[dict[str, Any]]], None]) -> None:
    world = World(dbd=FakeDbd(_demo_fixture(mutate)))
    acct = world.person("somying")
    ids = [world.person("somsak").credential, world.person("piyanuch").credential]
    decision = ask(world, acct, [*ids, root_poa(world, acct)], dbd=world.dbd)
    assert not decision.allowed
    assert decision.code == "authority.clause_unreadable"
    assert "incomplete" in decision.explanation_en


@pytest.mark.parametrize("mutate", [_null_text, _row_dropped])
def test_l22_no_company_credential_is_issued_from_a_broken_clause(
    mutate: Callable[[list[dict[str, Any]]], None],
) -> None:
    world = World(dbd=FakeDbd(_demo_fixture(mutate)))
    with pytest.raises(Indeterminate) as info:
        world.company_credential()
    assert info.value.code == "authority.clause_unreadable"


def test_l22_limits_of_authority_rows_follow_the_same_rule() -> None:
    data = copy.deepcopy(dict(FakeDbd().fixture))
    profile = next(e["profile"] for e in data["juristic_persons"] if any(
        r["Type"] == "M" for r in e["profile"]["AuthorizeDescriptions"]))
    m_row = next(r for r in profile["AuthorizeDescriptions"] if r["Type"] == "M")
    m_row["AuthorizeDescription"] = None
    company = parse_dbd_profile({"ResultList": [profile], "RawData": ""})
    assert company.other_authorizations.get("M", ()) == () and "M" in company.authorization_problems
    world = World(dbd=FakeDbd(data))
    with pytest.raises(Indeterminate) as info:
        world.company_credential(profile["JuristicID"])
    assert info.value.code == "authority.clause_unreadable"


def test_l22_gdx_dbd_client_reports_the_same() -> None:
    profile = _demo_fixture(_null_text)
    entry = next(e["profile"] for e in profile["juristic_persons"] if e["profile"]["JuristicID"] == DEMO_COMPANY)
    body = json.dumps({"ResultList": [entry], "RawData": ""}, ensure_ascii=False).encode()
    client = GdxDbdClient(BASE, "k", "s", AGENT_ID, transport=_gdx(lambda r: httpx.Response(200, content=body)))
    company = client.lookup(DEMO_COMPANY)
    assert company.signing_clause_th == "" and company.signing_clause_problem is not None


@pytest.mark.parametrize("body", [b'{"Code": 0, "Message": "Internal Server Error"}', b'{"RawData": ""}', b"{}"])
def test_l22_dbd_answer_without_result_list_is_not_a_verdict(body: bytes) -> None:
    """A 200 that is not the documented profile shape is not 'no such company' either."""
    client = GdxDbdClient(BASE, "k", "s", AGENT_ID, transport=_gdx(lambda r: httpx.Response(200, content=body)))
    assert _code(lambda: client.lookup(DEMO_COMPANY)) == "registry.unavailable"


# -- item 20: one fetcher seam, one meaning for a timeout -----------------------------------------------


def _public_dns(*_: Any, **__: Any) -> list[tuple[Any, ...]]:
    return [(2, 1, 6, "", ("93.184.215.14", 443))]


def _timeouts(request: httpx.Request) -> list[float]:
    return [t for t in request.extensions.get("timeout", {}).values() if t is not None]


def _recording_client(answer: Callable[[httpx.Request], httpx.Response], seen: list[float]) -> SafeHttpClient:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.extend(_timeouts(request))
        return answer(request)

    return SafeHttpClient(transport=httpx.MockTransport(handler), resolver=_public_dns)


def test_l20_thaid_jwks_through_the_real_safe_http_client_gets_seconds() -> None:
    clock = FixedClock.at("2026-06-01T00:00:00Z")
    fake = FakeThaid(clock=clock)
    body = json.dumps(fake.jwks()).encode()
    seen: list[float] = []
    client = _recording_client(
        lambda r: httpx.Response(200, content=body, headers={"content-type": "application/json"}), seen
    )
    verifier = ThaidVerifier(fake.config(timeout=2.0), fetcher=client, clock=clock)
    claims = verifier.verify_id_token(fake.login("1999900001010", nonce="n-1"), nonce="n-1")
    assert claims["pid"] == "1999900001010"
    assert seen and max(seen) <= 2.0  # was time.monotonic() + 2: a timeout of hours or days


def test_l20_thaid_jwks_error_status_through_the_real_client_is_indeterminate() -> None:
    clock = FixedClock.at("2026-06-01T00:00:00Z")
    fake = FakeThaid(clock=clock)
    seen: list[float] = []
    client = _recording_client(lambda r: httpx.Response(500, json={"keys": []}), seen)
    verifier = ThaidVerifier(fake.config(timeout=1.5), fetcher=client, clock=clock)
    with pytest.raises(Indeterminate) as info:
        verifier.verify_id_token(fake.login("1999900001010", nonce="n-1"), nonce="n-1")
    assert info.value.code == "registry.unavailable"
    assert seen and max(seen) <= 1.5


@pytest.mark.parametrize("make", ["client", "thaid"])
def test_l20_an_instant_passed_as_a_timeout_is_refused(make: str) -> None:
    instant = 3 * 86400.0 + 5.0  # time.monotonic() + 5 on a machine up for three days: an instant
    with pytest.raises(ThaiVCError) as info:
        if make == "client":
            SafeHttpClient(resolver=_public_dns).fetch("https://example.go.th/jwks", timeout=instant)
        else:
            FakeThaid().config(timeout=instant)
    assert info.value.code == "usage.invalid_argument"


def test_l20_status_checker_through_the_real_client_gets_seconds_and_needs_2xx() -> None:
    seen: list[float] = []
    client = _recording_client(lambda r: httpx.Response(404, content=b"{}"), seen)
    checker = StatusChecker(client, lambda doc: {}, fetch_timeout=3.0)
    entry = {"type": "BitstringStatusListEntry", "statusPurpose": "revocation", "statusListIndex": "7",
             "statusListCredential": "https://status.example.go.th/lists/1"}
    credential = {"issuer": "did:web:example.go.th", "credentialStatus": entry}
    with pytest.raises(Indeterminate) as info:
        checker.check_credential(credential)
    assert info.value.code == "status.unavailable"
    assert seen and max(seen) <= 3.0


def test_l20_a_plain_source_answering_404_is_not_a_list() -> None:
    body = b'{"type": ["VerifiableCredential", "BitstringStatusListCredential"]}'
    checker = StatusChecker(lambda url: FetchResult(url, 404, body, "application/vc"), lambda doc: dict(doc))
    entry = {"type": "BitstringStatusListEntry", "statusPurpose": "revocation", "statusListIndex": "7",
             "statusListCredential": "https://status.example.go.th/lists/1"}
    with pytest.raises(Indeterminate) as info:
        checker.check_credential({"issuer": "did:web:example.go.th", "credentialStatus": entry})
    assert info.value.code == "status.unavailable" and "404" in info.value.detail


def test_l20_did_web_through_the_real_client_gets_seconds() -> None:
    seen: list[float] = []
    client = _recording_client(lambda r: httpx.Response(404), seen)
    with pytest.raises(ThaiVCError):
        DidWebResolver(client, timeout=1.25).resolve("did:web:example.go.th")
    assert seen and max(seen) <= 1.25


def test_l20_there_is_one_seam() -> None:
    assert status_pkg.FetchResult is FetchResult is thaid_module.FetchResult
    assert status_pkg.Fetcher is Fetcher is thaid_module.Fetcher
    assert isinstance(FakeThaid(), Fetcher) and isinstance(SafeHttpClient(), Fetcher)


# -- item 8: registry clients have a deadline and never send secrets in clear -------------------------


class FakeMonotonic:
    """A ``time.monotonic`` the test moves: a drip or a slow attempt costs time without waiting."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


class DripStream(httpx.SyncByteStream):
    """One byte per chunk, each costing ``pause`` seconds of the fake clock; counts what was read."""

    def __init__(self, clock: FakeMonotonic, pause: float, size: int = 40) -> None:
        self.clock, self.pause, self.size, self.sent = clock, pause, size, 0

    def __iter__(self) -> Iterator[bytes]:
        for _ in range(self.size):
            self.clock.now += self.pause
            self.sent += 1
            yield b" "


def _session(transport: httpx.BaseTransport, clock: FakeMonotonic, **options: Any) -> GdxSession:
    return GdxSession(BASE, "key", "secret", AGENT_ID, transport=transport, monotonic=clock, sleep=clock.sleep,
                      **options)


def test_l8_a_dripping_body_is_cut_at_the_total_deadline() -> None:
    clock = FakeMonotonic()
    drip = DripStream(clock, pause=0.3)  # 40 bytes x 0.3 s = 12 s; every single read is "fast"
    transport = _gdx(lambda r: httpx.Response(200, stream=drip, headers={"content-type": "application/json"}))
    session = _session(transport, clock, timeout=1.0, retries=0)
    with pytest.raises(Indeterminate) as info:
        session.get(DOPA_VERIFY_PATH, {})
    assert info.value.code == "registry.unavailable" and "deadline" in info.value.detail
    assert drip.sent <= 4


def test_l8_a_dripping_token_answer_spends_the_same_budget() -> None:
    clock = FakeMonotonic()
    drip = DripStream(clock, pause=0.3)
    data_calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == AUTH_PATH:
            return httpx.Response(200, stream=drip)
        data_calls.append(request.url.path)
        return httpx.Response(200, json={"Result": True})

    session = _session(httpx.MockTransport(handler), clock, timeout=1.0, retries=3)
    with pytest.raises(Indeterminate) as info:
        session.get(DOPA_VERIFY_PATH, {})
    assert info.value.code == "registry.unavailable"
    assert drip.sent <= 4 and data_calls == []


def test_l8_retries_and_backoff_share_one_deadline() -> None:
    clock = FakeMonotonic()
    attempts: list[float] = []

    def slow_503(request: httpx.Request) -> httpx.Response:
        attempts.append(clock.now)
        clock.now += 0.4
        return httpx.Response(503)

    session = _session(_gdx(slow_503), clock, timeout=1.0, retries=10, backoff=0.05)
    start = clock.now
    with pytest.raises(Indeterminate) as info:
        session.get(DOPA_VERIFY_PATH, {})
    assert info.value.code == "registry.unavailable"
    assert len(attempts) <= 3 and clock.now - start <= 1.0 + 0.4  # 11 attempts (> 4 s) before


def test_l8_every_attempt_is_told_only_the_time_left() -> None:
    clock = FakeMonotonic()
    timeouts: list[float] = []

    def record(request: httpx.Request) -> httpx.Response:
        timeouts.extend(_timeouts(request))
        clock.now += 0.3
        return httpx.Response(503) if request.url.path != AUTH_PATH else httpx.Response(200, json={"Result": "t"})

    session = _session(httpx.MockTransport(record), clock, timeout=1.0, retries=5, backoff=0.0)
    with pytest.raises(Indeterminate):
        session.get(DOPA_VERIFY_PATH, {})
    assert timeouts and timeouts[0] == pytest.approx(1.0) and timeouts[-1] <= 0.4 + 1e-9
    assert timeouts == sorted(timeouts, reverse=True)


def test_l8_header_drip_over_a_real_socket_is_cut(fake_gdx: GdxTestServer) -> None:
    # the only timed test: per-read timeouts never fire while headers arrive a byte at a time, so
    # just the deadline on every socket operation of the default transport can stop it
    fake_gdx.add_fault(Fault("drip_headers", path=DOPA_VERIFY_PATH, seconds=0.05))
    client = GdxDopaClient(fake_gdx.base_url, fake_gdx.consumer_key, fake_gdx.consumer_secret, AGENT_ID,
                           timeout=0.6, retries=2, backoff=0.01, insecure=True)
    started = time.monotonic()
    assert _code(lambda: client.check_card(*_somchai())) == "registry.unavailable"
    assert time.monotonic() - started < 2.0  # 60 bytes x 0.05 s x 3 attempts = 9 s before


def test_l8_body_drip_over_a_real_socket_is_cut(fake_gdx: GdxTestServer) -> None:
    fake_gdx.add_fault(Fault("drip", path=DOPA_VERIFY_PATH, seconds=0.05))
    client = GdxDopaClient(fake_gdx.base_url, fake_gdx.consumer_key, fake_gdx.consumer_secret, AGENT_ID,
                           timeout=0.6, retries=0, insecure=True)
    started = time.monotonic()
    assert _code(lambda: client.check_card(*_somchai())) == "registry.unavailable"
    assert time.monotonic() - started < 2.0


@pytest.mark.parametrize("url", ["http://gdx.example.go.th", "HTTP://gdx.example.go.th/", "http://127.0.0.1:8080"])
@pytest.mark.parametrize("make", [GdxSession, GdxDopaClient, GdxDbdClient])
def test_l8_plain_http_base_urls_are_refused(url: str, make: Callable[..., Any]) -> None:
    sent: list[httpx.Request] = []
    transport = httpx.MockTransport(lambda request: sent.append(request) or httpx.Response(500))
    with pytest.raises(ThaiVCError) as info:
        make(url, "key", "consumer-secret", AGENT_ID, transport=transport)
    assert info.value.code == "usage.invalid_argument" and "https" in info.value.detail
    assert "consumer-secret" not in str(info.value) and sent == []


@pytest.mark.parametrize("flag", ["yes", 1, "True"])
def test_l8_only_an_explicit_true_allows_http(flag: object) -> None:
    with pytest.raises(ThaiVCError) as info:
        GdxSession("http://127.0.0.1:8080", "key", "secret", AGENT_ID, insecure=flag)  # type: ignore[arg-type]
    assert info.value.code == "usage.invalid_argument"


def test_l8_the_test_server_still_works_with_the_flag(fake_gdx: GdxTestServer) -> None:
    client = GdxDopaClient(fake_gdx.base_url, fake_gdx.consumer_key, fake_gdx.consumer_secret, AGENT_ID,
                           insecure=True)
    assert client.check_card(*_somchai()).ok


@pytest.fixture
def fake_gdx() -> Iterator[GdxTestServer]:
    with GdxTestServer() as server:
        yield server
