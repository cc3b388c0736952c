"""The profile's sections, in the order a published problem profile reads (VOLT, then help, data and actions).

Each section is a function from the gathered data to a :class:`Section`.
Which indicators appear is decided by theme from the ``indicator`` table
(the summary tables) plus a few named indicators and analyses for the
figures; anything named that a workspace does not have is skipped. Numbers
come only from published cells and analysis tables for everyone, already
after disclosure control.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from ceintel.charts.values import read_value, records
from ceintel.report import data as d
from ceintel.report.figures import (
    bar_figure,
    map_figure,
    network_figure,
    sankey_figure,
    svg_figure,
    trend_figure,
    upset_figure,
)
from ceintel.report.gather import Gathered
from ceintel.report.model import Block, Cell, Figure, Section, Table
from ceintel.report.narratives import NarrativeIndex

EXPLOITATION_TYPES = ("children_cse", "children_cce", "children_county_lines", "children_cse_and_cce",
                      "children_trafficking", "children_financial", "children_online",
                      "children_serious_youth_violence")
MISSING = ("children_missing", "children_missing_rate", "missing_episodes", "children_repeat_missing",
           "away_episodes")
EDUCATION = ("exploited_suspended_or_excluded", "exploited_persistent_absence", "children_suspended_or_excluded_rate")
HEALTH = ("exploited_ed_assault_self_harm", "children_ed_assault_self_harm_rate")
MACE = ("mace_referrals", "mace_plans", "days_first_concern_to_mace", "exploited_never_mace",
        "missing_after_mace_plan")
RHI = ("rhi_offered", "rhi_accepted", "rhi_within_72_hours")
PLACES = ("police_incidents_exploitation", "flagged_events_place_not_known")
TYPE_LABELS = {"children_cse": "Sexual exploitation", "children_cce": "Criminal exploitation",
               "children_county_lines": "County lines", "children_cse_and_cce": "Both sexual and criminal",
               "children_trafficking": "Trafficking or modern slavery", "children_financial": "Financial exploitation",
               "children_online": "Online exploitation or abuse",
               "children_serious_youth_violence": "Serious youth violence"}


@dataclass
class Context:
    g: Gathered
    narratives: NarrativeIndex
    used_indicators: list[str] = field(default_factory=list)
    used_analyses: list[str] = field(default_factory=list)

    def use(self, *ids: str) -> list[str]:
        """The indicators among ``ids`` that exist, remembered for "what the data cannot tell us"."""
        found = [i for i in ids if i in self.g.indicators]
        self.used_indicators.extend(i for i in found if i not in self.used_indicators)
        return found

    def table(self, name: str):
        df = d.analysis(self.g, name)
        if not df.empty and name not in self.used_analyses:
            self.used_analyses.append(name)
        return df

    @property
    def period(self) -> str:
        return self.g.period.label

    @property
    def partnership_audience(self) -> bool:
        return self.g.audience == "partnership"


def _window(ctx: Context) -> str:
    w = ctx.g.analysis_window
    return f"{w[0]:%-d %B %Y} to {w[1]:%-d %B %Y}" if w else "the whole reporting window"


def indicator_notes(ctx: Context, ind: str) -> list[str]:
    meta = ctx.g.indicators[ind]
    return [f"What it answers: {meta['question']}", f"What it cannot tell us: {meta['cannot_tell']}"]


def analysis_notes(ctx: Context, table: str) -> list[str]:
    info = ctx.g.analysis_info.get(table) or {}
    notes = []
    if info.get("question"):
        notes.append(f"What it answers: {info['question']}")
    if info.get("cannot_tell"):
        notes.append(f"What it cannot tell us: {info['cannot_tell']}")
    notes.append(f"Counted over {_window(ctx)}.")
    return notes


def theme_table(ctx: Context, caption: str, ids: list[str]) -> Table | None:
    """A row per indicator: its title and question, this period, the year before."""
    ids = ctx.use(*ids)
    if not ids:
        return None
    prev = ctx.g.previous.label if ctx.g.previous else None
    rows = []
    for ind in ids:
        meta = ctx.g.indicators[ind]
        row = [Cell(meta["title"]), Cell(meta["question"]), d.value_cell(ctx.g, ind, d.value(ctx.g, ind))]
        if prev:
            row.append(d.value_cell(ctx.g, ind, d.value(ctx.g, ind, prev)))
        rows.append(row)
    columns = ["Indicator", "What it answers", ctx.period] + ([prev] if prev else [])
    return Table(caption, columns, rows)


def by_theme(ctx: Context, *themes: str, exclude: tuple[str, ...] = ()) -> list[str]:
    """Indicator ids of these themes, in the registry's order."""
    return [i for i, m in ctx.g.indicators.items() if m["theme"] in themes and i not in exclude]


