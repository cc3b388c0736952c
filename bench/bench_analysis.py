"""Benchmark: `ceintel analyse` (every analysis, each audience), per analysis and in total.

    python bench/bench_analysis.py /tmp/region6 --runs 3     # the synthetic region (goal: no analysis over 60 s)
    python bench/bench_analysis.py ceintel-demo --runs 3     # the demo borough

The workspace must hold a linked warehouse (run `ceintel demo`, or for the
region `python bench/bench_link.py --children 600000 --keep /tmp/region6`).
Each run is a fresh process writing into a scratch copy of the workspace's
configuration beside a link to its warehouse, so the workspace is untouched.
Opening the context (the framework's dimensions and shared views, made in
memory) is timed apart. Prints the medians and every run as JSON.
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
import ceintel.analysis.run as run
from ceintel.workspace import Workspace

opened = {}
original = run.open_context
class Timed:
    def __init__(self, *a, **k):
        self.cm = original(*a, **k)
    def __enter__(self):
        t = time.perf_counter()
        ctx = self.cm.__enter__()
        opened["context"] = time.perf_counter() - t
        return ctx
    def __exit__(self, *exc):
        return self.cm.__exit__(*exc)
run.open_context = Timed
t = time.perf_counter()
result = run.run_analyses(Workspace(Path(sys.argv[1])))
total = time.perf_counter() - t
print(json.dumps({"seconds": total, "context_seconds": opened.get("context"), "analyses": result.seconds,
                  "summary": result.summary, "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def measure(workspace: Path) -> dict:
    return run_in_scratch(workspace, RUN, "analyses")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("workspace", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    runs = [measure(args.workspace) for _ in range(args.runs)]
    names = list(runs[0]["analyses"])
    per = {n: round(statistics.median(r["analyses"][n] for r in runs), 2) for n in names}
    summary = {
        "workspace": str(args.workspace),
        "median_seconds": round(statistics.median(r["seconds"] for r in runs), 1),
        "median_context_seconds": round(statistics.median(r["context_seconds"] for r in runs), 1),
        "slowest_analysis": max(per, key=per.get),
        "median_seconds_per_analysis": per,
        "max_peak_mib": round(max(r["peak_mib"] for r in runs)),
        "summary": runs[0]["summary"],
        "runs": runs,
    }
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
