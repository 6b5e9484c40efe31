"""``make bench``: thaivc's cost against the raw-crypto floor, measured in the same run.

Every row prints µs/op and its ratio to the raw ``cryptography`` verify of the *same* signing input
(the floor no verifier can beat), so figures are comparable across machines. Targets from the issues
are printed beside the measured ratio; they are checked here, never in timed unit tests.
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import time
import timeit
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sections import SECTIONS


def measure(fn: Callable[[], Any], *, min_time: float = 0.25, repeat: int = 7) -> float:
    """Best-of-``repeat`` µs per call; the loop count is calibrated to ``min_time`` seconds."""
    return measure_interleaved([fn], min_time=min_time, repeat=repeat)[0]


def measure_interleaved(
    fns: list[Callable[[], Any]], *, min_time: float = 0.25, repeat: int = 7
) -> list[float]:
    """Best-of-``repeat`` µs per call for each function, their rounds interleaved.

    A ratio between two timings is only meaningful if both saw the same machine: alternating the
    rounds means a burst of load elsewhere hits the floor and the candidate alike.
    """
    timers = [timeit.Timer(fn) for fn in fns]
    numbers = []
    for timer in timers:
        number, _ = timer.autorange()
        numbers.append(max(1, int(number * min_time / 0.2 / repeat)))
    gc.collect()
    best = [float("inf")] * len(fns)
    for _ in range(repeat):
        for i, timer in enumerate(timers):
            best[i] = min(best[i], timer.timeit(numbers[i]) / numbers[i])
    return [b * 1e6 for b in best]


class Table:
    def __init__(self, title: str) -> None:
        self.title = title
        self.rows: list[tuple[str, float, float | None, str]] = []

    def row(self, name: str, micros: float, floor: float | None = None, target: str = "") -> None:
        self.rows.append((name, micros, micros / floor if floor else None, target))

    def print(self) -> None:
        print(f"\n== {self.title}")
        print(f"{'operation':<58} {'µs/op':>10} {'× floor':>8}  target")
        for name, micros, ratio, target in self.rows:
            r = f"{ratio:8.2f}" if ratio is not None else " " * 8
            print(f"{name:<58} {micros:10.1f} {r}  {target}")


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="shorter runs (noisier)")
    parser.add_argument("sections", nargs="*", help=f"sections to run (default all): {', '.join(SECTIONS)}")
    args = parser.parse_args()
    min_time = 0.05 if args.quick else 0.25
    started = time.perf_counter()
    for name, section in SECTIONS.items():
        if args.sections and name not in args.sections:
            continue
        def pair(*fns: Callable[[], Any]) -> list[float]:
            return measure_interleaved(list(fns), min_time=min_time, repeat=7 if args.quick else 15)

        for table in section(pair, Table, quick=args.quick):
            table.print()
    print(f"\nmax RSS {rss_mb():.0f} MB, {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