def _narrated(ctx: Context, block: Block, indicators: tuple[str, ...] = (), analyses: tuple[str, ...] = ()) -> Block:
    block.narratives.extend(ctx.narratives.take("indicator", *indicators))
    block.narratives.extend(ctx.narratives.take("analysis", *analyses))
    return block


def _figure_block(ctx: Context, heading: str, fig: Figure | None, *, indicators: tuple[str, ...] = (),
                  analyses: tuple[str, ...] = (), notes: list[str] | None = None,
                  paragraphs: list[str] | None = None) -> Block | None:
    if fig is None:
        return None
    block = Block(heading=heading, figures=[fig], notes=notes or [], paragraphs=paragraphs or [])
    return _narrated(ctx, block, indicators, analyses)


def _trend(ctx: Context, fid: str, ids: tuple[str, ...], *, title: str, what: str, labels: dict[str, str] | None = None,
           axis_title: str = "Children", counts_people: bool = True) -> Figure | None:
    found = ctx.use(*ids)
    if not found or not ctx.g.trend:
        return None
    units = {d.unit(ctx.g, i) for i in found}
    unit = units.pop() if len(units) == 1 else "count"
    rows = d.trend_rows(ctx.g, found, label=labels)
    caption = (f"Each point is a whole year (a rolling 12 months), ending every three months up to "
               f"{ctx.g.period.end:%B %Y}; neighbouring points share nine months. Grey squares on the axis are "
               f"hidden values (c).")
    return trend_figure(fid, rows, title=title, caption=caption, what=what, unit=unit, axis_title=axis_title,
                        counts_people=counts_people and unit == "count")


def _breakdown(ctx: Context, fid: str, ind: str, breakdown: str, title: str) -> Figure | None:
    if not ctx.use(ind):
        return None
    rows = d.breakdown_rows(ctx.g, ind, breakdown)
    if not rows:
        return None
    return bar_figure(fid, rows, title=title, what=f"{ctx.g.indicators[ind]['title']}, {ctx.period}",
                      caption=f"{ctx.g.indicators[ind]['title']}, {ctx.period}. Categories add up to the total; "
                              "a grey square marks a hidden count (c).", column=title.split(" by ")[-1].capitalize(),
                      value_column="Children")


# --- sections -------------------------------------------------------------------------------------------------

def victims(ctx: Context) -> Section:
    s = Section("victims", "Victims: who is being exploited",
                intro=[f"Children for whom at least one agency recorded an exploitation concern in {ctx.period}, "
                       "by type of exploitation and by who they are. A child can be counted under more than one "
                       "type. Each child is counted once per period."])
    types = ctx.use(*EXPLOITATION_TYPES)
    if types:
        rows = [{"category": TYPE_LABELS.get(i, ctx.g.indicators[i]["title"]),
                 "value": (v := d.value(ctx.g, i)) and v.number, "status": v.symbol if v else ":"} for i in types]
        fig = bar_figure("fig-types", rows, title="Children by type of exploitation recorded",
                         what=f"Children with each type of exploitation concern recorded, {ctx.period}",
                         caption=f"Children with a concern of each type recorded by any agency, {ctx.period}. "
                                 "Grey squares mark hidden counts (c).", column="Type of exploitation",
                         value_column="Children")
        s.blocks.append(_narrated(ctx, Block("Types of exploitation", figures=[fig],
                                             notes=[f"What it cannot tell us: {ctx.g.indicators[types[0]]['cannot_tell']}"]),
                                  indicators=tuple(types)))
    main = "children_exploitation_any"
    figs = [f for f in (_breakdown(ctx, "fig-age", main, "age_band", "Children with exploitation concerns by age band"),
                        _breakdown(ctx, "fig-sex", main, "sex", "Children with exploitation concerns by sex"),
                        _breakdown(ctx, "fig-ethnicity", main, "ethnicity_group",
                                   "Children with exploitation concerns by ethnic group")) if f]
    if figs:
        s.blocks.append(_narrated(ctx, Block("Age, sex and ethnic group", figures=figs,
                                             notes=indicator_notes(ctx, main)), indicators=(main,)))
    trend = _trend(ctx, "fig-victims-trend", ("children_exploitation_any", "children_cse", "children_cce"),
                   title="Children with exploitation concerns over time",
                   what="Children with exploitation concerns, each year",
                   labels={"children_exploitation_any": "Any exploitation", "children_cse": "Sexual",
                           "children_cce": "Criminal"})
    if trend:
        s.blocks.append(Block("Trends", figures=[trend]))
    t = theme_table(ctx, "Indicators of patterns of harm", by_theme(ctx, "patterns_of_harm", exclude=MISSING + PLACES))
    if t:
        s.blocks.append(Block("All indicators of patterns of harm", tables=[t]))
    return s


