"""``bench/run.py --quick`` runs end to end and prints every row of issue 16's target table.

It never asserts a speed (a shared CI machine cannot promise one): only that each target row is
there with its target and a ✓ or ✗ verdict, that the run names itself (time, commit, load) and
states the memory of ``import thaivc``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: Every target row of issue 16, as the bench labels it, with the target it prints.
TARGET_ROWS = [
    (r"thaivc verify, fresh inputs — 1\.5 KB Thai credential", "≤ 1.3"),
    (r"thaivc verify, fresh inputs — 100 claims", "≤ 1.6"),
    (r"thaivc verify, fresh inputs — 1,000 claims", "≤ 3.0"),
    (r"thaivc verify, fresh inputs — 70 object-valued claims", "≤ 1.5"),
    (r"thaivc verify, fresh inputs — 1,000 object-valued claims", "≤ 4"),
    (r"thaivc verify, fresh inputs — eddsa-rdfc-2022, 1\.5 KB", "≤ 4"),
    (r"never-seen shape — eddsa-rdfc-2022, 1\.5 KB.*\(cold\)", "≤ 12"),
    (r"thaivc verify, fresh inputs — eddsa-rdfc-2022, 1,000 claims", "≤ 35"),
    (r"thaivc verify, fresh inputs — eddsa-jcs-2022, 1\.5 KB", "≤ 1.5"),
    (r"fresh wallet key per presentation — SD-JWT\+KB", "≤ 2.6"),
    (r"thaivc issue, fresh subjects \(÷ raw sign\) — 1\.5 KB", "≤ 1.7"),
    (r"thaivc issue dc\+sd-jwt.*\(÷ raw sign\)", "≤ 8"),
    (r"status allocation, 1,000,000 entries.*PostgreSQL", "≤ 20 s"),
    (r"1,000,000 dc\+sd-jwt with status", "≤ 180 s"),
]


@pytest.mark.slow
@pytest.mark.postgres
def test_quick_bench_prints_every_target_row(pg_dsn: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "THAIVC_BENCH_PG_DSN": pg_dsn}
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "jose", "di", "sdjwt", "status", "batch"],
        capture_output=True, text=True, env=env, timeout=1500, check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    out = run.stdout
    assert re.search(r"run \d{4}-\d\d-\d\dT.*commit .*load average", out)
    assert re.search(r"after `import thaivc` \d+\.\d MB", out)
    summary = out.split("== Targets", 1)[1]
    for label, target in TARGET_ROWS:
        lines = [line for line in summary.splitlines() if re.search(label, line)]
        assert len(lines) == 1, f"target row {label!r} missing from the summary"
        assert lines[0].strip()[0] in "✓✗" and lines[0].rstrip().endswith(f"target {target}"), lines[0]
    # each fresh row has its repeated twin, and each ratio its spread
    assert out.count("one input repeated") >= 5 and "spread" in out
    assert re.search(r"of 14 targets met", out)
