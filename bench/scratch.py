"""Run a benchmark's code in a fresh process against a scratch copy of a workspace's configuration.

The scratch folder holds ``partnership.yaml`` (and the workspace's own
``indicators/``, if any) beside a link to its warehouse, so a benchmark can
build framework or analysis files without touching the workspace.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def run_in_scratch(workspace: Path, code: str, what: str) -> dict:
    """Run ``code`` (which prints one JSON line last) with the scratch folder as its argument; returns that JSON."""
    with tempfile.TemporaryDirectory(prefix=f"bench-{what}-") as tmp:
        scratch = Path(tmp)
        shutil.copy(workspace / "partnership.yaml", scratch / "partnership.yaml")
        (scratch / "warehouse.duckdb").symlink_to((workspace / "warehouse.duckdb").resolve())
        if (workspace / "indicators").is_dir():
            shutil.copytree(workspace / "indicators", scratch / "indicators")
        out = subprocess.run([sys.executable, "-c", code, str(scratch)], capture_output=True, text=True)
        if out.returncode != 0:
            raise SystemExit(f"{what} failed:\n{out.stderr[-3000:]}")
        return json.loads(out.stdout.strip().splitlines()[-1])