def perpetrators(ctx: Context) -> Section:
    s = Section("perpetrators", "Perpetrators and disruption",
                intro=["Adults who exploit children, and what is done to disrupt them. Police disruption is known to "
                       "be unevenly recorded, so low numbers may reflect recording as much as activity."])
    ids = by_theme(ctx, "perpetrators_and_disruption")
    trend = _trend(ctx, "fig-disruption-trend", tuple(i for i in ("adult_suspects_flagged_incidents",
                                                                   "disruption_actions") if i in ids),
                   title="Adult suspects and disruption actions over time",
                   what="Adults recorded as suspects, and disruption actions, each year",
                   labels={"adult_suspects_flagged_incidents": "Adult suspects",
                           "disruption_actions": "Disruption actions"}, axis_title="Count")
    if trend:
        s.blocks.append(_narrated(ctx, Block("Suspects and disruption", figures=[trend]), indicators=tuple(ids)))
    net = ctx.table("network_summary")
    if not net.empty:
        fig = network_figure("fig-network", net, title="Peer groups and adults linked to several children",
                             caption="Each small ring of dots is one peer group: children linked to each other by "
                                     "what agencies recorded. Groups and places are counted as shown; counts of "
                                     "people are hidden (c) when small.")
        s.blocks.append(_narrated(ctx, Block("Networks", figures=[fig], notes=analysis_notes(ctx, "network_summary")),
                                  analyses=("network_summary",)))
    t = theme_table(ctx, "Indicators of perpetrators and disruption", ids)
    if t:
        s.blocks.append(Block("All indicators of perpetrators and disruption", tables=[t]))
    return s


