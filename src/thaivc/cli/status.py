"""``thaivc status``: run an agency's revocation and suspension lists from the command line.

The registry lives in a SQLite file (``--db FILE``, default ``./thaivc-status.db``) or in PostgreSQL
(``--db postgresql://…``); ``status create`` records the issuer and the base URL the lists are served
from, so later commands need only the database. This group also gives every issuing command
(``issue``, ``issue-citizen``, ``issue-juristic``, ``delegate``) its ``--status DB`` /
``--status-purpose`` options, which add a status entry at issuance.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

from thaivc.cli._common import (
    EXIT_FAILED,
    EXIT_OK,
    CliError,
    add_json_flag,
    add_key_option,
    add_out_option,
    load_signing_key,
    print_json,
    read_input,
    write_output,
)
from thaivc.core.errors import ThaiVCError

__all__ = ["register_status"]

DEFAULT_DB: Final = "thaivc-status.db"
#: Credentials revoked per transaction by ``revoke --from-csv`` (one progress step each).
CSV_BATCH: Final = 1000
_PURPOSES: Final = ("revocation", "suspension")
_HEADER_CELLS: Final = frozenset({"id", "credential_id", "credentialid", "credential id"})

_FMT = argparse.RawDescriptionHelpFormatter


def register_status(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    status = sub.add_parser(
        "status",
        help="revoke and suspend credentials; publish status lists",
        description="Keep an issuer's status lists (W3C Bitstring Status List and IETF Token Status List).\n\n"
        "examples:\n"
        "  thaivc status create --key agency.jwk.json --base-url https://status.dopa.go.th/lists\n"
        "  thaivc issue credential.json --key agency.jwk.json --status thaivc-status.db --out cred.jwt\n"
        "  thaivc status revoke urn:uuid:6f1c9a52-0d7e-4c55-9d1e-2b8c0f1e7a10\n"
        "  thaivc status revoke --from-csv revoked.csv\n"
        "  thaivc status publish --key agency.jwk.json --out public/lists",
        formatter_class=_FMT,
    )
    actions = status.add_subparsers(dest="status_command", metavar="ACTION")
    actions.required = True

    create = _action(
        actions,
        "create",
        "create the status database for an issuer",
        "Create (or update) the status database: the issuer and where its lists are served.\n\n"
        "example:\n  thaivc status create --key agency.jwk.json --base-url https://status.dopa.go.th/lists",
    )
    who = create.add_mutually_exclusive_group(required=True)
    add_key_option(who, "the issuer's key file (the issuer id is its DID)", required=False)
    who.add_argument("--issuer", metavar="ID", help="the issuer id (DID or URL) credentials name")
    create.add_argument("--base-url", required=True, metavar="URL", help="where the lists will be served (https)")
    create.add_argument(
        "--list-size", type=int, default=131_072, metavar="N", help="entries per list (default 131072)"
    )
    create.set_defaults(handler=cmd_create)

    for name, verb in (("revoke", "revoke for good"), ("suspend", "suspend"), ("reinstate", "lift a suspension")):
        action = _action(
            actions,
            name,
            f"{verb}: change the status of credentials",
            f"{verb.capitalize()} the listed credentials in one transaction. Republish the lists for "
            f"verifiers to see it.\n\nexample:\n  thaivc status {name} urn:uuid:6f1c9a52-0d7e-4c55-9d1e-2b8c0f1e7a10",
        )
        action.add_argument("ids", nargs="*", metavar="CREDENTIAL_ID")
        action.add_argument(
            "--from-csv",
            metavar="FILE",
            help=f"{name} every id in the first column of FILE (header row optional), {CSV_BATCH} per transaction",
        )
        action.add_argument("--dry-run", action="store_true", help="say what would change; change nothing")
        action.add_argument(
            "--skip-unknown", action="store_true", help="skip ids with no status entry instead of refusing the batch"
        )
        action.add_argument("--quiet", action="store_true", help="no progress bar")
        action.set_defaults(handler=cmd_change, change=name)

    show = _action(
        actions,
        "show",
        "print a credential's status entries and current state",
        "Print the entries a credential holds and their current state.\n\n"
        "example:\n  thaivc status show urn:uuid:6f1c9a52-0d7e-4c55-9d1e-2b8c0f1e7a10",
    )
    show.add_argument("credential_id", metavar="CREDENTIAL_ID")
    add_json_flag(show)
    show.set_defaults(handler=cmd_show)

    publish = _action(
        actions,
        "publish",
        "sign every list and write the files to serve",
        "Sign the current version of every list, in both formats, and write them under DIR:\n"
        "DIR/<list> (W3C BitstringStatusListCredential) and DIR/token/<list> (IETF statuslist+jwt).\n"
        "Serve DIR at the base URL; republish at least daily (lists are valid for --valid-for).\n\n"
        "example:\n  thaivc status publish --key agency.jwk.json --out public/lists",
    )
    add_key_option(publish, "the issuer's private key file")
    add_out_option(publish, "directory to write the lists to", required=True, metavar="DIR")
    publish.add_argument("--format", default="vc+jwt", choices=["vc+jwt", "di"], help="W3C list credential format")
    publish.add_argument("--valid-for", type=int, default=86_400, metavar="SECONDS", help="list lifetime")
    publish.add_argument("--ttl", type=int, default=300, metavar="SECONDS", help="how long verifiers may cache")
    publish.add_argument("--quiet", action="store_true", help="no progress bar")
    publish.set_defaults(handler=cmd_publish)



def _action(
    actions: argparse._SubParsersAction[argparse.ArgumentParser], name: str, help_text: str, description: str
) -> argparse.ArgumentParser:
    parser = actions.add_parser(name, help=help_text, description=description, formatter_class=_FMT)
    parser.add_argument(
        "--db", "--status", dest="db", default=DEFAULT_DB, metavar="FILE|DSN",
        help=f"the status database, a SQLite file or postgresql:// DSN (default {DEFAULT_DB}); "
        "--status is the same option, spelt as in thaivc issue and thaivc verify",
    )
    return parser


# -- the registry ------------------------------------------------------------------------------


def _is_dsn(db: str) -> bool:
    return db.startswith(("postgresql://", "postgres://"))


@contextmanager
def _store(db: str, *, create: bool = False) -> Iterator[Any]:
    from thaivc.status import PostgresStatusStore, SqliteStatusStore

    if not _is_dsn(db) and not create and not Path(db).is_file():
        raise CliError(f"no status database at {db}; create one with: thaivc status create --db {db} …")
    try:
        store = PostgresStatusStore(db) if _is_dsn(db) else SqliteStatusStore(db)
    except ThaiVCError as err:
        raise CliError(f"cannot open the status database: {err.detail}") from None
    try:
        yield store
    finally:
        store.close()


def _registry(store: Any, db: str) -> Any:
    from thaivc.status import StatusRegistry

    settings = store.settings()
    if "issuer_id" not in settings or "base_url" not in settings:
        raise CliError(f"{db} has no issuer settings; run: thaivc status create --db {db} …")
    try:
        return StatusRegistry(
            store,
            base_url=settings["base_url"],
            issuer_id=settings["issuer_id"],
            list_size=int(settings.get("list_size", "131072")),
        )
    except ThaiVCError as err:
        raise CliError(f"bad settings in {db}: {err.detail}") from None


def _progress(quiet: bool) -> Any:
    """A rich progress bar, shown only on a terminal (never in pipes, logs or with --quiet)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        disable=quiet or not sys.stdout.isatty(),
    )


