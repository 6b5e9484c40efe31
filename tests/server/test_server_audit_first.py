"""No status change without its audit row: the audit is written before the change.

The administration endpoints changed the status bits first and wrote the audit rows after, one
transaction each: with the audit table out of reach the revocation was committed, the caller was
told 503, and the log had no trace of who revoked what. Now the request is audited (``requested``)
before anything changes, in one transaction for the whole list; the change follows, then its outcome
(``done``, or ``failed`` with the store's code).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from server_helpers import admin_headers, credential, issuer_headers
from starlette.testclient import TestClient


def _issue(client: TestClient, n: int) -> dict[str, Any]:
    r = client.post(
        "/credentials/issue",
        headers=issuer_headers(),
        json={"credential": credential(id=f"urn:uuid:audit-first-{n}"), "options": {"format": "di"}},
    )
    assert r.status_code == 201, r.text
    return dict(r.json()["verifiableCredential"])


def _status(client: TestClient, credential_id: str) -> dict[str, str]:
    items = client.get("/admin/credentials", headers=admin_headers()).json()["items"]
    (item,) = [i for i in items if i["id"] == credential_id]
    return dict(item["status"])


def _audit(client: TestClient) -> list[tuple[str, str, str]]:
    rows = client.get("/admin/audit", headers=admin_headers()).json()["items"]
    return [(e["action"], e["target"], e["outcome"]) for e in rows]


def test_with_the_audit_table_gone_nothing_changes(client: TestClient, tmp_path: Path) -> None:
    action = "revoke"
    vcs = [_issue(client, n) for n in range(3)]
    ids = [vc["id"] for vc in vcs]
    db = sqlite3.connect(tmp_path / "service.db")
    db.execute("ALTER TABLE thaivc_audit RENAME TO thaivc_audit_gone")
    db.commit()
    r = client.post(f"/admin/status/{action}", json={"ids": ids}, headers=admin_headers())
    assert r.status_code == 503 and r.headers["retry-after"]
    assert r.json()["code"] == "service.unavailable"
    db.execute("ALTER TABLE thaivc_audit_gone RENAME TO thaivc_audit")
    db.commit()
    for credential_id in ids:  # nothing was changed that the log does not show
        assert _status(client, credential_id).get("revocation", "valid") == "valid", _status(client, credential_id)
    for vc in vcs:
        verdict = client.post("/credentials/verify", json={"verifiableCredential": vc})
        assert verdict.status_code == 200, verdict.text
    assert not [row for row in _audit(client) if row[0] == action]


def test_every_change_is_audited_before_and_after(client: TestClient) -> None:
    ids = [_issue(client, n)["id"] for n in range(2)]
    r = client.post("/admin/status/revoke", json={"ids": ids}, headers=admin_headers())
    assert r.status_code == 200 and r.json()["counts"] == {"done": 2}
    rows = [row for row in _audit(client) if row[0] == "revoke"]
    for credential_id in ids:
        outcomes = [outcome for _, target, outcome in rows if target == credential_id]
        assert sorted(outcomes) == ["done", "requested"], outcomes
    # the log is newest first: every "done" comes after its "requested"
    assert [o for _, _, o in rows] == ["done", "done", "requested", "requested"]


def test_a_dry_run_audits_nothing_and_changes_nothing(client: TestClient) -> None:
    credential_id = _issue(client, 0)["id"]
    r = client.post("/admin/status/revoke?dryRun=true", json={"ids": [credential_id]}, headers=admin_headers())
    assert r.json()["counts"] == {"would_do": 1}
    assert not [row for row in _audit(client) if row[0] == "revoke"]
    assert _status(client, credential_id) == {"revocation": "valid"}


def test_no_issuance_is_registered_without_its_audit_row(client: TestClient, tmp_path: Path) -> None:
    """The register row and the ``issued`` audit row are one transaction: both, or neither.

    They were two: with the audit table out of reach the register listed the credential (its status
    index held, its subject hash recorded), the caller was told 503, and the log had no trace of it.
    """
    db = sqlite3.connect(tmp_path / "service.db")
    db.execute("ALTER TABLE thaivc_audit RENAME TO thaivc_audit_gone")
    db.commit()
    body = {"credential": credential(id="urn:uuid:audit-lost"), "options": {"format": "vc+jwt"}}
    r = client.post("/credentials/issue", headers=issuer_headers(), json=body)
    assert r.status_code == 503 and r.headers["retry-after"], r.text
    assert "verifiableCredential" not in r.text
    db.execute("ALTER TABLE thaivc_audit_gone RENAME TO thaivc_audit")
    db.commit()
    registered = db.execute("SELECT credential_id FROM thaivc_issued").fetchall()
    assert ("urn:uuid:audit-lost",) not in registered  # its status index is an orphan, for reconcile
    body["credential"] = credential(id="urn:uuid:audit-kept")
    again = client.post("/credentials/issue", headers=issuer_headers(), json=body)
    assert again.status_code == 201, again.text
    assert ("issue", "urn:uuid:audit-kept", "issued") in _audit(client)