def locations(ctx: Context) -> Section:
    s = Section("locations", "Locations: where children are harmed",
                intro=["Where children with exploitation concerns live, where incidents are recorded, and the places "
                       "linked to harm of several different children. Places describe where adults target children, "
                       "never where children are to blame for being."])
    g = ctx.g
    if g.wards and ctx.use("children_exploitation_rate"):
        rows = d.cell_rows(g, "children_exploitation_rate", ctx.period, area_level="ward").to_dict(orient="records")
        fig = map_figure("fig-map-wards", g.wards, rows, key_property="wd24cd", name_property="wd24nm",
                         title="Children with exploitation concerns per 10,000 children, by home ward",
                         caption=f"Rate per 10,000 children living in each ward, {ctx.period}. Grey wards with a "
                                 "dashed edge have a hidden value (c): a rate is hidden with its count.",
                         what="Rate per 10,000 children by ward", unit="rate_per_10000", counts_people=False,
                         legend_title="Per 10,000")
        s.blocks.append(_figure_block(ctx, "By home ward", fig, indicators=("children_exploitation_rate",),
                                      notes=indicator_notes(ctx, "children_exploitation_rate")))
    small = ctx.table("small_area_rates")
    if g.small_areas and not small.empty:
        rows = [{"area_code": r["area_code"], "value": r["incidents"]} for r in records(small)]
        fig = map_figure("fig-map-small", g.small_areas, rows, key_property="lsoa21cd", name_property="lsoa21nm",
                         title="Exploitation incidents recorded in each small area",
                         caption=f"Incidents recorded at places in each small area, {_window(ctx)}. Small areas are "
                                 "labelled with their count only; the table names them.",
                         what="Exploitation incidents by small area", label_names=False)
        s.blocks.append(_figure_block(ctx, "By small area", fig, analyses=("small_area_rates",),
                                      notes=analysis_notes(ctx, "small_area_rates")))
    poc = ctx.table("places_of_concern")
    if not poc.empty:
        public = not ctx.partnership_audience
        cols = ["Rank", "Kind of place", "Ward", "Children", "Incidents", "Months with incidents"]
        if not public:
            cols[3:3] = ["Small area"]
            cols += ["First seen", "Last seen"]
        rows = []
        for r in records(poc):
            row = [Cell(str(r["rank"])), Cell(str(r["place_type"])),
                   Cell(str(r["ward_name"]) if r.get("ward_name") and str(r["ward_name"]) != "nan" else "not known")]
            if not public:
                row.append(Cell(str(r["lsoa_name"]) if r.get("lsoa_name") and str(r["lsoa_name"]) != "nan"
                                else "not known"))
            row += [d.count_text(r["children"]), d.count_text(r["incidents"]), d.number_text(r["months"])]
            if not public:
                row += [Cell(_date(r.get("first_seen"))), Cell(_date(r.get("last_seen")))]
            rows.append(row)
        block = Block("Places of concern", tables=[Table("Places of concern, ranked", cols, rows)],
                      paragraphs=[f"{len(rows)} place{'s' if len(rows) != 1 else ''} (a kind of place in a small "
                                  f"area) {'are' if len(rows) != 1 else 'is'} linked to incidents of three or more "
                                  f"different children over {_window(ctx)}."
                                  + (" Small areas and dates are left out of the public version." if public else "")],
                      notes=analysis_notes(ctx, "places_of_concern"))
        s.blocks.append(_narrated(ctx, block, analyses=("places_of_concern",)))
    over = ctx.table("incidents_over_time")
    if not over.empty:
        recs = records(over)
        totals = Counter()
        for r in recs:
            v = read_value(r["incidents"])
            if r["ward"] != "All" and v.shown:
                totals[r["ward_name"]] += v.number
        keep = ["All"] + [w for w, _ in totals.most_common(3)]
        rows = [{"period": r["year"], "series": "Whole partnership" if r["ward"] == "All" else r["ward_name"],
                 "value": r["incidents"], "status": None} for r in recs
                if r["ward"] == "All" or r["ward_name"] in keep]
        fig = trend_figure("fig-incidents-trend", rows, title="Exploitation incidents by financial year",
                           caption="The whole partnership and the three wards with most incidents; the analysis "
                                   "table lists every ward. The latest year may not be complete.",
                           what="Exploitation incidents each financial year", axis_title="Incidents")
        s.blocks.append(_figure_block(ctx, "Change over time", fig, analyses=("incidents_over_time",),
                                      notes=analysis_notes(ctx, "incidents_over_time")))
    out = ctx.table("harmed_outside")
    if not out.empty:
        t = Table("Where the partnership's children are recorded at incidents outside its area",
                  ["Where", "Kind of place", "Children", "Incidents"],
                  [[Cell(str(r["where"])), Cell(str(r["place_type"])), d.count_text(r["children"]),
                    d.count_text(r["incidents"])] for r in records(out)])
        s.blocks.append(_narrated(ctx, Block("Harm outside the area", tables=[t],
                                             notes=analysis_notes(ctx, "harmed_outside")), analyses=("harmed_outside",)))
    t = theme_table(ctx, "Indicators about places", list(PLACES))
    if t:
        s.blocks.append(_narrated(ctx, Block("Indicators about places", tables=[t]), indicators=PLACES))
    s.blocks = [b for b in s.blocks if b]
    return s


def _date(x) -> str:
    try:
        return f"{x:%b %Y}"
    except (TypeError, ValueError):
        return ""


def themes(ctx: Context) -> Section:
    s = Section("themes", "Themes: missing, adverse childhood experiences, education and health",
                intro=["What else is happening in the lives of children with exploitation concerns. These are signs "
                       "that a child may be exploited or may need help, not evidence of exploitation."])
    trend = _trend(ctx, "fig-missing-trend", ("children_missing", "children_repeat_missing"),
                   title="Children reported missing over time", what="Children reported missing, each year",
                   labels={"children_missing": "Reported missing", "children_repeat_missing": "Missing 3+ times"})
    missing = Block("Missing from home or care", figures=[trend] if trend else [])
    t = theme_table(ctx, "Indicators about children going missing", list(MISSING))
    if t:
        missing.tables.append(t)
    if missing.figures or missing.tables:
        s.blocks.append(_narrated(ctx, missing, indicators=MISSING))
    prev = ctx.table("ace_prevalence")
    if not prev.empty:
        rows = [{"category": f"{r['aces']} ACEs recorded ({_cohort(r['cohort'])})", "value": r["percentage"]}
                for r in records(prev) if r["aces"] != "All"]
        fig = bar_figure("fig-aces", rows, title="Recorded adverse childhood experiences per child",
                         what="Share of each group of children by the number of ACE types recorded",
                         caption=f"Percentage of each group, {_window(ctx)}. ACEs are only those a service recorded.",
                         unit="percentage", counts_people=False, axis_title="Percentage of the group",
                         column="Number of ACE types (group)", value_column="Percentage")
        block = Block("Adverse childhood experiences", figures=[fig], notes=analysis_notes(ctx, "ace_prevalence"))
        types = ctx.table("ace_types")
        if not types.empty:
            trows = [{"category": r["label"], "value": r["percentage"]} for r in records(types)
                     if r["ace_type"] != "All" and str(r["cohort"]).startswith("children with")]
            block.figures.append(bar_figure("fig-ace-types", trows,
                                            title="Recorded ACEs by type, children with exploitation concerns",
                                            what="Share of children with exploitation concerns with each ACE type",
                                            caption="Percentage of children with exploitation concerns with each "
                                                    "recorded ACE type.", unit="percentage", counts_people=False,
                                            axis_title="Percentage", column="ACE type", value_column="Percentage"))
        s.blocks.append(_narrated(ctx, block, indicators=("exploited_aces_recorded",),
                                  analyses=("ace_prevalence", "ace_types")))
    for heading, ids in (("Education", EDUCATION), ("Health", HEALTH)):
        t = theme_table(ctx, f"Indicators about {heading.lower()}", list(ids))
        if t:
            s.blocks.append(_narrated(ctx, Block(heading, tables=[t]), indicators=ids))
    rest = by_theme(ctx, "vulnerability_and_context", "outcomes", exclude=EDUCATION + HEALTH)
    t = theme_table(ctx, "Other indicators of vulnerability, context and outcomes", rest)
    if t:
        s.blocks.append(_narrated(ctx, Block("Context and outcomes", tables=[t]), indicators=tuple(rest)))
    return s


