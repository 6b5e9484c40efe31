"""Group L (2026 review), issuance: what thaivc signs is what thaivc would verify, and is revocable.

Items 11 (revocable by default), 14 (issue only what you would verify) and 17 (the SD-JWT disclosed
view is schema-checked). Each attack is played through the public API; the exact problem code is
asserted.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import thaivc
from thaivc.authorization.scenario import DEMO_COMPANY, World
from thaivc.cli import main
from thaivc.core.clock import FixedClock
from thaivc.core.errors import ThaiVCError
from thaivc.credentials import (
    CITIZEN_SCHEMA,
    THAIVC_V1,
    CardData,
    citizen_credential,
    issue_juristic,
    juristic_credential,
    proof_citizen,
)
from thaivc.delegation import delegation_credential, parse_delegation, sign_as_director
from thaivc.engine.issuer import Issuer
from thaivc.keys import PrivateKey
from thaivc.registries import FakeDbd, FakeDopa
from thaivc.sdjwt import issue_sd_jwt
from thaivc.status import SqliteStatusStore, StatusRegistry
from thaivc.thai import ThaiName, parse_be_date

from .conftest import NOW_ISO, V2, VERIFIER_DOMAIN

STATUS_BASE = "https://status.example.go.th/lists"
SOMCHAI_CARD = CardData(
    "1999900001010", ThaiName(title_th="นาย", given_th="สมชาย", family_th="ใจดี"), "25380812", "ZX0001000001"
)
FORMATS = ("vc+jwt", "di", "dc+sd-jwt")
COMPANY_NAME = "บริษัท สยามบัญชี จำกัด"


@pytest.fixture
def agency() -> PrivateKey:
    return thaivc.generate_key("Ed25519")


@pytest.fixture
def issuer(agency: PrivateKey, clock: FixedClock) -> Issuer:
    return Issuer(agency, clock=clock)


@pytest.fixture
def registry(tmp_path: Path, issuer: Issuer, clock: FixedClock) -> Iterator[StatusRegistry]:
    store = SqliteStatusStore(tmp_path / "status.db")
    yield StatusRegistry(store, base_url=STATUS_BASE, issuer_id=issuer.issuer_id, clock=clock)


def citizen(subject: str) -> dict[str, Any]:
    from thaivc.credentials import CitizenPerson

    person = CitizenPerson("1999900001010", ThaiName(given_th="สมชาย", family_th="ใจดี"), parse_be_date("25380812"))
    return citizen_credential(subject, person, ial="1.3")


def verify_any(clock: FixedClock, holder: PrivateKey, secured: Any, *, disclose: list[str] | None = None) -> Any:
    """Verify as a relying party would: an SD-JWT is presented by its holder with key binding."""
    verifier = thaivc.Verifier(clock=clock)
    if isinstance(secured, str) and "~" in secured:
        challenge = thaivc.new_challenge()
        shown = thaivc.Holder(holder, clock=clock).present(
            [secured], disclose=disclose or [], challenge=challenge, domain=VERIFIER_DOMAIN
        )
        return verifier.check(shown, challenge=challenge, domain=VERIFIER_DOMAIN)
    return verifier.check(secured)


def signed_claims(secured: Any) -> dict[str, Any]:
    """What the issuer signed: the DI document, or the payload of the (issuer-signed) JWT."""
    if isinstance(secured, dict):
        return secured
    return _payload(secured.split("~", 1)[0])


def refused(code: str, call: Any, *args: Any, **kwargs: Any) -> ThaiVCError:
    with pytest.raises(ThaiVCError) as info:
        call(*args, **kwargs)
    assert info.value.code == code, (info.value.code, info.value.detail)
    return info.value


# == item 11: revocable by default =================================================================


@pytest.mark.parametrize("fmt", FORMATS)
def test_l11_proof_citizen_takes_a_status_registry(
    fmt: str, issuer: Issuer, registry: StatusRegistry, wallet_key: PrivateKey, clock: FixedClock
) -> None:
    result = proof_citizen(
        SOMCHAI_CARD, dopa=FakeDopa(clock=clock), issuer=issuer, subject_did=wallet_key.did, format=fmt,
        status=registry,
    )
    assert result.ok, result.problems
    credential_id = (result.document or {})["id"]  # the caller learns the id it will revoke by
    signed = signed_claims(result.credential)
    assert signed["id"] == credential_id
    if fmt == "dc+sd-jwt":
        assert signed["status"] == registry.entry_for(credential_id, "revocation", format="ietf")
    else:
        assert signed["credentialStatus"] == registry.entry_for(credential_id, "revocation")
    assert [info.list_id for info in registry.lists()]  # the index was allocated in the registry


@pytest.mark.parametrize("fmt", ["vc+jwt", "di"])
def test_l11_issue_juristic_takes_a_status_registry_with_purposes(
    fmt: str, issuer: Issuer, registry: StatusRegistry
) -> None:
    issued = issue_juristic(
        "0995562000018", dbd=FakeDbd(), issuer=issuer, format=fmt, status=(registry, ["revocation", "suspension"])
    )
    signed = signed_claims(issued.credential)
    assert signed["id"] == issued.document["id"]
    assert [e["statusPurpose"] for e in signed["credentialStatus"]] == ["revocation", "suspension"]


def test_l11_status_registry_of_another_issuer_is_refused(issuer: Issuer, tmp_path: Path, clock: FixedClock) -> None:
    other = StatusRegistry(
        SqliteStatusStore(tmp_path / "other.db"), base_url=STATUS_BASE, issuer_id="did:web:other.example", clock=clock
    )
    refused("usage.invalid_argument", issue_juristic, "0995562000018", dbd=FakeDbd(), issuer=issuer, status=other)
    result = proof_citizen(
        SOMCHAI_CARD, dopa=FakeDopa(clock=clock), issuer=issuer, subject_did="did:example:x", status=other
    )
    assert not result.ok and result.problems[0].code == "usage.invalid_argument"


def test_l11_delegation_credential_takes_a_status_registry(tmp_path: Path) -> None:
    world = World()
    attorney, director = world.person("somying"), world.person("somsak")
    # the company has no key: its revocation list is run by a status service under its own DID
    service = thaivc.generate_key("Ed25519")
    registry = StatusRegistry(
        SqliteStatusStore(tmp_path / "poa.db"), base_url=STATUS_BASE, issuer_id=service.did, clock=world.clock
    )
    doc = delegation_credential(
        grantor_id=DEMO_COMPANY, grantor_name_th=COMPANY_NAME, attorney_did=attorney.did,
        attorney_citizen_id=attorney.citizen_id, acts=["tax_filing"], valid_from=world.iso(),
        valid_until=world.iso(365), status=registry,
    )
    assert doc["credentialStatus"] == registry.entry_for(doc["id"], "revocation")
    signed = sign_as_director(doc, director.key, clock=world.clock)
    assert parse_delegation(signed).id == doc["id"]
    # a ready entry and a registry at once: which one was meant?
    refused(
        "usage.invalid_argument", delegation_credential,
        grantor_id=DEMO_COMPANY, grantor_name_th=COMPANY_NAME, attorney_did=attorney.did,
        attorney_citizen_id=attorney.citizen_id, acts=["tax_filing"], valid_from=world.iso(),
        status=registry, credential_status=world.revocations.allocate(),
    )


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    for name in ("THAIVC_GDX_URL", "THAIVC_GDX_CONSUMER_KEY", "THAIVC_GDX_CONSUMER_SECRET", "THAIVC_GDX_AGENT_ID"):
        monkeypatch.delenv(name, raising=False)
    key = tmp_path / "agency.jwk.json"
    thaivc.generate_key("Ed25519").save(key)
    db = str(tmp_path / "status.db")
    assert main(["status", "create", "--db", db, "--key", str(key), "--base-url", STATUS_BASE]) == 0
    return {"key": str(key), "db": db, "out": str(tmp_path / "out.json")}


def _payload(text: str) -> dict[str, Any]:
    from thaivc.core.b64 import b64url_decode

    value: dict[str, Any] = json.loads(b64url_decode(text.strip().split(".")[1]))
    return value


def test_l11_cli_issue_citizen_and_juristic_take_status(
    cli_env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    citizen_args = ["--citizen-id", "1999900001010", "--first-name", "สมชาย", "--last-name", "ใจดี",
                    "--birth-date-be", "25380812", "--laser", "ZX0-0010000-01", "--subject", "did:example:x"]
    assert main(["issue-citizen", *citizen_args, "--key", cli_env["key"], "--status", cli_env["db"],
                 "--out", cli_env["out"]]) == 0
    entry = _payload(Path(cli_env["out"]).read_text())["credentialStatus"]
    assert entry["statusPurpose"] == "revocation" and entry["statusListCredential"].startswith(STATUS_BASE)
    assert main(["issue-juristic", "0995562000018", "--key", cli_env["key"], "--status", cli_env["db"],
                 "--status-purpose", "revocation,suspension", "--out", cli_env["out"]]) == 0
    entries = _payload(Path(cli_env["out"]).read_text())["credentialStatus"]
    assert [e["statusPurpose"] for e in entries] == ["revocation", "suspension"]
    capsys.readouterr()


def test_l11_cli_delegate_takes_status_and_never_means_forever(
    cli_env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    world = World()
    attorney = world.person("somying")
    base = ["delegate", "--grantor", DEMO_COMPANY, "--attorney", attorney.did, "--attorney-id", attorney.citizen_id,
            "--acts", "tax_filing", "--valid-from", "2026-06-01T00:00:00Z", "--out", cli_env["out"]]
    assert main([*base, "--status", cli_env["db"]]) == 0
    err = capsys.readouterr().err
    doc = json.loads(Path(cli_env["out"]).read_text())
    assert doc["credentialStatus"]["statusPurpose"] == "revocation"
    # no --valid-until: one year, and the command says so
    assert doc["validUntil"] == "2027-06-01T00:00:00Z"
    assert "2027-06-01T00:00:00Z" in err and "default: one year" in err and "--valid-until" in err
    assert main([*base, "--valid-until", "2026-09-01T00:00:00Z"]) == 0
    assert json.loads(Path(cli_env["out"]).read_text())["validUntil"] == "2026-09-01T00:00:00Z"
    assert "default" not in capsys.readouterr().err


# == item 14: issue only what you would verify ======================================================


def _plain(subject: str, **extra: Any) -> dict[str, Any]:
    return {"@context": [V2], "type": ["VerifiableCredential"], "credentialSubject": {"id": subject}, **extra}


@pytest.mark.parametrize("fmt", FORMATS)
def test_l14_issuer_null_is_refused_not_filled_in(fmt: str, issuer: Issuer, wallet_key: PrivateKey) -> None:
    err = refused("usage.invalid_argument", issuer.issue, _plain(wallet_key.did, issuer=None), format=fmt)
    assert "issuer" in err.detail
    refused("usage.invalid_argument", issuer.issue, _plain(wallet_key.did, issuer={"id": None}), format=fmt)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "member", [{"validUntil": "2569-01-01T00:00:00Z"}, {"validFrom": "2569-01-01T00:00:00Z"}],
    ids=["validUntil", "validFrom"],
)
def test_l14_buddhist_era_year_is_refused_at_issuance(
    fmt: str, member: dict[str, str], issuer: Issuer, wallet_key: PrivateKey
) -> None:
    refused("time.implausible_year", issuer.issue, _plain(wallet_key.did, **member), format=fmt)


def test_l14_buddhist_era_year_is_refused_in_every_issuance_path(issuer: Issuer, wallet_key: PrivateKey) -> None:
    doc = _plain(wallet_key.did, issuer=issuer.issuer_id, validFrom=NOW_ISO, validUntil="2569-01-01T00:00:00Z")
    refused("time.implausible_year", issuer.add_proof, doc)  # a co-signature is an issuance too
    refused("time.implausible_year", citizen_credential, "did:example:x", _person(), ial="1.3",
            valid_until="2570-01-01T00:00:00Z")
    refused("time.implausible_year", delegation_credential, grantor_id=DEMO_COMPANY, grantor_name_th=COMPANY_NAME,
            attorney_did="did:example:a", attorney_citizen_id="1999900001010", acts=["tax_filing"],
            valid_from=NOW_ISO, valid_until="2569-06-01T00:00:00Z")


def _person() -> Any:
    from thaivc.credentials import CitizenPerson

    return CitizenPerson("1999900001010", ThaiName(given_th="สมชาย", family_th="ใจดี"), parse_be_date("25380812"))


def _incomplete_citizen(subject: str, *, schema: bool) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@context": [V2, THAIVC_V1],
        "type": ["VerifiableCredential", "ThaiCitizenCredential"],
        "credentialSubject": {"id": subject, "givenNameTh": "สมชาย"},
    }
    if schema:
        doc["credentialSchema"] = {"id": CITIZEN_SCHEMA, "type": "JsonSchema"}
    return doc


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("schema", [True, False], ids=["names-schema", "no-schema"])
def test_l14_thaivc_type_missing_required_fields_is_refused(
    fmt: str, schema: bool, issuer: Issuer, wallet_key: PrivateKey
) -> None:
    # thaivc's own types are held to their schema always, whether the document names it or not
    refused("schema.invalid", issuer.issue, _incomplete_citizen(wallet_key.did, schema=schema), format=fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_l14_a_named_schema_is_checked_for_any_type(fmt: str, issuer: Issuer, wallet_key: PrivateKey) -> None:
    doc = _plain(wallet_key.did, credentialSchema={"id": CITIZEN_SCHEMA, "type": "JsonSchema"})
    refused("schema.invalid", issuer.issue, doc, format=fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_l14_context_not_allowed_is_refused_for_every_format(
    fmt: str, issuer: Issuer, wallet_key: PrivateKey
) -> None:
    doc = _plain(wallet_key.did)
    doc["@context"] = [V2, "https://contexts.attacker.example/v1"]
    refused("di.context_not_allowed", issuer.issue, doc, format=fmt)
    doc["@context"] = [V2, {"@vocab": "https://attacker.example/#"}]
    refused("di.vocab_not_allowed", issuer.issue, doc, format=fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_l14_what_is_issued_verifies(
    fmt: str, issuer: Issuer, registry: StatusRegistry, wallet_key: PrivateKey, clock: FixedClock
) -> None:
    secured = issuer.issue(citizen(wallet_key.did), format=fmt, status=registry)
    report = verify_any(clock, wallet_key, secured)
    assert report.status != "failed", report.to_json()
    schema = report.check("schema")
    assert schema is not None and schema.status == "pass"


def test_l14_cli_issue_refuses_issuer_null(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key = tmp_path / "agency.jwk.json"
    thaivc.generate_key("Ed25519").save(key)
    cred = tmp_path / "cred.json"
    cred.write_text(json.dumps(_plain("did:example:x", issuer=None)))
    assert main(["issue", str(cred), "--key", str(key)]) == 2
    assert "usage.invalid_argument" in capsys.readouterr().err
    cred.write_text(json.dumps(_plain("did:example:x", validUntil="2569-01-01T00:00:00Z")))
    assert main(["issue", str(cred), "--key", str(key)]) == 1
    assert "time.implausible_year" in capsys.readouterr().err


# == item 17: the SD-JWT disclosed view is schema-checked ===========================================


def _forged_sd_jwt(issuer_key: PrivateKey, holder: PrivateKey, doc: dict[str, Any], disclosable: list[str]) -> str:
    """An SD-JWT VC signed by a genuine key, but not through thaivc's Issuer (no issuance checks)."""
    claims = dict(doc, iss=issuer_key.did, iat=int(FixedClock.at(NOW_ISO).now()), vct="ThaiCitizenCredential")
    claims.setdefault("issuer", issuer_key.did)
    claims.setdefault("validFrom", NOW_ISO)
    return issue_sd_jwt(claims, disclosable=disclosable, signer=issuer_key, holder_jwk=holder.public_jwk)


