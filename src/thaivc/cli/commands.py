"""Core sub-commands: ``key``, ``issue``, ``present``, ``verify`` and ``demo``."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from thaivc.cli._common import (
    EXIT_FAILED,
    EXIT_INDETERMINATE,
    EXIT_OK,
    EXIT_USAGE,
    CliError,
    add_json_flag,
    add_key_option,
    add_out_option,
    load_signing_key,
    mark,
    print_json,
    read_input,
    read_json_file,
    write_output,
)
from thaivc.cli.status import add_status_options, issuing_status, status_source
from thaivc.core.errors import ThaiVCError, UsageError
from thaivc.core.report import VerificationReport

__all__ = ["format_report", "register_core"]

KEY_TYPES = ("Ed25519", "P-256", "P-384")


def _key_type(text: str) -> str:
    """``ed25519``, ``p256``, ``P-256`` …: the key type as thaivc spells it (argparse then checks the choice)."""
    folded = text.strip().lower().replace("-", "").replace("_", "")
    return next((k for k in KEY_TYPES if k.lower().replace("-", "") == folded), text)


def register_core(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    fmt = argparse.RawDescriptionHelpFormatter

    key = sub.add_parser(
        "key",
        help="create and inspect signing keys",
        description="Create and inspect signing keys (private JWK files, mode 0600).",
        formatter_class=fmt,
    )
    key_sub = key.add_subparsers(dest="key_command", metavar="ACTION")
    key_sub.required = True
    gen = key_sub.add_parser(
        "generate",
        help="create a new key pair and print its DID",
        description="Create a new key pair. The file holds the PRIVATE key: keep it secret.\n\n"
        "example:\n  thaivc key generate --type P-256 --out agency.jwk.json",
        formatter_class=fmt,
    )
    gen.add_argument(
        "--type", default="Ed25519", type=_key_type, choices=KEY_TYPES, help="key type, any case (default Ed25519)"
    )
    add_out_option(gen, "where to write the private JWK (never overwritten)", required=True, metavar="FILE")
    gen.add_argument("--force", action="store_true", help="overwrite an existing FILE")
    gen.set_defaults(handler=cmd_key_generate)
    show = key_sub.add_parser(
        "show",
        help="print a key's DID, key id and public JWK",
        description="Print the public facts of a key file. Private members are never printed.",
    )
    show.add_argument("file", metavar="FILE")
    add_json_flag(show)
    show.set_defaults(handler=cmd_key_show)

    issue = sub.add_parser(
        "issue",
        help="sign a credential",
        description="Sign a VCDM 2.0 credential (JSON) with an issuer key.\n\n"
        "The issuer defaults to the key's DID and validFrom to now; text is normalised to NFC.\n\n"
        "example:\n  thaivc issue credential.json --key agency.jwk.json --out cred.jwt",
        formatter_class=fmt,
    )
    issue.add_argument("credential", metavar="CREDENTIAL.json", help="the unsigned credential ('-' for stdin)")
    add_key_option(issue, "the issuer's private JWK file")
    issue.add_argument("--format", default="vc+jwt", choices=["vc+jwt", "di", "dc+sd-jwt"])
    issue.add_argument("--cryptosuite", metavar="NAME", help="Data Integrity cryptosuite (with --format di)")
    issue.add_argument(
        "--disclosable",
        action="append",
        default=[],
        metavar="POINTER",
        help="with --format dc+sd-jwt: a JSON pointer the holder may choose to reveal (repeat), "
        "e.g. /credentialSubject/birthDate",
    )
    issue.add_argument(
        "--subject", metavar="DID", help="set credentialSubject.id: the holder's DID (e.g. from thaivc key generate)"
    )
    add_status_options(issue)
    add_out_option(issue)
    issue.set_defaults(handler=cmd_issue)

    present = sub.add_parser(
        "present",
        help="wrap credentials in a signed presentation",
        description="Present one or more secured credentials to a verifier.\n\n"
        "Use the challenge and domain the verifier gave you: they stop replays.\n\n"
        "example:\n  thaivc present cred.jwt --key citizen.jwk.json --challenge abc123 --domain https://rd.go.th",
        formatter_class=fmt,
    )
    present.add_argument("credentials", nargs="+", metavar="CRED", help="files holding secured credentials")
    add_key_option(present, "the holder's private JWK file")
    present.add_argument("--challenge", metavar="C", help="the verifier's challenge (nonce)")
    present.add_argument("--domain", metavar="D", help="the verifier's domain (audience)")
    present.add_argument("--format", default="vp+jwt", choices=["vp+jwt", "di", "dc+sd-jwt"])
    present.add_argument(
        "--disclose",
        action="append",
        metavar="POINTER",
        help="for an SD-JWT credential: a claim to reveal (repeat); the rest stay hidden",
    )
    present.add_argument("--cryptosuite", metavar="NAME", help="Data Integrity cryptosuite (with --format di)")
    add_out_option(present)
    present.set_defaults(handler=cmd_present)

    verify = sub.add_parser(
        "verify",
        help="verify a credential or presentation and explain the verdict",
        description="Verify anything thaivc understands and list every check.\n\n"
        "exit status: 0 verified, 1 failed, 3 indeterminate (could not decide), 2 usage error\n\n"
        "examples:\n  thaivc verify cred.jwt\n  thaivc verify vp.jwt --challenge abc123 --domain https://rd.go.th\n"
        "  cat vp.jwt | thaivc verify - --json",
        formatter_class=fmt,
    )
    verify.add_argument("file", nargs="?", default="-", metavar="FILE", help="the input ('-' or nothing: stdin)")
    verify.add_argument("--challenge", metavar="C", help="the challenge you issued to the holder")
    verify.add_argument("--domain", metavar="D", help="your domain, which the presentation must name")
    verify.add_argument(
        "--allow-no-challenge",
        action="store_true",
        help="accept a presentation without checking a challenge (replay protection off)",
    )
    verify.add_argument(
        "--trust",
        metavar="FILE",
        help='a trust list (JSON: {"issuers": [{"id": DID, "credential_types": [...]}]}); '
        "issuers not on it are refused (trust.untrusted_issuer)",
    )
    verify.add_argument(
        "--status",
        metavar="SOURCE",
        help="check revocation/suspension: 'https' (fetch the lists the credential names), a folder of lists "
        "written by 'thaivc status publish', or the issuer's status database (FILE or postgresql:// DSN)",
    )
    verify.add_argument(
        "--proof-set-policy",
        metavar="FILE",
        help='co-signers a Data Integrity proof set must contain (JSON: {"required_methods": [...], '
        '"min_proofs": N, "from_methods": [...], "types": [...], "issuers": [...]})',
    )
    verify.add_argument(
        "--min-ial",
        metavar="LEVEL",
        help="minimum identity assurance (e.g. 2.3), re-derived from each credential's evidence",
    )
    add_json_flag(verify, "print the full report as JSON")
    verify.set_defaults(handler=cmd_verify)

    demo = sub.add_parser(
        "demo",
        help="run the end-to-end scenario on built-in sample data",
        description="Issue, present and verify a Thai citizen credential, then watch forgeries fail; a company "
        "acts through its attorney; a wallet receives a credential over OpenID4VCI and presents it over OpenID4VP.",
    )
    demo.add_argument(
        "--out",
        metavar="DIR",
        help="where part 3 writes its QR codes (offer.png/.svg, presentation.png/.svg); default: a new temporary "
        "directory, whose path is printed",
    )
    demo.set_defaults(handler=cmd_demo)


# -- handlers -----------------------------------------------------------------------------------


def cmd_key_generate(args: argparse.Namespace) -> int:
    from thaivc.keys import generate_key

    key = generate_key(args.type)
    try:
        key.save(args.out, overwrite=args.force)
    except ThaiVCError as err:
        if err.code == "key.exists":
            raise CliError(f"{args.out} already exists; choose another name or pass --force") from None
        raise CliError(f"cannot save key: {err.detail}") from None
    print(key.did)
    print(f"private key written to {args.out} (mode 0600): keep it secret", file=sys.stderr)
    return EXIT_OK


def cmd_key_show(args: argparse.Namespace) -> int:
    from thaivc.keys import PrivateKey, load_key

    try:
        key = load_key(args.file)
    except ThaiVCError as err:
        raise CliError(f"cannot load key {args.file}: {err.detail}") from None
    public = key.public if isinstance(key, PrivateKey) else key
    from thaivc.did import did_key

    did = key.did if isinstance(key, PrivateKey) else did_key(public)
    info = {
        "type": public.key_type,
        "alg": public.alg,
        "did": did,
        "kid": key.kid if isinstance(key, PrivateKey) else f"{did}#{did.split(':')[-1]}",
        "thumbprint": public.thumbprint(),
        "private": isinstance(key, PrivateKey),
        "publicKeyJwk": public.jwk,
        "publicKeyMultibase": public.multikey,
    }
    if args.json:
        print_json(info)
    else:
        for name in ("type", "alg", "did", "kid", "thumbprint", "private", "publicKeyMultibase"):
            print(f"{name:<19} {info[name]}")
        print(f"{'publicKeyJwk':<19} {json.dumps(info['publicKeyJwk'])}")
    return EXIT_OK


def cmd_issue(args: argparse.Namespace) -> int:
    from thaivc.engine.issuer import Issuer

    credential = read_json_file(args.credential, what="credential")
    if not isinstance(credential, dict):
        raise CliError("the credential must be a JSON object")
    key = load_signing_key(args.key)
    if args.subject:
        subject = credential.get("credentialSubject", {})
        if not isinstance(subject, dict):
            raise CliError("--subject needs a credential with one credentialSubject object")
        named = subject.get("id")
        if named is not None and named != args.subject:
            raise CliError(
                f"the credential already names its subject {named}; --subject {args.subject} would "
                "silently replace it: remove credentialSubject.id or drop --subject"
            )
        credential["credentialSubject"] = {**subject, "id": args.subject}
    options: dict[str, Any] = {}
    if args.cryptosuite:
        options["cryptosuite"] = args.cryptosuite
    if args.disclosable:
        if args.format != "dc+sd-jwt":
            raise CliError("--disclosable needs --format dc+sd-jwt")
        for path in args.disclosable:
            if not path.startswith("/"):
                pointer = "/" + path.replace("~", "~0").replace("/", "~1").replace(".", "/")
                raise CliError(
                    f"--disclosable {path}: a disclosable claim is a JSON pointer; did you mean "
                    f"--disclosable {pointer}?"
                )
        options["disclosable"] = args.disclosable
    try:
        with issuing_status(args) as status:
            secured = Issuer(key).issue(credential, format=args.format, status=status, **options)
    except ThaiVCError as err:
        raise CliError(f"cannot issue: {err.code}: {err.detail}", exit_code=_exit_code(err)) from None
    text = secured if isinstance(secured, str) else json.dumps(secured, ensure_ascii=False, indent=2)
    write_output(args.out, text)
    return EXIT_OK


def _exit_code(err: ThaiVCError) -> int:
    """A wrong option or argument is a usage error (2), as ``--help`` promises; anything else failed (1)."""
    return EXIT_USAGE if isinstance(err, UsageError) else EXIT_FAILED


def _read_secured(path: str) -> str | dict[str, Any]:
    text = read_input(path, what=f"credential {path}").strip()
    if text.startswith("{"):
        value = read_json_file(path, what=f"credential {path}")
        if not isinstance(value, dict):
            raise CliError(f"{path} is not a JSON object")
        return value
    return text


def cmd_present(args: argparse.Namespace) -> int:
    from thaivc.engine.holder import Holder

    key = load_signing_key(args.key)
    credentials = [_read_secured(p) for p in args.credentials]
    try:
        extra = {"cryptosuite": args.cryptosuite} if args.cryptosuite else {}
        vp = Holder(key).present(
            credentials,
            challenge=args.challenge,
            domain=args.domain,
            format=args.format,
            disclose=args.disclose,
            **extra,
        )
    except ThaiVCError as err:
        message = f"cannot present: {err.code}: {err.detail}"
        if "cnf" in err.detail:
            message += (
                "; an SD-JWT is bound to the wallet key named by credentialSubject.id when it is issued: "
                "issue it again with that id set to the holder's DID (thaivc key show FILE prints it)"
            )
        if "nonce and aud" in err.detail:
            message += "; pass the verifier's --challenge and --domain: the key-binding JWT signs both"
        raise CliError(message, exit_code=_exit_code(err)) from None
    write_output(args.out, vp if isinstance(vp, str) else json.dumps(vp, ensure_ascii=False, indent=2))
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    from thaivc.engine.policy import Policy
    from thaivc.engine.verifier import Verifier

    text = read_input(args.file, what="input")
    policy = Policy(require_challenge=not args.allow_no_challenge)
    assurance = _assurance(args.min_ial)
    proof_sets = _proof_set_policy(args.proof_set_policy)
    trust = None
    if args.trust:
        from thaivc.trust import StaticTrustList

        try:
            trust = StaticTrustList.from_file(args.trust)
        except ThaiVCError as err:
            raise CliError(f"cannot use trust list {args.trust}: {err.detail}") from None
    verifier = Verifier(policy, trust=trust, assurance=assurance, proof_set_policy=proof_sets)
    with status_source(args.status, verifier):
        report = verifier.check(text, challenge=args.challenge, domain=args.domain)
    if args.json:
        print_json(report.to_json())
    else:
        sys.stdout.write(format_report(report))
        for hint in _hints(report, args):
            print(f"hint: {hint}")
    return {"verified": EXIT_OK, "failed": EXIT_FAILED, "indeterminate": EXIT_INDETERMINATE}[report.status]


def _assurance(level: str | None) -> Any:
    if level is None:
        return None
    from thaivc.assurance import AssurancePolicy

    try:
        return AssurancePolicy(min_ial=level)
    except ThaiVCError as err:
        raise CliError(f"--min-ial {level}: {err.detail}") from None


def _proof_set_policy(path: str | None) -> Any:
    if path is None:
        return None
    from thaivc.di.verify import ProofSetPolicy

    value = read_json_file(path, what=f"proof-set policy {path}")
    allowed = {"required_methods", "min_proofs", "from_methods", "types", "issuers"}
    if not isinstance(value, dict) or not set(value) <= allowed:
        raise CliError(f"{path}: a proof-set policy is a JSON object with only {', '.join(sorted(allowed))}")
    try:
        return ProofSetPolicy(**value)
    except (ThaiVCError, TypeError) as err:
        raise CliError(f"{path}: {getattr(err, 'detail', err)}") from None


def _codes(report: VerificationReport) -> set[str]:
    """Every problem code in a report and its children."""
    codes = {check.code for check in report.checks if check.code}
    for child in report.children:
        codes |= _codes(child)
    return codes


def _hints(report: VerificationReport, args: argparse.Namespace) -> list[str]:
    """What a newcomer most often got wrong, said in one line each; the verdict is unchanged."""
    hints: list[str] = []
    codes = _codes(report)
    if report.check("challenge") is not None and args.challenge is None and not args.allow_no_challenge:
        hints.append("pass --challenge C (the one you issued), or --allow-no-challenge to inspect only")
    if "status.not_checked" in codes and args.status is None:
        hints.append(
            "the credential has a status entry: pass --status https (or a folder of published lists, "
            "or the issuer's status database) to check revocation"
        )
    if "vp.holder_not_subject" in codes:
        hints.append("each credential's credentialSubject.id must be the DID of the key that signed the presentation")
    if "sdjwt.kb_required" in codes:
        hints.append(
            "an SD-JWT credential is verified as presented by its holder: "
            "thaivc present CRED --format dc+sd-jwt --key WALLET --challenge C --disclose POINTER"
        )
    if "di.vm_not_authorized" in codes and args.proof_set_policy is None:
        hints.append(
            "a proof here is by a key the issuer does not control (a co-signer): name the co-signers with "
            "--proof-set-policy FILE; powers of attorney are judged by thaivc authorize"
        )
    return hints


def cmd_demo(args: argparse.Namespace) -> int:
    from pathlib import Path

    from thaivc.demo import run_demo

    return run_demo(directory=Path(args.out) if args.out else None)


# -- report rendering ---------------------------------------------------------------------------

_MARK = {"pass": "✔", "fail": "✘", "skip": "–", "indeterminate": "?"}
_HEADLINE = {
    "verified": ("✔", "VERIFIED"),
    "failed": ("✘", "FAILED"),
    "indeterminate": ("?", "INDETERMINATE (could not decide; not accepted)"),
}


def format_report(report: VerificationReport, indent: str = "") -> str:
    """A report as lines a newcomer can read: the verdict, then each check (plain words on a plain console)."""
    symbol, word = _HEADLINE[report.status]
    lines = [f"{indent}{mark(symbol)} {word}  [{report.format or 'unknown format'}]"]
    for check in report.checks:
        note = check.detail if check.status not in {"fail", "indeterminate"} else ""
        if check.code:
            note = f"{check.code}: {check.detail}"
        lines.append(f"{indent}  {mark(_MARK[check.status])} {check.name:<14} {note}".rstrip())
    for warning in report.warnings:
        lines.append(f"{indent}  ! warning: {warning}")
    for i, child in enumerate(report.children):
        lines.append(f"{indent}  credential[{i}]:")
        lines.append(format_report(child, indent + "    ").rstrip("\n"))
    return "\n".join(lines) + "\n"