def _cohort(text: str) -> str:
    return "children with concerns" if str(text).startswith("children with") else "all children known"


def help_(ctx: Context) -> Section:
    s = Section("help", "Patterns of help: who knows, in what order, and what help follows",
                intro=["Which agencies know children with exploitation concerns, the order in which services first "
                       "recorded them, MACE and return home interviews."])
    combos = ctx.table("agency_combinations")
    if not combos.empty:
        c = combos[combos["kind"] == "combination"] if "kind" in combos else combos
        fig = upset_figure("fig-overlaps", c, title="Which combinations of agencies know each child",
                           caption="Each column is a combination of agencies (filled dots) holding a record of the "
                                   "same children; the bar is how many. The twelve largest are drawn; the table "
                                   "lists them all.")
        s.blocks.append(_figure_block(ctx, "Overlaps between agencies", fig, analyses=("agency_combinations",),
                                      notes=analysis_notes(ctx, "agency_combinations")))
    unknown = ctx.table("unknown_to_social_care")
    if not unknown.empty:
        t = Table("Children with a concern recorded by another agency and no children's social care record",
                  ["Agency that recorded the concern", "Children"],
                  [[Cell(str(r["agency"]) if r["agency"] != "All" else "Any agency"), d.count_text(r["children"])]
                   for r in records(unknown)])
        s.blocks.append(_narrated(ctx, Block("Known to other agencies, not to children's social care", tables=[t],
                                             notes=analysis_notes(ctx, "unknown_to_social_care")),
                                  analyses=("unknown_to_social_care",)))
    first = ctx.table("first_to_know")
    if not first.empty:
        rows = [{"category": f"{r['agency']} ({r['measure']})", "value": r["children"]} for r in records(first)
                if r["agency"] != "All"]
        fig = bar_figure("fig-first", rows, title="Which agency recorded each child first",
                         what="Children by the agency that first recorded them, and that first recorded exploitation",
                         caption="Children by the agency whose record came first; same-day records are shared.",
                         column="Agency (what came first)", value_column="Children")
        s.blocks.append(_figure_block(ctx, "Who knew first", fig, analyses=("first_to_know",),
                                      notes=analysis_notes(ctx, "first_to_know")))
    nodes, links = ctx.table("pathway_nodes"), ctx.table("pathway_links")
    if not nodes.empty and not links.empty:
        ctx.table("pathways")
        fig = sankey_figure("fig-journeys", nodes, links, title="Journeys between services",
                            caption="Columns are the first four services to record each child, in order; the width "
                                    "of a flow is the number of children. Hidden flows are thin dashed lines.")
        block = _figure_block(ctx, "Journeys", fig, analyses=("pathway_nodes", "pathway_links", "pathways"),
                              notes=analysis_notes(ctx, "pathway_nodes"))
        paths = d.analysis(ctx.g, "pathways")
        if not paths.empty:
            block.tables.append(Table("Commonest journeys (first three services)", ["Journey", "Children"],
                                      [[Cell(str(r["pathway"]) if r["pathway"] != "All" else "All children"),
                                        d.count_text(r["children"])] for r in records(paths)]))
        s.blocks.append(block)
    lag = ctx.table("identification_lag")
    if not lag.empty:
        r0 = records(lag)[-1]
        para = (f"Half of the children had their exploitation first recorded within "
                f"{read_value(r0.get('median_days')).label()} days of any agency's first record of them (the middle "
                f"half: {read_value(r0.get('q1_days')).label()} to {read_value(r0.get('q3_days')).label()} days).")
        s.blocks.append(_narrated(ctx, Block("Time to identification", paragraphs=[para],
                                             notes=analysis_notes(ctx, "identification_lag")),
                                  analyses=("identification_lag",)))
    sign = ctx.table("sign_to_help")
    if not sign.empty:
        t = Table("Help after an early sign", ["Early sign", "Help", "Children with the sign", "Children then helped",
                                               "Median days"],
                  [[Cell(str(r["sign"]).capitalize()), Cell(str(r["help"])), d.count_text(r["children_with_sign"]),
                    d.count_text(r["children_helped"]), d.number_text(r["median_days"])] for r in records(sign)])
        s.blocks.append(_narrated(ctx, Block("From an early sign to help", tables=[t],
                                             notes=analysis_notes(ctx, "sign_to_help")), analyses=("sign_to_help",)))
    trend = _trend(ctx, "fig-rhi-trend", RHI, title="Return home interviews after missing episodes",
                   what="Percentage of missing episodes followed by a return home interview, each year",
                   labels={"rhi_offered": "Offered", "rhi_accepted": "Taken up", "rhi_within_72_hours": "Within 72 hours"},
                   axis_title="Percentage of episodes", counts_people=False)
    rhi = Block("Return home interviews", figures=[trend] if trend else [])
    t = theme_table(ctx, "Return home interview indicators", list(RHI))
    if t:
        rhi.tables.append(t)
    if rhi.figures or rhi.tables:
        s.blocks.append(_narrated(ctx, rhi, indicators=RHI))
    t = theme_table(ctx, "MACE indicators", list(MACE))
    if t:
        s.blocks.append(_narrated(ctx, Block("MACE", tables=[t]), indicators=MACE))
    rest = by_theme(ctx, "patterns_of_help", "missing_from_data", exclude=MACE + RHI)
    t = theme_table(ctx, "Other indicators of help, and of children we may not be seeing", rest)
    if t:
        s.blocks.append(_narrated(ctx, Block("Other help, and children we may not be seeing", tables=[t]),
                                  indicators=tuple(rest)))
    s.blocks = [b for b in s.blocks if b]
    return s