# -- handlers ----------------------------------------------------------------------------------


def cmd_create(args: argparse.Namespace) -> int:
    issuer_id = args.issuer if args.issuer else load_signing_key(args.key).did
    base_url = str(args.base_url)
    if not base_url.startswith(("https://", "http://localhost", "http://127.0.0.1")) or base_url.endswith("/"):
        raise CliError("--base-url must be an https URL without a trailing '/'")
    if args.list_size < 131_072 or args.list_size % 8:
        raise CliError("--list-size must be a multiple of 8, at least 131072 (the herd privacy needs)")
    with _store(args.db, create=True) as store:
        existing = store.settings().get("issuer_id")
        if existing is not None and existing != issuer_id:
            raise CliError(f"{args.db} already belongs to {existing}; use another --db for {issuer_id}")
        store.save_settings({"issuer_id": issuer_id, "base_url": base_url, "list_size": str(args.list_size)})
    print(f"status database {args.db} ready for {issuer_id}; lists will be served at {base_url}/…")
    return EXIT_OK


def _csv_ids(path: str) -> list[tuple[str, str]]:
    """``(id, where)`` for each id in the first column; ``where`` names the row, for error messages."""
    text = read_input(path, what="CSV file")
    ids: list[tuple[str, str]] = []
    for row_number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        cell = row[0].strip() if row else ""
        if not cell or cell.startswith("#"):
            continue
        if row_number == 1 and cell.lower() in _HEADER_CELLS:
            continue
        ids.append((cell, f"{path} row {row_number}"))
    return ids


_TARGET: Final = {"revoke": ("revocation", 1), "suspend": ("suspension", 1), "reinstate": ("suspension", 0)}
_PAST: Final = {"revoke": "revoked", "suspend": "suspended", "reinstate": "reinstated"}


