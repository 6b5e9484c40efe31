"""``thaivc wallet``: the test wallet from a terminal, for trying the counter pages by hand.

It is :mod:`thaivc.wallet` (the same honest wallet the tests use): ``receive`` redeems a credential
offer (the issuer counter's QR link and the transaction code the officer reads out) and keeps each
credential beside the private key it is bound to; ``present`` answers an OpenID4VP request (the
verifier counter's QR link) with the first kept credential that matches, disclosing only what is asked.
A test wallet: the keys are files in a directory (0600), not a secure element.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

from thaivc.cli._common import EXIT_FAILED, EXIT_OK, CliError

__all__ = ["register_wallet"]

EXAMPLES = """examples:
  thaivc wallet receive 'openid-credential-offer://?credential_offer=…' --tx-code 123456 --dir my-wallet
  thaivc wallet present 'openid4vp://?client_id=…&request_uri=…' --dir my-wallet
  thaivc wallet list --dir my-wallet

Copy the link from the counter page (the "open in the wallet on this device" button) in place of
scanning the QR code. Plain http is accepted for loopback addresses only (make serve).
"""


def register_wallet(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    wallet = sub.add_parser(
        "wallet", help="the test wallet: receive an offer, present to a verifier (counter pages)",
        description="The test wallet (thaivc.wallet) from a terminal.\n\n" + EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    wallet.add_argument("action", choices=["receive", "present", "list"])
    wallet.add_argument("link", nargs="?", help="the offer (receive) or request (present) link")
    wallet.add_argument("--dir", default="wallet", help="where credentials and their keys are kept (default wallet)")
    wallet.add_argument("--tx-code", help="receive: the transaction code the officer reads out")
    wallet.set_defaults(handler=cmd_wallet)


def _loopback(url: str) -> bool:
    return urlsplit(url).hostname in ("127.0.0.1", "localhost", "::1")


def _kept(directory: Path) -> list[tuple[Path, dict[str, Any]]]:
    out = []
    for path in sorted(directory.glob("credential-*.json")):
        if path.name.endswith(".jwk.json"):  # the key beside it
            continue
        out.append((path, json.loads(path.read_text(encoding="utf-8"))))
    return out


def _list(args: argparse.Namespace, directory: Path) -> int:
    for path, item in _kept(directory):
        print(f"{path.name}  {item['format']}  from {item['issuer']}")
    return EXIT_OK


def _receive(args: argparse.Namespace, directory: Path) -> int:
    """Redeem the offer and keep each credential beside the key it is bound to."""
    import httpx

    from thaivc.wallet import IssuanceWallet

    wallet = IssuanceWallet(httpx.Client(timeout=15.0), allow_insecure_http=True)
    issuer = str(wallet.resolve_offer(args.link)["credential_issuer"])
    if not issuer.startswith("https://") and not _loopback(issuer):
        raise CliError("the wallet talks plain http to a loopback address only")
    issued = wallet.receive(args.link, tx_code=args.tx_code)
    if not isinstance(issued, list):
        print("the issuer says: not yet (deferred); try again later", file=sys.stderr)
        return EXIT_FAILED
    directory.mkdir(parents=True, exist_ok=True)
    start = len(_kept(directory))
    for n, received in enumerate(issued, start=start + 1):
        key_file = directory / f"credential-{n}.jwk.json"
        received.key.save(key_file)
        (directory / f"credential-{n}.json").write_text(json.dumps(
            {"issuer": received.issuer, "format": received.format, "credential": received.credential,
             "key": key_file.name}, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"kept credential-{n} ({received.format}) from {received.issuer}")
    return EXIT_OK


def _present(args: argparse.Namespace, directory: Path) -> int:
    """Answer the request with the first kept credential that matches it."""
    import httpx

    from thaivc.did import did_jwk
    from thaivc.keys import PrivateKey, load_key
    from thaivc.wallet.present import PresentationWallet

    kept = _kept(directory)
    if not kept:
        raise CliError(f"no credentials in {directory}: receive one first")
    http = httpx.Client(timeout=15.0)
    wallets = []
    for _path, item in kept:
        key = load_key(directory / item["key"])
        if not isinstance(key, PrivateKey):
            raise CliError(f"{item['key']} holds no private key")
        did = did_jwk(key.public)  # the issuer bound the credential to the key's did:jwk
        holder = PresentationWallet(key.bind(did, did + "#0"), http=http, allow_insecure_loopback=True)
        holder.store(item["credential"])
        wallets.append(holder)
    request = wallets[0].read_request(args.link)
    for holder in wallets:
        if holder.candidates(request):
            answer = holder.post(request, holder.respond(request))
            print(f"answered: the verifier said {answer.status_code}; look at the counter page")
            return EXIT_OK if answer.status_code == 200 else EXIT_FAILED
    print("no kept credential matches what the verifier asks for", file=sys.stderr)
    return EXIT_FAILED


#: One handler per sub-command (the parser's ``choices``).
_ACTIONS: Final[dict[str, Callable[[argparse.Namespace, Path], int]]] = {
    "list": _list, "receive": _receive, "present": _present,
}


def cmd_wallet(args: argparse.Namespace) -> int:
    if args.action != "list" and not args.link:
        raise CliError(f"wallet {args.action} needs the link from the counter page")
    return _ACTIONS[args.action](args, Path(args.dir))
