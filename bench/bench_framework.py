"""Benchmark: `ceintel build` (every indicator × period × area × breakdown, with disclosure control).

    python bench/bench_framework.py /tmp/region --runs 3     # the synthetic region (goal: <= 60 s)
    python bench/bench_framework.py /tmp/demo --runs 3       # the demo borough

The workspace must hold a linked warehouse (run `ceintel demo`, or for the
region `python bench/bench_link.py --children 600000 --keep /tmp/region`).
Each run is a fresh process building into a scratch copy of the workspace's
configuration beside a link to its warehouse, so the workspace is untouched.
Prints the median and every run as JSON; stages are timed apart.
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path

from scratch import run_in_scratch  # bench/scratch.py (scripts run from bench/ find it)

RUN = r"""
import json, resource, sys, time
from pathlib import Path
import ceintel.framework.build as build
import ceintel.framework.publish as publish
from ceintel.workspace import Workspace

timings = {}
def timed(name, fn):
    def wrapper(*a, **k):
        t = time.perf_counter()
        try:
            return fn(*a, **k)
        finally:
            timings[name] = timings.get(name, 0.0) + time.perf_counter() - t
    return wrapper
build.compute_all = timed("count", build.compute_all)
build.publish_all = timed("disclosure control", build.publish_all)
result = build.build_framework(Workspace(Path(sys.argv[1])))
print(json.dumps({"seconds": result.seconds, "cells": result.cells, "indicators": result.indicators,
                  "timings": timings, "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def measure(workspace: Path) -> dict:
    return run_in_scratch(workspace, RUN, "build")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("workspace", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    runs = [measure(args.workspace) for _ in range(args.runs)]
    summary = {
        "workspace": str(args.workspace),
        "median_seconds": statistics.median(r["seconds"] for r in runs),
        "median_count_seconds": statistics.median(r["timings"].get("count", 0) for r in runs),
        "median_disclosure_seconds": statistics.median(r["timings"].get("disclosure control", 0) for r in runs),
        "max_peak_mib": max(r["peak_mib"] for r in runs),
        "cells": runs[0]["cells"],
        "indicators": runs[0]["indicators"],
        "runs": runs,
    }
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
