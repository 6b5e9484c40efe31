"""``thaivc serve``: run the HTTP service; ``migrate`` its database; ``reconcile`` orphaned status
indices; ``sample`` a configuration to try.

The server is the optional ``thaivc[server]`` extra (FastAPI, uvicorn, prometheus-client): it is
imported only when this command runs, so the rest of the command line works without it.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import secrets
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from thaivc.cli._common import EXIT_OK, CliError

if TYPE_CHECKING:
    from thaivc.server.config import ServerConfig
    from thaivc.server.db import Database

__all__ = ["register_serve", "uvicorn_settings"]

EXAMPLES = """\
examples:
  thaivc serve sample .serve                          # a key, an API key and a config on SQLite
  thaivc serve --config .serve/thaivc-server.toml     # serve it on http://127.0.0.1:8080
  thaivc serve migrate --config prod.toml             # apply database migrations, then exit
  thaivc serve reconcile --config prod.toml --dry-run # list orphaned status indices, change nothing
  thaivc serve reconcile --config prod.toml --grace 1h  # revoke those allocated over an hour ago
  THAIVC_DATABASE__URL=postgresql://… thaivc serve --config prod.toml --workers 4

configuration: one TOML file (--config, or THAIVC_CONFIG) with THAIVC_SECTION__KEY overrides;
see docs/server.md.

reconcile: issuance allocates a status index, signs, then writes the register row. A worker killed
(or a database error) in between leaves an orphan: an index no register row holds, for a credential
that was never delivered. `reconcile` finds this issuer's orphans allocated more than --grace ago
(default 10m: an issuance in flight is left alone), sets their revocation (and suspension) bit so the
index can never read as a live credential, and writes one audit row each (reconcile,
revoked-orphan). An index is never reused; a credential id reconciled this way can never be
registered afterwards (status.orphan_reconciled). It prints one line per orphan and a summary; it is
safe to run again (a second run finds nothing) and beside a running service or another reconcile.
Exit 0 whether or not orphans were found; non-zero only when it could not finish.
"""


def register_serve(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = sub.add_parser(
        "serve",
        help="run the issuer/verifier HTTP service (needs thaivc[server])",
        description="Run thaivc as an HTTP service: W3C VC-API, status lists, did:web, administration.\n\n"
        + EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    serve.add_argument("action", nargs="?", choices=["run", "migrate", "reconcile", "sample"], default="run",
                       help="run (default), migrate the database, reconcile orphaned status indices, "
                       "or write a sample configuration")
    serve.add_argument("directory", nargs="?", help="for 'sample': where to write it (default .serve)")
    serve.add_argument("--config", metavar="FILE", help="the TOML configuration (default: $THAIVC_CONFIG)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8080, help="port (default 8080)")
    serve.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    serve.add_argument("--tls-cert", metavar="PEM", help="serve HTTPS with this certificate (chain); "
                       "overrides [server] tls_cert")
    serve.add_argument("--tls-key", metavar="PEM", help="the certificate's unencrypted private key; "
                       "overrides [server] tls_key")
    serve.add_argument("--grace", metavar="DURATION", default="10m",
                       help="reconcile: leave allocations younger than this alone (600, 30s, 10m, 1h; default 10m)")
    serve.add_argument("--dry-run", action="store_true",
                       help="reconcile: report what would be revoked, change nothing")
    serve.set_defaults(handler=cmd_serve)


def _sample(directory: Path, port: int) -> int:
    from thaivc import generate_key

    directory.mkdir(parents=True, exist_ok=True)
    config = directory / "thaivc-server.toml"
    key_file = directory / "issuer.jwk.json"
    api_key_file = directory / "api-key.txt"
    if config.exists() and api_key_file.exists():
        print(f"{config} exists; keeping it", file=sys.stderr)
        return EXIT_OK
    if not key_file.exists():
        generate_key("Ed25519").save(key_file)
    api_key = "tvc_" + secrets.token_urlsafe(24)
    api_key_file.write_text(api_key + "\n", encoding="utf-8")
    api_key_file.chmod(0o600)
    digest = hashlib.sha256(api_key.encode()).hexdigest()
    config.write_text(
        f"""# thaivc serve: a sample configuration (SQLite, one Ed25519 key, one API key). See docs/server.md.
public_url = "http://127.0.0.1:{port}"

[issuer]
default_format = "vc+jwt"

