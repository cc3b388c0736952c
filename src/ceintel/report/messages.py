"""Key messages written from the data: the overall count, the largest changes, places, overlaps and MACE.

Every message is built from published values only and says what was
recorded, not what children did; a change is always read alongside the
possibility that recording changed. A message whose numbers are hidden is
left out rather than guessed.
"""

from __future__ import annotations

from ceintel.charts.values import format_number, read_value, records
from ceintel.report import data as d
from ceintel.report.gather import Gathered

CHANGE_THEMES = ("patterns_of_harm", "perpetrators_and_disruption", "patterns_of_help")
MIN_BASE = 10
"""A change is reported only when one of the two counts is at least this (small counts swing by chance)."""


def _lower(title: str) -> str:
    return title[0].lower() + title[1:] if title and not title[:2].isupper() else title


def overall(g: Gathered) -> str | None:
    ind = "children_exploitation_any"
    now = d.value(g, ind)
    if now is None or not now.shown:
        return None
    text = (f"{format_number(now.number)} children had an exploitation concern recorded by at least one agency in "
            f"{g.period.label}")
    was = d.value(g, ind, g.previous.label) if g.previous else None
    if was is not None and was.shown:
        text += f", compared with {format_number(was.number)} in {g.previous.label}"
    return text + ". A change can reflect better recognition and recording as much as a change in harm."


def largest_changes(g: Gathered, n: int = 3) -> list[str]:
    """The count indicators that moved most between the year before and this period (both shown)."""
    if g.previous is None:
        return []
    found = []
    for ind, meta in g.indicators.items():
        if meta["unit"] != "count" or meta["theme"] not in CHANGE_THEMES or ind == "children_exploitation_any":
            continue
        now, was = d.value(g, ind), d.value(g, ind, g.previous.label)
        if not (now and was and now.shown and was.shown) or max(now.number, was.number) < MIN_BASE:
            continue
        change = now.number - was.number
        if change == 0:
            continue
        found.append((abs(change) / max(was.number, 1), ind, now.number, was.number))
    found.sort(key=lambda x: (-x[0], x[1]))
    out = []
    for _, ind, now, was in found[:n]:
        direction = "rose" if now > was else "fell"
        out.append(f"Recorded {_lower(g.indicators[ind]['title'])}: {direction} from {format_number(was)} in "
                   f"{g.previous.label} to {format_number(now)} in {g.period.label}.")
    return out


def places(g: Gathered) -> str | None:
    poc = d.analysis(g, "places_of_concern")
    if poc.empty:
        return None
    rows = records(poc)
    first = rows[0]
    where = f" in {first['ward_name']}" if first.get("ward_name") and str(first["ward_name"]) != "nan" else ""
    return (f"{len(rows)} place{'s are' if len(rows) != 1 else ' is'} linked to incidents of three or more "
            f"different children; the first ranked is a {str(first['place_type']).lower()}{where}. Places of concern "
            f"point to where adults target children.")


def overlaps(g: Gathered) -> str | None:
    unk = d.analysis(g, "unknown_to_social_care")
    if unk.empty:
        return None
    total = [r for r in records(unk) if r["agency"] == "All"]
    if not total:
        return None
    v, of = read_value(total[0]["children"]), read_value(total[0].get("of_children_with_concern"))
    if not (v.shown and of.shown) or not v.number:
        return None
    return (f"{format_number(v.number)} of the {format_number(of.number)} children with an exploitation concern have "
            f"no children's social care record at all: another agency knows them, children's social care does not.")


def mace(g: Gathered) -> str | None:
    v = d.value(g, "exploited_never_mace")
    if v is None or not v.shown:
        return None
    return (f"{format_number(v.number, 'percentage')} of children with exploitation concerns in {g.period.label} "
            f"have never been referred to the MACE panel: the children a panel knows are not all the children "
            f"harmed.")


def rhi(g: Gathered) -> str | None:
    v = d.value(g, "rhi_within_72_hours")
    if v is None or not v.shown:
        return None
    return (f"A return home interview was held within 72 hours after {format_number(v.number, 'percentage')} of "
            f"missing episodes in {g.period.label}.")


def key_messages(g: Gathered) -> list[str]:
    """The messages, in reading order; any whose numbers are hidden or missing is left out."""
    out = [m for m in (overall(g),) if m]
    out += largest_changes(g)
    out += [m for m in (places(g), overlaps(g), mace(g), rhi(g)) if m]
    return out
