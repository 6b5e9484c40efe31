"""The ``thaivc`` command line: keys, issuing, presenting, verifying, and the demo.

Errors are one readable line on stderr, never a traceback (set ``THAIVC_DEBUG=1`` to see one).
``thaivc verify`` exits 0 verified, 1 failed, 3 indeterminate, 2 usage error or unreadable input.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from thaivc._version import __version__
from thaivc.cli._common import EXIT_USAGE, CliError, add_common
from thaivc.cli.authority import register_authority
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
    register_status, register_serve, register_wallet,
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


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
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
        return 1
