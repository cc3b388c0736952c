"""The multi-agency child exploitation (MACE) panel's hand-kept tracker, one XLSX sheet.

Kept by the panel coordinator: two title rows above the header, the child's
name in one cell, a date of birth that is sometimes a date and sometimes
text, exploitation types in words, the plan the panel agreed and the places
of concern named by the panel. Only children living in the council's area
at referral appear.
"""

from __future__ import annotations

import datetime as dt

from ceintel.synth.agencies.base import ALL_FIELDS, Agency
from ceintel.synth.extracts import XlsxWorkbook
from ceintel.synth.world import Person, TrueEvent, WardWorld

COLUMNS = ["Child name", "DOB", "Referring agency", "Date referred", "Exploitation type(s)", "Plan agreed (Y/N)",
           "Plan date", "Locations of concern", "Persons of concern (no.)", "Status"]
TYPE_WORDS = {"cse": ("Sexual exploitation", "CSE"), "cce": ("Criminal exploitation", "CCE"),
              "county_lines": ("County lines",), "trafficking": ("Trafficking", "Modern slavery"),
              "online": ("Online", "Online abuse"), "financial": ("Financial exploitation",),
              "serious_youth_violence": ("Serious youth violence",), "radicalisation": ("Radicalisation",)}
REFERRERS = {"police": ("Police", "Police", "Brackenshire Police"), "school": ("Education", "School", "School"),
             "health": ("Health", "School nursing"), "other": ("Children's Social Care", "CSC", "Social care")}


class Mace(Agency):
    key = "mace"
    id_prefix = "MACE"
    id_width = 4

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.book = XlsxWorkbook(self.folder / "MACE_tracker.xlsx")
        self.sheet = self.book.sheet(self.truth, "mace", "Tracker", COLUMNS, preamble=[
            "Brackenford MACE panel – children discussed",
            "OFFICIAL-SENSITIVE – contains personal information, do not forward"])

    def ward(self, world: WardWorld) -> None:
        for person in world.people:
            if person.role != "child":
                continue
            for ev in person.events:
                if ev.kind == "mace_referral" and person.address_at(ev.start).la == self.home_la:
                    self._row(person, ev)

    def _referrer(self, person: Person, when: dt.date) -> str:
        rng = self.rng
        if rng.random() < 0.5:
            return rng.choice(REFERRERS["other"])  # the allocated social worker usually brings the child
        source = "other"
        for e in person.events:
            if e.kind == "referral" and e.start <= when and e.detail.get("reason") == "exploitation":
                source = e.detail.get("source", "other")
        return rng.choice(REFERRERS.get(source, REFERRERS["other"]))

    def _row(self, person: Person, ev: TrueEvent) -> None:
        out = self.start_row(self.sheet)
        rng = self.rng
        ident = self.identity(person, ev.start)
        dob = self.dob_value(ident)
        dob_cell: dt.date | str | None = dob
        if dob is not None and rng.random() < 0.3:
            dob_cell = (f"{dob.day:02d}/{dob.month:02d}/{dob.year}" if rng.random() < 0.7
                        else f"{dob.day}.{dob.month}.{dob.year % 100:02d}")
            self.truth.mess(out, out.rows + 1, "date_as_text", "DOB", "date of birth typed as text")
        plan = next((e for e in person.events if e.kind == "mace_plan" and e.start >= ev.start), None)
        types = ev.detail.get("types") or ()
        words = ", ".join(dict.fromkeys(rng.choice(TYPE_WORDS.get(t, (t,))) for t in types))
        e = person.exploitation
        place = e.place.name if e is not None and rng.random() < 0.75 else ""
        persons = len(e.perpetrators) if e is not None else 0
        if persons == 0 and rng.random() < 0.5:
            persons_cell: int | str | None = "unknown"
        else:
            persons_cell = persons
        row = {
            "Child name": self.maybe_formula(out, f"{ident.first} {ident.last}", "Child name"),
            "DOB": dob_cell,
            "Referring agency": self._referrer(person, ev.start),
            "Date referred": ev.start,
            "Exploitation type(s)": words,
            "Plan agreed (Y/N)": "Y" if plan is not None else "N",
            "Plan date": plan.start if plan is not None else None,
            "Locations of concern": place,
            "Persons of concern (no.)": persons_cell,
            "Status": "Open" if e is not None and e.end >= self.p.window_end else rng.choice(("Open", "Closed")),
        }
        n = out.write(row)
        self.written(out, n, ident, person, ev.kind, ALL_FIELDS - {"sex", "ethnicity"})

    def close(self) -> None:
        self.book.close()
