"""``ceintel source check``: try a source YAML on a real file and show what maps and what does not.

The tool an analyst keeps running while writing a mapping: which columns were
found, how full and valid each field is, which codes no mapping knows (with
counts, so the commonest get mapped first), which file columns are unused,
and why rows would be quarantined. Nothing is written.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ceintel import duck
from ceintel.ingest.engine import IngestOutcome, _column_name, ingest_file
from ceintel.ingest.geography import load_geography
from ceintel.ingest.readers import fold_header
from ceintel.ingest.source_config import SourceConfig
from ceintel.ingest.sql import UNKNOWN, code_case, lit


@dataclass
class CheckReport:
    config: SourceConfig
    outcome: IngestOutcome
    unmapped_codes: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    unused_columns: list[str] = field(default_factory=list)
    reasons: Counter = field(default_factory=Counter)


def check_source(cfg: SourceConfig, path: Path, *, areas: tuple[str, ...] = (),
                 geography: tuple[Path, Path] | None = None) -> CheckReport:
    con = duck.connect()
    if geography and all(p.exists() for p in geography):
        load_geography(con, *geography)
    outcome = ingest_file(con, cfg, path, secret=b"source-check", partnership_areas=areas or tuple(cfg.coverage),
                          geography_loaded=bool(geography))
    report = CheckReport(cfg, outcome)
    stage_cols = {r[0]: r[1] for r in con.execute("DESCRIBE stage1").fetchall()}
    for name, spec in cfg.all_fields():
        col = _column_name(name)
        mapped, raw = f"m_{col}", f"r_{col}"
        if mapped not in stage_cols:
            continue
        if spec.split:
            rows = con.execute(
                f"SELECT v, count(*) FROM (SELECT unnest(list_filter(list_transform(regexp_split_to_array("
                f"{raw}, {lit(spec.split)}), lambda x: trim(x)), lambda x: x <> '')) AS v FROM stage1) "
                f"WHERE {code_case('v', spec.codes, spec.map, patterns=spec.patterns)} = {lit(UNKNOWN)} GROUP BY v ORDER BY 2 DESC, 1").fetchall()
        else:
            rows = con.execute(f"SELECT {raw}, count(*) FROM stage1 WHERE {mapped} = {lit(UNKNOWN)} "
                               f"GROUP BY 1 ORDER BY 2 DESC, 1").fetchall()
        if rows:
            report.unmapped_codes[name] = rows
    used = {fold_header(c) for _, spec in cfg.all_fields() for c in spec.columns}
    report.unused_columns = [c for c in outcome.file_info["columns"] if fold_header(c) not in used]
    report.reasons = Counter(f"{q['field']}: {q['reason']}" for q in outcome.quarantine)
    con.close()
    return report