[[issuer.keys]]
id = "key-1"
file = "issuer.jwk.json"

[database]
url = "sqlite:///{(directory / 'thaivc-server.db').resolve()}"

# the key itself is in api-key.txt; only its SHA-256 is kept here
[[auth.api_keys]]
client = "sample"
sha256 = "{digest}"
scopes = ["issue", "admin"]

# OpenID4VCI: wallets collect credentials from offers made at POST /admin/offers.
# The callback checks the card with DOPA (here the synthetic fake) and says what to issue.
[oid4vci]
callback = "thaivc.server.sample_callback:citizen"

[oid4vci.configurations.citizen]
format = "dc+sd-jwt"
vct = "https://credentials.example.go.th/vct/citizen"
name_th = "บัตรประชาชนดิจิทัล"
name_en = "Digital citizen card"

[registries.dopa]
kind = "fake"

# OpenID4VP: POST /oid4vp/transactions {{"preset": "pid"}} gives the link a wallet opens.
[oid4vp.presets.pid]
description = "given name and identity assurance level"
dcql = {{ credentials = [{{ id = "pid", format = "dc+sd-jwt", \
meta = {{ vct_values = ["https://credentials.example.go.th/vct/citizen"] }}, \
claims = [{{ path = ["credentialSubject", "givenNameTh"] }}, {{ path = ["credentialSubject", "ial"] }}] }}] }}

