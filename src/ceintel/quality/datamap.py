"""The data map: every agency's datasets, what each records, and how well — as Markdown and CSV.

This is the "map of agencies' data collection" a partnership draws in its
first workshop: who holds which extract, which exploitation types its system
can express and which it actually recorded, which fields it fills in, how
often it arrives, on what lawful basis, and a one-line quality summary.

It is built from three things the workspace already holds: the source
configurations (what each mapping *can* express), the staging manifests (the
file as delivered) and the warehouse (what was actually recorded, and the
quality profile). Nothing in it identifies a child.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ceintel.codes import code_list
from ceintel.errors import CeintelError
from ceintel.ingest.source_config import FieldSpec, SourceConfig, load_source
from ceintel.safe_csv import write_csv
from ceintel.workspace import Workspace

CSV_COLUMNS = [
    "agency", "source", "system", "description", "status", "tables", "event_types_recorded",
    "exploitation_types_can_express", "exploitation_types_recorded", "fields", "unmapped_columns",
    "coverage_areas", "residents_share", "area_unknown_share", "refresh", "legal_basis", "retention", "owner",
    "file", "extract_date", "rows_read", "rows_loaded", "rows_held_back", "quality_summary",
]

CONSTANT = "(constant)"  # the ingest profile's column name for a field set by the mapping, not read from the file

TABLE_WORDS = {
    "person_record": "people", "event": "events", "flag": "exploitation concerns", "ace": "adverse experiences",
    "place": "places", "association": "associations",
}


@dataclass(frozen=True)
class DatamapResult:
    markdown: Path
    csv: Path
    sources: int
    agencies: int
    loaded: int


# --------------------------------------------------------------------------- what a mapping can express

def _codes_reachable(spec: FieldSpec | None, list_name: str) -> set[str]:
    """Codes of ``list_name`` a field can produce: the whole list when mapped onto it, its map, its constant."""
    if spec is None:
        return set()
    cl = code_list(list_name)
    out: set[str] = set()
    if spec.value is not None:
        parts = re.split(spec.split, str(spec.value)) if spec.split else [str(spec.value)]
        out |= {c for c in (cl.lookup(p.strip()) for p in parts) if c}
    if spec.codes == list_name and spec.column:
        out |= set(cl.codes)
    out |= {code for code in spec.map.values() if code is not None and code in cl}
    if spec.codes is None and spec.column:
        out |= {cl.lookup(code) for code in spec.map.values() if code is not None and cl.lookup(code)}
    return out


def expressible_exploitation_types(cfg: SourceConfig) -> list[str]:
    """Exploitation types the source's mapping can record, directly or through CIN census factors."""
    factor_types = code_list("cin_factor")
    out: set[str] = set()
    for event in cfg.events:
        out |= _codes_reachable(event.exploitation_types, "exploitation_type")
        for factor in _codes_reachable(event.factors, "cin_factor"):
            kind = factor_types.attribute(factor, "exploitation_type")
            if kind:
                out.add(kind)
    order = code_list("exploitation_type").codes
    return sorted(out, key=lambda c: order.index(c) if c in order else len(order))


def mapped_columns(cfg: SourceConfig) -> list[str]:
    return [c for _, spec in cfg.all_fields() for c in spec.columns]


def field_label(name: str, events: int = 1) -> str:
    """A field's dotted name in words: ``events[0].start_date`` → ``start date``."""
    m = re.match(r"events\[(\d+)\]\.(.+)$", name)
    prefix = ""
    if m:
        prefix = f"event {int(m.group(1)) + 1}: " if events > 1 else ""
        name = m.group(2)
    linkage = name.startswith("identifiers.")
    name = name.split(".", 1)[1] if name.startswith(("identifiers.", "person.")) else name
    words = {"record_id": "person number", "nhs_number": "NHS number", "upn": "pupil number (UPN)",
             "sen": "special educational needs", "place.name": "place name", "place.kind": "kind of place",
             "place.postcode": "place postcode", "place.lsoa": "place small area"}
    text = words.get(name, name.replace("_", " ").replace(".", " "))
    return prefix + text + (" (linkage only)" if linkage else "")


def _label(list_name: str, code: str) -> str:
    cl = code_list(list_name)
    return cl.label(code) if code in cl else code


def _n(count: int, one: str, many: str | None = None) -> str:
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def _pct(x: float | None, digits: int = 0) -> str:
    return "–" if x is None else f"{x:.{digits}%}"


