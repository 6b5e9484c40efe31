"""The Thai sub-commands, run in-process against the fakes and once against a loopback GDX."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

import thaivc
from thaivc.cli import main
from thaivc.testing.gdx_server import GdxTestServer, unused_loopback_url

AGENT_ID = "1999900000994"
ENV = ("THAIVC_GDX_URL", "THAIVC_GDX_CONSUMER_KEY", "THAIVC_GDX_CONSUMER_SECRET", "THAIVC_GDX_AGENT_ID")
SOMCHAI = [
    "--citizen-id",
    "1999900001010",
    "--first-name",
    "สมชาย",
    "--last-name",
    "ใจดี",
    "--birth-date-be",
    "25380812",
    "--laser",
    "ZX0-0010000-01",
]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


@pytest.fixture(autouse=True)
def no_gdx_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def agency_key(tmp_path: Path) -> Path:
    path = tmp_path / "agency.jwk.json"
    thaivc.generate_key("Ed25519").save(path)
    return path


@pytest.fixture
def gdx(monkeypatch: pytest.MonkeyPatch) -> Iterator[GdxTestServer]:
    with GdxTestServer() as server:
        monkeypatch.setenv("THAIVC_GDX_URL", server.base_url)
        monkeypatch.setenv("THAIVC_GDX_CONSUMER_KEY", server.consumer_key)
        monkeypatch.setenv("THAIVC_GDX_CONSUMER_SECRET", server.consumer_secret)
        monkeypatch.setenv("THAIVC_GDX_AGENT_ID", AGENT_ID)
        monkeypatch.setenv("THAIVC_GDX_INSECURE_HTTP", "1")
        yield server


# -- id check -------------------------------------------------------------------------------------


def test_id_check_valid_citizen(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "id", "check", "1-9999-00001-01-0")
    assert code == 0
    assert out.startswith("1999900001010: valid")
    assert "first digit 1: Thai, born on or after 1 Jan 1984" in out
    assert "juristic" not in out


def test_id_check_thai_digits_and_juristic_layout(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "id", "check", "๐๙๙๕๕๖๒๐๐๐๐๑๘")
    assert code == 0
    assert "Thai digits were read as ASCII digits" in out and "๙=9" in out
    assert "type digit 5 = private limited company (บริษัทจำกัด)" in out
    assert "registered BE 2562" in out
    assert "does not make the holder a Thai national" in out


@pytest.mark.parametrize(("value", "reason"), [("1999900001011", "expected 0"), ("12345", "not 13 digits")])
def test_id_check_invalid(capsys: pytest.CaptureFixture[str], value: str, reason: str) -> None:
    code, out, _ = run(capsys, "id", "check", value)
    assert code == 1
    assert "INVALID" in out and reason in out


def test_id_check_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "id", "check", "8999900001033", "--json")
    report = json.loads(out)
    assert code == 0 and report["valid"] is True
    assert report["personal"]["first_digit"] == "8"
    assert report["personal"]["likely_thai_national"] is False
    code, out, _ = run(capsys, "id", "check", "8999900001034", "--json")
    assert code == 1 and json.loads(out)["valid"] is False


# -- dopa check -----------------------------------------------------------------------------------


def test_dopa_check_valid(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "dopa", "check", *SOMCHAI)
    assert code == 0
    assert "VALID" in out and "สถานะปกติ" in out and "fake" in out


def test_dopa_check_expired_keeps_dopa_text(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--citizen-id", "3999900001059", "--first-name", "ประเสริฐ", "--last-name", "มั่นคง"]
    code, out, _ = run(
        capsys, "dopa", "check", *args, "--birth-date-be", "25050315", "--laser", "ZX0001000005", "--json"
    )
    result = json.loads(out)
    assert code == 1
    assert result["status"] == "card_invalid" and result["code"] == 2 and result["reason"] == "บัตรหมดอายุ"


def test_dopa_check_bad_input_is_a_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    args = [*SOMCHAI]
    args[args.index("--laser") + 1] = "XYZ"
    code, _out, err = run(capsys, "dopa", "check", *args)
    assert code == 2
    errors = [line for line in err.splitlines() if not line.startswith("ข้อมูลทดสอบ")]  # the sample-data banner
    assert len(errors) == 1 and "thai.laser_invalid" in errors[0]


def test_plain_http_gdx_url_is_refused_without_the_flag(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in zip(ENV, ("http://gdx.example.go.th", "ck", "cs-never-in-clear", AGENT_ID), strict=True):
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("THAIVC_GDX_INSECURE_HTTP", raising=False)
    code, _out, err = run(capsys, "dopa", "check", *SOMCHAI)
    assert code == 2 and "https" in err and "cs-never-in-clear" not in err


def test_dopa_check_against_gdx(capsys: pytest.CaptureFixture[str], gdx: GdxTestServer) -> None:
    code, out, err = run(capsys, "dopa", "check", *SOMCHAI, "--json")
    assert code == 0, err
    assert json.loads(out)["source"] == "gdx"
    assert gdx.count("/ws/dopa/verification/personal") == 1


# -- dbd lookup -----------------------------------------------------------------------------------


def test_dbd_lookup(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "dbd", "lookup", "0995562000018")
    assert code == 0
    assert "บริษัท สยามบัญชี จำกัด" in out
    assert "director: นายสมศักดิ์ ทองคำ" in out
    assert "signing clause: กรรมการสองคนลงลายมือชื่อร่วมกันและประทับตราสำคัญของบริษัท" in out


def test_dbd_lookup_inactive_is_flagged(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "dbd", "lookup", "0995540000091", "--json")
    summary = json.loads(out)
    assert code == 0 and summary["active"] is False and summary["status_th"] == "ร้าง"


def test_dbd_lookup_not_found(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "dbd", "lookup", "0995599000011")
    assert code == 1 and "registry.not_found" in err


# -- configuration and secrets --------------------------------------------------------------------


def test_partial_environment_names_variables_not_values(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("THAIVC_GDX_URL", "http://127.0.0.1:1")
    monkeypatch.setenv("THAIVC_GDX_CONSUMER_SECRET", "very-secret-value")
    code, _, err = run(capsys, "dbd", "lookup", "0995562000018")
    assert code == 2
    assert "THAIVC_GDX_CONSUMER_KEY" in err and "THAIVC_GDX_AGENT_ID" in err
    assert "very-secret-value" not in err


def test_unreachable_gdx_is_indeterminate_and_secret_free(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    config = tmp_path / "gdx.json"
    settings = {
        "url": unused_loopback_url(),
        "consumer_key": "ck-visible-nowhere",
        "consumer_secret": "cs-visible-nowhere",
        "agent_id": AGENT_ID,
        "insecure_http": True,
    }
    config.write_text(json.dumps(settings))
    code, out, err = run(capsys, "dopa", "check", *SOMCHAI, "--config", str(config))
    assert code == 3
    assert "registry.unavailable" in err
    for secret in ("ck-visible-nowhere", "cs-visible-nowhere", AGENT_ID):
        assert secret not in err and secret not in out


def test_wrong_secret_is_refused_without_echoing_it(
    capsys: pytest.CaptureFixture[str], gdx: GdxTestServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("THAIVC_GDX_CONSUMER_SECRET", "wrong-secret-123")
    code, out, err = run(capsys, "dbd", "lookup", "0995562000018")
    assert code == 3 and "registry.rejected" in err  # the registry could not be asked
    assert "wrong-secret-123" not in err + out
    assert gdx.consumer_secret not in err + out


# -- issuing --------------------------------------------------------------------------------------


def test_issue_citizen_and_verify(capsys: pytest.CaptureFixture[str], agency_key: Path, tmp_path: Path) -> None:
    wallet = thaivc.generate_key("Ed25519")
    out_file = tmp_path / "citizen.jwt"
    code, _, err = run(
        capsys,
        "issue-citizen",
        *SOMCHAI,
        "--title",
        "นาย",
        "--subject",
        wallet.did,
        "--key",
        str(agency_key),
        "--out",
        str(out_file),
    )
    assert code == 0, err
    document = thaivc.Verifier().verify(out_file.read_text().strip())
    assert document["credentialSubject"]["citizenId"] == "1999900001010"
    assert document["credentialSubject"]["ial"] == "1.3"
    assert document["credentialSubject"]["id"] == wallet.did


def test_issue_citizen_refused_on_mismatch(capsys: pytest.CaptureFixture[str], agency_key: Path) -> None:
    args = [*SOMCHAI]
    args[args.index("--birth-date-be") + 1] = "25380813"
    code, out, err = run(capsys, "issue-citizen", *args, "--subject", "did:example:x", "--key", str(agency_key))
    assert code == 1
    assert out == ""
    assert "no credential issued: registry.rejected" in err and "ข้อมูลไม่ตรง" in err


def test_issue_citizen_via_gdx_json(capsys: pytest.CaptureFixture[str], agency_key: Path, gdx: GdxTestServer) -> None:
    code, out, err = run(
        capsys, "issue-citizen", *SOMCHAI, "--subject", "did:example:x", "--key", str(agency_key), "--json"
    )
    assert code == 0, err
    result = json.loads(out)
    assert result["ial"] == "1.3"
    assert thaivc.Verifier().verify(result["credential"])["credentialSubject"]["citizenId"] == "1999900001010"


def test_issue_juristic(capsys: pytest.CaptureFixture[str], agency_key: Path) -> None:
    code, out, err = run(capsys, "issue-juristic", "0995562000018", "--key", str(agency_key))
    assert code == 0, err
    subject = thaivc.Verifier().verify(out.strip())["credentialSubject"]
    assert subject["juristicId"] == "0995562000018" and subject["source"] == "dbd:fake"


def test_issue_juristic_refuses_inactive(capsys: pytest.CaptureFixture[str], agency_key: Path) -> None:
    code, out, err = run(capsys, "issue-juristic", "0995549000158", "--key", str(agency_key))
    assert code == 1 and out == ""
    assert "authority.entity_inactive" in err and "ล้มละลาย" in err


def test_issue_with_missing_key_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "issue-juristic", "0995562000018", "--key", str(tmp_path / "none.jwk"))
    assert code == 2 and "not found" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["id", "check", "--help"],
        ["dopa", "check", "--help"],
        ["dbd", "lookup", "--help"],
        ["issue-citizen", "--help"],
        ["issue-juristic", "--help"],
    ],
)
def test_help_has_examples(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(argv)
    out, _ = capsys.readouterr()
    assert done.value.code == 0
    assert "example" in out and "thaivc " in out


def test_issue_citizen_with_an_invalid_id_is_refused_as_invalid(
    capsys: pytest.CaptureFixture[str], agency_key: Path
) -> None:
    """A wrong check digit is an invalid ID (exit 1), the same code as ``id check`` gives it."""
    args = [*SOMCHAI]
    args[args.index("--citizen-id") + 1] = "1999900001011"
    code, out, err = run(capsys, "issue-citizen", *args, "--subject", "did:example:x", "--key", str(agency_key))
    assert code == 1 and out == "" and "INVALID citizen ID" in err


@pytest.mark.parametrize("fmt", ["di", "dc+sd-jwt"])
def test_issue_juristic_in_other_formats(capsys: pytest.CaptureFixture[str], agency_key: Path, fmt: str) -> None:
    """A format this build does not support is a usage error (exit 2), never a half-issued credential."""
    from thaivc.credentials import SUPPORTED_FORMATS

    code, out, err = run(capsys, "issue-juristic", "0995562000018", "--key", str(agency_key), "--format", fmt)
    if fmt in SUPPORTED_FORMATS:
        assert code == 0 and out.strip(), err
    else:
        assert code == 2 and out == "" and "usage.unsupported_format" in err
