"""The newcomer's story over real HTTP: issued at the issuer counter with ``thaivc wallet receive``,
then verified at the verifier counter with ``thaivc wallet present`` (no browser needed)."""

from __future__ import annotations

import html
import re
from pathlib import Path

import httpx
import pytest

from thaivc.cli import main

from .conftest import Live


def _officer(live: Live) -> httpx.Client:
    client = httpx.Client(base_url=live.url, timeout=15)
    assert client.post("/counter/login", data={"username": "officer", "password": "demo"}).status_code == 303
    return client


def _link(page: str) -> str:
    found = re.search(r'id="same-device" href="([^"]+)"', page)
    assert found
    return html.unescape(found.group(1))


def test_issue_then_verify_with_the_wallet_command(live: Live, tmp_path: Path) -> None:
    officer = _officer(live)
    card = live.demo.counter.demo_cards[0]
    offer_page = officer.post("/counter/issue", data={**card, "liveness": "on"})
    assert offer_page.status_code == 200, offer_page.text[:500]
    tx_code = re.search(r'id="tx-code">(\d+)<', offer_page.text).group(1)
    wallet_dir = tmp_path / "wallet"
    assert main(["wallet", "receive", _link(offer_page.text), "--tx-code", "000000" if tx_code != "000000" else "1",
                 "--dir", str(wallet_dir)]) != 0                 # a wrong code keeps nothing
    assert not list(wallet_dir.glob("credential-*"))
    assert main(["wallet", "receive", _link(offer_page.text), "--tx-code", tx_code, "--dir", str(wallet_dir)]) == 0
    assert (wallet_dir / "credential-1.jwk.json").stat().st_mode & 0o077 == 0
    request_page = officer.post("/counter/verify", data={"preset": "identity"})
    ref = re.search(r"/counter/verify/([A-Za-z0-9_-]{43})/state", request_page.text).group(1)
    assert main(["wallet", "present", _link(request_page.text), "--dir", str(wallet_dir)]) == 0
    verdict = officer.get(f"/counter/verify/{ref}/result").text
    assert "ยืนยันแล้ว" in verdict and card["given_th"] in verdict and "IAL 2.3" in verdict
    assert main(["wallet", "list", "--dir", str(wallet_dir)]) == 0


def test_the_wallet_command_refuses_without_a_link_or_credentials(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    for action in ("receive", "present"):
        assert main(["wallet", action, "--dir", str(tmp_path)]) == 2
        assert "needs the link" in capsys.readouterr().err
    assert main(["wallet", "present", "openid4vp://?request_uri=x", "--dir", str(tmp_path / "empty")]) == 2
    assert "receive one first" in capsys.readouterr().err
    assert main(["wallet", "list", "--dir", str(tmp_path / "empty")]) == 0
    assert capsys.readouterr().out == ""


def test_a_result_is_audited_once(live: Live) -> None:
    officer = _officer(live)
    page = officer.post("/counter/verify", data={"preset": "identity"})
    ref = re.search(r"/counter/verify/([A-Za-z0-9_-]{43})/state", page.text).group(1)
    live.demo.world.clock.advance(121)
    for _ in range(3):
        assert "หมดเวลา" in officer.get(f"/counter/verify/{ref}/result").text
    assert [e.action for e in live.audit()].count("counter.verify.timeout") == 1
