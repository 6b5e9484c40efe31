"""The partitioned form of batch issuance: N independent ``thaivc issue-batch --partition i/N``
processes sharing one PostgreSQL status database, as one would run them on N machines.

    PYTHONPATH=src python bench/partitions.py --rows 6000 --partitions 3 --workers 1

Starts a throwaway PostgreSQL as the test suite does (fsync off; or ``THAIVC_BENCH_PG_DSN``),
creates an issuer and its status database, runs the partitions at once, checks that every row was
issued exactly once with its own index, and prints the wall time, the rate and the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sections import _postgres

ROOT = Path(__file__).resolve().parent.parent


def _url(dsn: str) -> str:
    if dsn.startswith("postgres"):
        return dsn
    parts = dict(item.split("=", 1) for item in dsn.split())
    return f"postgresql://{parts['user']}@{parts['host']}:{parts['port']}/{parts['dbname']}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=6000)
    parser.add_argument("--partitions", type=int, default=3)
    parser.add_argument("--workers", type=int, default=1, help="worker processes per partition")
    parser.add_argument("--format", default="dc+sd-jwt")
    args = parser.parse_args()
    import psycopg

    import thaivc
    from thaivc.status import PostgresStatusStore

    with _postgres() as dsn, tempfile.TemporaryDirectory() as tmp:
        if dsn is None:
            print("no PostgreSQL available")
            return 1
        db = _url(dsn)
        work = Path(tmp)
        key = thaivc.generate_key("Ed25519")
        key.save(work / "agency.jwk.json")
        store = PostgresStatusStore(db)
        store.save_settings({"issuer_id": key.did, "base_url": "https://status.example/l", "list_size": "131072"})
        store.close()
        wallets = [thaivc.generate_key("P-256").did for _ in range(64)]
        with (work / "in.jsonl").open("w", encoding="utf-8") as fh:
            for i in range(args.rows):
                subject = {"id": wallets[i % 64], "citizenId": f"{i:013d}", "givenName": "สมหญิง", "familyName": "ใจดี"}
                fh.write(json.dumps(subject, ensure_ascii=False) + "\n")
        template = {"@context": ["https://www.w3.org/ns/credentials/v2"],
                    "type": ["VerifiableCredential", "ExampleCredential"]}
        (work / "t.json").write_text(json.dumps(template))
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        load_before = os.getloadavg()
        started = time.perf_counter()
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "thaivc", "issue-batch", str(work / "in.jsonl"), "--template",
                 str(work / "t.json"), "--key", str(work / "agency.jwk.json"), "--out", str(work / f"out{i}"),
                 "--status", db, "--format", args.format, "--workers", str(args.workers), "--partition",
                 f"{i}/{args.partitions}", "--batch-id", "bench", "--no-publish", "--quiet"],
                env=env,
            )
            for i in range(args.partitions)
        ]
        codes = [p.wait() for p in procs]
        took = time.perf_counter() - started
        rows = [json.loads(line)["row"] for i in range(args.partitions)
                for line in (work / f"out{i}" / "credentials.jsonl").read_text().splitlines()]
        with psycopg.connect(db) as conn:
            entries, distinct = conn.execute(
                "SELECT COUNT(*), COUNT(DISTINCT (list_id, idx)) FROM thaivc_status_entry"
            ).fetchone()
        assert codes == [0] * args.partitions, codes
        assert sorted(rows) == list(range(1, args.rows + 1)) and entries == distinct == args.rows
        print(f"{args.partitions} partitions × {args.workers} worker(s), one PostgreSQL: {args.rows:,} {args.format} "
              f"with status in {took:.1f} s = {args.rows / took:,.0f}/s; every row once, {entries:,} distinct indices; "
              f"load average before {load_before[0]:.2f}, after {os.getloadavg()[0]:.2f}; {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
