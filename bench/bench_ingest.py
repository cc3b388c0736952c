"""Benchmark: ingest of the synthetic partnership against the floor of merely reading its files.

    python bench/bench_ingest.py --children 600000 --runs 3

The floor is DuckDB reading every CSV extract (``read_csv``, all columns as
text) plus python-calamine reading every workbook sheet (DuckDB cannot read
XLSX offline), with the cp1252 file decoded by Python first. Ingest is
``ceintel ingest`` on a workspace holding the same files: every source read,
mapped, checked and quarantined, and the warehouse built. Each measurement is
a fresh process; peak memory is that process's maximum resident set.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FLOOR = r"""
import sys, resource, tempfile
from pathlib import Path
import duckdb, python_calamine
inbox = Path(sys.argv[1])
con = duckdb.connect()
for p in sorted(inbox.iterdir()):
    if p.suffix == ".csv":
        data = p.read_bytes()
        try:
            data.decode("utf-8")
            src = p
        except UnicodeDecodeError:
            src = Path(tempfile.mktemp(suffix=".csv"))
            src.write_text(data.decode("cp1252", errors="replace"), encoding="utf-8")
        con.execute(f"SELECT count(*) FROM read_csv('{src}', all_varchar=true, null_padding=true, strict_mode=false)").fetchall()
    else:
        book = python_calamine.CalamineWorkbook.from_path(str(p))
        for name in book.sheet_names:
            book.get_sheet_by_name(name).to_python()
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

INGEST = r"""
import sys, resource
from pathlib import Path
from ceintel.ingest.run import ingest_workspace
from ceintel.warehouse import build_warehouse
from ceintel.workspace import Workspace
ws = Workspace(Path(sys.argv[1]))
runs = ingest_workspace(ws, force=True)
build_warehouse(ws)
assert all(r.status == "loaded" for r in runs), [(r.source, r.message) for r in runs if r.status != "loaded"]
print(sum(r.read for r in runs))
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def timed(script: str, arg: str) -> tuple[float, list[str]]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", script, arg], check=True, capture_output=True, text=True)
    return time.perf_counter() - started, done.stdout.split()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--children", type=int, default=60_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="reuse or keep the workspace in this folder")
    args = parser.parse_args()
    tmp = args.keep or Path(tempfile.mkdtemp(prefix="ceintel-bench-ingest-"))
    if not (tmp / "partnership.yaml").exists():
        from ceintel.demo import make_demo_workspace

        print(f"synthesising {args.children:,} children into {tmp} ...", flush=True)
        make_demo_workspace(tmp, children=args.children, seed=1, force=True)
    size = sum(p.stat().st_size for p in (tmp / "inbox").iterdir()) / 2**20
    floors, ingests = [], []
    rows = 0
    for _ in range(args.runs):
        seconds, out = timed(FLOOR, str(tmp / "inbox"))
        floors.append((seconds, int(out[-1]) / 1024))
        seconds, out = timed(INGEST, str(tmp))
        rows = int(out[-2])  # DuckDB may print a progress bar before
        ingests.append((seconds, int(out[-1]) / 1024))
    floor = statistics.median(s for s, _ in floors)
    ingest = statistics.median(s for s, _ in ingests)
    print(f"| {args.children:,} | {size:,.0f} | {rows:,} | {floor:.1f} | {max(m for _, m in floors):,.0f} | "
          f"{ingest:.1f} | {max(m for _, m in ingests):,.0f} | {ingest / floor:.1f}x |")
    if not args.keep:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
