"""``make loadtest --quick``: the load driver runs end to end and the issuance under load is exact.

Correctness only (never speed: the machine running the tests is shared): every credential the
service returned while verification load ran has exactly one status entry and one register row, no
(list, index) is allocated twice, and no verification request failed.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _loadtest() -> Any:
    spec = importlib.util.spec_from_file_location("thaivc_loadtest", ROOT / "bench" / "loadtest.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.postgres
def test_quick_load_keeps_issuance_exact(pg_dsn: str) -> None:
    loadtest = _loadtest()
    args = loadtest.argparse.Namespace(quick=True, duration=3.0, workers=2, concurrency=8, database_url=pg_dsn)
    report = loadtest.run(args)
    wrong, lines = loadtest.judge(report)
    assert wrong == [], wrong
    assert report["saturation"]["requests"] > 0 and report["paced"]["requests"] > 0
    # library rate, throughput, paced latency, server CPU alone, the HTTP floor (a heading, three stand-ins,
    # the breakdown, what 70 % would need), server CPU with issuance (psutil: dev extra), issuance, sessions
    assert len(lines) == 13, lines
    assert lines[-2].startswith("✓ PostgreSQL issuance")
    sessions = report["postgresql_sessions"]  # the pools held: sampled beside the load, within their bound
    assert 0 < sessions["peak"] <= sessions["bound"] and lines[-1].startswith("✓ PostgreSQL sessions")
    assert report["verification_alone"]["server_cpu_ms_per_request"] > 0
    # the floor ran in this run under the same driver: every stand-in answered every request
    for app in ("raw", "fastapi", "fastapi-pool"):
        floor = report["http_floor"][app]
        assert floor["requests"] > 0 and floor["errors"] == {}, (app, floor)
        assert floor["server_cpu_ms_per_request"] > 0 and floor["driver_cpu_ms_per_request"] > 0
    breakdown = next(line for line in lines if "ms per verification = uvicorn+h11" in line)
    assert all(part in breakdown for part in ("FastAPI", "pool hop", "library", "service's own"))
    assert any(line.strip().startswith("what 70% would need") for line in lines)
