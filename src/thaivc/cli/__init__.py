"""The ``thaivc`` command line: keys, issuing, presenting, verifying, and the demo.

Errors are one readable line on stderr, never a traceback (set ``THAIVC_DEBUG=1`` to see one).
``thaivc verify`` exits 0 verified, 1 failed, 3 indeterminate, 2 usage error or unreadable input,
4 internal error (a thaivc bug: never 1, which says the input is forged or wrong).
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys
from collections.abc import Callable, Sequence

from thaivc._version import __version__
from thaivc.cli._common import EXIT_INTERNAL, EXIT_USAGE, CliError, add_common, tolerant_streams
from thaivc.cli.authority import register_authority
from thaivc.cli.batch import register_batch
from thaivc.cli.commands import register_core
from thaivc.cli.delegation import register_delegation
from thaivc.cli.did import register_did
from thaivc.cli.proof import register_proof
from thaivc.cli.serve import register_serve
from thaivc.cli.status import register_status
from thaivc.cli.thai import register_thai
from thaivc.cli.wallet import register_wallet
from thaivc.core.errors import ThaiVCError

__all__ = ["build_parser", "main"]

Registrar = Callable[["argparse._SubParsersAction[argparse.ArgumentParser]"], None]

#: Sub-command groups; later capabilities register here with the same style.
REGISTRARS: list[Registrar] = [
    register_core, register_proof, register_authority, register_did, register_thai, register_delegation,
    register_status, register_serve, register_batch, register_wallet,
]

DESCRIPTION = """\
Issue, present and verify W3C Verifiable Credentials for Thailand's Digital ID programme.

A first session:
  thaivc key generate --out agency.jwk.json          # the agency's signing key
  thaivc key generate --out citizen.jwk.json         # the citizen's wallet key
  thaivc issue credential.json --key agency.jwk.json --out cred.jwt
  thaivc present cred.jwt --key citizen.jwk.json --challenge abc123 --domain https://rd.go.th --out vp.jwt
  thaivc verify vp.jwt --challenge abc123 --domain https://rd.go.th
  thaivc demo                                        # the whole story on built-in sample data
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="thaivc", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--version", action="version", version=f"thaivc {__version__}")
    add_common(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for registrar in REGISTRARS:
        registrar(sub)
    return parser


def _command_parser(parser: argparse.ArgumentParser, args: argparse.Namespace) -> argparse.ArgumentParser:
    """The deepest sub-command parser ``args`` went through (``thaivc status revoke`` → its parser)."""
    current = parser
    while True:
        actions = [a for a in current._actions if isinstance(a, argparse._SubParsersAction)]
        if not actions:
            return current
        chosen = getattr(args, actions[0].dest or "", None)
        if chosen is None or chosen not in actions[0].choices:
            return current
        current = actions[0].choices[chosen]


def _refuse_unknown(parser: argparse.ArgumentParser, args: argparse.Namespace, extra: list[str]) -> None:
    """A mistyped flag: the sub-command's own usage, and the option it most likely meant."""
    command = _command_parser(parser, args)
    known = [s for a in command._actions for s in a.option_strings if s.startswith("--")]
    hints = []
    for word in extra:
        if word.startswith("-"):
            close = difflib.get_close_matches(word.split("=", 1)[0], known, n=1, cutoff=0.6)
            if close:
                hints.append(f"did you mean {close[0]}?")
    message = f"unrecognized arguments: {' '.join(extra)}" + (f" ({' '.join(hints)})" if hints else "")
    command.error(message)


def main(argv: Sequence[str] | None = None) -> int:
    tolerant_streams()
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:
        _refuse_unknown(parser, args, extra)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except CliError as err:
        print(f"thaivc: error: {err}", file=sys.stderr)
        return err.exit_code
    except ThaiVCError as err:
        print(f"thaivc: error: {err.code}: {err.detail}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("thaivc: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if os.environ.get("THAIVC_DEBUG"):
            raise
        print(
            f"thaivc: internal error ({type(exc).__name__}); rerun with THAIVC_DEBUG=1 for details",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