# --------------------------------------------------------------------------- gathering

def _configs(ws: Workspace) -> tuple[dict[str, SourceConfig], dict[str, str]]:
    configs: dict[str, SourceConfig] = {}
    problems: dict[str, str] = {}
    for path in sorted(ws.sources.glob("*.yaml")):
        try:
            cfg = load_source(path)
        except CeintelError as exc:
            problems[path.stem] = str(exc).splitlines()[0]
            continue
        configs.setdefault(cfg.source, cfg)
    return configs, problems


def _manifests(ws: Workspace) -> dict[str, dict]:
    out = {}
    for path in sorted(ws.staging.glob("*/manifest.json")):
        m = json.loads(path.read_text(encoding="utf-8"))
        out[m["source"]] = m
    return out


def _warehouse_facts(ws: Workspace) -> dict[str, Any]:
    """What the warehouse says per source: event types, exploitation types recorded, field profile, quality."""
    from ceintel.quality.profile import field_profile, read_periods, read_sources
    from ceintel.warehouse import connect, warehouse_path

    facts: dict[str, Any] = {"events": {}, "flags": {}, "fields": {}, "quality": {}, "la_names": {}, "built": False}
    if not warehouse_path(ws).exists():
        return facts
    con = connect(ws)
    try:
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        facts["built"] = True
        for sid, etype, n in con.execute("SELECT source_id, event_type, count(*) FROM event GROUP BY ALL "
                                         "ORDER BY 1, 3 DESC, 2").fetchall():
            facts["events"].setdefault(sid, []).append((etype, n))
        for sid, etype, n in con.execute("SELECT source_id, exploitation_type, count(DISTINCT record_id) FROM flag "
                                         "GROUP BY ALL ORDER BY 1, 3 DESC, 2").fetchall():
            facts["flags"].setdefault(sid, []).append((etype, n))
        if "quality_field" in tables:
            for f in field_profile(con):
                facts["fields"].setdefault(f["source_id"], []).append(f)
        if "quality_source" in tables:
            facts["quality"] = {q["source_id"]: q for q in read_sources(con)}
            for p in read_periods(con, flagged_only=True):
                if p["event_type"] is None:
                    facts["quality"].get(p["source_id"], {}).setdefault("flagged", []).append(p)
        facts["la_names"] = dict(con.execute("SELECT DISTINCT la, la_name FROM geography").fetchall())
    finally:
        con.close()
    return facts


def quality_line(q: dict | None) -> str:
    """One sentence on a source's quality, for a strategic reader."""
    if not q:
        return "No quality profile yet: the extract has not been loaded."
    parts = []
    read, held = q.get("rows_read") or 0, q.get("rows_quarantined") or 0
    held_text = f"{held:,} held back with a reason ({held / read:.1%})" if held and read else "none held back"
    if q.get("rows_out_of_area"):
        held_text += f", of which {q['rows_out_of_area']:,} about people outside the partnership"
    parts.append(f"{read:,} rows, {held_text}")
    if q.get("mean_completeness") is not None:
        text = f"fields {q['mean_completeness']:.0%} filled on average"
        if q.get("lowest_completeness_field") and (q.get("lowest_completeness") or 0) < 0.95:
            text += (f" (least filled: {field_label(q['lowest_completeness_field'])}, "
                     f"{q['lowest_completeness']:.0%})")
        parts.append(text)
    if q.get("newest_event"):
        days = q.get("days_newest_to_extract")
        text = f"events dated {q['oldest_event']:%b %Y} to {q['newest_event']:%d %b %Y}"
        if days is not None:
            text += f" (the newest {days:,} day{'s' if days != 1 else ''} before the extract)"
        parts.append(text)
    if q.get("person_records"):
        if q.get("area_unknown_share") == 1:
            parts.append("home area not recorded")
        else:
            text = f"{q['coverage']:.0%} of people live in the partnership area"
            if q.get("area_unknown"):
                text += f" ({q['area_unknown_share']:.0%} not known)"
            parts.append(text)
    if q.get("records_sharing_identifier"):
        parts.append(f"{q['records_sharing_identifier']:,} records share an NHS or pupil number with another "
                     f"record (possibly the same child registered twice)")
    months = []
    if q.get("gap_months"):
        months.append(f"{q['gap_months']} unusually low")
    if q.get("spike_months"):
        months.append(f"{q['spike_months']} unusually high")
    if months:
        parts.append("months: " + ", ".join(months))
    return "; ".join(parts) + "."