class _Values:
    """Current status values read from the store, one snapshot per list (cached for the command)."""

    def __init__(self, store: Any, issuer_id: str) -> None:
        self.store, self.issuer_id = store, issuer_id
        self._lists: dict[str, dict[int, int]] = {}

    def get(self, purpose: str, credential_id: str) -> int | None:
        allocation = self.store.lookup(self.issuer_id, purpose, credential_id)
        if allocation is None:
            return None
        if allocation.list_id not in self._lists:
            self._lists[allocation.list_id] = dict(self.store.snapshot(allocation.list_id).values)
        return self._lists[allocation.list_id].get(allocation.index, 0)


def _plan(args: argparse.Namespace, values: _Values, ids: list[tuple[str, str]]) -> tuple[list[str], int, list[str]]:
    """(ids to change, how many are already in the target state, unknown ids skipped); refuses what it must."""
    purpose, target = _TARGET[args.change]
    change: list[str] = []
    already = 0
    skipped: list[str] = []
    seen: set[str] = set()
    for credential_id, where in ids:
        if credential_id in seen:
            continue
        seen.add(credential_id)
        if args.change == "reinstate" and values.get("revocation", credential_id) == 1:
            raise CliError(f"{credential_id} ({where}) is revoked: revocation is final and cannot be reinstated; "
                           "nothing was changed", exit_code=EXIT_FAILED)
        current = values.get(purpose, credential_id)
        if current is None:
            if args.skip_unknown:
                skipped.append(credential_id)
                continue
            raise CliError(f"{credential_id} ({where}) has no {purpose} entry in {args.db}; nothing was changed "
                           "(--skip-unknown to change the others)", exit_code=EXIT_FAILED)
        if current == target:
            already += 1
        else:
            change.append(credential_id)
    return change, already, skipped


def cmd_change(args: argparse.Namespace) -> int:
    ids = [(cid, f"argument {n}") for n, cid in enumerate(args.ids, start=1)]
    if args.from_csv:
        ids.extend(_csv_ids(args.from_csv))
    if not ids:
        raise CliError(f"name the credentials to {args.change}: CREDENTIAL_ID … or --from-csv FILE")
    past = _PAST[args.change]
    with _store(args.db) as store:
        registry = _registry(store, args.db)
        change_ids, already, skipped = _plan(args, _Values(store, registry.issuer_id), ids)
        summary = (f"{len(change_ids)} credential(s) {'would be ' if args.dry_run else ''}{past}, "
                   f"{already} already {past}" + (f", {len(skipped)} unknown skipped" if skipped else ""))
        if args.dry_run:
            print(f"dry run: {summary}; nothing was changed")
            return EXIT_OK
        change = {
            "revoke": registry.revoke_many,
            "suspend": registry.suspend_many,
            "reinstate": registry.reinstate_many,
        }[args.change]
        done = 0
        with _progress(args.quiet or len(change_ids) <= CSV_BATCH) as progress:
            task = progress.add_task(f"{args.change}", total=len(change_ids))
            for start in range(0, len(change_ids), CSV_BATCH):
                batch = change_ids[start : start + CSV_BATCH]
                try:
                    done += change(batch)
                except ThaiVCError as err:
                    raise CliError(
                        f"{err.detail} (in ids {start + 1}–{start + len(batch)}); {done} credential(s) were "
                        f"changed before; nothing from id {start + 1} on was changed",
                        exit_code=EXIT_FAILED,
                    ) from None
                progress.advance(task, len(batch))
    print(f"{summary}" + ("; run 'thaivc status publish' for verifiers to see it" if done else ""))
    return EXIT_OK


def _state(purpose: str, value: int) -> str:
    if value == 0:
        return "valid" if purpose == "revocation" else "not suspended" if purpose == "suspension" else "0"
    return {"revocation": "REVOKED", "suspension": "SUSPENDED"}.get(purpose, str(value))


def cmd_show(args: argparse.Namespace) -> int:
    with _store(args.db) as store:
        registry = _registry(store, args.db)
        entries = []
        for purpose in (*_PURPOSES, "message"):
            allocation = store.lookup(registry.issuer_id, purpose, args.credential_id)
            if allocation is None:
                continue
            value = dict(store.snapshot(allocation.list_id).values).get(allocation.index, 0)
            entries.append(
                {
                    "purpose": purpose,
                    "list": allocation.list_id,
                    "index": allocation.index,
                    "url": registry.list_url(allocation.list_id),
                    "value": value,
                    "state": _state(purpose, value),
                }
            )
    if not entries:
        raise CliError(f"{args.credential_id} has no status entry in {args.db}", exit_code=EXIT_FAILED)
    if args.json:
        print_json({"credential_id": args.credential_id, "issuer": registry.issuer_id, "entries": entries})
        return EXIT_OK
    print(args.credential_id)
    for e in entries:
        print(f"  {e['purpose']:<11} {e['state']:<14} index {e['index']:<7} {e['url']}")
    return EXIT_OK


