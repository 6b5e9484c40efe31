"""GdxDbdClient against the loopback GDX server."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from thaivc.core.errors import Indeterminate, InputError, ThaiVCError
from thaivc.registries.dbd import DBD_PROFILE_PATH, FakeDbd, GdxDbdClient
from thaivc.registries.gdx import AUTH_PATH
from thaivc.testing.gdx_server import Fault, GdxTestServer
from thaivc.thai.ids import check_digit


def _demo_id(dbd: FakeDbd) -> str:
    return next(e["profile"]["JuristicID"] for e in dbd.fixture["juristic_persons"] if e["key"] == "siam_banchee")


def test_lookup_returns_parsed_profile(
    dbd_client: Callable[..., GdxDbdClient], gdx_server: GdxTestServer, fake_dbd: FakeDbd
) -> None:
    jid = _demo_id(fake_dbd)
    person = dbd_client().lookup(jid)
    assert person.juristic_id == jid
    assert person.name_th == "บริษัท สยามบัญชี จำกัด"
    assert person.signing_clause_th == "กรรมการสองคนลงลายมือชื่อร่วมกันและประทับตราสำคัญของบริษัท"
    assert person.is_active
    assert person == fake_dbd.lookup(jid)
    sent = [r for r in gdx_server.requests if r.path == DBD_PROFILE_PATH]
    assert len(sent) == 1 and sent[0].params == {"JuristicID": jid}
    assert sent[0].headers["Consumer-Key"] == gdx_server.consumer_key and sent[0].headers["Token"]


def test_unknown_id_is_not_found(dbd_client: Callable[..., GdxDbdClient]) -> None:
    prefix = "099559999999"
    unknown = prefix + str(check_digit(prefix))
    with pytest.raises(ThaiVCError) as info:
        dbd_client().lookup(unknown)
    assert info.value.code == "registry.not_found"


def test_invalid_id_is_refused_locally(dbd_client: Callable[..., GdxDbdClient], gdx_server: GdxTestServer) -> None:
    with pytest.raises(InputError) as info:
        dbd_client().lookup("0995562000019")
    assert info.value.code == "thai.id_invalid"
    assert gdx_server.requests == []


def test_http_500_with_code_message_is_rejected(
    dbd_client: Callable[..., GdxDbdClient], gdx_server: GdxTestServer, fake_dbd: FakeDbd
) -> None:
    body = '{"Code": 90, "Message": "ไม่มีสิทธิ์เข้าถึงข้อมูล"}'.encode()
    gdx_server.add_fault(Fault("body", path=DBD_PROFILE_PATH, status=500, body=body))
    with pytest.raises(Indeterminate) as info:
        dbd_client().lookup(_demo_id(fake_dbd))
    assert info.value.code == "registry.rejected"
    assert "ไม่มีสิทธิ์เข้าถึงข้อมูล" in info.value.detail


def test_token_expiry_then_renewal(
    dbd_client: Callable[..., GdxDbdClient], gdx_server: GdxTestServer, fake_dbd: FakeDbd
) -> None:
    client = dbd_client()
    jid = _demo_id(fake_dbd)
    client.lookup(jid)
    gdx_server.expire_tokens()
    assert client.lookup(jid).juristic_id == jid
    assert gdx_server.count(AUTH_PATH) == 2


def test_503_then_success(dbd_client: Callable[..., GdxDbdClient], gdx_server: GdxTestServer, fake_dbd: FakeDbd) -> None:
    gdx_server.add_fault(Fault("status", path=DBD_PROFILE_PATH, status=503))
    assert dbd_client().lookup(_demo_id(fake_dbd)).is_active
    assert gdx_server.count(DBD_PROFILE_PATH) == 2


def test_timeout_is_unavailable(
    dbd_client: Callable[..., GdxDbdClient], gdx_server: GdxTestServer, fake_dbd: FakeDbd
) -> None:
    gdx_server.add_fault(Fault("delay", path=DBD_PROFILE_PATH, seconds=3.0, remaining=2))
    with pytest.raises(Indeterminate) as info:
        dbd_client(timeout=0.3, retries=1).lookup(_demo_id(fake_dbd))
    assert info.value.code == "registry.unavailable"


def test_malformed_body_is_unavailable(
    dbd_client: Callable[..., GdxDbdClient], gdx_server: GdxTestServer, fake_dbd: FakeDbd
) -> None:
    gdx_server.add_fault(Fault("malformed", path=DBD_PROFILE_PATH))
    with pytest.raises(Indeterminate) as info:
        dbd_client().lookup(_demo_id(fake_dbd))
    assert info.value.code == "registry.unavailable"


def test_answer_for_another_company_is_refused(fake_dbd: FakeDbd) -> None:
    ids = fake_dbd.juristic_ids()

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == AUTH_PATH:
            return httpx.Response(200, json={"Result": "tok"})
        return httpx.Response(200, json=fake_dbd.wire_answer(ids[1]))

    client = GdxDbdClient("https://gdx.test", "k", "s", "1999900000994", transport=httpx.MockTransport(handler))
    with pytest.raises(Indeterminate) as info:
        client.lookup(ids[0])
    assert info.value.code == "registry.unavailable"


def test_dopa_and_dbd_share_one_session(gdx_server: GdxTestServer, fake_dbd: FakeDbd) -> None:
    from thaivc.registries.dopa import FakeDopa, GdxDopaClient
    from thaivc.registries.gdx import GdxSession

    session = GdxSession(gdx_server.base_url, gdx_server.consumer_key, gdx_server.consumer_secret, "1999900000994", insecure=True)
    dbd = GdxDbdClient.from_session(session)
    dopa = GdxDopaClient.from_session(session)
    assert dbd.lookup(_demo_id(fake_dbd)).is_active
    somsak = next(c for c in FakeDopa().fixture["citizens"] if c["key"] == "somsak")
    assert dopa.check_card(somsak["citizen_id"], "สมศักดิ์", "ทองคำ", somsak["birth_date_be"], somsak["card"]["laser_code"]).ok
    assert gdx_server.count(AUTH_PATH) == 1
