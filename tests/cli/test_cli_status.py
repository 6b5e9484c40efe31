"""``thaivc status …`` and ``thaivc issue --status``, run in-process against a temporary SQLite file."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from thaivc import Verifier
from thaivc.cli import main
from thaivc.core.clock import FixedClock
from thaivc.status import MemoryStatusCache, StaticFetcher, StatusChecker

BASE = "https://status.example.go.th/lists"


class Env:
    def __init__(self, tmp_path: Path) -> None:
        self.dir = tmp_path
        self.db = str(tmp_path / "status.db")
        self.key = str(tmp_path / "agency.jwk.json")
        self.cred = tmp_path / "credential.json"
        self.out = tmp_path / "public"

    def credential(self, cid: str) -> Path:
        path = self.dir / f"{cid.rsplit(':', 1)[-1]}.json"
        path.write_text(
            json.dumps(
                {
                    "@context": ["https://www.w3.org/ns/credentials/v2"],
                    "id": cid,
                    "type": ["VerifiableCredential"],
                    "credentialSubject": {"id": "did:example:somchai", "name": "สมชาย ใจดี"},
                },
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
        return path


@pytest.fixture
def env(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Env:
    e = Env(tmp_path)
    assert main(["key", "generate", "--out", e.key]) == 0
    assert main(["status", "create", "--db", e.db, "--key", e.key, "--base-url", BASE]) == 0
    capsys.readouterr()
    return e


def _issue(env: Env, cid: str, *extra: str) -> str:
    out = env.dir / f"{cid.rsplit(':', 1)[-1]}.jwt"
    args = ["issue", str(env.credential(cid)), "--key", env.key, "--status", env.db, "--out", str(out), *extra]
    assert main(args) == 0
    return out.read_text().strip()


def _served(env: Env) -> StaticFetcher:
    """What a web server would serve from the publish directory at BASE."""
    fetcher = StaticFetcher()
    for path in env.out.rglob("*"):
        if path.is_file():
            fetcher.put(f"{BASE}/{path.relative_to(env.out).as_posix()}", path.read_text().strip())
    return fetcher


def _verify(env: Env, secured: Any) -> tuple[str, list[str]]:
    verifier = Verifier(status_checker=StatusChecker(_served(env), cache=MemoryStatusCache()))
    report = verifier.check(secured)
    return report.status, report.codes


def test_issue_publish_revoke_republish(env: Env, capsys: pytest.CaptureFixture[str]) -> None:
    token = _issue(env, "urn:uuid:a1", "--status-purpose", "revocation,suspension")
    assert main(["status", "publish", "--db", env.db, "--key", env.key, "--out", str(env.out)]) == 0
    assert "published 2 list(s)" in capsys.readouterr().out
    assert _verify(env, token) == ("verified", [])
    assert main(["status", "suspend", "urn:uuid:a1", "--db", env.db]) == 0
    assert main(["status", "publish", "--db", env.db, "--key", env.key, "--out", str(env.out)]) == 0
    assert _verify(env, token) == ("failed", ["status.suspended"])
    assert main(["status", "reinstate", "urn:uuid:a1", "--db", env.db]) == 0
    assert main(["status", "revoke", "urn:uuid:a1", "--db", env.db]) == 0
    assert main(["status", "publish", "--db", env.db, "--key", env.key, "--out", str(env.out)]) == 0
    assert _verify(env, token) == ("failed", ["status.revoked"])


def test_issue_sd_jwt_with_status_and_di_lists(env: Env) -> None:
    token = _issue(env, "urn:uuid:s1", "--format", "dc+sd-jwt")
    assert main(["status", "publish", "--db", env.db, "--key", env.key, "--out", str(env.out), "--format", "di"]) == 0
    assert (env.out / "token").is_dir()
    list_file = next(p for p in env.out.iterdir() if p.is_file())
    assert json.loads(list_file.read_text())["proof"]["type"] == "DataIntegrityProof"
    from thaivc import Policy

    verifier = Verifier(Policy(require_key_binding=False), status_checker=StatusChecker(_served(env)))
    assert verifier.check(token).status == "verified"


def test_show_prints_entries_and_state(env: Env, capsys: pytest.CaptureFixture[str]) -> None:
    _issue(env, "urn:uuid:b2", "--status-purpose", "revocation,suspension")
    assert main(["status", "suspend", "urn:uuid:b2", "--db", env.db]) == 0
    capsys.readouterr()
    assert main(["status", "show", "urn:uuid:b2", "--db", env.db]) == 0
    text = capsys.readouterr().out
    assert "revocation  valid" in text and "suspension  SUSPENDED" in text
    assert main(["status", "show", "urn:uuid:b2", "--db", env.db, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert [(e["purpose"], e["value"]) for e in shown["entries"]] == [("revocation", 0), ("suspension", 1)]
    assert all(e["url"].startswith(BASE + "/") for e in shown["entries"])


def test_revoke_from_csv(env: Env, capsys: pytest.CaptureFixture[str]) -> None:
    ids = [f"urn:uuid:c{i}" for i in range(3)]
    for cid in ids:
        _issue(env, cid)
    csv_file = env.dir / "revoked.csv"
    csv_file.write_text("credential_id,reason\n" + "".join(f"{cid},lost card\n" for cid in ids[:2]) + "\n")
    capsys.readouterr()
    assert main(["status", "revoke", "--from-csv", str(csv_file), "--db", env.db]) == 0
    assert "2 credential(s) revoked, 0 already revoked" in capsys.readouterr().out
    states = []
    for cid in ids:
        assert main(["status", "show", cid, "--db", env.db, "--json"]) == 0
        states.append(json.loads(capsys.readouterr().out)["entries"][0]["state"])
    assert states == ["REVOKED", "REVOKED", "valid"]


def test_revoke_from_csv_with_an_unknown_id_fails_in_one_line(env: Env, capsys: pytest.CaptureFixture[str]) -> None:
    _issue(env, "urn:uuid:d1")
    csv_file = env.dir / "bad.csv"
    csv_file.write_text("urn:uuid:d1\nurn:uuid:never-issued\n")
    capsys.readouterr()
    assert main(["status", "revoke", "--from-csv", str(csv_file), "--db", env.db]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nothing was changed" in err
    assert "urn:uuid:never-issued" in err and "bad.csv row 2" in err  # the offending id and its row
    assert main(["status", "show", "urn:uuid:d1", "--db", env.db, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["entries"][0]["state"] == "valid"  # the batch was atomic


def test_progress_bar_only_on_a_terminal(
    env: Env, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import thaivc.cli.status as status_cli

    monkeypatch.setattr(status_cli, "CSV_BATCH", 2)
    ids = [f"urn:uuid:p{i}" for i in range(5)]
    for cid in ids:
        _issue(env, cid)
    csv_file = env.dir / "many.csv"
    csv_file.write_text("\n".join(ids) + "\n")

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    capsys.readouterr()
    terminal = Terminal()
    monkeypatch.setattr("sys.stdout", terminal)
    assert main(["status", "revoke", "--from-csv", str(csv_file), "--db", env.db]) == 0
    assert "5/5" in terminal.getvalue()  # the bar's completed count

    quiet = Terminal()
    monkeypatch.setattr("sys.stdout", quiet)
    assert main(["status", "revoke", "--from-csv", str(csv_file), "--db", env.db, "--quiet"]) == 0
    assert "5/5" not in quiet.getvalue() and "5 already revoked" in quiet.getvalue()

    piped = io.StringIO()
    monkeypatch.setattr("sys.stdout", piped)
    assert main(["status", "revoke", "--from-csv", str(csv_file), "--db", env.db]) == 0
    assert "5/5" not in piped.getvalue()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["status", "revoke", "urn:uuid:x", "--db", "{dir}/missing.db"], "no status database"),
        (["status", "revoke", "urn:uuid:never", "--db", "{db}"], "no revocation entry"),
        (["status", "show", "urn:uuid:never", "--db", "{db}"], "has no status entry"),
        (["status", "revoke", "--db", "{db}"], "name the credentials"),
        (["status", "create", "--db", "{db}", "--issuer", "did:example:other", "--base-url", BASE], "belongs to"),
        (["status", "create", "--db", "{dir}/n.db", "--issuer", "did:example:x", "--base-url", "ftp://x"], "https"),
    ],
)
def test_errors_are_one_line(env: Env, capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    argv = [a.format(dir=env.dir, db=env.db) for a in args]
    assert main(argv) != 0
    err = capsys.readouterr().err
    assert err.startswith("thaivc: error: ") and err.count("\n") == 1 and message in err


def test_publish_refuses_another_issuers_key(env: Env, capsys: pytest.CaptureFixture[str]) -> None:
    other = str(env.dir / "other.jwk.json")
    assert main(["key", "generate", "--out", other]) == 0
    capsys.readouterr()
    assert main(["status", "publish", "--db", env.db, "--key", other, "--out", str(env.out)]) == 2
    assert "is not the key of" in capsys.readouterr().err


def test_help_has_examples(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["status", "--help"], ["status", "revoke", "--help"], ["status", "publish", "--help"]):
        with pytest.raises(SystemExit) as done:
            main(argv)
        assert done.value.code == 0
        assert "example" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["issue", "--help"])
    assert "--status DB" in capsys.readouterr().out


def test_issue_without_status_is_unchanged(env: Env, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["issue", str(env.credential("urn:uuid:plain")), "--key", env.key]) == 0
    token = capsys.readouterr().out.strip()
    report = Verifier(clock=FixedClock.at("2030-01-01T00:00:00Z")).check(token)
    assert report.check("status") is not None and report.check("status").status == "skip"  # type: ignore[union-attr]