# The counter pages (/counter/verify, /counter/issue) on the built-in demo world: fake DOPA and DBD,
# bannered as test data, officer login officer / demo. One process only (the demo world is in memory).
[pages]
demo = true
""",
        encoding="utf-8",
    )
    print(f"wrote {config}, {key_file} and {api_key_file}", file=sys.stderr)
    return EXIT_OK


def _curl_target(host: str, port: int, tls: tuple[Path, Path] | None) -> tuple[str, str]:
    """The base URL the printed commands use and the ``curl`` options they need to reach it.

    A wildcard address is reached on loopback. Over HTTPS, the host is one the certificate names
    (``localhost`` when it does not name the address), and a self-signed certificate is given to
    ``curl`` with ``--cacert``, so the commands work as printed instead of failing verification.
    """
    if host in ("0.0.0.0", "::", ""):  # noqa: S104  # a wildcard listen address, reached on loopback
        host = "127.0.0.1"
    if tls is None:
        return f"http://{_url_host(host)}:{port}", "-s"
    from thaivc.server.tls import certificate_names

    names, self_signed = certificate_names(tls[0])
    if names and host not in names and "localhost" in names:
        host = "localhost"
    options = f"-s --cacert {shlex.quote(str(tls[0].resolve()))}" if self_signed else "-s"
    return f"https://{_url_host(host)}:{port}", options


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _banner(base: str, config_path: str | None, curl: str = "-s") -> None:
    key_hint = "$(cat .serve/api-key.txt)"
    if config_path:
        candidate = Path(config_path).parent / "api-key.txt"
        if candidate.exists():
            key_hint = f"$(cat {shlex.quote(str(candidate.resolve()))})"
    print(
        f"""thaivc serve on {base}
  API docs      {base}/docs
  health        {base}/healthz   ready {base}/readyz   metrics {base}/metrics
  try:
    curl {curl} -X POST {base}/credentials/issue -H "Authorization: Bearer {key_hint}" \\
      -H 'content-type: application/json' \\
      -d '{{"credential": {{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"], \
"credentialSubject": {{"id": "did:example:somchai", "name": "Somchai"}}}}}}'
    curl {curl} -X POST {base}/challenges
    curl {curl} -X POST {base}/admin/offers -H "Authorization: Bearer {key_hint}" \\
      -H 'content-type: application/json' \\
      -d '{{"configurations": ["citizen"], "subject": {{"citizen_id": "1999900001010", "given_th": "สมชาย", \
"family_th": "ใจดี", "birth_date_be": "25380812", "laser_code": "ZX0001000001"}}}}'
    curl {curl} -X POST {base}/oid4vp/transactions -H 'content-type: application/json' -d '{{"preset": "pid"}}'""",
        file=sys.stderr,
    )


def _counter_banner(base: str, *, demo: bool) -> None:
    login = " (log in as officer / demo; test data)" if demo else ""
    print(
        f"""  counter pages{login}
    verifier    {base}/counter/verify
    issuer      {base}/counter/issue""",
        file=sys.stderr,
    )


def uvicorn_settings() -> dict[str, Any]:
    """uvicorn's protocol settings for ``thaivc serve``, in one place.

    ``bench/loadtest.py`` serves its HTTP floor (a minimal ASGI app and a minimal FastAPI app) with
    exactly these, so the floor and the service differ only in the application.
    """
    return {
        "log_config": None,
        "access_log": False,
        "timeout_graceful_shutdown": 30,
        "proxy_headers": False,
        "server_header": False,
        # h11, named: its incomplete-event cap bounds a header flood by size (httptools has no such cap);
        # the event loop is uvloop when installed (the server extra brings it): a third less CPU per request
        "http": "h11",
        "loop": "auto",
        "h11_max_incomplete_event_size": 16 * 1024,
        "limit_concurrency": 1000,
    }


def _reconcile(config: ServerConfig, grace: str, *, dry_run: bool) -> int:
    """``thaivc serve reconcile``: one line per orphan on stdout, then the summary."""
    from thaivc.server.keys import load_keyring
    from thaivc.server.reconcile import Orphan, ReconcileOptions, parse_duration, reconcile

    options = ReconcileOptions(grace=parse_duration(grace), dry_run=dry_run, actor="cli:reconcile")
    did = load_keyring(config).did

    def report(orphan: Orphan) -> None:
        print(f"{orphan.outcome}\t{orphan.credential_id}\t{orphan.describe()}", flush=True)

    db = config.database.open()
    try:
        summary = reconcile(db, db.status_store(), did, options, on_orphan=report)
    finally:
        db.close()
    done = f"{summary.would_revoke} would be revoked" if dry_run else (
        f"{summary.revoked} revoked, {summary.repaired} repaired")
    tail = " (dry run: nothing changed)" if dry_run else ""
    print(f"reconcile {summary.run}: issuer {did}; allocations before {summary.to_json()['allocatedBefore']} "
          f"(grace {summary.grace} s); {summary.found} orphans: {done}{tail}")
    return EXIT_OK


#: The stores each worker process opens a PostgreSQL pool for: service tables, status lists, protocol state.
STORES_PER_WORKER = 3


def _check_sessions(db: Database, workers: int) -> None:
    """Refuse to start when this instance alone could open more PostgreSQL sessions than the server allows."""
    limit = db.session_limit()
    wanted = workers * STORES_PER_WORKER * db.pool_size
    if limit is not None and wanted > limit:
        raise CliError(
            f"this service may open up to {wanted} PostgreSQL sessions ({workers} workers x {STORES_PER_WORKER} "
            f"stores x [database] pool_size {db.pool_size}) and the server allows {limit} "
            "(max_connections less superuser_reserved_connections): lower pool_size or --workers, "
            "or raise max_connections"
        )


def cmd_serve(args: argparse.Namespace) -> int:
    if args.action == "sample":
        return _sample(Path(args.directory or ".serve"), args.port)
    try:
        import uvicorn

        from thaivc.server import load_config
        from thaivc.server.tls import resolve_tls
    except ImportError as exc:
        raise CliError(
            f"thaivc serve needs the server extra: pip install 'thaivc[server]' ({exc.name} is missing)"
        ) from None
    config_path = args.config or os.environ.get("THAIVC_CONFIG")
    config = load_config(config_path)  # ConfigError (a ThaiVCError) prints every problem and exits 2
    tls = resolve_tls(config.server, Path(config.base_dir), args.tls_cert, args.tls_key)  # checked before the database
    db = config.database.open()
    try:
        applied = db.migrate()
        if args.action == "run":
            _check_sessions(db, args.workers)
    finally:
        db.close()
    if args.action == "migrate":
        print(f"migrated: {applied or 'already current'}", file=sys.stderr)
        return EXIT_OK
    if args.action == "reconcile":
        return _reconcile(config, args.grace, dry_run=args.dry_run)
    if config_path:
        os.environ["THAIVC_CONFIG"] = str(Path(config_path).resolve())
    base, curl = _curl_target(args.host, args.port, tls)
    _banner(base, config_path, curl)
    if config.pages is not None and config.pages.enabled:
        _counter_banner(config.public_url, demo=config.pages.demo)
    uvicorn.run(
        "thaivc.server.asgi:app_factory",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        ssl_certfile=tls and str(tls[0]),
        ssl_keyfile=tls and str(tls[1]),
        **uvicorn_settings(),
    )
    return EXIT_OK
