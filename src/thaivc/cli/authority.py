"""``thaivc authority``: read a DBD signing clause (อำนาจกรรมการ) as a rule, and decide on it."""

from __future__ import annotations

import argparse
import json
import sys

from thaivc.cli._common import (
    EXIT_FAILED,
    EXIT_INDETERMINATE,
    EXIT_OK,
    CliError,
    add_json_flag,
    mark,
    print_json,
    read_input,
)

__all__ = ["register_authority"]

EXAMPLE_CLAUSE = "กรรมการสองคนลงลายมือชื่อร่วมกันและประทับตราสำคัญของบริษัท"


def register_authority(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    fmt = argparse.RawDescriptionHelpFormatter
    group = sub.add_parser(
        "authority",
        help="read a company's signing clause and decide who may sign",
        description="Turn a DBD signing clause into a rule and check signers against it.",
        formatter_class=fmt,
    )
    actions = group.add_subparsers(dest="authority_command", metavar="ACTION")
    actions.required = True
    parse = actions.add_parser(
        "parse",
        help="print the rule a clause describes",
        description="Print the rule a signing clause describes, as a tree (or JSON with --json).\n\n"
        "A clause that cannot be read with certainty is flagged for human review, never guessed\n"
        "(exit status 3).\n\nexamples:\n"
        f'  thaivc authority parse "{EXAMPLE_CLAUSE}"\n'
        '  thaivc authority parse --directors "นายสมชาย ใจดี,นางสาวสมหญิง รักไทย" --file clause.txt --json',
        formatter_class=fmt,
    )
    parse.add_argument("clause", nargs="?", help="the clause text (Thai), or use --file")
    parse.add_argument("--file", metavar="FILE", help="read the clause from FILE ('-' for stdin)")
    parse.add_argument("--directors", metavar="NAMES", help="comma-separated director names from DBD")
    add_json_flag(parse, "print the rule as JSON")
    parse.set_defaults(handler=cmd_authority_parse)

    check = actions.add_parser(
        "check",
        help="decide whether these directors may sign an act",
        description="Decide whether the named directors may sign an act under a clause.\n\n"
        "exit status: 0 allowed, 1 refused, 3 the clause needs human review\n\nexample:\n"
        f'  thaivc authority check "{EXAMPLE_CLAUSE}" --directors "นายสมชาย ใจดี,นางสาวสมหญิง รักไทย"'
        ' --signer "สมชาย ใจดี" --signer "สมหญิง รักไทย" --seal',
        formatter_class=fmt,
    )
    check.add_argument("clause", help="the clause text (Thai)")
    check.add_argument("--directors", metavar="NAMES", help="comma-separated director names from DBD")
    check.add_argument("--signer", action="append", default=[], metavar="NAME", help="a signing director (repeat)")
    check.add_argument("--act", default="general", help="the act's scope tag (general, financial, government, …)")
    check.add_argument("--value", type=int, metavar="BAHT", help="the act's value in baht, where the clause has limits")
    seal = check.add_mutually_exclusive_group()
    seal.add_argument("--seal", dest="seal", action="store_const", const=True, help="the company seal is affixed")
    seal.add_argument("--no-seal", dest="seal", action="store_const", const=False, help="no seal is affixed")
    add_json_flag(check)
    check.set_defaults(handler=cmd_authority_check, seal=None)


def _directors(value: str | None) -> list[str] | None:
    if not value:
        return None
    return [name.strip() for name in value.split(",") if name.strip()]


def cmd_authority_parse(args: argparse.Namespace) -> int:
    from thaivc.authority import parse_clause, render_tree

    if args.clause and args.file:
        raise CliError("give the clause as an argument or with --file, not both")
    text = args.clause if args.clause else read_input(args.file, what="clause")
    rule = parse_clause(text.strip(), directors=_directors(args.directors))
    if args.json:
        print_json(json.loads(rule.model_dump_json()))
    else:
        sys.stdout.write(render_tree(rule) + "\n")
    return EXIT_INDETERMINATE if rule.needs_review else EXIT_OK


def cmd_authority_check(args: argparse.Namespace) -> int:
    from thaivc.authority import DirectorName, SignerRef, parse_clause

    names = _directors(args.directors)
    rule = parse_clause(args.clause, directors=names)
    signers = [SignerRef(name_th=name) for name in args.signer]
    directors = [DirectorName(name_th=name) for name in names] if names else None
    decision = rule.allows(signers, act=args.act, value_thb=args.value, seal=args.seal, directors=directors)
    if args.json:
        print_json(decision.to_json())
    else:
        verdict = (
            f"{mark('✔')} ALLOWED"
            if decision.allowed
            else "? INDETERMINATE"
            if decision.indeterminate
            else f"{mark('✘')} REFUSED"
        )
        print(f"{verdict}  {decision.explanation_en}")
        print(f"  {decision.explanation_th}")
    if rule.needs_review or decision.indeterminate:
        return EXIT_INDETERMINATE
    return EXIT_OK if decision.allowed else EXIT_FAILED
