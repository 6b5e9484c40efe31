"""``thaivc did resolve``: show a DID document; did:web only when network access is asked for.

did:key and did:jwk resolve offline. did:web needs ``--allow-network`` and then goes through
:class:`~thaivc.net.SafeHttpClient` (HTTPS only, no private addresses, size and time caps), so the
command can be pointed at an untrusted DID without reaching into the local network.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from thaivc.cli._common import EXIT_FAILED, EXIT_INDETERMINATE, EXIT_OK, add_json_flag, print_json
from thaivc.core.errors import Indeterminate, ThaiVCError
from thaivc.did import RELATIONSHIPS, DidDocument, DidJwkResolver, DidKeyResolver, DidResolver, UniversalResolver

if TYPE_CHECKING:
    from thaivc.did import DidDocument, DidResolver, UniversalResolver
    from thaivc.net import Fetcher

__all__ = ["cmd_did_resolve", "make_fetcher", "register_did"]

EXAMPLES = """\
examples:
  thaivc did resolve did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK
  thaivc did resolve did:web:dopa.go.th --allow-network --json

exit status: 0 resolved, 1 refused (invalid DID or document), 3 could not decide (no network
resolver, host unreachable), 2 usage error.
"""


def register_did(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    fmt = argparse.RawDescriptionHelpFormatter
    did = sub.add_parser("did", help="resolve DIDs", description="Resolve DIDs to their documents.")
    did_sub = did.add_subparsers(dest="did_command", metavar="ACTION")
    did_sub.required = True
    resolve = did_sub.add_parser(
        "resolve",
        help="print the DID document of a did:key, did:jwk or (with --allow-network) did:web DID",
        description="Resolve a DID and print its document.\n\n" + EXAMPLES,
        formatter_class=fmt,
    )
    resolve.add_argument("did", metavar="DID")
    add_json_flag(resolve, "print the DID document as JSON")
    resolve.add_argument(
        "--allow-network", action="store_true", help="fetch did:web documents over HTTPS (off by default)"
    )
    resolve.set_defaults(handler=cmd_did_resolve)


def make_fetcher() -> Fetcher:
    """The network client did:web uses; a seam so tests can substitute a loopback or mock client."""
    from thaivc.net import SafeHttpClient

    return SafeHttpClient()


def _resolver(allow_network: bool) -> UniversalResolver:
    from thaivc.did import UniversalResolver

    methods: dict[str, DidResolver] = {"key": DidKeyResolver(), "jwk": DidJwkResolver()}
    if allow_network:
        from thaivc.did.web import DidWebResolver

        methods["web"] = DidWebResolver(make_fetcher())
    return UniversalResolver(methods)


def _describe(document: DidDocument) -> str:

    lines = [f"id  {document.id}"]
    for vm in document.verification_methods:
        uses = [name for name in RELATIONSHIPS if document.is_authorized(vm.id, name)]
        lines.append(f"  {vm.id}")
        lines.append(f"      {vm.type}, {vm.public_key.key_type} ({vm.public_key.alg}); {', '.join(uses) or 'no use'}")
    return "\n".join(lines) + "\n"


def cmd_did_resolve(args: argparse.Namespace) -> int:
    try:
        document = _resolver(args.allow_network).resolve(args.did)
    except Indeterminate as err:
        print(f"thaivc: indeterminate: {err.code}: {err.detail}", file=sys.stderr)
        if err.code == "did.resolver_unavailable":
            print("hint: did:web needs network access; pass --allow-network", file=sys.stderr)
        return EXIT_INDETERMINATE
    except ThaiVCError as err:
        print(f"thaivc: refused: {err.code}: {err.detail}", file=sys.stderr)
        return EXIT_FAILED
    if args.json:
        print_json(document.to_json())
    else:
        sys.stdout.write(_describe(document))
    return EXIT_OK
