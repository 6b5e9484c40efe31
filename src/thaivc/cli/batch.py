"""``thaivc issue-batch``: a credential for every row of a CSV or JSONL file, resumable.

A thin shell over :func:`thaivc.batch.issue_many`: it reads the template and key, shows a progress
bar with rate and ETA (on a terminal), and maps the outcome to an exit code. Run the same command
again after a crash or Ctrl-C: it carries on where the last run stopped.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from thaivc.cli._common import EXIT_FAILED, EXIT_OK, CliError, load_signing_key, read_json_file
from thaivc.core.errors import ThaiVCError

__all__ = ["register_batch"]

_EXAMPLES = """\
examples:
  thaivc status create --key agency.jwk.json --base-url https://status.dopa.go.th/lists
  thaivc issue-batch citizens.csv --template citizen-template.json --key agency.jwk.json \\
      --format dc+sd-jwt --status thaivc-status.db --out batch-2026-06
  thaivc issue-batch citizens.jsonl --template t.json --key agency.jwk.json --out batch-2026-06   # resume

Each row becomes the credentialSubject (a CSV column named name.givenName nests). The output
directory holds credentials.jsonl (one {"row", "id", "credential", "status"} per line, in input
order), rejected.jsonl (rows that could not be issued, with their problem code) and, with --status,
the signed status lists under lists/ (serve them at the status database's base URL).
Exit 0 when every row was issued, 1 when some were rejected, 2 on a usage error, 130 on Ctrl-C
(run it again to resume).
"""


def register_batch(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    batch = sub.add_parser(
        "issue-batch",
        help="issue a credential to every row of a CSV or JSONL file (resumable, every core)",
        description="Issue one credential per input row, on every core, with status entries allocated "
        "in bulk. The output directory is the journal: rerun the same command to resume.\n\n" + _EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    batch.add_argument("input", metavar="SUBJECTS", help="CSV (header row) or JSONL file of credential subjects")
    batch.add_argument("--template", required=True, metavar="FILE", help="the credential without its subject (JSON)")
    batch.add_argument("--key", required=True, metavar="FILE", help="the issuer's private JWK file")
    batch.add_argument("--out", required=True, metavar="DIR", help="output directory (and journal)")
    batch.add_argument("--format", default="dc+sd-jwt", choices=["dc+sd-jwt", "vc+jwt", "di"])
    batch.add_argument("--input-format", choices=["csv", "jsonl"], help="default: from the file name")
    batch.add_argument("--cryptosuite", metavar="NAME", help="Data Integrity cryptosuite (with --format di)")
    batch.add_argument(
        "--disclosable",
        action="append",
        metavar="POINTER",
        help="with dc+sd-jwt: a claim the holder may withhold (repeat); default every subject claim but id",
    )
    batch.add_argument("--status", metavar="DB", help="allocate status entries in this status database (FILE or DSN)")
    batch.add_argument("--status-purpose", default="revocation", choices=["revocation", "suspension"])
    batch.add_argument("--no-publish", action="store_true", help="do not sign and write the status lists at the end")
    batch.add_argument("--workers", type=int, metavar="N", help="worker processes (default: every core)")
    batch.add_argument("--chunk-size", type=int, default=500, metavar="N", help="rows per chunk (default 500)")
    batch.add_argument(
        "--partition", metavar="I/N", help="issue only partition I of N (0-based), e.g. 0/4; one --out per partition"
    )
    batch.add_argument("--batch-id", metavar="ID", help="the batch id credential ids derive from (same for partitions)")
    batch.add_argument("--quiet", action="store_true", help="no progress bar")
    batch.set_defaults(handler=cmd_issue_batch)


def _partition(text: str | None) -> tuple[int, int]:
    if text is None:
        return 0, 1
    index, slash, count = text.partition("/")
    if not slash or not index.isdigit() or not count.isdigit() or not 0 <= int(index) < int(count):
        raise CliError("--partition is I/N with 0 <= I < N, e.g. 0/4")
    return int(index), int(count)


def _progress_bar(quiet: bool) -> Any:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class RateColumn(ProgressColumn):
        """Credentials per second, as rich measures it over its recent samples."""

        def render(self, task: Any) -> Text:
            return Text("—/s" if not task.speed else f"{task.speed:,.0f}/s")

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        disable=quiet or not sys.stderr.isatty(),
        console=None,
    )


def cmd_issue_batch(args: argparse.Namespace) -> int:
    from thaivc.batch import issue_many

    template = read_json_file(args.template, what="template")
    if not isinstance(template, dict):
        raise CliError("the template must be a JSON object (a credential without its subject)")
    key = load_signing_key(args.key)
    if args.disclosable and args.format != "dc+sd-jwt":
        raise CliError("--disclosable needs --format dc+sd-jwt")
    partition = _partition(args.partition)
    started = time.perf_counter()
    with _progress_bar(args.quiet) as bar:
        task = bar.add_task("issuing", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        try:
            result = issue_many(
                args.input,
                args.out,
                key=key,
                template=template,
                format=args.format,
                input_format=args.input_format,
                cryptosuite=args.cryptosuite,
                disclosable=args.disclosable,
                status_db=args.status,
                status_purpose=args.status_purpose,
                publish=not args.no_publish,
                workers=args.workers,
                chunk_size=args.chunk_size,
                partition=partition,
                batch_id=args.batch_id,
                progress=progress,
            )
        except ThaiVCError as err:
            raise CliError(f"cannot issue the batch: {err.code}: {err.detail}") from None
    seconds = time.perf_counter() - started
    resumed = f", {result.resumed_chunks} chunk(s) kept from an earlier run" if result.resumed_chunks else ""
    print(
        f"issued {result.issued:,} credential(s) to {result.out_dir / 'credentials.jsonl'} in {seconds:.1f} s"
        f"{resumed}; {result.rejected:,} rejected"
        + (f" (see {result.out_dir / 'rejected.jsonl'})" if result.rejected else "")
        + (f"; {len(result.published)} status list(s) in {result.out_dir / 'lists'}" if result.published else "")
    )
    return EXIT_FAILED if result.rejected else EXIT_OK
