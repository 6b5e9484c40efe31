"""A credential request for several keys is all or nothing in the register (issue 13, S13 item 1).

The fault is injected where an agency's real one would be: its KMS (a ``signer`` in ``[[issuer.keys]]``)
stops answering, or refuses, in the middle of a batch. Before the fix, key 1's credential stayed in
the register ``valid`` and audited ``issued`` though the wallet got a 503, and the retry issued a
second one for the same key.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from oid4vc_helpers import PROTOCOLS, offer_body
from server_helpers import admin_headers
from starlette.testclient import TestClient

from thaivc import generate_key
from thaivc.core.errors import ThaiVCError
from thaivc.did import did_jwk
from thaivc.keys import CallbackSigner, PrivateKey
from thaivc.oid4vc import ErrorResponse
from thaivc.server.db import AuditEntry, Database, IssuedRecord
from thaivc.wallet import IssuanceWallet

#: the KMS: ``left`` signatures more, then ``fault`` (None: it always answers)
KMS: dict[str, Any] = {"left": None, "fault": "service.unavailable", "key": None}


def flaky_kms(settings: dict[str, Any]) -> CallbackSigner:
    """An agency's KMS signer that can be made to fail after a number of signatures."""
    if KMS["key"] is None:
        KMS["key"] = generate_key("P-256")
    key: PrivateKey = KMS["key"]

    def sign(data: bytes) -> bytes:
        if KMS["left"] is not None:
            if KMS["left"] <= 0:
                raise ThaiVCError(KMS["fault"], "the KMS did not sign")
            KMS["left"] -= 1
        return key.sign(data)

    return CallbackSigner(sign, public_key=key.public_key, kid=key.kid)


@pytest.fixture
def app(make_client: Callable[..., TestClient]) -> Iterator[TestClient]:
    KMS.update(left=None, fault="service.unavailable")
    keys = f'[[issuer.keys]]\nid = "kms-1"\nsigner = "{sys.modules[__name__].__name__}:flaky_kms"\n'
    yield make_client(PROTOCOLS, keys=keys)
    KMS.update(left=None, fault="service.unavailable")