def quality(ctx: Context) -> Section:
    g = ctx.g
    s = Section("quality", "Data quality and maturity",
                intro=["How complete and current each agency's data is, and where agencies say their data practice "
                       "is. Maturity scores are what agencies said of themselves; they are not a grade and are not "
                       "used to rank anyone."])
    if g.sources:
        rows = []
        for src in g.sources:
            q = g.quality.get(src["source_id"], {})
            read = q.get("rows_read") or 0
            held = (q.get("rows_quarantined") or 0) / read if read else None
            rows.append([Cell(str(src["agency"])), Cell(str(src["kind"])), Cell(_day(src.get("extracted_at"))),
                         Cell(f"{read:,}" if read else ":", numeric=True),
                         Cell(f"{held:.1%}" if held is not None else ":", numeric=True),
                         Cell(_pct(q.get("mean_completeness")), numeric=True),
                         Cell(_pct(q.get("mean_validity")), numeric=True),
                         Cell(_day(q.get("newest_event")))])
        s.blocks.append(Block("Quality of each source", tables=[Table(
            "Each source's extract and its quality profile",
            ["Agency", "Dataset", "Extract date", "Rows read", "Rows held back", "Fields filled (mean)",
             "Valid values (mean)", "Newest record"], rows)],
            notes=["Rows held back are kept in quarantine with a reason, never silently dropped."]))
    t = theme_table(ctx, "Data quality indicators", by_theme(ctx, "data_quality"))
    if t:
        s.blocks.append(_narrated(ctx, Block("Data quality indicators", tables=[t]),
                                  indicators=tuple(by_theme(ctx, "data_quality"))))
    m = g.maturity
    if m is None:
        s.blocks.append(Block("Data maturity", paragraphs=["No data maturity self-assessment has been recorded yet."]))
        return s
    s.blocks.append(_maturity_block(ctx, m))
    return s


def _day(x) -> str:
    try:
        return f"{x:%-d %b %Y}"
    except (TypeError, ValueError):
        return ":"


def _pct(x) -> str:
    return f"{x:.0%}" if isinstance(x, int | float) else ":"


