"""Youth justice: a ChildView-style outcomes export, one CSV ending with a totals row.

Only children living in the council's area appear. Dates look like
``05-Mar-2024``; outcomes and ethnicity are written in words; the
exploitation concern and NRM flags are Y/N (the concern flag is blank when
nobody completed it).
"""

from __future__ import annotations

import datetime as dt

from ceintel.synth.agencies.base import Agency
from ceintel.synth.agencies.early_help import ETHNICITY_WORDS
from ceintel.synth.extracts import Extract
from ceintel.synth.world import Person, TrueEvent, WardWorld

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
OUTCOMES = {"youth_caution": "Youth Caution", "youth_conditional_caution": "Youth Conditional Caution",
            "referral_order": "Referral Order", "community_resolution": "Community Resolution",
            "youth_rehabilitation_order": "Youth Rehabilitation Order",
            "detention_training_order": "Detention and Training Order"}
SEX = {"M": "Male", "F": "Female", "U": "Not Known"}
COLUMNS = ["YJ ID", "First Name", "Last Name", "Date of Birth", "Sex", "Ethnicity", "Postcode",
           "Outcome Date", "Outcome", "Offence", "Exploitation concern", "NRM referral made"]


def childview_date(d: dt.date | None) -> str:
    """``05-Mar-2024`` without depending on the locale."""
    return "" if d is None else f"{d.day:02d}-{MONTHS[d.month - 1]}-{d.year}"


class YouthJustice(Agency):
    key = "youth_justice"
    id_prefix = "YJ"
    id_width = 6

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.out = Extract(self.truth, "youth_justice", self.folder / "YJS_outcomes.csv", COLUMNS)
        self._count = 0

    def ward(self, world: WardWorld) -> None:
        for person in world.people:
            if person.role != "child":
                continue
            for ev in person.events:
                if ev.kind == "youth_justice_outcome" and person.address_at(ev.start).la == self.home_la:
                    self._outcome(person, ev)

    def _outcome(self, person: Person, ev: TrueEvent) -> None:
        out = self.start_row(self.out)
        ident = self.identity(person, ev.start)
        concern = ev.detail.get("exploitation_concern")
        nrm = any(e.kind == "nrm_referral" for e in person.events)
        dob = self.dob_value(ident)
        row = {
            "YJ ID": ident.record_id,
            "First Name": self.maybe_formula(out, ident.first, "First Name"),
            "Last Name": ident.last,
            "Date of Birth": self.maybe_impossible(out, childview_date(dob), "Date of Birth"),
            "Sex": SEX[ident.sex],
            "Ethnicity": self.maybe_unknown(out, ETHNICITY_WORDS.get(ident.dfe or "", "Not Known"), "Ethnicity",
                                            ("Unknown", "ZZ", "Other")),
            "Postcode": self.postcode(person, ev.start, out),
            "Outcome Date": self.maybe_impossible(out, childview_date(ev.start), "Outcome Date"),
            "Outcome": self.maybe_unknown(out, OUTCOMES.get(ev.detail.get("outcome", ""), "Other"), "Outcome",
                                          ("Outcome 22", "TBC")),
            "Offence": ev.detail.get("offence", ""),
            "Exploitation concern": "" if concern is None else ("Y" if concern else "N"),
            "NRM referral made": "Y" if nrm else "N",
        }
        n = out.write(row)
        self._count += 1
        self.written(out, n, ident, person, ev.kind)

    def close(self) -> None:
        self.out.close(totals={"YJ ID": "Total", "Outcome": f"{self._count} outcomes"})
