"""``ceintel analyse``: run every analysis and keep its tables in ``analysis.duckdb``, atomically.

Each analysis is declared once in :data:`ANALYSES`: the table it writes, the
strategic question it answers, what it cannot tell us, who may see it, and
the function that makes it. Tables for everyone are made once per disclosure
audience (an ``audience`` column says which rule they passed); analyst tables
hold pseudonymised rows and are marked ``analyst`` in ``analysis_info`` so
the web app and exports can refuse them to other roles.

Like the framework, the file is built beside the current one and renamed into
place: readers never see half a run, and a failed run keeps the last good one.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from ceintel import duck
from ceintel.analysis import aces, journeys, networks, overlaps, places
from ceintel.analysis.context import Context, open_context
from ceintel.errors import WorkspaceError
from ceintel.workspace import Workspace

ANALYSIS_FILE = "analysis.duckdb"
Progress = Callable[[int, int, str], None]


@dataclass
class Shared:
    """Things several analyses reuse within one run: the network, and results two tables are cut from."""

    ctx: Context
    _network: networks.Network | None = None
    _memo: dict = field(default_factory=dict)

    @property
    def network(self) -> networks.Network:
        if self._network is None:
            self._network = networks.build_network(self.ctx)
        return self._network

    def once(self, key: tuple, make: Callable[[], object]):
        """``make()``, computed once per run for ``key`` (e.g. the Sankey's nodes and links, per audience)."""
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    def sankey(self, audience: str) -> tuple[pd.DataFrame, pd.DataFrame]:
        return self.once(("sankey", audience), lambda: journeys.sankey(self.ctx, audience=audience))

    def adults_linked(self) -> pd.DataFrame:
        return self.once(("adults_linked",), lambda: networks.adults_linked(self.network))

    def places_of_concern(self, audience: str) -> pd.DataFrame:
        return self.once(("places_of_concern", audience),
                         lambda: places.places_of_concern(self.ctx, audience=audience))


@dataclass(frozen=True)
class Analysis:
    table: str
    title: str
    theme: str
    question: str
    cannot_tell: str
    audience: Literal["all", "analyst"]
    make: Callable[[Shared, str], pd.DataFrame] = field(repr=False)


def _lag(s: Shared, a: str) -> pd.DataFrame:
    table, summary = overlaps.identification_lag(s.ctx, a)
    for k, v in summary.items():
        table[k] = v
    return table


ANALYSES: tuple[Analysis, ...] = (
    Analysis("agency_combinations", "Which agencies know children with exploitation concerns", "patterns of help",
             "For children with an exploitation concern, which combinations of agencies hold a record of them?",
             "Whether each agency knew about the exploitation, or only about the child; agencies that share no data "
             "are not in the picture.", "all", lambda s, a: overlaps.agency_combinations(s.ctx, a)),
    Analysis("first_to_know", "Which agency knew first", "patterns of help",
             "Which agency first recorded each child, and which first recorded exploitation?",
             "When harm began: records start when an agency first wrote something down.", "all",
             lambda s, a: overlaps.first_to_know(s.ctx, a)),
    Analysis("identification_lag", "Time from first record to exploitation being identified", "patterns of help",
             "How long after any agency first recorded a child was exploitation first recorded?",
             "Whether the first record was about anything related to exploitation.", "all", _lag),
    Analysis("unknown_to_social_care", "Children recorded as exploited but unknown to children's social care",
             "patterns of help",
             "How many children with an exploitation concern recorded by another agency have no children's social "
             "care record at all?",
             "Whether a referral was made and not recorded, or not made; records outside the shared extracts.",
             "all", lambda s, a: overlaps.unknown_to_social_care(s.ctx, a)),
    Analysis("pathways", "Commonest journeys between services", "patterns of help",
             "In what order did services first record children with exploitation concerns?",
             "Whether a service helped, or only recorded; contacts before the extracts begin.", "all",
             lambda s, a: journeys.pathways(s.ctx, audience=a)),
    Analysis("pathway_nodes", "Journeys between services: steps (Sankey nodes)", "patterns of help",
             "How many children reached each service at each step of their journey?",
             "As for the pathways.", "all", lambda s, a: s.sankey(a)[0]),
    Analysis("pathway_links", "Journeys between services: links (Sankey links)", "patterns of help",
             "How many children went from one service to the next?",
             "As for the pathways.", "all", lambda s, a: s.sankey(a)[1]),
    Analysis("sign_to_help", "Time from an early sign to help", "patterns of help",
             "After a first missing episode, suspension or other early sign, how many children then had help, "
             "and how long did it take?",
             "Help outside the shared services; whether the sign and the help were connected.", "all",
             lambda s, a: journeys.sign_to_help(s.ctx, a)),
    Analysis("ace_prevalence", "Recorded adverse childhood experiences: how many per child", "themes",
             "How common are recorded ACEs among children with exploitation concerns, compared with all children "
             "known to services?",
             "ACEs no service recorded; a lower share can mean less recorded rather than less lived.", "all",
             lambda s, a: aces.ace_prevalence(s.ctx, a)),
    Analysis("ace_types", "Recorded adverse childhood experiences by type", "themes",
             "Which recorded ACEs are commonest among children with exploitation concerns?",
             "As for ACE prevalence.", "all", lambda s, a: aces.ace_types(s.ctx, a)),
    Analysis("ward_rates", "Exploitation by ward, per 10,000 children", "locations",
             "Where do children with exploitation concerns live, and where are exploitation incidents recorded?",
             "Where harm happened when no place was recorded; wards' populations are estimates.", "all",
             lambda s, a: places.area_rates(s.ctx, "ward", a)),
    Analysis("small_area_rates", "Exploitation by small area, per 10,000 children", "locations",
             "As for wards, by small area.", "As for wards; small areas make most counts too small to show.", "all",
             lambda s, a: places.area_rates(s.ctx, "small_area", a)),
    Analysis("places_of_concern", "Places of concern", "locations",
             "Which places are linked to incidents involving several different children over time?",
             "Places no one recorded, or recorded without a type; online spaces in any detail.", "all",
             lambda s, a: s.places_of_concern(a)),
    Analysis("harmed_outside", "Where the partnership's children are harmed outside its area", "locations",
             "Where outside the partnership are its children recorded at incidents of exploitation?",
             "Incidents other forces record and do not share.", "all", lambda s, a: places.harmed_outside(s.ctx, a)),
    Analysis("incidents_over_time", "Exploitation incidents by ward and year", "locations",
             "How is the number of exploitation incidents changing in each ward?",
             "Whether a change is in harm or in recording.", "all", lambda s, a: places.change_over_time(s.ctx, a)),
    Analysis("network_summary", "Peer groups, adults linked to children, and places linking groups",
             "perpetrators and disruption",
             "How many groups of children are harmed together, how many adults are linked to several children, and "
             "which places connect groups?",
             "Links no agency recorded; a recorded link is not evidence of a relationship or of culpability.", "all",
             lambda s, a: networks.network_summary(s.ctx, s.network, a)),
    # analysts only: pseudonymised rows
    Analysis("knowledge_records", "Agencies that know each child (analysts)", "patterns of help",
             "Which agencies know each child with an exploitation concern, and since when?", "", "analyst",
             lambda s, a: overlaps.knowledge_records(s.ctx)),
    Analysis("unknown_to_social_care_records", "Children unknown to children's social care (analysts)",
             "patterns of help", "Which children with a concern have no children's social care record?", "",
             "analyst", lambda s, a: overlaps.unknown_to_social_care_records(s.ctx)),
    Analysis("journey_first_contacts", "Each child's first contact with each service (analysts)", "patterns of help",
             "When did each service first record each child with a concern?", "", "analyst",
             lambda s, a: journeys.first_contacts(s.ctx)),
    Analysis("place_records", "Recorded places with exploitation incidents (analysts)", "locations",
             "Which recorded places are linked to exploitation incidents?", "", "analyst",
             lambda s, a: places.place_records(s.ctx)),
    Analysis("network_nodes", "Network: people and places (analysts)", "perpetrators and disruption",
             "Who and what is in the network, with the roles sources recorded?", "", "analyst",
             lambda s, a: s.network.nodes),
    Analysis("network_edges", "Network: links (analysts)", "perpetrators and disruption",
             "Which recorded links join people and places?", "", "analyst", lambda s, a: s.network.edges),
    Analysis("adults_linked", "Adults linked to children (analysts)", "perpetrators and disruption",
             "Which adults are linked to several children, by the links sources recorded?", "", "analyst",
             lambda s, a: s.adults_linked()),
    Analysis("bridging_places", "Places linking peer groups (analysts)", "perpetrators and disruption",
             "Which places of concern connect different peer groups?", "", "analyst",
             lambda s, a: networks.bridging_places(s.network)),
)


@dataclass(frozen=True)
class AnalysisResult:
    path: Path
    seconds: dict[str, float]
    rows: dict[str, int]
    summary: dict[str, object]


def analysis_path(ws: Workspace) -> Path:
    return ws.root / ANALYSIS_FILE


def connect(ws: Workspace):
    """A read-only connection to the last good run."""
    path = analysis_path(ws)
    if not path.exists():
        raise WorkspaceError(f"{path} does not exist yet; run: ceintel analyse {ws.root}")
    return duck.connect(path, read_only=True)


def run_analyses(ws: Workspace, progress: Progress | None = None,
                 only: tuple[str, ...] | None = None) -> AnalysisResult:
    """Run the analyses (all, or ``only`` these tables) and write ``analysis.duckdb``."""
    chosen = [a for a in ANALYSES if only is None or a.table in only]
    unknown = set(only or ()) - {a.table for a in ANALYSES}
    if unknown:
        raise WorkspaceError(f"no analysis named {', '.join(sorted(unknown))}; analyses are "
                             f"{', '.join(a.table for a in ANALYSES)}")
    final = analysis_path(ws)
    tmp = final.with_name(final.name + ".building")
    for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
        leftover.unlink(missing_ok=True)
    seconds: dict[str, float] = {}
    rows: dict[str, int] = {}
    with open_context(ws) as ctx:
        shared = Shared(ctx)
        audiences = list(ctx.partnership.disclosure.audiences)
        out = duck.connect(tmp)
        try:
            info = []
            for i, a in enumerate(chosen):
                started = time.perf_counter()
                if a.audience == "analyst":
                    df = a.make(shared, "partnership")
                else:
                    df = pd.concat([a.make(shared, aud).assign(audience=aud) for aud in audiences], ignore_index=True)
                seconds[a.table] = time.perf_counter() - started
                rows[a.table] = len(df)
                _write(out, a.table, df)
                info.append({"table_name": a.table, "title": a.title, "theme": a.theme, "question": a.question,
                             "cannot_tell": a.cannot_tell, "audience": a.audience, "rows": len(df),
                             "seconds": round(seconds[a.table], 3)})
                if progress:
                    progress(i + 1, len(chosen), a.title)
            meta = pd.DataFrame(info)
            meta["window_start"], meta["window_end"] = ctx.window.start, ctx.window.end
            _write(out, "analysis_info", meta)
            out.execute("CHECKPOINT")
            summary = _summary(shared) if only is None else {}
        except BaseException:
            out.close()
            for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
                leftover.unlink(missing_ok=True)
            raise
        out.close()
    os.replace(tmp, final)
    return AnalysisResult(final, seconds, rows, summary)


def _summary(shared: Shared) -> dict[str, object]:
    con = shared.ctx.con
    net = shared.network
    adults = shared.adults_linked()
    return {"children_with_concern": con.execute("SELECT count(*) FROM an_concern").fetchone()[0],
            "peer_groups": len(net.groups),
            "adults_linked_2": int((adults["children"] >= 2).sum()),
            "places_of_concern": len(shared.places_of_concern("partnership"))}


def _plain(value: object) -> object:
    if isinstance(value, list | tuple | np.ndarray):
        return "; ".join(str(v) for v in value)
    return value


def _write(con, name: str, df: pd.DataFrame) -> None:
    """Store a frame; published columns mixing numbers and symbols (``c``) are stored as text."""
    df = df.copy()
    for col in df.columns:
        if df[col].dtype == object:
            values = df[col].map(_plain)
            kinds = {type(v) for v in values if v is not None and not (isinstance(v, float) and np.isnan(v))}
            if len(kinds) > 1 or kinds & {str} and kinds - {str}:
                values = values.map(lambda v: None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v))
            df[col] = values
    con.register("frame", df)
    try:
        con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM frame')
    finally:
        con.unregister("frame")
