"""The measuring harness of ``make bench`` (see ``run.py`` for how a ratio is taken)."""

from __future__ import annotations

import gc
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Stat:
    """One row's timing: median µs/op and, against a floor, the median per-round ratio and its spread."""

    micros: float
    ratio: float | None = None
    low: float | None = None
    high: float | None = None


def _clock_overhead(clock: Callable[[], float]) -> float:
    """Seconds one ``clock(); fn(); clock()`` adds around an empty call (subtracted from each call)."""
    samples = []
    for _ in range(2000):
        started = clock()
        samples.append(clock() - started)
    return statistics.median(samples)


def interleaved(
    fns: Sequence[Callable[[Any], Any]], batches: Sequence[Sequence[Any]], *, cpu: bool = True
) -> list[list[float]]:
    """Per function, the µs/op of each round; round ``r`` runs every function on each input of ``batches[r]``.

    The functions take turns call by call (floor, candidate, floor, candidate, …), each call timed on
    its own, so whatever else happens lands on both alike rather than on one function's whole batch.
    ``cpu`` (the default) times each call in this thread's CPU time, so time the process spends
    waiting for a core other processes hold is not counted; with ``cpu=False`` it is wall time. The
    garbage collector is paused while a round is timed (as :mod:`timeit` does) and runs between rounds.
    """
    clock = time.thread_time if cpu else time.perf_counter
    overhead = _clock_overhead(clock)
    out: list[list[float]] = [[] for _ in fns]
    for batch in batches:
        gc.collect()
        spent = [0.0] * len(fns)
        gc.disable()
        try:
            for item in batch:
                for i, fn in enumerate(fns):
                    started = clock()
                    fn(item)
                    spent[i] += clock() - started - overhead
        finally:
            gc.enable()
        for i, total in enumerate(spent):
            out[i].append(max(total, 0.0) / len(batch) * 1e6)
    return out


def stats(floor: list[float], *candidates: list[float]) -> list[Stat]:
    """The floor's own row and each candidate's, ratios taken round by round."""
    rows = [Stat(statistics.median(floor), 1.0, 1.0, 1.0)]
    for cand in candidates:
        ratios = [c / f for c, f in zip(cand, floor, strict=True)]
        rows.append(Stat(statistics.median(cand), statistics.median(ratios), min(ratios), max(ratios)))
    return rows


class Bench:
    """What a section gets: the run's settings, its tables and the target register."""

    def __init__(self, quick: bool, *, cpu: bool = True) -> None:
        self.quick = quick
        self.cpu = cpu
        self.rounds = 7 if quick else 21
        self.targets: list[tuple[str, str, Stat, bool | None, str]] = []

    def batches(self, inputs: Sequence[Any], per_round: int, *, fresh: bool) -> list[list[Any]]:
        """``rounds`` batches of ``per_round`` inputs: all distinct (fresh) or the first one repeated."""
        if fresh:
            need = self.rounds * per_round
            if len(inputs) < need:
                raise ValueError(f"fresh rows need {need} inputs, got {len(inputs)}")
            return [list(inputs[r * per_round : (r + 1) * per_round]) for r in range(self.rounds)]
        return [[inputs[0]] * per_round for _ in range(self.rounds)]

    def measure(
        self, fns: Sequence[Callable[[Any], Any]], inputs: Sequence[Any], per_round: int, *, fresh: bool = True
    ) -> list[Stat]:
        """Time ``fns[0]`` (the floor) and the candidates; warm up on an input outside the batches."""
        for fn in fns:
            fn(inputs[-1])
        return stats(*interleaved(fns, self.batches(inputs, per_round, fresh=fresh), cpu=self.cpu))

    def table(self, title: str) -> Table:
        return Table(title, self)

    def target(self, name: str, target: str, stat: Stat, limit: float | None, *, on_ratio: bool = True) -> str:
        """Register a target row; returns its mark (✓, ✗, or ? when it could not be measured).

        ``limit`` bounds the ratio, or (``on_ratio=False``: seconds, MB, …) the row's own value.
        """
        value = stat.ratio if on_ratio and stat.ratio is not None else stat.micros
        ok = None if limit is None or math.isnan(value) else value <= limit
        self.targets.append((name, target, stat, ok, "×" if on_ratio else ""))
        return {True: "✓", False: "✗", None: "?"}[ok]


class Table:
    def __init__(self, title: str, bench: Bench) -> None:
        self.title = title
        self.bench = bench
        self.rows: list[tuple[str, Stat, str, str]] = []

    def row(self, name: str, stat: Stat, target: str = "", limit: float | None = None, unit: str = "µs") -> None:
        """A row; with ``target`` it is registered (``limit`` is the ratio — or value — to meet)."""
        mark = ""
        if target:
            mark = self.bench.target(name, target, stat, limit, on_ratio=unit == "µs")
        self.rows.append((name, stat, f"{target} {mark}".strip() if target else "", unit))

    def print(self) -> None:
        print(f"\n== {self.title}")
        print(f"{'operation':<66} {'µs/op':>10} {'× floor':>8} {'spread':>13}  target")
        for name, stat, target, unit in self.rows:
            micros = f"{stat.micros:10.1f}" if unit == "µs" else f"{stat.micros:8.1f} {unit}"
            ratio = f"{stat.ratio:8.2f}" if stat.ratio is not None else " " * 8
            spread = f"{stat.low:5.2f}–{stat.high:<6.2f}" if stat.low is not None and stat.ratio != 1.0 else " " * 12
            print(f"{name:<66} {micros:>10} {ratio} {spread:>13}  {target}")


_PEAK_RSS_PROBE = """
import resource, sys{extra}
try:  # VmHWM: this process's own peak (ru_maxrss keeps the parent's peak across fork and exec)
    kb = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
except OSError:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(kb)
"""


def import_rss_mb() -> tuple[float, float]:
    """Peak RSS of a fresh interpreter, without and with ``import thaivc`` (each in its own process)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    bare, loaded = (
        int(subprocess.run([sys.executable, "-c", _PEAK_RSS_PROBE.format(extra=extra)], capture_output=True,
                           text=True, env=env, check=True).stdout)
        for extra in ("", "; import thaivc")
    )
    return bare / 1024, loaded / 1024


def run_name() -> str:
    """What names this run: UTC time, commit, machine, cores and load."""
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT,
                                check=False).stdout.strip() or "no git"
    except OSError:
        commit = "no git"
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"run {datetime.now(UTC):%Y-%m-%dT%H:%M:%SZ}, commit {commit}, Python {platform.python_version()}, "
            f"{os.cpu_count()} cores, load average {load}")


