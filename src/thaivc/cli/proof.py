"""``thaivc proof add``: a further signer adds a Data Integrity proof to a signed document.

This is how a proof set is built from the command line (several directors signing one
delegation): each signer runs ``thaivc proof add`` on the output of the previous one. Existing
proofs are kept untouched; ``--previous`` makes the new proof a link of a proof chain instead.
"""

from __future__ import annotations

import argparse
import json

from thaivc.cli._common import (
    EXIT_FAILED,
    EXIT_OK,
    CliError,
    add_key_option,
    add_out_option,
    load_signing_key,
    read_json_file,
    write_output,
)
from thaivc.core.errors import ThaiVCError

__all__ = ["register_proof"]


def register_proof(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``thaivc proof add``."""
    proof = sub.add_parser(
        "proof",
        help="work with Data Integrity proofs (add a co-signer)",
        description="Data Integrity proof sets and chains.",
    )
    actions = proof.add_subparsers(dest="proof_command", metavar="ACTION")
    actions.required = True
    add = actions.add_parser(
        "add",
        help="add one more proof to a signed document (a proof set)",
        description="Add this key's proof to a document that is already signed; existing proofs are kept.\n"
        "Only Data Integrity documents (thaivc issue --format di) take more proofs; a vc+jwt or SD-JWT cannot.\n\n"
        "A verifier accepts a co-signer that is not the issuer only when its proof-set policy names\n"
        "that signer (thaivc.di.ProofSetPolicy); see docs/data-integrity.md.\n\n"
        "example:\n  thaivc proof add signed.json --key cfo.jwk.json --out signed2.json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add.add_argument("document", metavar="SIGNED.json", help="the signed document ('-' for stdin)")
    add_key_option(add, "the co-signer's private JWK file")
    add.add_argument(
        "--cryptosuite", metavar="NAME", help="default: eddsa-rdfc-2022 for Ed25519, ecdsa-rdfc-2019 for P-256/P-384"
    )
    add.add_argument("--purpose", default="assertionMethod", help="proof purpose (default assertionMethod)")
    add.add_argument("--id", dest="proof_id", metavar="URI", help="an id for the new proof (to chain to it later)")
    add.add_argument("--previous", metavar="URI", action="append", help="chain to the proof with this id")
    add_out_option(add)
    add.set_defaults(handler=cmd_proof_add)


def cmd_proof_add(args: argparse.Namespace) -> int:
    """A co-signature vouches for the credential as the first proof does, so it goes through
    :meth:`thaivc.Issuer.add_proof` and the issuance checks, never straight to the primitive."""
    from thaivc.engine.issuer import Issuer

    what = "document (a Data Integrity credential in JSON; tokens cannot be co-signed)"
    document = read_json_file(args.document, what=what)
    if not isinstance(document, dict):
        raise CliError("the document must be a JSON object")
    if "proof" not in document:
        raise CliError("the document carries no proof yet: sign it first with thaivc issue --format di")
    key = load_signing_key(args.key)
    try:
        signed = Issuer(key).add_proof(
            document,
            cryptosuite=args.cryptosuite,
            proof_purpose=args.purpose,
            proof_id=args.proof_id,
            previous_proof=args.previous,
        )
    except ThaiVCError as err:
        raise CliError(f"cannot add the proof: {err.code}: {err.detail}", exit_code=EXIT_FAILED) from None
    write_output(args.out, json.dumps(signed, ensure_ascii=False, indent=2))
    return EXIT_OK
