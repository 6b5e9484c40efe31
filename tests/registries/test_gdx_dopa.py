"""GdxDopaClient against a real HTTP server on loopback speaking the GDX shape."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest

from thaivc.core.errors import Indeterminate, InputError, ThaiVCError
from thaivc.registries.dopa import DOPA_VERIFY_PATH, CardStatus, FakeDopa, GdxDopaClient
from thaivc.registries.gdx import AUTH_PATH
from thaivc.testing.gdx_server import Fault, GdxTestServer, unused_loopback_url

AGENT_ID = "1999900000994"  # same synthetic officer as conftest's agent_id fixture


def _citizen(dopa: FakeDopa, key: str) -> dict[str, Any]:
    return next(c for c in dopa.fixture["citizens"] if c["key"] == key)


def _args(c: dict[str, Any], **over: str) -> tuple[str, str, str, str, str]:
    q = {
        "first_name_th": c["name"]["given_th"],
        "last_name_th": c["name"]["family_th"],
        "birth_date_be": c["birth_date_be"],
        "laser_code": c["card"]["laser_code"] or "",
    }
    q.update(over)
    return (c["citizen_id"], q["first_name_th"], q["last_name_th"], q["birth_date_be"], q["laser_code"])


def test_valid_card_uses_exact_gdx_shape(
    dopa_client: Callable[..., GdxDopaClient], gdx_server: GdxTestServer, fake_dopa: FakeDopa
) -> None:
    somchai = _citizen(fake_dopa, "somchai")
    result = dopa_client().check_card(*_args(somchai))
    assert result.status is CardStatus.VALID and result.ok and result.code == 0
    auth = [r for r in gdx_server.requests if r.path == AUTH_PATH]
    data = [r for r in gdx_server.requests if r.path == DOPA_VERIFY_PATH]
    assert len(auth) == 1 and len(data) == 1
    assert auth[0].headers["Consumer-Key"] == gdx_server.consumer_key
    assert auth[0].params == {"ConsumerSecret": gdx_server.consumer_secret, "AgentID": AGENT_ID}
    sent = data[0]
    assert sent.headers["Consumer-Key"] == gdx_server.consumer_key
    assert sent.headers["Token"]
    assert sent.headers["Content-Type"] == "application/x-www-form-urlencoded; charset=utf-8"
    assert sent.params == {
        "CitizenID": somchai["citizen_id"],
        "FirstName": "สมชาย",
        "LastName": "ใจดี",
        "BEBirthDate": "25380812",
        "LaserCode": somchai["card"]["laser_code"],
    }


def test_printed_laser_form_is_sent_compact(
    dopa_client: Callable[..., GdxDopaClient], gdx_server: GdxTestServer, fake_dopa: FakeDopa
) -> None:
    somchai = _citizen(fake_dopa, "somchai")
    laser = somchai["card"]["laser_code"]
    printed = f"{laser[:3]}-{laser[3:10]}-{laser[10:]}"
    assert dopa_client().check_card(*_args(somchai, laser_code=printed)).ok
    assert [r.params["LaserCode"] for r in gdx_server.requests if r.path == DOPA_VERIFY_PATH] == [laser]


def test_data_mismatch_keeps_dopa_code_and_text(
    dopa_client: Callable[..., GdxDopaClient], fake_dopa: FakeDopa
) -> None:
    result = dopa_client().check_card(*_args(_citizen(fake_dopa, "kanchana"), last_name_th="วงศ์ใหญ่"))
    assert result.status is CardStatus.DATA_MISMATCH and not result.ok
    assert (result.code, result.description) == (4, "สถานะไม่ปกติ => ข้อมูลไม่ตรง")


def test_http_500_code_2_maps_to_card_invalid_with_reason(
    dopa_client: Callable[..., GdxDopaClient], fake_dopa: FakeDopa
) -> None:
    result = dopa_client().check_card(*_args(_citizen(fake_dopa, "prasert")))
    assert result.status is CardStatus.CARD_INVALID
    assert result.code == 2 and result.reason == "บัตรหมดอายุ"
    assert result.description == "บัตรสิ้นสภาพการใช้งาน เนื่องจากกรณี บัตรหมดอายุ"


def test_http_500_with_unknown_code_is_a_refusal(
    dopa_client: Callable[..., GdxDopaClient], gdx_server: GdxTestServer, fake_dopa: FakeDopa
) -> None:
    body = b'{"Code": 99, "Message": "quota exceeded"}'
    gdx_server.add_fault(Fault("body", path=DOPA_VERIFY_PATH, status=500, body=body))
    with pytest.raises(Indeterminate) as info:
        dopa_client().check_card(*_args(_citizen(fake_dopa, "somchai")))
    assert info.value.code == "registry.rejected"
    assert "quota exceeded" in info.value.detail


def test_boolean_false_is_not_valid(
    dopa_client: Callable[..., GdxDopaClient], gdx_server: GdxTestServer, fake_dopa: FakeDopa
) -> None:
    gdx_server.dopa_style = "boolean"
    result = dopa_client().check_card(*_args(_citizen(fake_dopa, "prasert")))
    assert result.status is CardStatus.NOT_VALID and not result.ok and result.code is None


def test_expired_token_is_renewed_once(
    dopa_client: Callable[..., GdxDopaClient], gdx_server: GdxTestServer, fake_dopa: FakeDopa
) -> None:
    client = dopa_client()
    args = _args(_citizen(fake_dopa, "somchai"))
    assert client.check_card(*args).ok
    gdx_server.expire_tokens()
    assert client.check_card(*args).ok
    assert gdx_server.count(AUTH_PATH) == 2
    assert gdx_server.count(DOPA_VERIFY_PATH) == 3  # one answered 401, then the retry


def test_token_rejected_after_renewal_is_refused(
    dopa_client: Callable[..., GdxDopaClient], gdx_server: GdxTestServer, fake_dopa: FakeDopa
) -> None:
    gdx_server.add_fault(Fault("status", path=DOPA_VERIFY_PATH, status=401, remaining=5))
    with pytest.raises(Indeterminate) as info:
        dopa_client().check_card(*_args(_citizen(fake_dopa, "somchai")))
    assert info.value.code == "registry.rejected"
    assert gdx_server.count(AUTH_PATH) == 2


def test_wrong_consumer_secret_is_rejected(gdx_server: GdxTestServer, fake_dopa: FakeDopa) -> None:
    client = GdxDopaClient(gdx_server.base_url, gdx_server.consumer_key, "wrong-secret-value", AGENT_ID, insecure=True)
    with pytest.raises(Indeterminate) as info:
        client.check_card(*_args(_citizen(fake_dopa, "somchai")))
    assert info.value.code == "registry.rejected"
    assert "wrong-secret-value" not in str(info.value)
    assert gdx_server.count(DOPA_VERIFY_PATH) == 0


def test_timeout_without_retries_is_unavailable(
    dopa_client: Callable[..., GdxDopaClient], gdx_server: GdxTestServer, fake_dopa: FakeDopa
) -> None:
    gdx_server.add_fault(Fault("delay", path=DOPA_VERIFY_PATH, seconds=3.0))
    with pytest.raises(Indeterminate) as info:
        dopa_client(timeout=0.3, retries=0).check_card(*_args(_citizen(fake_dopa, "somchai")))
    assert info.value.code == "registry.unavailable"
    assert "timed out" in info.value.detail


def test_timeout_spends_the_whole_budget_retries_included(
    dopa_client: Callable[..., GdxDopaClient], gdx_server: GdxTestServer, fake_dopa: FakeDopa
) -> None:
    # one total deadline per call: an attempt that times out leaves no time for another
    gdx_server.add_fault(Fault("delay", path=DOPA_VERIFY_PATH, seconds=3.0))
    with pytest.raises(Indeterminate) as info:
        dopa_client(timeout=0.3, retries=3).check_card(*_args(_citizen(fake_dopa, "somchai")))
    assert info.value.code == "registry.unavailable"
    assert gdx_server.count(DOPA_VERIFY_PATH) == 1


def test_503_then_success(
    dopa_client: Callable[..., GdxDopaClient], gdx_server: GdxTestServer, fake_dopa: FakeDopa
) -> None:
    gdx_server.add_fault(Fault("status", path=DOPA_VERIFY_PATH, status=503, remaining=2))
    assert dopa_client(retries=2).check_card(*_args(_citizen(fake_dopa, "somchai"))).ok
    assert gdx_server.count(DOPA_VERIFY_PATH) == 3


@pytest.mark.parametrize("status", [502, 503, 504])
def test_transient_status_beyond_retries_is_unavailable(
    status: int, dopa_client: Callable[..., GdxDopaClient], gdx_server: GdxTestServer, fake_dopa: FakeDopa
) -> None:
    gdx_server.add_fault(Fault("status", path=DOPA_VERIFY_PATH, status=status, remaining=10))
    with pytest.raises(Indeterminate) as info:
        dopa_client(retries=1).check_card(*_args(_citizen(fake_dopa, "somchai")))
    assert info.value.code == "registry.unavailable"
    assert gdx_server.count(DOPA_VERIFY_PATH) == 2


def test_400_is_not_retried_and_is_rejected(
    dopa_client: Callable[..., GdxDopaClient], gdx_server: GdxTestServer, fake_dopa: FakeDopa
) -> None:
    gdx_server.add_fault(Fault("status", path=DOPA_VERIFY_PATH, status=400, body=b""))
    with pytest.raises(Indeterminate) as info:
        dopa_client().check_card(*_args(_citizen(fake_dopa, "somchai")))
    assert info.value.code == "registry.rejected"
    assert gdx_server.count(DOPA_VERIFY_PATH) == 1


def test_malformed_json_body_is_unavailable(
    dopa_client: Callable[..., GdxDopaClient], gdx_server: GdxTestServer, fake_dopa: FakeDopa
) -> None:
    gdx_server.add_fault(Fault("malformed", path=DOPA_VERIFY_PATH))
    with pytest.raises(Indeterminate) as info:
        dopa_client().check_card(*_args(_citizen(fake_dopa, "somchai")))
    assert info.value.code == "registry.unavailable"
    assert gdx_server.count(DOPA_VERIFY_PATH) == 1


@pytest.mark.parametrize(
    "body", [b'{"Result": "true"}', b"[]", b'{"Result": true, "Result": false}', b'{"Code": 0}']
)
def test_unexpected_200_bodies_are_unavailable(
    body: bytes, dopa_client: Callable[..., GdxDopaClient], gdx_server: GdxTestServer, fake_dopa: FakeDopa
) -> None:
    gdx_server.add_fault(Fault("body", path=DOPA_VERIFY_PATH, status=200, body=body))
    with pytest.raises(Indeterminate) as info:
        dopa_client().check_card(*_args(_citizen(fake_dopa, "somchai")))
    assert info.value.code == "registry.unavailable"


def test_dropped_connection_is_retried(
    dopa_client: Callable[..., GdxDopaClient], gdx_server: GdxTestServer, fake_dopa: FakeDopa
) -> None:
    gdx_server.add_fault(Fault("drop", path=DOPA_VERIFY_PATH))
    assert dopa_client(retries=1).check_card(*_args(_citizen(fake_dopa, "somchai"))).ok


def test_connection_refused_is_unavailable(fake_dopa: FakeDopa) -> None:
    client = GdxDopaClient(
        unused_loopback_url(), "k", "secret-x", AGENT_ID, timeout=1.0, retries=1, backoff=0.01, insecure=True
    )
    with pytest.raises(Indeterminate) as info:
        client.check_card(*_args(_citizen(fake_dopa, "somchai")))
    assert info.value.code == "registry.unavailable"
    assert "secret-x" not in str(info.value)
    assert info.value.__cause__ is None and info.value.__context__ is None  # no httpx request in the chain


def test_malformed_input_is_refused_before_sending(
    dopa_client: Callable[..., GdxDopaClient], gdx_server: GdxTestServer, fake_dopa: FakeDopa
) -> None:
    somchai = _citizen(fake_dopa, "somchai")
    client = dopa_client()
    bad_id = somchai["citizen_id"][:-1] + str((int(somchai["citizen_id"][-1]) + 1) % 10)
    with pytest.raises(InputError) as info:
        client.check_card(bad_id, "สมชาย", "ใจดี", "25380812", somchai["card"]["laser_code"])
    assert info.value.code == "thai.id_invalid"
    with pytest.raises(InputError) as info:
        client.check_card(*_args(somchai, laser_code="J1234567890"))
    assert info.value.code == "thai.laser_invalid"
    with pytest.raises(InputError) as info:
        client.check_card(*_args(somchai, birth_date_be="19950812"))
    assert info.value.code == "thai.date_invalid"
    with pytest.raises(InputError) as info:
        client.check_card(*_args(somchai, first_name_th="สม\u200bชาย"))
    assert info.value.code == "text.forbidden_char"
    assert gdx_server.requests == []


def test_secrets_never_leak(
    dopa_client: Callable[..., GdxDopaClient],
    gdx_server: GdxTestServer,
    fake_dopa: FakeDopa,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    secret = gdx_server.consumer_secret
    client = dopa_client(retries=0)
    assert secret not in repr(client) and gdx_server.consumer_key not in repr(client)
    assert secret not in str(client)
    # a hostile server echoing the secret back in its error message
    echo = f'{{"Code": 77, "Message": "bad secret {secret}"}}'.encode()
    gdx_server.add_fault(Fault("body", path=DOPA_VERIFY_PATH, status=500, body=echo))
    errors: list[ThaiVCError] = []
    for fault in (None, Fault("status", path=DOPA_VERIFY_PATH, status=503)):
        if fault:
            gdx_server.add_fault(fault)
        try:
            client.check_card(*_args(_citizen(fake_dopa, "somchai")))
        except ThaiVCError as exc:
            errors.append(exc)
    assert [e.code for e in errors] == ["registry.rejected", "registry.unavailable"]
    for exc in errors:
        assert secret not in str(exc) and secret not in exc.detail and secret not in repr(exc)
        assert exc.__cause__ is None
    assert caplog.records, "httpx/httpcore debug logging should have produced records"
    assert all(secret not in record.getMessage() for record in caplog.records)


def test_non_json_error_page_is_judged_by_status(
    dopa_client: Callable[..., GdxDopaClient], gdx_server: GdxTestServer, fake_dopa: FakeDopa
) -> None:
    gdx_server.add_fault(Fault("body", path=DOPA_VERIFY_PATH, status=403, body=b"<html>Forbidden</html>"))
    gdx_server.add_fault(Fault("body", path=DOPA_VERIFY_PATH, status=500, body=b"<html>oops</html>"))
    client = dopa_client()
    codes = []
    for _ in range(2):
        with pytest.raises(Indeterminate) as info:
            client.check_card(*_args(_citizen(fake_dopa, "somchai")))
        codes.append(info.value.code)
    assert codes == ["registry.rejected", "registry.unavailable"]