def test_l17_sd_jwt_missing_required_fields_fails_schema(
    agency: PrivateKey, wallet_key: PrivateKey, clock: FixedClock
) -> None:
    sd = _forged_sd_jwt(agency, wallet_key, _incomplete_citizen(wallet_key.did, schema=True), [])
    report = verify_any(clock, wallet_key, sd)
    assert report.status == "failed" and "schema.invalid" in report.codes, report.to_json()


def test_l17_disclosed_value_of_the_wrong_type_fails_schema(
    agency: PrivateKey, wallet_key: PrivateKey, clock: FixedClock
) -> None:
    doc = citizen(wallet_key.did)
    doc["credentialSubject"]["titleTh"] = 42  # an optional claim, of the wrong type, hidden in a disclosure
    sd = _forged_sd_jwt(agency, wallet_key, doc, ["/credentialSubject/titleTh"])
    report = verify_any(clock, wallet_key, sd, disclose=["/credentialSubject/titleTh"])
    assert report.status == "failed" and "schema.invalid" in report.codes, report.to_json()
    # withheld, the same credential shows a valid view
    assert verify_any(clock, wallet_key, sd).ok


def test_l17_withheld_personal_claim_is_required_only_when_disclosed(
    agency: PrivateKey, wallet_key: PrivateKey, clock: FixedClock
) -> None:
    # "checked when disclosed": the citizen ID may be withheld; the view then lacks it and passes
    sd = _forged_sd_jwt(agency, wallet_key, citizen(wallet_key.did), ["/credentialSubject/citizenId"])
    report = verify_any(clock, wallet_key, sd)
    assert report.ok, report.to_json()
    assert report.document is not None and "citizenId" not in report.document["credentialSubject"]
    assert report.check("schema").status == "pass"  # type: ignore[union-attr]
    shown = verify_any(clock, wallet_key, sd, disclose=["/credentialSubject/citizenId"])
    assert shown.ok and shown.document is not None and "citizenId" in shown.document["credentialSubject"]


