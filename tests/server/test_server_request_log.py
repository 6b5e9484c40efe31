"""The request log names the problem code of a refusal — only the code, never a value or a secret.

One JSON line per request already says the route and the status; an operator triaging a spike of 422s
needs *which* refusal without turning on body logging. The code comes from the problem-details body the
service itself wrote, is logged only when it is one of the catalogue's codes, and the detail text (which
may quote the request) is never logged.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from server_helpers import ISSUER_KEY, credential, issuer_headers
from starlette.testclient import TestClient

from thaivc.core.errors import CODES
from thaivc.server.guard import JsonFormatter
from thaivc.server.problem_log import MAX_PROBLEM_BYTES, ProblemTap


def request_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    lines = [JsonFormatter().format(r) for r in caplog.records if r.name == "thaivc.server" and r.msg == "request"]
    return [json.loads(line) for line in lines]


def last_entry(caplog: pytest.LogCaptureFixture) -> dict[str, Any]:
    entries = request_lines(caplog)
    assert entries
    return entries[-1]


@pytest.fixture
def logged(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level("INFO", logger="thaivc.server")
    return caplog


# -- refusals of each layer carry their code ----------------------------------------------------------
def test_a_refused_issuance_logs_its_code_and_not_its_detail(
    client: TestClient, logged: pytest.LogCaptureFixture
) -> None:
    secret_option = "optionNamedLikeASecret"
    r = client.post(
        "/credentials/issue",
        json={"credential": credential(), "options": {secret_option: "สมชาย"}},
        headers=issuer_headers(),
    )
    assert r.status_code == 400
    entry = last_entry(logged)
    assert entry["status"] == 400
    assert entry["problem"] == "service.bad_request"
    text = json.dumps(request_lines(logged), ensure_ascii=False)
    assert secret_option not in text and "สมชาย" not in text and ISSUER_KEY not in text


def test_a_failed_verification_logs_the_first_problem(client: TestClient, logged: pytest.LogCaptureFixture) -> None:
    r = client.post(
        "/credentials/issue", json={"credential": credential(), "options": {"format": "di"}}, headers=issuer_headers()
    )
    vc = r.json()["verifiableCredential"]
    forged = {**vc, "credentialSubject": {**vc["credentialSubject"], "name": "someone else"}}
    r = client.post("/credentials/verify", json={"verifiableCredential": forged})
    assert r.status_code == 422
    entry = last_entry(logged)
    assert entry["problem"] == r.json()["code"]
    assert entry["problem"] in CODES
    text = json.dumps(request_lines(logged), ensure_ascii=False)
    assert "someone else" not in text and "did:example:somchai" not in text


def test_refusals_before_the_route_carry_their_code(client: TestClient, logged: pytest.LogCaptureFixture) -> None:
    client.post("/credentials/issue", json={"credential": credential()})
    assert last_entry(logged)["problem"] == "service.unauthorized"
    client.get("/no/such/route")
    assert last_entry(logged)["problem"] == "service.not_found"
    client.post("/credentials/verify", content=b"[]", headers={"content-type": "application/json"})
    assert last_entry(logged)["problem"] == "json.not_object"


def test_the_guards_own_refusal_carries_its_code(client: TestClient, logged: pytest.LogCaptureFixture) -> None:
    r = client.post(
        "/credentials/verify", content=b"{" + b" " * 3_000_000 + b"}", headers={"content-type": "application/json"}
    )
    assert r.status_code == 413
    entry = last_entry(logged)
    assert entry["status"] == 413 and entry["problem"] == "input.too_large"


def test_a_success_has_no_problem_member(client: TestClient, logged: pytest.LogCaptureFixture) -> None:
    assert client.get("/healthz").status_code == 200
    assert "problem" not in last_entry(logged)


# -- the tap itself: forged, oversized, split bodies --------------------------------------------------
def start(status: int, ctype: bytes = b"application/problem+json") -> dict[str, Any]:
    return {"type": "http.response.start", "status": status, "headers": [(b"content-type", ctype)]}


def body(data: bytes, more: bool = False) -> dict[str, Any]:
    return {"type": "http.response.body", "body": data, "more_body": more}


def feed(*messages: dict[str, Any]) -> str | None:
    tap = ProblemTap()
    for message in messages:
        tap.watch(message)
    return tap.code


def test_a_code_outside_the_catalogue_is_never_logged() -> None:
    assert feed(start(400), body(b'{"code":"Somchai 1101700203451"}')) is None
    assert feed(start(400), body(b'{"code":["service.bad_request"]}')) is None
    assert feed(start(400), body(b'{"code":"service.bad_request"}')) == "service.bad_request"


def test_only_error_problem_responses_are_read() -> None:
    assert feed(start(200), body(b'{"code":"service.bad_request"}')) is None
    assert feed(start(400, b"application/json"), body(b'{"code":"service.bad_request"}')) is None
    assert feed(start(422, b"application/problem+json; charset=utf-8"), body(b'{"code":"vc.id_invalid"}')) == (
        "vc.id_invalid"
    )


def test_a_split_body_is_joined_and_an_oversized_one_ignored() -> None:
    assert feed(start(400), body(b'{"code":"serv', more=True), body(b'ice.bad_request"}')) == "service.bad_request"
    huge = b'{"code":"service.bad_request","pad":"' + b"x" * MAX_PROBLEM_BYTES + b'"}'
    assert feed(start(400), body(huge[:10], more=True), body(huge[10:])) is None
    assert feed(start(400), body(b"not json")) is None
    assert feed(start(400), body(b"[1, 2]")) is None
