"""Benchmark: how long the synthetic partnership takes to generate, and its peak memory, by scale.

    python bench/bench_synth.py --scales 2000 60000 600000 --runs 3

Each run is a fresh process (so peak memory is its own). Results are printed
as a Markdown table to paste into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = """
import sys
from pathlib import Path
from ceintel.synth import synthesise
out = Path(sys.argv[1]); n = int(sys.argv[2])
synthesise(out / "extracts", out / "geography", out / "truth", children=n, seed=1)
import resource
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def one_run(children: int) -> tuple[float, float, float]:
    """Seconds, peak resident memory (MiB) and output size (MiB) of one generation."""
    with tempfile.TemporaryDirectory(prefix="ceintel-bench-") as tmp:
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", CHILD, tmp, str(children)], check=True,
                              capture_output=True, text=True)
        seconds = time.perf_counter() - started
        peak_kib = int(done.stdout.strip().splitlines()[-1])
        size = sum(p.stat().st_size for p in Path(tmp, "extracts").iterdir()) / 2**20
        return seconds, peak_kib / 1024, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scales", type=int, nargs="+", default=[2000, 60000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print("| children | median seconds | runs | peak memory (MiB) | extracts (MiB) |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    for n in sorted(args.scales):
        results = [one_run(n) for _ in range(args.runs)]
        secs = statistics.median(r[0] for r in results)
        print(f"| {n:,} | {secs:.1f} | {args.runs} | {max(r[1] for r in results):,.0f} | "
              f"{results[-1][2]:,.1f} |", flush=True)


if __name__ == "__main__":
    main()
