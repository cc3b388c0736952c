"""Benchmark: linkage time, peak memory and quality, on the synthetic partnership and on person files.

    python bench/bench_link.py --children 600000 --runs 3 --keep /tmp/region   # the region (goal: <= 60 s, <= 6 GB)
    python bench/bench_link.py --children 60000 --runs 3                        # the demo borough
    python bench/bench_link.py --person-files 200000 --runs 3                   # data of another shape

Each run is a fresh process. "link" is the identity step alone (read the
identifiers, standardise, train, score, cluster, keep pseudonyms, review
pairs); scoring against the hidden truth, the report and the warehouse
rebuild are timed apart. Peak memory is the process's maximum resident set.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORKSPACE = r"""
import json, resource, sys, time
from pathlib import Path
from ceintel.workspace import Workspace
from ceintel.identity.run import link_workspace
ws = Workspace(Path(sys.argv[1]))
truth = ws.root / "truth"
run = link_workspace(ws, truth=truth / "records.csv", cohort=truth / "exploitation.csv")
print(json.dumps({"timings": run.timings, "records": run.records, "people": run.people, "pairs": run.pairs,
                  "scores": {k: v.as_dict() for k, v in run.scores.items()},
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

FILES = r"""
import json, resource, sys, time
from pathlib import Path
from ceintel.identity.files import link_files
folder = Path(sys.argv[1])
files = sorted(p for p in folder.glob("*.csv") if p.name != "truth.csv")
started = time.perf_counter()
result = link_files(files, folder / "out" / "people.csv", folder / "truth.csv")
print(json.dumps({"timings": {**result.linked.timings, "total": time.perf_counter() - started},
                  "records": result.records, "people": result.people, "pairs": result.linked.pairs,
                  "scores": {"all records": result.scores.as_dict()},
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def measure(script: str, arg: str) -> dict:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", script, arg], capture_output=True, text=True)
    if done.returncode:
        sys.exit(done.stderr[-3000:])
    out = json.loads(done.stdout.strip().splitlines()[-1])
    out["wall"] = time.perf_counter() - started
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--children", type=int, default=60_000)
    parser.add_argument("--person-files", type=int, help="people in generated person files (instead of a borough)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="reuse or keep the data in this folder")
    args = parser.parse_args()
    tmp = args.keep or Path(tempfile.mkdtemp(prefix="ceintel-bench-link-"))
    if args.person_files:
        if not (tmp / "truth.csv").exists():
            from ceintel.synth.person_files import write_person_files

            tmp.mkdir(parents=True, exist_ok=True)
            write_person_files(tmp, people=args.person_files, files=4, seed=3)
        script, label = FILES, f"person files, {args.person_files:,} people"
    else:
        if not (tmp / "partnership.yaml").exists():
            from ceintel.demo import make_demo_workspace
            from ceintel.ingest.run import ingest_workspace
            from ceintel.warehouse import build_warehouse

            print(f"synthesising and ingesting {args.children:,} children into {tmp} ...", flush=True)
            result = make_demo_workspace(tmp, children=args.children, seed=1, force=True)
            ingest_workspace(result.workspace)
            build_warehouse(result.workspace)
        script, label = WORKSPACE, f"synthetic partnership, {args.children:,} children"
    runs = [measure(script, str(tmp)) for _ in range(args.runs)]
    steps = ("standardise", "train the model", "score pairs", "form people", "keep pseudonyms stable")
    link = statistics.median(sum(r["timings"].get(s, 0) for s in steps) for r in runs)
    total = statistics.median(r["wall"] for r in runs)
    peak = max(r["peak_mib"] for r in runs)
    last = runs[-1]
    print(f"\n{label}: {last['records']:,} records, {last['pairs']:,} pairs scored, {last['people']:,} people")
    print(f"median of {len(runs)}: link {link:.1f} s; whole process {total:.1f} s; peak {peak / 1024:.2f} GiB")
    print("steps (last run):", json.dumps(last["timings"]))
    for name, s in last["scores"].items():
        print(f"{name}: records {s['records']:,}; pairwise P {s['pair_precision']:.4f} R {s['pair_recall']:.4f} "
              f"F1 {s['pair_f1']:.4f}; B-cubed F1 {s['bcubed_f1']:.4f}; whole-person P {s['person_precision']:.4f} "
              f"R {s['person_recall']:.4f} F1 {s['person_f1']:.4f}; false merges {s['false_merges']:,}, "
              f"split people {s['split_people']:,}")
    if not args.keep:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
