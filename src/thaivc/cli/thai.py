"""Thai sub-commands: ``id check``, ``dopa check``, ``dbd lookup``, ``issue-citizen``, ``issue-juristic``.

Registries are the built-in fakes (synthetic people and companies) unless GDX is configured, by
environment (``THAIVC_GDX_URL``, ``THAIVC_GDX_CONSUMER_KEY``, ``THAIVC_GDX_CONSUMER_SECRET``,
``THAIVC_GDX_AGENT_ID``) or by ``--config FILE`` (a JSON object with ``url``, ``consumer_key``,
``consumer_secret``, ``agent_id``). The URL must be https (the consumer secret travels in its
query string); ``THAIVC_GDX_INSECURE_HTTP=1`` or ``"insecure_http": true`` allows http, for a
loopback test server only. Secrets are never printed: every message that leaves a command
is scrubbed of the configured key, secret and agent ID first.

Exit codes: 0 valid / issued, 1 invalid / refused, 2 usage error, 3 the registry could not be asked.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Final

from thaivc.cli._common import (
    EXIT_FAILED,
    EXIT_INDETERMINATE,
    EXIT_OK,
    EXIT_USAGE,
    CliError,
    add_command,
    add_json_flag,
    add_key_option,
    add_out_option,
    fold_id,
    load_signing_key,
    print_json,
    read_json_file,
    write_output,
)
from thaivc.cli.status import add_status_options, issuing_status
from thaivc.core.errors import Indeterminate, InputError, ThaiVCError, UsageError

__all__ = ["GdxSettings", "gdx_settings", "register_thai"]

ENV_URL: Final = "THAIVC_GDX_URL"
ENV_KEY: Final = "THAIVC_GDX_CONSUMER_KEY"
ENV_SECRET: Final = "THAIVC_GDX_CONSUMER_SECRET"  # noqa: S105 - a variable name, not a secret
ENV_AGENT: Final = "THAIVC_GDX_AGENT_ID"
ENV_INSECURE: Final = "THAIVC_GDX_INSECURE_HTTP"
FORMATS: Final = ("vc+jwt", "di", "dc+sd-jwt")
_THAI_DIGITS: Final = frozenset("๐๑๒๓๔๕๖๗๘๙")
#: Said before any answer from the built-in sample registries: test data, not DOPA's or DBD's.
FAKE_BANNER: Final = "ข้อมูลทดสอบ — not DOPA/DBD (built-in sample data)"
#: Problem areas that mean the command line itself was wrong (exit 2), not a registry verdict.
_INPUT_AREAS: Final = ("thai.", "text.", "usage.")

CONFIG_HELP = f"""\
registries:
  Without configuration the built-in fakes answer (synthetic data, for trying things out).
  To ask DGA GDX instead, set {ENV_URL}, {ENV_KEY}, {ENV_SECRET} and {ENV_AGENT}
  (the responsible officer's citizen ID), or pass --config FILE with a JSON object
  {{"url": ..., "consumer_key": ..., "consumer_secret": ..., "agent_id": ...}}.
  The URL must be https; {ENV_INSECURE}=1 (or "insecure_http": true) allows http
  for a loopback test server. Secrets are never printed.
"""


@dataclass(frozen=True)
class GdxSettings:
    """Where GDX is and how to authenticate. ``repr`` hides the secrets."""

    url: str
    consumer_key: str
    consumer_secret: str
    agent_id: str
    #: allow an ``http://`` URL (a loopback test server); the secret would travel in clear
    insecure_http: bool = False

    def __repr__(self) -> str:
        return f"GdxSettings(url={self.url!r}, consumer_key='***', consumer_secret='***', agent_id='***')"

    def scrub(self, text: str) -> str:
        for secret in (self.consumer_secret, self.consumer_key, self.agent_id):
            if secret:
                text = text.replace(secret, "***")
        return text


def gdx_settings(config: str | None, environ: dict[str, str] | None = None) -> GdxSettings | None:
    """GDX settings from ``--config FILE`` or the environment; ``None`` means "use the fakes"."""
    env = dict(os.environ if environ is None else environ)
    if config is not None:
        data = read_json_file(config, what="GDX configuration")
        if not isinstance(data, dict):
            raise CliError("the GDX configuration must be a JSON object")
        names = {
            "url": "url",
            "consumer_key": "consumer_key",
            "consumer_secret": "consumer_secret",
            "agent_id": "agent_id",
        }
        values = {field: data.get(key) for field, key in names.items()}
        insecure = data.get("insecure_http", False) is True
        where = f"in {config}"
    else:
        names = {"url": ENV_URL, "consumer_key": ENV_KEY, "consumer_secret": ENV_SECRET, "agent_id": ENV_AGENT}
        values = {field: env.get(var) for field, var in names.items()}
        if not any(values.values()):
            return None
        insecure = env.get(ENV_INSECURE, "") == "1"
        where = "in the environment"
    missing = [names[field] for field, value in values.items() if not isinstance(value, str) or not value]
    if missing:
        raise CliError(f"GDX is partly configured {where}: missing {', '.join(missing)}")
    return GdxSettings(**{k: str(v) for k, v in values.items()}, insecure_http=insecure)


@contextmanager
def _registries(config: str | None) -> Iterator[tuple[Any, Any, GdxSettings | None]]:
    """``(dopa, dbd, settings)``: the fakes, or GDX clients sharing one session."""
    settings = gdx_settings(config)
    if settings is None:
        from thaivc.registries import FakeDbd, FakeDopa

        # on standard error, so that --json output stays one JSON document
        print(f"{FAKE_BANNER}: no GDX configured (--config or THAIVC_GDX_*)", file=sys.stderr)
        yield FakeDopa(), FakeDbd(), None
        return
    from thaivc.registries import GdxDbdClient, GdxDopaClient, GdxSession

    try:
        session = GdxSession(
            settings.url,
            settings.consumer_key,
            settings.consumer_secret,
            settings.agent_id,
            insecure=settings.insecure_http,
        )
    except ThaiVCError as err:
        raise CliError(f"GDX configuration refused: {settings.scrub(err.detail)}") from None
    try:
        yield GdxDopaClient.from_session(session), GdxDbdClient.from_session(session), settings
    finally:
        session.close()


def _fail(err: ThaiVCError, settings: GdxSettings | None, what: str) -> CliError:
    detail = settings.scrub(err.detail) if settings is not None else err.detail
    if isinstance(err, Indeterminate):
        code = EXIT_INDETERMINATE
    elif isinstance(err, InputError | UsageError):  # malformed input or options: nothing was asked
        code = EXIT_USAGE
    else:
        code = EXIT_FAILED
    return CliError(f"{what}: {err.code}: {detail}", exit_code=code)


# -- id check -------------------------------------------------------------------------------------


def describe_id(text: str) -> dict[str, Any]:
    """What a 13-digit number means, for people: validity, first digit, juristic layout."""
    from thaivc.thai import CITIZEN_ID_CATEGORIES, check_digit, juristic_type_from_code, normalize_id

    report: dict[str, Any] = {"input": text}
    used_thai = sorted({ch for ch in text if ch in _THAI_DIGITS})
    if used_thai:
        report["note"] = (
            "Thai digits were read as ASCII digits ("
            + ", ".join(f"{ch}={'๐๑๒๓๔๕๖๗๘๙'.index(ch)}" for ch in used_thai)
            + ")"
        )
    try:
        digits = normalize_id(text)
    except ThaiVCError as err:
        report.update(valid=False, reason=err.detail)
        return report
    expected = check_digit(digits[:12])
    report["id"] = digits
    report["valid"] = expected == int(digits[12])
    if not report["valid"]:
        report["reason"] = f"check digit is {digits[12]}, expected {expected}"
        return report
    category = CITIZEN_ID_CATEGORIES.get(digits[0])
    if category is not None:
        report["personal"] = {
            "first_digit": digits[0],
            "meaning_en": category.description_en,
            "meaning_th": category.description_th,
            "likely_thai_national": category.likely_thai_national,
        }
    if digits[0] == "0":
        jtype = juristic_type_from_code(digits[3])
        report["juristic"] = {
            "office_code": digits[1:3],
            "type_digit": digits[3],
            "type_en": jtype.name_en if jtype else None,
            "type_th": jtype.name_th if jtype else None,
            "registered_be_year": "2" + digits[4:7],
        }
    return report


def cmd_id_check(args: argparse.Namespace) -> int:
    report = describe_id(args.id)
    if args.json:
        print_json(report)
        return EXIT_OK if report["valid"] else EXIT_FAILED
    lines = [f"{report.get('id', args.id)}: {'valid' if report['valid'] else 'INVALID'}"]
    if "note" in report:
        lines.append(f"  note: {report['note']}")
    if not report["valid"]:
        lines.append(f"  reason: {report['reason']}")
    personal = report.get("personal")
    if personal:
        lines.append(f"  as a personal ID, first digit {personal['first_digit']}: {personal['meaning_en']}")
        lines.append(f"    {personal['meaning_th']}")
        if personal["likely_thai_national"] is False:
            lines.append("    a valid check digit does not make the holder a Thai national")
    juristic = report.get("juristic")
    if juristic:
        kind = juristic["type_en"] or "unknown type"
        th = f" ({juristic['type_th']})" if juristic["type_th"] else ""
        lines.append(
            f"  as a juristic ID: type digit {juristic['type_digit']} = {kind}{th}, "
            f"office {juristic['office_code']}, registered BE {juristic['registered_be_year']}"
        )
    print("\n".join(lines))
    return EXIT_OK if report["valid"] else EXIT_FAILED


# -- dopa check -----------------------------------------------------------------------------------


def cmd_dopa_check(args: argparse.Namespace) -> int:
    with _registries(args.config) as (dopa, _dbd, settings):
        try:
            citizen_id = fold_id(args.citizen_id, kind="citizen", option="--citizen-id")
            result = dopa.check_card(citizen_id, args.first_name, args.last_name, args.birth_date_be, args.laser)
        except ThaiVCError as err:
            raise _fail(err, settings, "DOPA check") from None
    out = {
        "valid": result.ok,
        "status": result.status.value,
        "code": result.code,
        "description": result.description,
        "reason": result.reason,
        "source": result.source,
    }
    if args.json:
        print_json(out)
    else:
        print(f"DOPA card check: {'VALID' if result.ok else 'NOT VALID'} ({result.status.value})")
        if result.code is not None:
            print(f"  code {result.code}: {result.description or ''}".rstrip())
        if result.reason:
            print(f"  reason: {result.reason}")
        print(f"  answered by: {result.source}")
    return EXIT_OK if result.ok else EXIT_FAILED


# -- dbd lookup -----------------------------------------------------------------------------------


def company_summary(company: Any) -> dict[str, Any]:
    return {
        "juristic_id": company.juristic_id,
        "name_th": company.name_th,
        "name_en": company.name_en,
        "type": company.juristic_type.name_en if company.juristic_type else company.type_code,
        "status_th": company.status_th,
        "status_en": company.status_en,
        "active": company.is_active,
        "registered_on": company.registered_on.iso() if company.registered_on else None,
        "registered_capital": company.registered_capital,
        "directors": [
            {"name_th": d.full_name_th, "title": d.title, "role": "managing_partner" if d.type == "L" else "director"}
            for d in company.directors
        ],
        "signing_clause_th": company.signing_clause_th,
        "signing_clause_problem": company.signing_clause_problem,
    }


def cmd_dbd_lookup(args: argparse.Namespace) -> int:
    with _registries(args.config) as (_dopa, dbd, settings):
        try:
            company = dbd.lookup(fold_id(args.id, kind="juristic", option="JURISTIC_ID"))
        except ThaiVCError as err:
            raise _fail(err, settings, "DBD lookup") from None
    summary = company_summary(company)
    if args.json:
        print_json(summary)
        return EXIT_OK
    print(f"{summary['name_th']}" + (f" / {summary['name_en']}" if summary["name_en"] else ""))
    print(f"  juristic ID: {summary['juristic_id']} ({summary['type']})")
    status = summary["status_th"] + (f" ({summary['status_en']})" if summary["status_en"] else "")
    print(f"  status: {status}{'' if summary['active'] else '  — NOT ACTIVE: may not grant signing authority'}")
    if summary["registered_on"]:
        print(f"  registered: {summary['registered_on']}")
    for director in summary["directors"]:
        print(f"  {director['role']}: {(director['title'] or '')}{director['name_th']}")
    if summary["signing_clause_problem"]:
        print(f"  signing clause: UNREADABLE, authorises nothing: {summary['signing_clause_problem']}")
    else:
        print(f"  signing clause: {summary['signing_clause_th'] or '(none registered)'}")
    return EXIT_OK


# -- issuing --------------------------------------------------------------------------------------


def _emit(args: argparse.Namespace, credential: Any, extra: dict[str, Any]) -> None:
    if args.json:
        print_json({"credential": credential, **extra})
        return
    text = credential if isinstance(credential, str) else json.dumps(credential, ensure_ascii=False, indent=2)
    write_output(args.out, text)


def cmd_issue_citizen(args: argparse.Namespace) -> int:
    from thaivc.credentials import CardData, proof_citizen
    from thaivc.engine.issuer import Issuer
    from thaivc.thai import ThaiName

    key = load_signing_key(args.key)
    try:
        name = ThaiName(
            title_th=args.title or None,
            given_th=args.first_name,
            family_th=args.last_name,
            given_en=args.first_name_en or None,
            family_en=args.last_name_en or None,
        )
    except ThaiVCError as err:
        raise CliError(f"{err.code}: {err.detail}") from None
    citizen_id = fold_id(args.citizen_id, kind="citizen", option="--citizen-id")
    card = CardData(citizen_id, name, args.birth_date_be, args.laser)
    with _registries(args.config) as (dopa, _dbd, settings), issuing_status(args) as status:
        result = proof_citizen(
            card,
            dopa=dopa,
            issuer=Issuer(key),
            subject_did=args.subject,
            format=args.format,
            status=status,
            face=dopa if args.face_image else None,
            face_image_ref=args.face_image,
            liveness=True if args.liveness_passed else None,
        )
    if result.credential is None:
        problem = result.problems[0]
        detail = settings.scrub(problem.detail) if settings is not None else problem.detail
        if problem.code == "registry.unavailable":
            exit_code = EXIT_INDETERMINATE
        elif problem.code.startswith(_INPUT_AREAS):
            exit_code = EXIT_USAGE
        else:
            exit_code = EXIT_FAILED
        raise CliError(f"no credential issued: {problem.code}: {detail}", exit_code=exit_code)
    _emit(args, result.credential, {"ial": str(result.ial)})
    return EXIT_OK


def cmd_issue_juristic(args: argparse.Namespace) -> int:
    from thaivc.credentials import issue_juristic
    from thaivc.engine.issuer import Issuer

    key = load_signing_key(args.key)
    with _registries(args.config) as (_dopa, dbd, settings):
        try:
            with issuing_status(args) as status:
                issued = issue_juristic(
                    fold_id(args.id, kind="juristic", option="JURISTIC_ID"),
                    dbd=dbd,
                    issuer=Issuer(key),
                    subject_did=args.subject,
                    format=args.format,
                    status=status,
                )
        except ThaiVCError as err:
            raise _fail(err, settings, "no credential issued") from None
    _emit(args, issued.credential, {"juristic_id": issued.company.juristic_id})
    return EXIT_OK


# -- registration ---------------------------------------------------------------------------------


def _config_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", metavar="FILE", help="GDX settings (JSON); default: environment, else the fakes")


def register_thai(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the Thai sub-commands to the ``thaivc`` parser."""
    fmt = argparse.RawDescriptionHelpFormatter
    id_parser = sub.add_parser(
        "id", help="Thai 13-digit identifiers", description="Check Thai 13-digit identifiers.", formatter_class=fmt
    )
    id_sub = id_parser.add_subparsers(dest="id_command", metavar="ACTION")
    id_sub.required = True
    check = add_command(
        id_sub,
        "check",
        "is a citizen or juristic ID valid, and what do its digits say",
        "Check the mod-11 check digit of a 13-digit ID and explain it: the first digit of a\n"
        "personal ID (how the person was registered), or the office, type and year of a juristic ID.\n"
        "Thai digits, spaces and dashes are accepted and explained.\n\n"
        "exit status: 0 valid, 1 invalid\n\n"
        "examples:\n  thaivc id check 1-9999-00001-01-0\n  thaivc id check ๐๙๙๕๕๖๒๐๐๐๐๑๘ --json",
        cmd_id_check,
    )
    check.add_argument("id", metavar="ID")
    add_json_flag(check)

    dopa = sub.add_parser(
        "dopa", help="DOPA card-status checks", description="Ask DOPA about an ID card.", formatter_class=fmt
    )
    dopa_sub = dopa.add_subparsers(dest="dopa_command", metavar="ACTION")
    dopa_sub.required = True
    dcheck = add_command(
        dopa_sub,
        "check",
        "check a card by its laser code",
        "Ask DOPA whether the card with this laser code is valid and matches the holder's data.\n"
        "The first name is Thai, without title or middle name; the birth date is YYYYMMDD in the\n"
        "Buddhist Era (0 for unknown month/day).\n\n"
        "exit status: 0 valid, 1 not valid, 2 bad input, 3 DOPA could not be asked\n\n"
        "example:\n  thaivc dopa check --citizen-id 1999900001010 --first-name สมชาย --last-name ใจดี \\\n"
        "      --birth-date-be 25380812 --laser ZX0-0010000-01\n\n" + CONFIG_HELP,
        cmd_dopa_check,
    )
    for flag in ("--citizen-id", "--first-name", "--last-name", "--birth-date-be", "--laser"):
        dcheck.add_argument(flag, required=True)
    add_json_flag(dcheck)
    _config_option(dcheck)

    dbd = sub.add_parser(
        "dbd", help="DBD juristic-person lookups", description="Ask DBD about a juristic person.", formatter_class=fmt
    )
    dbd_sub = dbd.add_subparsers(dest="dbd_command", metavar="ACTION")
    dbd_sub.required = True
    lookup = add_command(
        dbd_sub,
        "lookup",
        "print a company's profile, directors and signing clause",
        "Look a juristic person up in DBD and print its status, directors and signing clause.\n\n"
        "exit status: 0 found, 1 not found, 2 bad input, 3 DBD could not be asked\n\n"
        "example:\n  thaivc dbd lookup 0995562000018\n\n" + CONFIG_HELP,
        cmd_dbd_lookup,
    )
    lookup.add_argument("id", metavar="JURISTIC_ID")
    add_json_flag(lookup)
    _config_option(lookup)

    citizen = add_command(
        sub,
        "issue-citizen",
        "check a card with DOPA and issue a ThaiCitizenCredential",
        "Check the card with DOPA and, only if it is valid and matches, issue a ThaiCitizenCredential\n"
        "(IAL1.3: card check only) to the citizen's DID. Nothing is issued after a failed check.\n\n"
        "exit status: 0 issued, 1 refused, 2 bad input, 3 DOPA could not be asked\n\n"
        "example:\n  thaivc issue-citizen --citizen-id 1999900001010 --laser ZX0001000001 \\\n"
        "      --first-name สมชาย --last-name ใจดี --birth-date-be 25380812 \\\n"
        "      --subject did:key:z6Mk... --key agency.jwk.json --out citizen.jwt\n\n" + CONFIG_HELP,
        cmd_issue_citizen,
    )
    for flag in ("--citizen-id", "--laser", "--first-name", "--last-name", "--birth-date-be"):
        citizen.add_argument(flag, required=True)
    citizen.add_argument("--title", help="Thai title, e.g. นาย (recorded, not sent to DOPA)")
    citizen.add_argument("--first-name-en")
    citizen.add_argument("--last-name-en")
    citizen.add_argument("--subject", required=True, metavar="DID", help="the citizen's wallet DID")
    citizen.add_argument(
        "--face-image",
        metavar="REF",
        help="the captured face, compared by DOPA with the card photo (the sample registry knows img:KEY:live)",
    )
    citizen.add_argument(
        "--liveness-passed",
        action="store_true",
        help="your enrolment's presentation-attack (liveness) check passed; recorded as evidence. With "
        "--face-image this reaches IAL 2.3; the card check alone is IAL 1.3",
    )

    juristic = add_command(
        sub,
        "issue-juristic",
        "look a company up in DBD and issue a JuristicPersonCredential",
        "Look the juristic person up in DBD and issue a JuristicPersonCredential with its directors\n"
        "and signing clause. Entities that are not active (ยังดำเนินกิจการอยู่) are refused.\n\n"
        "exit status: 0 issued, 1 refused, 2 bad input, 3 DBD could not be asked\n\n"
        "example:\n  thaivc issue-juristic 0995562000018 --key agency.jwk.json --out company.jwt\n\n" + CONFIG_HELP,
        cmd_issue_juristic,
    )
    juristic.add_argument("id", metavar="JURISTIC_ID")
    juristic.add_argument("--subject", metavar="DID", help="the company's DID, if it has one")
    for parser in (citizen, juristic):
        add_key_option(parser, "the issuer's private JWK file")
        parser.add_argument("--format", default="vc+jwt", choices=FORMATS, help="securing format (default vc+jwt)")
        add_out_option(parser, "write the credential here instead of standard output")
        add_json_flag(parser, "print credential and facts as JSON")
        add_status_options(parser)
        _config_option(parser)