def test_l17_disclosed_malformed_required_claim_fails_schema(
    agency: PrivateKey, wallet_key: PrivateKey, clock: FixedClock
) -> None:
    doc = citizen(wallet_key.did)
    doc["credentialSubject"]["citizenId"] = "1234567890123"  # 13 digits, wrong check digit
    doc["credentialSubject"]["birthDate"] = 19950812  # not a date string
    sd = _forged_sd_jwt(agency, wallet_key, doc, ["/credentialSubject/citizenId", "/credentialSubject/birthDate"])
    for disclose in (["/credentialSubject/citizenId"], ["/credentialSubject/birthDate"]):
        report = verify_any(clock, wallet_key, sd, disclose=disclose)
        assert report.status == "failed" and "schema.invalid" in report.codes, report.to_json()


@pytest.mark.parametrize("pointer", ["/credentialSubject/ial", "/credentialSubject", "/issuer", "/validFrom"])
def test_l17_a_forged_withheld_mandatory_claim_is_refused(
    pointer: str, agency: PrivateKey, wallet_key: PrivateKey, clock: FixedClock
) -> None:
    # an issuer other than thaivc made a claim disclosable that fixes what the credential is
    doc = citizen(wallet_key.did)
    doc.setdefault("issuer", agency.did)
    doc.setdefault("validFrom", NOW_ISO)
    sd = _forged_sd_jwt(agency, wallet_key, doc, [pointer])
    report = verify_any(clock, wallet_key, sd)
    assert report.status == "failed", report.to_json()
    assert {"schema.invalid", "sdjwt.mandatory_withheld"} & set(report.codes), report.to_json()