def _maturity_block(ctx: Context, m) -> Block:
    from ceintel.maturity.radar import radar_svg
    from ceintel.maturity.scoring import DomainScore

    q = m.questionnaire
    now = [DomainScore(dm.id, dm.title, m.profile.partnership.get(dm.id), 0, 0, dm.label) for dm in q.domains]
    series = [(f"Partnership, {m.round}", now)]
    if m.previous_round and m.partnership_change:
        was = {c.domain_id: c.before for c in m.partnership_change}
        series.append((f"Partnership, {m.previous_round}",
                       [DomainScore(dm.id, dm.title, was.get(dm.id), 0, 0, dm.label) for dm in q.domains]))
    title = "Data maturity: the partnership's mean self-assessment by domain"
    svg = radar_svg(series, title=title)
    rows = []
    for dm in q.domains:
        row = [Cell(dm.title), Cell(_score(m.profile.partnership.get(dm.id)), numeric=True),
               Cell(_score(m.profile.lowest.get(dm.id)), numeric=True),
               Cell(_score(m.profile.highest.get(dm.id)), numeric=True)]
        rows.append(row)
    table = Table(f"Data for: {title}", ["Domain", f"Partnership mean ({m.round})", "Lowest agency", "Highest agency"],
                  rows)
    desc = "; ".join(f"{dm.title} {_score(m.profile.partnership.get(dm.id))}" for dm in q.domains)
    fig = svg_figure("fig-maturity", svg, title=title, description=f"Mean level (1 to 5) by domain: {desc}.",
                     caption=f"Levels 1 (beginning) to 5 (mastering), each agency weighing the same; round "
                             f"{m.round}" + (f", with {m.previous_round} dashed." if len(series) > 1 else "."),
                     tables=[table])
    block = Block("Data maturity", figures=[fig])
    if ctx.partnership_audience:
        agencies = Table("Each agency's self-assessment by domain", ["Agency", *[dm.label or dm.title
                                                                                for dm in q.domains], "Overall"],
                         [[Cell(p.agency), *[Cell(_score(p.mean(dm.id)), numeric=True) for dm in q.domains],
                           Cell(_score(p.overall), numeric=True)] for p in m.profile.agencies])
        block.tables.append(agencies)
        gaps = m.gaps(8)
        if gaps:
            block.paragraphs.append("Conversation starters: where an answer and what the agency's own extract "
                                    "suggests are two or more levels apart. An extract is only part of what an agency "
                                    "records, so these are questions to talk through, not verdicts.")
            block.items.extend(f"{r.agency}, {_item_title(q, r.item_id)}: {r.message(q)}" for r in gaps)
    return block


def _item_title(q, item_id: str) -> str:
    for item in q.items:
        if item.id == item_id:
            return getattr(item, "short", None) or item_id.replace("_", " ")
    return item_id


def _score(x) -> str:
    return f"{x:.1f}" if isinstance(x, int | float) else "not answered"


def cannot_tell(ctx: Context) -> Section:
    g = ctx.g
    s = Section("cannot-tell", "What the data cannot tell us",
                intro=["Every number in this profile is a count of what agencies recorded and shared. It cannot show "
                       "harm nobody recognised, children no agency knows, or help given outside the shared services. "
                       "A rise can mean better recognition and recording as much as more harm."])
    ind = [i for i in ctx.used_indicators if i in g.indicators]
    if ind:
        s.blocks.append(Block("Indicators", items=[f"{g.indicators[i]['title']}: {g.indicators[i]['cannot_tell']}"
                                                   for i in ind]))
    an = [a for a in ctx.used_analyses if (g.analysis_info.get(a) or {}).get("cannot_tell")]
    if an:
        s.blocks.append(Block("Analyses", items=[f"{g.analysis_info[a]['title']}: {g.analysis_info[a]['cannot_tell']}"
                                                 for a in an]))
    caveats = sorted({c for i in ind for c in g.indicators[i].get("caveats") or []})
    if caveats:
        s.blocks.append(Block("Caveats from the sources' quality", items=caveats,
                              paragraphs=["Drawn from each source's quality profile: late starts, months with unusual "
                                          "numbers of records, fields often left empty, records without a home "
                                          "area."]))
    return s