def collect(ws: Workspace) -> list[dict]:
    """One entry per dataset (source): configuration, delivery and warehouse facts together."""
    configs, problems = _configs(ws)
    manifests = _manifests(ws)
    facts = _warehouse_facts(ws)
    partnership = ws.config()
    la_names = {**facts["la_names"], **{a.code: a.name for a in partnership.areas}}
    entries = []
    for sid in sorted(set(configs) | set(manifests) | set(problems)):
        cfg, m, q = configs.get(sid), manifests.get(sid, {}), facts["quality"].get(sid)
        fields = facts["fields"].get(sid, [])
        file_columns = (m.get("file_info") or {}).get("columns") or []
        used = {f["column"] for f in fields} | set(mapped_columns(cfg) if cfg else [])
        used_folded = {c.casefold().strip() for c in used}
        can = expressible_exploitation_types(cfg) if cfg else []
        recorded = facts["flags"].get(sid, [])
        status = "loaded" if sid in manifests else "no extract loaded yet"
        if sid in problems:
            status = f"configuration needs fixing: {problems[sid]}"
        n_events = len(cfg.events) if cfg else 1
        order = {name: i for i, (name, _) in enumerate(cfg.all_fields())} if cfg else {}
        fields = sorted(fields, key=lambda f: (order.get(f["field"], len(order)), f["field"]))
        coverage_codes = (cfg.coverage if cfg else m.get("coverage")) or []
        entries.append({
            "agency": (cfg.agency if cfg else m.get("agency")) or "(agency not given)",
            "source": sid,
            "system": (cfg.system if cfg else m.get("system")) or "",
            "description": (cfg.description if cfg else m.get("kind")) or "",
            "status": status,
            "owner": (cfg.owner if cfg else m.get("owner")) or "",
            "refresh": (cfg.refresh if cfg else m.get("refresh")) or "",
            "legal_basis": (cfg.legal_basis if cfg else m.get("legal_basis")) or "",
            "retention": (cfg.retention if cfg else m.get("retention")) or "",
            "coverage_areas": [(c, la_names.get(c, c)) for c in coverage_codes],
            "file_pattern": cfg.file if cfg else "",
            "file": m.get("file") or "",
            "extract_date": m.get("extract_date") or "",
            "tables": (cfg.tables if cfg else m.get("tables")) or [],
            "event_types": facts["events"].get(sid, []),
            "can_express": can,
            "recorded": recorded,
            "fields": [{"field": f["field"], "label": field_label(f["field"], n_events), "column": f["column"],
                        "completeness": f["completeness"], "validity": f["validity"]} for f in fields]
            or [{"field": name, "label": field_label(name, n_events),
                 "column": " or ".join(spec.columns) if spec.columns else CONSTANT,
                 "completeness": None, "validity": None} for name, spec in (cfg.all_fields() if cfg else [])],
            "unmapped_columns": [c for c in file_columns if c.casefold().strip() not in used_folded],
            "quality": q,
            "quality_summary": quality_line(q) if sid in manifests else "No extract loaded yet.",
        })
    return entries


# --------------------------------------------------------------------------- writing

def csv_rows(entries: list[dict]) -> list[dict]:
    """The data map flattened to one row per dataset (lists joined with '; ')."""
    rows = []
    for e in entries:
        q = e["quality"] or {}
        rows.append({
            "agency": e["agency"], "source": e["source"], "system": e["system"], "description": e["description"],
            "status": e["status"], "tables": "; ".join(e["tables"]),
            "event_types_recorded": "; ".join(f"{t} ({n})" for t, n in e["event_types"]),
            "exploitation_types_can_express": "; ".join(e["can_express"]),
            "exploitation_types_recorded": "; ".join(f"{t} ({n})" for t, n in e["recorded"]),
            "fields": "; ".join(f"{f['field']} (set by the mapping)" if f["column"] == CONSTANT else
                                f"{f['field']} <- {f['column']} ({_pct(f['completeness'], 1)} filled)"
                                for f in e["fields"]),
            "unmapped_columns": "; ".join(e["unmapped_columns"]),
            "coverage_areas": "; ".join(f"{code} {name}" if name != code else code
                                        for code, name in e["coverage_areas"]),
            "residents_share": q.get("coverage"), "area_unknown_share": q.get("area_unknown_share"),
            "refresh": e["refresh"], "legal_basis": e["legal_basis"], "retention": e["retention"],
            "owner": e["owner"], "file": e["file"], "extract_date": e["extract_date"],
            "rows_read": q.get("rows_read"), "rows_loaded": q.get("rows_loaded"),
            "rows_held_back": q.get("rows_quarantined"), "quality_summary": e["quality_summary"],
        })
    return rows