def cmd_publish(args: argparse.Namespace) -> int:
    from thaivc.engine.issuer import Issuer
    from thaivc.status import publish_lists

    key = load_signing_key(args.key)
    out = Path(args.out)
    with _store(args.db) as store:
        registry = _registry(store, args.db)
        issuer = Issuer(key)
        if issuer.issuer_id != registry.issuer_id:
            raise CliError(f"{args.key} is not the key of {registry.issuer_id}, whose lists these are")
        lists = registry.lists()
        try:
            (out / "token").mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CliError(f"cannot create {out}: {exc.strerror}") from None
        with _progress(args.quiet or len(lists) < 2) as progress:
            task = progress.add_task("publishing", total=len(lists))
            for info in lists:
                try:
                    publications = publish_lists(
                        registry,
                        issuer,
                        list_format=args.format,
                        valid_for=args.valid_for,
                        ttl=args.ttl,
                        list_ids=[info.list_id],
                    )
                except ThaiVCError as err:
                    raise CliError(f"cannot publish list {info.list_id}: {err.code}: {err.detail}") from None
                for pub in publications:
                    target = out / pub.list_id if pub.format == "w3c" else out / "token" / pub.list_id
                    write_output(str(target), pub.body)
                progress.advance(task)
    print(f"published {len(lists)} list(s) in 2 formats to {out}; serve it at {registry.base_url}")
    return EXIT_OK


# -- --status at issuance (issue, issue-citizen, issue-juristic, delegate) ----------------------


@contextlib.contextmanager
def status_registry(db: str) -> Iterator[Any]:
    """The issuer's :class:`~thaivc.status.StatusRegistry` over the status database ``db``."""
    with _store(db) as store:
        yield _registry(store, db)


def add_status_options(parser: argparse.ArgumentParser) -> None:
    """``--status DB`` and ``--status-purpose LIST``: one spelling for every command that issues."""
    parser.add_argument("--status", metavar="DB", help="add a status entry from this status database (FILE or DSN)")
    parser.add_argument(
        "--status-purpose",
        default="revocation",
        metavar="LIST",
        help="with --status: comma-separated purposes (default revocation; e.g. revocation,suspension)",
    )


@contextlib.contextmanager
def issuing_status(args: argparse.Namespace) -> Iterator[Any]:
    """The ``status=`` option of an issuing call from ``--status``/``--status-purpose`` (``None`` without).

    Yields ``(registry, purposes)`` while the database is open: allocate inside the ``with``.
    """
    if getattr(args, "status", None) is None:
        yield None
        return
    purposes = [p.strip() for p in str(args.status_purpose).split(",") if p.strip()]
    with status_registry(args.status) as registry:
        yield (registry, purposes)


# -- --status at verification ------------------------------------------------------------------


class _FolderLists:
    """Published lists read from a folder laid out as ``thaivc status publish`` writes it.

    ``…/LIST`` is ``FOLDER/LIST`` (the W3C list credential) and ``…/token/LIST`` is
    ``FOLDER/token/LIST``; only the last path segment of the URL is used, so nothing outside the
    folder is ever read.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def __call__(self, url: str) -> Any:
        from thaivc.core.errors import Indeterminate
        from thaivc.net import FetchResult

        name = url.rstrip("/").rsplit("/", 1)[-1]
        if not name or name in {".", ".."} or "\\" in name:
            raise Indeterminate("status.unavailable", f"no published list for {url}")
        path = self.folder / ("token" if "/token/" in url else "") / name
        try:
            body = path.read_bytes()
        except OSError:
            raise Indeterminate("status.unavailable", f"the folder {self.folder} has no list {name}") from None
        return FetchResult(url=url, status=200, body=body)


@contextlib.contextmanager
def status_source(source: str | None, verifier: Any) -> Iterator[None]:
    """Give ``verifier`` a status checker for ``--status SOURCE`` while the ``with`` lasts.

    ``https`` fetches the lists credentials name (over HTTPS only, through the hardened client); a
    folder reads lists published there; anything else is the issuer's status database.
    """
    if source is None:
        yield
        return
    from thaivc.status import RegistryFetcher, http_status_checker

    if source == "https":
        from thaivc.net import SafeHttpClient

        verifier.status_checker = http_status_checker(verifier, SafeHttpClient())
        yield
    elif Path(source).is_dir():
        verifier.status_checker = http_status_checker(verifier, _FolderLists(Path(source)))
        yield
    else:
        with status_registry(source) as registry:
            verifier.status_checker = http_status_checker(verifier, RegistryFetcher(registry))
            yield