def actions(ctx: Context) -> Section:
    s = Section("actions", "Action plan progress",
                intro=["Progress on the partnership's and each agency's data action plans. An action is overdue when "
                       f"its due date has passed and it is neither done nor dropped (as at {ctx.g.today:%-d %B %Y})."])
    views = ctx.g.actions
    if not views:
        s.blocks.append(Block(paragraphs=["No action plans have been recorded yet."]))
        return s
    statuses = ("not_started", "in_progress", "done", "dropped")
    words = {"not_started": "Not started", "in_progress": "In progress", "done": "Done", "dropped": "Dropped"}
    by_plan: dict[str, Counter] = {}
    for v in views:
        c = by_plan.setdefault(v.plan, Counter())
        c[v.status] += 1
        c["overdue"] += int(v.overdue)
    total = Counter()
    for c in by_plan.values():
        total.update(c)
    rows = [[Cell(plan if plan != "partnership" else "Partnership plan"),
             *[Cell(str(c[st]), numeric=True) for st in statuses], Cell(str(c["overdue"]), numeric=True)]
            for plan, c in by_plan.items()]
    rows.append([Cell("All plans"), *[Cell(str(total[st]), numeric=True) for st in statuses],
                 Cell(str(total["overdue"]), numeric=True)])
    table = Table("Actions by plan and status", ["Plan", *[words[st] for st in statuses], "Overdue"], rows)
    fig = bar_figure("fig-actions", [{"category": words[st], "value": total[st]} for st in statuses]
                     + [{"category": "Overdue (of those open)", "value": total["overdue"]}],
                     title="Actions by status", what="Actions in all plans by status", counts_people=False,
                     caption="All actions in the partnership's and agencies' data action plans.",
                     axis_title="Actions", column="Status", value_column="Actions")
    block = Block("Progress", figures=[fig], tables=[table])
    if ctx.partnership_audience:
        overdue = [v for v in views if v.overdue]
        if overdue:
            block.paragraphs.append(f"{len(overdue)} overdue action{'s' if len(overdue) != 1 else ''}:")
            block.author_items.extend(
                f"{v.what} ({'partnership plan' if v.plan == 'partnership' else v.plan}; due "
                f"{v.due_on:%-d %B %Y}{'; ' + v.owner if v.owner else ''})" for v in overdue[:20])
    s.blocks.append(block)
    return s


def about(ctx: Context) -> Section:
    """The period, audience, disclosure rules, symbols, sources and extract dates."""
    from ceintel.config import AudienceRule
    from ceintel.framework.export import symbols

    g = ctx.g
    s = Section("about", "About this profile")
    paras = [f"This profile covers {g.period.words()}, compared where possible with the same period a year before"
             + (f" ({g.previous.label})." if g.previous else "."),
             f"It is the {g.audience} version: every figure passed disclosure control for the {g.audience} audience. "
             f"Counts from 1 to {g.threshold} are hidden and shown as c, and further figures are hidden where they "
             "would let a hidden count be worked out by subtraction. Rates and percentages are hidden with the counts "
             "they come from." + (f" Counts are rounded to the nearest {g.round_to}." if g.round_to else ""),
             f"Analyses (overlaps, journeys, places, networks, ACEs) count over {_window(ctx)}.",
             f"The framework was built on {g.built_at:%-d %B %Y at %H:%M}."]
    rule = AudienceRule(threshold=g.threshold, round_to=g.round_to)
    sym = Table("Symbols used in place of a figure", ["Symbol", "Meaning"],
                [[Cell(code), Cell(words)] for code, words in symbols(rule) if code])
    block = Block("Period, audience and disclosure rules", paragraphs=paras, tables=[sym])
    s.blocks.append(block)
    if g.sources:
        t = Table("Sources and their extract dates", ["Agency", "Dataset", "System", "Extract date"],
                  [[Cell(str(r["agency"])), Cell(str(r["kind"])), Cell(str(r["system"])),
                    Cell(_day(r.get("extracted_at")))] for r in g.sources])
        s.blocks.append(Block("Sources", tables=[t]))
    return s


SECTIONS: tuple[tuple[str, Callable[[Context], Section]], ...] = (
    ("victims", victims), ("perpetrators", perpetrators), ("locations", locations), ("themes", themes),
    ("help", help_), ("quality", quality), ("cannot-tell", cannot_tell), ("actions", actions), ("about", about),
)
"""The sections after the key messages, in order; add one by adding a function here."""

THEME_SECTIONS = {"patterns_of_harm": "victims", "perpetrators_and_disruption": "perpetrators",
                  "perpetrators and disruption": "perpetrators", "locations": "locations",
                  "vulnerability_and_context": "themes", "outcomes": "themes", "themes": "themes",
                  "patterns_of_help": "help", "patterns of help": "help", "missing_from_data": "help",
                  "data_quality": "quality"}
"""Where narratives about a theme go (indicator themes and analysis themes)."""
