"""``thaivc delegate``, ``thaivc sign-delegation`` and ``thaivc authorize``: powers of attorney
for juristic persons, from drafting to the verifier's decision."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from thaivc.cli._common import (
    EXIT_FAILED,
    EXIT_INDETERMINATE,
    EXIT_OK,
    CliError,
    add_json_flag,
    add_key_option,
    add_out_option,
    fold_id,
    load_signing_key,
    mark,
    print_json,
    read_input,
    read_json_file,
    write_output,
)
from thaivc.cli.status import add_status_options, issuing_status
from thaivc.core.errors import ThaiVCError

__all__ = ["register_delegation"]


def register_delegation(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    fmt = argparse.RawDescriptionHelpFormatter
    draft = sub.add_parser(
        "delegate",
        help="draft a power of attorney (DelegationCredential) for the directors to sign",
        description="Create an unsigned DelegationCredential: company JURISTIC_ID grants the attorney\n"
        "the listed acts. Each authorised director then adds a proof on their own device with\n"
        "'thaivc sign-delegation'.\n\nexample:\n"
        "  thaivc delegate --grantor 0995562000018 --attorney did:key:z6Mk… --attorney-id 1999900001028 \\\n"
        "      --acts tax_filing --max-value 5000000 --valid-until 2027-03-01T00:00:00Z --seal \\\n"
        "      --status thaivc-status.db --out poa.json\n\n"
        "A power of attorney is never open-ended: without --valid-until it ends one year after it\n"
        "starts. With --status it gets a revocation entry from that status database.",
        formatter_class=fmt,
    )
    draft.add_argument("--grantor", required=True, metavar="JURISTIC_ID", help="the company's 13-digit juristic ID")
    draft.add_argument("--grantor-name", metavar="NAME_TH",
                       help="the company's Thai name (default: from the bundled sample DBD registry)")
    draft.add_argument("--attorney", required=True, metavar="DID", help="the attorney's wallet DID")
    who = draft.add_mutually_exclusive_group(required=True)
    who.add_argument("--attorney-id", metavar="CITIZEN_ID", help="the attorney's 13-digit citizen ID")
    who.add_argument("--attorney-passport", metavar="NUMBER", help="the attorney's passport number")
    draft.add_argument("--acts", required=True, metavar="TAGS", help="comma-separated act tags, e.g. tax_filing")
    draft.add_argument("--max-value", type=int, metavar="BAHT", help="value cap in baht")
    draft.add_argument("--description-th", metavar="TEXT", help="the scope in Thai, as the paper would say it")
    draft.add_argument("--valid-from", metavar="DATETIME", help="XSD dateTime (default: now)")
    draft.add_argument("--valid-until", metavar="DATETIME",
                       help="XSD dateTime (default: one year after --valid-from; the command says so)")
    draft.add_argument("--sub-delegation", type=int, default=0, metavar="N",
                       help="allow sub-delegation N levels deep (default 0: not allowed)")
    draft.add_argument("--stamp-duty", choices=("7a", "7b", "7c"), help="stamp-duty class (default 7a/7b by acts)")
    draft.add_argument("--seal", action="store_true", help="the directors declare the company seal affixed")
    add_status_options(draft)
    add_out_option(draft)
    draft.set_defaults(handler=cmd_delegate)

    sign = sub.add_parser(
        "sign-delegation",
        help="add one director's proof to a power of attorney",
        description="Add your Data Integrity proof to a DelegationCredential (a proof set: existing\n"
        "proofs are kept).\n\nexample:\n  thaivc sign-delegation poa.json --key director.jwk.json --out poa.json",
        formatter_class=fmt,
    )
    sign.add_argument("file", metavar="FILE", help="the delegation ('-' for stdin)")
    add_key_option(sign, "your private key file")
    add_out_option(sign)
    sign.set_defaults(handler=cmd_sign_delegation)

    auth = sub.add_parser(
        "authorize",
        help="decide whether a presenter may act for a company",
        description="Verify a presentation and decide whether its holder may perform ACT for the company.\n"
        "Pass several presentations when directors act directly (one each, same challenge).\n\n"
        "exit status: 0 allowed, 1 refused, 3 indeterminate, 2 usage error\n\nexample:\n"
        "  thaivc authorize vp.jwt --act tax_filing --on-behalf-of 0995562000018 --challenge abc \\\n"
        "      --domain https://rd.go.th --trust-citizen-issuer did:key:z6Mk…dopa --trust-dbd-issuer did:key:z6Mk…dbd",
        formatter_class=fmt,
    )
    auth.add_argument("presentations", nargs="+", metavar="PRESENTATION", help="presentation file(s) ('-' for stdin)")
    auth.add_argument("--act", required=True, help="the act's tag, e.g. tax_filing")
    auth.add_argument("--on-behalf-of", required=True, metavar="JURISTIC_ID")
    auth.add_argument("--challenge", required=True)
    auth.add_argument("--domain", required=True)
    auth.add_argument("--value", type=int, metavar="BAHT", help="the act's value in baht")
    auth.add_argument("--seal", action="store_true", help="directors acting directly affix the company seal")
    auth.add_argument("--trust-citizen-issuer", action="append", default=[], metavar="DID",
                      help="an issuer trusted for ThaiCitizenCredential (repeat)")
    auth.add_argument("--trust-dbd-issuer", action="append", default=[], metavar="DID",
                      help="an issuer trusted for JuristicPersonCredential (repeat)")
    auth.add_argument("--min-ial", default="2.3", help="minimum identity assurance level (default 2.3)")
    auth.add_argument("--sample-dbd", action="store_true",
                      help="look companies up in the bundled sample DBD registry when no credential is presented")
    add_json_flag(auth, "print the decision as JSON")
    auth.set_defaults(handler=cmd_authorize)


def _now_xsd() -> str:
    from thaivc.core.clock import SystemClock
    from thaivc.engine.issuer import to_xsd_datetime

    return to_xsd_datetime(SystemClock().now())


def cmd_delegate(args: argparse.Namespace) -> int:
    from thaivc.delegation import delegation_credential
    from thaivc.registries.dbd import FakeDbd

    args.grantor = fold_id(args.grantor, kind="juristic", option="--grantor")
    name = args.grantor_name
    if name is None:
        if args.grantor not in FakeDbd().juristic_ids():
            raise CliError(f"{args.grantor} is not in the sample registry: give --grantor-name")
        name = FakeDbd().lookup(args.grantor).name_th
    acts = [a.strip() for a in args.acts.split(",") if a.strip()]
    valid_from = args.valid_from or _now_xsd()
    valid_until = args.valid_until or _one_year_after(valid_from)
    with issuing_status(args) as status:
        doc = delegation_credential(
            grantor_id=args.grantor, grantor_name_th=name, attorney_did=args.attorney,
            attorney_citizen_id=args.attorney_id, attorney_passport=args.attorney_passport, acts=acts,
            max_value_thb=args.max_value, description_th=args.description_th,
            valid_from=valid_from, valid_until=valid_until,
            sub_delegation_depth=args.sub_delegation, stamp_duty_class=args.stamp_duty,
            company_seal=True if args.seal else None, status=status,
        )
    write_output(args.out, json.dumps(doc, ensure_ascii=False, indent=2))
    if args.out not in (None, "-"):  # say what was written; the document itself went to the file
        value = f", up to {args.max_value:,} baht" if args.max_value is not None else ""
        print(f"wrote {args.out}: a power of attorney from {name} ({args.grantor}) to {args.attorney} "
              f"for {', '.join(acts)}{value}; unsigned: each director signs it with thaivc sign-delegation",
              file=sys.stderr)
    if args.valid_until is None:
        print(f"valid until {valid_until} (default: one year; use --valid-until)", file=sys.stderr)
    return EXIT_OK


def _one_year_after(valid_from: str) -> str:
    """The same instant a year later (28 February for 29 February), UTC: a power of attorney is
    never open-ended by omission. A start that is not an XSD dateTime is left to the drafting
    call, which refuses it with its own code."""
    from datetime import UTC

    from thaivc.model import parse_datetime_stamp

    try:
        start, _ = parse_datetime_stamp(valid_from, field="validFrom")
    except ThaiVCError as err:
        raise CliError(f"--valid-from: {err.code}: {err.detail}") from None
    try:
        end = start.replace(year=start.year + 1)
    except ValueError:  # 29 February
        end = start.replace(year=start.year + 1, day=28)
    return end.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def cmd_sign_delegation(args: argparse.Namespace) -> int:
    from thaivc.delegation import sign_as_director

    doc = read_json_file(args.file, what="delegation")
    key = load_signing_key(args.key)
    signed = sign_as_director(doc, key)
    write_output(args.out, json.dumps(signed, ensure_ascii=False, indent=2))
    n = len(signed["proof"]) if isinstance(signed["proof"], list) else 1
    print(f"signed as {key.kid.split('#', 1)[0]}: the delegation now carries {n} proof(s)", file=sys.stderr)
    return EXIT_OK


def cmd_authorize(args: argparse.Namespace) -> int:
    from thaivc.assurance import AssurancePolicy
    from thaivc.authorization.authorizer import AuthorityPolicy
    from thaivc.engine.verifier import Verifier
    from thaivc.registries.dbd import FakeDbd

    items: list[Any] = []
    for source in args.presentations:
        text = read_input(source, what="presentation").strip()
        items.append(text)
    policy = AuthorityPolicy(citizen_issuers=frozenset(args.trust_citizen_issuer),
                             dbd_issuers=frozenset(args.trust_dbd_issuer),
                             assurance=AssurancePolicy(min_ial=args.min_ial))
    decision = Verifier().authorize(
        items if len(items) > 1 else items[0], act=args.act,
        on_behalf_of=fold_id(args.on_behalf_of, kind="juristic", option="--on-behalf-of"),
        challenge=args.challenge, domain=args.domain, policy=policy, value_thb=args.value,
        dbd=FakeDbd() if args.sample_dbd else None, seal=True if args.seal else None,
    )
    if args.json:
        print_json(decision.to_json())
    else:
        verdict = {"allowed": f"{mark('✔')} ALLOWED", "refused": f"{mark('✘')} REFUSED",
                   "indeterminate": "? INDETERMINATE"}[decision.outcome]
        print(verdict + (f"  [{decision.code}]" if decision.code else ""))
        print(f"  {decision.explanation_th}")
        print(f"  {decision.explanation_en}")
    return {"allowed": EXIT_OK, "refused": EXIT_FAILED, "indeterminate": EXIT_INDETERMINATE}[decision.outcome]