@pytest.mark.parametrize(
    "pointer", ["/credentialSubject/ial", "/credentialSubject/id", "/credentialSubject", "/type/1", "/type",
                "/credentialSchema", "/@context/1", "/issuer", "/validFrom"],
)
def test_l17_issuer_refuses_to_make_a_mandatory_claim_disclosable(
    pointer: str, issuer: Issuer, wallet_key: PrivateKey
) -> None:
    err = refused("usage.invalid_argument", issuer.issue, citizen(wallet_key.did), format="dc+sd-jwt",
                  disclosable=[pointer])
    assert "schema" in err.detail


def test_l17_personal_claims_are_disclosable(issuer: Issuer, wallet_key: PrivateKey, clock: FixedClock) -> None:
    personal = ["/credentialSubject/citizenId", "/credentialSubject/birthDate", "/credentialSubject/givenNameTh",
                "/credentialSubject/familyNameTh"]
    sd = issuer.issue(citizen(wallet_key.did), format="dc+sd-jwt", disclosable=personal)
    report = verify_any(clock, wallet_key, sd, disclose=["/credentialSubject/givenNameTh"])
    assert report.ok, report.to_json()
    assert report.document is not None
    subject = report.document["credentialSubject"]
    assert "givenNameTh" in subject and "ial" in subject
    assert not {"citizenId", "birthDate", "familyNameTh"} & set(subject)


