"""The signing key out of reach (a KMS that raises or times out) is a 503 everywhere, like a store outage.

The ``[[issuer.keys]] signer`` seam hands the service whatever the agency's KMS client raises:
``TimeoutError``, a connection reset, the SDK's own ``RuntimeError``. Before, that was a 500
(``vc+jwt``, ``dc+sd-jwt``, the status list endpoint), a 422 blaming the caller's credential
(``di.proof_generation``), or a verification of the service's own credential answered 422
``status.unavailable`` because its list could not be re-signed. Now it is
``key.signer_unavailable``: 503 with ``Retry-After``, nothing issued, and the KMS's message (which can
name key ARNs and accounts) in neither the answer nor the log.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import kms_helpers
import pytest
from server_helpers import admin_headers, credential, issuer_headers, write_config
from starlette.testclient import TestClient

from thaivc import Issuer
from thaivc.core.errors import ThaiVCError
from thaivc.keys.callback import CallbackSigner
from thaivc.server import create_app, load_config

URL = "https://issuer.example.go.th"


@pytest.fixture(params=["callback_signer", "own_signer"])
def client(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TestClient]:
    kms_helpers.MODE[0] = "ok"
    keys = f'[[issuer.keys]]\nid = "kms-1"\nsigner = "kms_helpers:{request.param}"\n'
    config = load_config(write_config(tmp_path, keys=keys), environ={})
    with TestClient(create_app(config), base_url=URL, raise_server_exceptions=False) as c:
        yield c
    kms_helpers.MODE[0] = "ok"


def _issue(client: TestClient, cid: str, fmt: str) -> object:
    body = {"credential": credential(id=cid), "options": {"format": fmt}}
    return client.post("/credentials/issue", headers=issuer_headers(), json=body)


def _assert_outage(r: object, caplog: pytest.LogCaptureFixture) -> None:
    assert r.status_code == 503, r.text  # type: ignore[attr-defined]
    assert r.headers["retry-after"]  # type: ignore[attr-defined]
    assert r.json()["code"] == "key.signer_unavailable", r.text  # type: ignore[attr-defined]
    assert kms_helpers.SECRET not in r.text  # type: ignore[attr-defined]
    assert kms_helpers.SECRET not in caplog.text


@pytest.mark.parametrize("mode", ["timeout", "runtime", "os"])
@pytest.mark.parametrize("fmt", ["vc+jwt", "di", "dc+sd-jwt"])
def test_issuance_with_the_kms_down_is_503_and_registers_nothing(
    client: TestClient, tmp_path: Path, caplog: pytest.LogCaptureFixture, fmt: str, mode: str
) -> None:
    caplog.set_level(logging.DEBUG)
    kms_helpers.MODE[0] = mode
    r = _issue(client, "urn:uuid:kms-down", fmt)
    _assert_outage(r, caplog)
    with sqlite3.connect(tmp_path / "service.db") as db:
        assert db.execute("SELECT COUNT(*) FROM thaivc_issued").fetchone() == (0,)
        outcomes = db.execute("SELECT outcome, detail FROM thaivc_audit WHERE target = 'urn:uuid:kms-down'").fetchall()
    assert outcomes == [("refused", "key.signer_unavailable")]
    kms_helpers.MODE[0] = "ok"  # the KMS back: issuance works again, under a new id
    assert _issue(client, "urn:uuid:kms-back", fmt).status_code == 201  # type: ignore[attr-defined]


def test_status_list_resigning_and_own_verification_with_the_kms_down(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    r = _issue(client, "urn:uuid:kms-list", "di")
    assert r.status_code == 201, r.text  # type: ignore[attr-defined]
    vc = r.json()["verifiableCredential"]  # type: ignore[attr-defined]
    entry = vc["credentialStatus"]
    url = (entry[0] if isinstance(entry, list) else entry)["statusListCredential"]
    revoked = client.post("/admin/status/suspend", json={"ids": ["urn:uuid:kms-list"]}, headers=admin_headers())
    assert revoked.status_code == 200, revoked.text  # the list changed: the next read re-signs it
    kms_helpers.MODE[0] = "timeout"
    _assert_outage(client.get(url.removeprefix(URL)), caplog)
    verdict = client.post("/credentials/verify", json={"verifiableCredential": vc})
    _assert_outage(verdict, caplog)
    assert verdict.json()["verified"] is False and verdict.json()["verdict"] == "indeterminate"
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.headers["retry-after"]
    assert kms_helpers.SECRET not in ready.text
    kms_helpers.MODE[0] = "ok"
    assert client.get(url.removeprefix(URL)).status_code == 200


@pytest.mark.parametrize("raised", [TimeoutError, ConnectionResetError, RuntimeError, ValueError])
def test_a_callback_that_raises_is_the_signers_outage_in_the_library(raised: type[Exception]) -> None:
    key = kms_helpers.KEY

    def kms(data: bytes) -> bytes:
        raise raised(kms_helpers.SECRET)

    signer = CallbackSigner(kms, public_key=key.public_key, kid=kms_helpers.KID)
    with pytest.raises(ThaiVCError) as caught:
        signer.sign(b"x")
    assert caught.value.code == "key.signer_unavailable"
    assert kms_helpers.SECRET not in str(caught.value)
    for fmt in ("vc+jwt", "di", "dc+sd-jwt"):
        doc = credential(credentialSubject={"id": key.did, "name": "x"})
        with pytest.raises(ThaiVCError) as caught:
            Issuer(signer).issue(doc, format=fmt)
        assert caught.value.code == "key.signer_unavailable", (fmt, caught.value)