def _cell(text: object) -> str:
    """Text safe inside a Markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_markdown(entries: list[dict], *, partnership: str, written: dt.date) -> str:
    """The data map as a Markdown document for a strategic reader."""
    agencies = sorted({e["agency"] for e in entries})
    loaded = [e for e in entries if e["status"] == "loaded"]
    dates = sorted({e["extract_date"] for e in loaded if e["extract_date"]})
    types = code_list("exploitation_type")
    out: list[str] = []
    w = out.append
    w(f"# Data map: {partnership}")
    w("")
    w(f"Written {written:%d %B %Y} by ceintel from {_n(len(entries), 'dataset')} held by "
      f"{_n(len(agencies), 'agency', 'agencies')}"
      + (f" (extracts dated {dates[0]}" + (f" to {dates[-1]})" if len(dates) > 1 else ")") if dates else "")
      + ". All figures are counts of records; no child is named or identified here.")
    w("")
    w("## What this map shows, and what it cannot")
    w("")
    w("This map describes what each agency's data collection holds about children at risk of exploitation "
      "and extra-familial harm: which datasets exist, what each records, which kinds of exploitation each "
      "system is able to record, which fields are filled in, how often an extract arrives, on what lawful "
      "basis it is shared, and a short summary of its quality.")
    w("")
    w("It **can** show where information about exploitation is recorded, where the same kind of information "
      "is held in more than one place, and where a system has no way of recording something the partnership "
      "wants to know.")
    w("")
    w("It **cannot** show how many children are exploited, nor how well any agency works with children. A "
      "dataset holds only the children who came to that service's attention, as its system records them. A "
      "blank field may be one the service does not ask about, or cannot record, rather than a lapse. An "
      "exploitation type that a system *can* record but none was recorded may mean no child was identified, "
      "or that the concern is written in case notes rather than in a coded field. The quality figures "
      "describe the extract the partnership received, and are a starting point for a conversation with each "
      "data owner, not a judgement.")
    w("")
    w("## All datasets at a glance")
    w("")
    w("| Agency | Dataset | What it is | Feeds | Refresh | Extract | Quality |")
    w("| --- | --- | --- | --- | --- | --- | --- |")
    for e in entries:
        feeds = ", ".join(TABLE_WORDS.get(t, t) for t in e["tables"])
        extract = e["extract_date"] or e["status"]
        w(f"| {_cell(e['agency'])} | `{e['source']}` | {_cell(e['description'])} | {feeds} | "
          f"{_cell(e['refresh'] or '–')} | {_cell(extract)} | {_cell(e['quality_summary'])} |")
    w("")
    w("## Exploitation types: which datasets can record them")
    w("")
    w("**recorded** – the dataset holds at least one record of this type (the number of people's records); "
      "**can** – its coded fields can record the type, but this extract holds none; "
      "blank – the dataset has no coded field for it (it may still appear in free text).")
    w("")
    shown = [e for e in entries if e["can_express"] or e["recorded"]]
    if shown:
        w("| Dataset | " + " | ".join(_cell(types.label(c)) for c in types.codes) + " |")
        w("| --- | " + " | ".join("---" for _ in types.codes) + " |")
        for e in shown:
            recorded = dict(e["recorded"])
            cells = [f"recorded ({recorded[c]})" if c in recorded else ("can" if c in e["can_express"] else "")
                     for c in types.codes]
            w(f"| `{e['source']}` | " + " | ".join(cells) + " |")
        w("")
        nowhere = [types.label(c) for c in types.codes if not any(c in e["can_express"] for e in entries)]
        if nowhere:
            w(f"No dataset has a coded field for: {', '.join(nowhere)}. That is a question for the partnership: "
              "is it recorded somewhere else, or not at all?")
            w("")
    else:
        w("No dataset has a coded field for exploitation types yet.")
        w("")
    no_field = [e["source"] for e in entries if not e["can_express"]]
    if no_field:
        w("Datasets without a coded exploitation field (they still tell the partnership about the children "
          "and events around exploitation): " + ", ".join(f"`{s}`" for s in no_field) + ".")
        w("")
    for agency in agencies:
        w(f"## {agency}")
        w("")
        for e in (x for x in entries if x["agency"] == agency):
            _dataset_section(e, w)
    return "\n".join(out).rstrip() + "\n"


def _dataset_section(e: dict, w) -> None:
    types = code_list("exploitation_type")
    w(f"### {e['description'] or e['source']}")
    w("")
    w(f"- **Dataset:** `{e['source']}`" + (f" from {e['system']}" if e["system"] else ""))
    w(f"- **Status:** {e['status']}" + (f"; file `{e['file']}`, extract dated {e['extract_date']}"
                                       if e["file"] else ""))
    if e["owner"]:
        w(f"- **Owner:** {e['owner']}")
    w(f"- **Refresh:** {e['refresh'] or 'not stated'}")
    w(f"- **Lawful basis:** {e['legal_basis'] or 'not stated'}")
    if e["retention"]:
        w(f"- **Retention:** {e['retention']}")
    areas = ", ".join(f"{name} ({code})" if name != code else code for code, name in e["coverage_areas"])
    w(f"- **Covers:** {areas or 'not stated'}")
    q = e["quality"] or {}
    if q.get("person_records") is not None and q.get("person_records"):
        if q.get("area_unknown_share") == 1:
            if any(f["field"] == "identifiers.postcode" for f in e["fields"]):
                w("- **Residents:** no home postcode could be placed in an area (check the postcode lookup)")
            else:
                w("- **Residents:** the extract does not record where people live")
        else:
            unknown = (f"; home area not known for {_pct(q.get('area_unknown_share'))}"
                       if q.get("area_unknown") else "")
            w(f"- **Residents:** {_pct(q.get('coverage'))} of the {q['person_records']:,} people's records live in "
              f"the partnership area{unknown}")
    w("- **Feeds:** " + (", ".join(TABLE_WORDS.get(t, t) for t in e["tables"]) or "nothing yet"))
    if e["event_types"]:
        w("- **Events recorded:** " + ", ".join(f"{_label('event_type', t)} ({n:,})" for t, n in e["event_types"]))
    can = ", ".join(types.label(c) for c in e["can_express"]) or "none (no coded field for exploitation)"
    w(f"- **Exploitation types it can record:** {can}")
    if e["can_express"] or e["recorded"]:
        rec = ", ".join(f"{_label('exploitation_type', t)} ({n:,})" for t, n in e["recorded"]) or "none in this extract"
        w(f"- **Exploitation types recorded (people's records):** {rec}")
    w(f"- **Quality:** {e['quality_summary']}")
    flagged = q.get("flagged") or []
    if flagged:
        words = {"gap": "unusually low", "spike": "unusually high"}
        months = ", ".join(f"{p['month']:%b %Y} ({p['events']:,}, {words.get(p['flag'], p['flag'])})"
                           for p in flagged[:12])
        w(f"- **Months to ask about** (against a typical month of {flagged[0]['series_median']:.0f}): {months}")
    w("")
    if e["fields"]:
        w("| Field | Column in the file | Filled in | Valid |")
        w("| --- | --- | --- | --- |")
        for f in e["fields"]:
            if f["column"] == CONSTANT:
                w(f"| {_cell(f['label'])} | (the same for every row, set by the mapping) | – | – |")
                continue
            w(f"| {_cell(f['label'])} | {_cell(f['column'])} | {_pct(f['completeness'], 1)} | "
              f"{_pct(f['validity'], 1)} |")
        w("")
    if e["unmapped_columns"]:
        w("Columns in the file not used: " + ", ".join(_cell(c) for c in e["unmapped_columns"]) + ".")
        w("")


def write_datamap(ws: Workspace, *, today: dt.date | None = None) -> DatamapResult:
    """Write ``reports/datamap.md`` and ``reports/datamap.csv``; returns their paths and counts."""
    entries = collect(ws)
    ws.reports.mkdir(parents=True, exist_ok=True)
    md = ws.reports / "datamap.md"
    csv_path = ws.reports / "datamap.csv"
    md.write_text(render_markdown(entries, partnership=ws.config().name, written=today or dt.date.today()),
                  encoding="utf-8")
    write_csv(csv_path, CSV_COLUMNS, csv_rows(entries))
    return DatamapResult(md, csv_path, len(entries), len({e["agency"] for e in entries}),
                         sum(e["status"] == "loaded" for e in entries))
