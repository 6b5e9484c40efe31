"""``make bench``: thaivc's cost against the raw-crypto floor, measured in the same run.

Every row prints µs/op and its ratio to the raw ``cryptography`` verify (or sign) of the *same*
input — the floor no implementation can beat — so figures carry across machines.

How a ratio is measured (issue 16): the floor and the candidates run in interleaved **rounds**; each
round runs every function on the same batch of inputs, taking turns call by call, and the row's
ratio is the **median of the per-round ratios**, printed with their spread (min–max). Calls are
timed in the CPU time of the calling thread (``--wall`` for wall-clock time): on a shared machine a
wall-clock timer mostly measures who else holds the cores, a CPU timer what the call itself costs.
No best-of estimator: a best-of picks the luckiest moment, a user meets the median. Rows marked
*fresh* give every call an input it has never seen (same issuer key, a different subject and wallet
key), so nothing memoised for one input helps the next; the *repeated* rows verify one input over
and over, as older benchmarks did. The headline and the targets use the fresh rows. *Cold* rows time
a single first call: the first Data Integrity credential of a shape never seen, the first token from
an issuer key never seen.

Targets (issue 16) are printed beside their rows with ✓/✗ and gathered at the end. They are checked
here, never in timed unit tests. ``--quick`` runs fewer, shorter rounds (noisier; for tests).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import Bench, import_rss_mb, run_name
from sections import SECTIONS


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer, shorter rounds (noisier; for tests)")
    parser.add_argument(
        "--wall", action="store_true", help="time calls in wall-clock time (default: this thread's CPU time)"
    )
    parser.add_argument("sections", nargs="*", help=f"sections to run (default all): {', '.join(SECTIONS)}")
    args = parser.parse_args()
    unknown = set(args.sections) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections {sorted(unknown)}; choose from {', '.join(SECTIONS)}")
    bench = Bench(args.quick, cpu=not args.wall)
    started = time.perf_counter()
    print(f"thaivc bench — {run_name()}{' (quick)' if args.quick else ''}")
    clock = "wall-clock time" if args.wall else "CPU time of the calling thread (time.thread_time)"
    print(f"ratio = median of {bench.rounds} per-round ratios (rounds interleaved call by call), "
          f"spread = min–max of them; calls timed in {clock}")
    load = os.getloadavg()[0]
    if load > (os.cpu_count() or 1):
        print(f"note: load average {load:.1f} exceeds the {os.cpu_count()} cores: other processes compete for the "
              "caches and cores; expect wide spreads" + (" and wall times far above CPU times" if args.wall else ""))
    bare, loaded = import_rss_mb()
    print(f"memory: max RSS of a bare interpreter {bare:.1f} MB, after `import thaivc` {loaded:.1f} MB "
          f"(+{loaded - bare:.1f} MB)")
    for name, section in SECTIONS.items():
        if args.sections and name not in args.sections:
            continue
        for table in section(bench):
            table.print()
    print("\n== Targets (issue 16): fresh-input medians unless marked")
    for name, target, stat, ok, kind in bench.targets:
        value = f"{stat.ratio:.2f}×" if kind == "×" and stat.ratio is not None else f"{stat.micros:.1f}"
        spread = f" ({stat.low:.2f}–{stat.high:.2f})" if kind == "×" and stat.low is not None else ""
        print(f"  {'✓' if ok else '✗' if ok is False else '?'} {name:<64} {value:>9}{spread:<14} target {target}")
    met = sum(1 for _, _, _, ok, _ in bench.targets if ok)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n{met} of {len(bench.targets)} targets met; max RSS {rss:.0f} MB; "
          f"{time.perf_counter() - started:.0f} s; load average at the end "
          f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