def test_l17_optional_claims_stay_disclosable(issuer: Issuer, wallet_key: PrivateKey, clock: FixedClock) -> None:
    person = citizen(wallet_key.did)
    person["credentialSubject"]["titleTh"] = "นาย"
    sd = issuer.issue(person, format="dc+sd-jwt", disclosable=["/credentialSubject/titleTh"])
    for disclose in ([], ["/credentialSubject/titleTh"]):
        report = verify_any(clock, wallet_key, sd, disclose=disclose)
        assert report.ok, report.to_json()
        schema = report.check("schema")
        assert schema is not None and schema.status == "pass"


def test_l17_juristic_directors_stay_disclosable(issuer: Issuer, wallet_key: PrivateKey, clock: FixedClock) -> None:
    """An optional member of a thaivc type (not required by its schema) may be withheld."""
    doc = juristic_credential(FakeDbd().lookup("0995562000018"), retrieved_at=clock.now(), source="dbd:fake",
                              subject_did=wallet_key.did)
    optional = sorted(set(doc["credentialSubject"]) - _required_subject_claims(doc) - {"id"})
    assert optional, "the juristic schema has optional subject claims"
    pointers = [f"/credentialSubject/{name}" for name in optional]
    sd = issuer.issue(doc, format="dc+sd-jwt", disclosable=pointers)
    report = verify_any(clock, wallet_key, sd)
    assert report.ok, report.to_json()