def _items(client: TestClient, what: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = client.get(f"/admin/{what}?limit=100", headers=admin_headers()).json()["items"]
    return items


def _issue_rows(client: TestClient, outcome: str) -> list[dict[str, Any]]:
    return [e for e in _items(client, "audit") if e["action"] == "issue" and e["outcome"] == outcome]


def _service(client: TestClient) -> Any:
    """The service object behind the app (read only: the tests look, they never change it)."""
    app: Any = client.app
    while not hasattr(app, "state"):
        app = app.app  # the guard and other wrappers keep the app they wrap as ``app``
    return app.state.thaivc.service


def _status_values(client: TestClient, credential_id: str) -> dict[str, int]:
    """The current bit of each status entry the service allocated for ``credential_id``."""
    service = _service(client)
    store, did = service.registry.store, service.keyring.did
    out = {}
    for purpose in ("revocation", "suspension"):
        allocation = store.lookup(did, purpose, credential_id)
        if allocation is not None:
            out[purpose] = dict(store.snapshot(allocation.list_id).values).get(allocation.index, 0)
    return out


def _granted(app: TestClient, keys: list[PrivateKey]) -> tuple[IssuanceWallet, Any]:
    supply = iter(keys * 4)
    wallet = IssuanceWallet(app, key_factory=lambda: next(supply))
    made = app.post("/admin/offers", json=offer_body(), headers=admin_headers()).json()
    return wallet, wallet.redeem_pre_authorized(wallet.resolve_offer(made["deepLink"]), tx_code=made["txCode"])


def test_an_outage_on_key_2_of_2_leaves_nothing_registered_and_the_retry_issues_one_per_key(app: TestClient) -> None:
    keys = [generate_key("P-256"), generate_key("P-256")]
    wallet, grant = _granted(app, keys)
    KMS["left"] = 1  # key 1 is signed, key 2 meets the outage
    with pytest.raises(ErrorResponse) as caught:
        wallet.request_credentials(grant, batch=2)
    assert caught.value.status == 503 and caught.value.error == "temporarily_unavailable"
    assert _items(app, "credentials") == []  # nothing the wallet did not get is in the register
    assert _issue_rows(app, "issued") == []
    abandoned = _issue_rows(app, "abandoned")
    assert len(abandoned) == 2 and all("service.unavailable" in e["detail"] for e in abandoned)
    for row in abandoned:  # the indices allocated for the undelivered copies read revoked, never live
        assert _status_values(app, row["target"]) == {"revocation": 1}
    assert len(_issue_rows(app, "unavailable")) == 1

    KMS["left"] = None
    got = wallet.request_credentials(grant, batch=2)  # the same two keys: they were freed by the outage
    assert isinstance(got, list) and len(got) == 2
    live = _items(app, "credentials")
    assert len(live) == 2 and all(r["status"] == {"revocation": "valid"} for r in live)
    service = _service(app)
    bound = sorted(service.db.subject_hash(did_jwk(k.public_key)) for k in keys)
    assert sorted(r["subjectHash"] for r in live) == bound  # exactly one live credential per key
    assert {r["id"] for r in live}.isdisjoint({e["target"] for e in abandoned})
    assert len(_issue_rows(app, "issued")) == 2


def test_a_refusal_on_key_2_of_2_registers_nothing_and_revokes_what_was_allocated(app: TestClient) -> None:
    wallet, grant = _granted(app, [generate_key("P-256"), generate_key("P-256")])
    KMS.update(left=1, fault="crypto.bad_signature")
    with pytest.raises(ErrorResponse) as caught:
        wallet.request_credentials(grant, batch=2)
    assert caught.value.status == 400 and caught.value.error == "credential_request_denied"
    assert _items(app, "credentials") == []
    assert _issue_rows(app, "issued") == []
    abandoned = _issue_rows(app, "abandoned")
    assert len(abandoned) == 2
    assert all(_status_values(app, e["target"]) == {"revocation": 1} for e in abandoned)
    assert [e["detail"] for e in _issue_rows(app, "refused")] == ["crypto.bad_signature"]


def test_a_refused_credential_holds_no_status_index(make_client: Callable[..., TestClient]) -> None:
    """The SD-JWT VC copies are checked before any index is allocated: a refused request holds none."""
    app = make_client(PROTOCOLS.replace("thaivc.server.sample_callback:citizen", "oid4vc_helpers:agency_callback"))
    service = _service(app)
    made = app.post("/admin/offers", json=offer_body(subject={"unissuable": True}), headers=admin_headers()).json()
    wallet = IssuanceWallet(app)
    grant = wallet.redeem_pre_authorized(wallet.resolve_offer(made["deepLink"]), tx_code=made["txCode"])
    with pytest.raises(ErrorResponse) as caught:
        wallet.request_credentials(grant, batch=2)
    assert caught.value.status == 400 and caught.value.error == "credential_request_denied"
    assert sum(info.allocated for info in service.registry.lists()) == 0
    assert _items(app, "credentials") == [] and _issue_rows(app, "abandoned") == []
    assert len(_issue_rows(app, "refused")) == 1


def test_the_register_and_its_audit_rows_are_written_in_one_transaction(tmp_path: Any) -> None:
    db = Database(f"sqlite:///{tmp_path / 'r.db'}")
    db.migrate()
    good = IssuedRecord("urn:uuid:one", ["VerifiableCredential"], "dc+sd-jwt", None, ["revocation"], 1, "c")
    broken = AuditEntry(1, "c", "issue", None, "issued", "x", "r")  # type: ignore[arg-type]  # NOT NULL fails
    with pytest.raises(ThaiVCError) as caught:
        db.record_issued_many([good], [AuditEntry(1, "c", "issue", "urn:uuid:one", "issued", "x", "r"), broken])
    assert caught.value.code == "service.unavailable"
    assert db.issued(limit=10) == [] and db.audit_log() == []  # nothing of it was written
    db.record_issued_many([good], [AuditEntry(1, "c", "issue", "urn:uuid:one", "issued", "x", "r")])
    assert [r.credential_id for r in db.issued(limit=10)] == ["urn:uuid:one"] and len(db.audit_log()) == 1
    db.close()


def test_abandoning_changes_no_status_bit_the_audit_log_does_not_show(app: TestClient, tmp_path: Any) -> None:
    """An undelivered request's bits are set only after their ``abandoned`` rows are written.

    They were set first and audited after, one row at a time: with the audit table out of reach (which
    is also what makes the register fail) the bits were changed and the rows went to the log file only.
    Now nothing changes; the indices stay orphans, which reconciliation revokes and audits.
    """
    import sqlite3

    from thaivc.server.reconcile import ReconcileOptions

    wallet, grant = _granted(app, [generate_key("P-256"), generate_key("P-256")])
    db = sqlite3.connect(tmp_path / "service.db")
    db.execute("ALTER TABLE thaivc_audit RENAME TO thaivc_audit_gone")
    db.commit()
    with pytest.raises(ErrorResponse) as caught:
        wallet.request_credentials(grant, batch=2)
    assert caught.value.status == 503 and caught.value.error == "temporarily_unavailable"
    allocated = [r[0] for r in db.execute("SELECT credential_id FROM thaivc_status_entry").fetchall()]
    assert len(allocated) == 2
    assert all(_status_values(app, cid) == {"revocation": 0} for cid in allocated)  # unchanged, as unaudited
    db.execute("ALTER TABLE thaivc_audit_gone RENAME TO thaivc_audit")
    db.execute("UPDATE thaivc_status_entry SET allocated_at = allocated_at - 5")  # older than grace 0, strictly
    db.commit()
    assert _items(app, "credentials") == [] and _issue_rows(app, "abandoned") == []
    summary = _service(app).reconcile(ReconcileOptions(grace=0, actor="test"))
    assert summary.revoked == 2
    assert all(_status_values(app, cid) == {"revocation": 1} for cid in allocated)
    audited = {e["target"] for e in _items(app, "audit") if e["action"] == "reconcile"}
    assert audited == set(allocated)