def _required_subject_claims(doc: dict[str, Any]) -> set[str]:
    from thaivc.credentials import load_schema

    schema = load_schema(doc["credentialSchema"]["id"])
    subject = schema["properties"]["credentialSubject"]
    return set(subject.get("required", []))


def test_l14_cli_proof_add_refuses_what_no_verifier_accepts(
    tmp_path: Path, issuer: Issuer, wallet_key: PrivateKey, capsys: pytest.CaptureFixture[str]
) -> None:
    """A co-signer on the command line gets the issuance checks too (here: a Buddhist-Era year)."""
    signed = issuer.issue(_plain(wallet_key.did), format="di", cryptosuite="eddsa-jcs-2022")
    signed["validUntil"] = "2569-01-01T00:00:00Z"  # invalidates the first proof, and is implausible
    document = tmp_path / "signed.json"
    document.write_text(json.dumps(signed))
    key = tmp_path / "cosigner.jwk.json"
    thaivc.generate_key("Ed25519").save(key)
    assert main(["proof", "add", str(document), "--key", str(key)]) == 1
    assert "time.implausible_year" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", FORMATS)
def test_l14_every_own_type_is_held_to_its_schema(
    fmt: str, issuer: Issuer, wallet_key: PrivateKey, clock: FixedClock
) -> None:
    company = juristic_credential(FakeDbd().lookup("0995562000018"), retrieved_at=clock.now(), source="dbd:fake",
                                  subject_did=wallet_key.did)
    del company["credentialSubject"]["directors"]  # a company credential that binds no director
    refused("schema.invalid", issuer.issue, company, format=fmt)
    delegation = delegation_credential(
        grantor_id=DEMO_COMPANY, grantor_name_th=COMPANY_NAME, attorney_did=wallet_key.did,
        attorney_citizen_id="1999900001010", acts=["tax_filing"], valid_from=NOW_ISO, issuer=issuer.issuer_id,
    )
    delegation["credentialSubject"]["scope"]["acts"] = "everything"  # no longer a list of act tags
    refused("schema.invalid", issuer.issue, delegation, format=fmt)
