"""A voluntary-sector exploitation service: a hand-kept spreadsheet saved as CSV in Windows-1252.

The service takes referrals of children at risk of exploitation and carries
out return home interviews for the council. Its sheet was typed by several
workers: names in one field (sometimes "Surname, Firstname"), dates in
mixed formats, exploitation types spelt several ways, and notes that
sometimes begin with ``=`` or ``+``. Only children living in the council's
area appear. Notes use non-blaming language (DOMAIN.md, "words matter").
"""

from __future__ import annotations

import datetime as dt

from ceintel.synth.agencies.base import ALL_FIELDS, Agency, Identity
from ceintel.synth.extracts import Extract
from ceintel.synth.world import Person, TrueEvent, WardWorld

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
COLUMNS = ["Young person", "D.O.B", "Gender", "Area", "Date", "Type", "Exploitation type", "Missing from",
           "RHI offered", "RHI accepted", "Notes"]
SPELLINGS = {
    "cse": ("CSE", "CSE", "C.S.E.", "sexual exploitation", "Sexual Exploitation"),
    "cce": ("CCE", "CCE", "Criminal", "criminal exploitation"),
    "county_lines": ("CCE/County Lines", "county lines", "County Lines"),
    "trafficking": ("trafficking", "Trafficking", "trafficking/modern slavery"),
    "online": ("online", "Online grooming"),
    "financial": ("financial", "Financial exploitation"),
    "serious_youth_violence": ("SYV", "serious youth violence"),
    "radicalisation": ("radicalisation", "Prevent"),
}
GENDER = {"M": ("M", "Male", "boy", "M"), "F": ("F", "Female", "girl", "F"), "U": ("", "?", "not known")}
REFERRAL_NOTES = (
    "Referred by school – worries that older adults may be grooming YP",
    "Referred by social worker, concerns YP is being criminally exploited",
    "Adults have been contacting YP online - screenshots shared with police",
    "YP found in another town, concern YP has been groomed to carry drugs",
    "Concerns YP is being controlled by an older male",
    "Mum’s worried about a new phone and gifts, possible grooming",
    "Police referral after YP was found at an address of concern",
    "Allocated to worker – first visit booked",
    "YP met worker at school, agreed to weekly sessions",
)
RHI_NOTES = (
    "RHI completed at home, YP spoke about feeling unsafe with a group of older males",
    "RHI completed at school, no new concerns shared",
    "YP said adults had been contacting them on social media",
    "YP shared they were given £20 to travel – info shared with SW and police",
    "RHI done by phone, YP felt more comfortable",
    "Shared with MACE coordinator",
)
RHI_NOT_DONE_NOTES = (
    "Worker to try again next week – left a card",
    "YP did not want to talk today, carer present - will offer again",
    "Could not reach family, voicemail left x2",
    "YP didn’t want an RHI, happy for worker to check in by text",
)
NOTE_FORMULAS = ("+ attended 2 sessions with worker", "= see case file", "=A2", "+44 number given by YP - passed to police",
                 "+ve engagement this week")


class Voluntary(Agency):
    key = "voluntary"
    id_prefix = "VCS"
    id_width = 5

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.out = Extract(self.truth, "voluntary", self.folder / "VCS_exploitation_service.csv", COLUMNS,
                           encoding="cp1252")

    def ward(self, world: WardWorld) -> None:
        for person in world.people:
            if person.role != "child":
                continue
            for ev in person.events:
                if ev.kind not in ("voluntary_service_referral", "return_home_interview"):
                    continue
                if person.address_at(ev.start).la == self.home_la:
                    self._row(person, ev)

    # ------------------------------------------------------------ hand-typed values
    def _date(self, out: Extract, d: dt.date | None, field: str) -> str:
        if d is None:
            return ""
        r = self.rng.random()
        if r < 0.7:
            return f"{d.day:02d}/{d.month:02d}/{d.year}"
        if r < 0.85:
            text = f"{d.day}.{d.month}.{d.year % 100:02d}"
        else:
            text = f"{d.day} {MONTHS[d.month - 1]} {d.year}"
        self.truth.mess(out, out.rows + 1, "mixed_date_format", field, text)
        return text

    def _name(self, out: Extract, ident: Identity) -> str:
        if self.rng.random() < 0.2:
            name = f"{ident.last}, {ident.first}"
            self.truth.mess(out, out.rows + 1, "name_order", "Young person", "written as Surname, Firstname")
        else:
            name = f"{ident.first} {ident.last}"
        if not name.isascii():
            try:
                name.encode("cp1252")
            except UnicodeEncodeError:
                self.truth.mess(out, out.rows + 1, "unencodable_character", "Young person",
                                "a character outside Windows-1252 was written as ?")
        return name

    def _types(self, types: tuple[str, ...] | None) -> str:
        if not types:
            return "unknown" if self.rng.random() < 0.3 else ""
        words = [self.rng.choice(SPELLINGS.get(t, (t,))) for t in types]
        if "county_lines" in types and "cce" in types and self.rng.random() < 0.6:
            words = [w for t, w in zip(types, words, strict=True) if t != "cce"]
        return self.rng.choice((" / ", ", ", " & ")).join(dict.fromkeys(words))

    def _notes(self, out: Extract, options: tuple[str, ...]) -> str:
        if self.rng.random() < 0.01:
            note = self.rng.choice(NOTE_FORMULAS)
            self.truth.mess(out, out.rows + 1, "formula_cell", "Notes", note[:1])
            return note
        note = self.rng.choice(options) if self.rng.random() < 0.7 else ""
        return self.maybe_formula(out, note, "Notes")

    def _area(self, person: Person, when: dt.date) -> str:
        geo = self.people.geo
        name = geo.wards[geo.lsoas[person.address_at(when).lsoa].ward].name
        r = self.rng.random()
        if r < 0.1:
            return name.lower()
        if r < 0.2:
            return person.address_at(when).postcode.split(" ")[0]
        return name

    # ------------------------------------------------------------ rows
    def _row(self, person: Person, ev: TrueEvent) -> None:
        out = self.start_row(self.out)
        rng = self.rng
        ident = self.identity(person, ev.start)
        row = {
            "Young person": self._name(out, ident),
            "D.O.B": self.maybe_impossible(out, self._date(out, self.dob_value(ident), "D.O.B"), "D.O.B"),
            "Gender": rng.choice(GENDER[ident.sex]),
            "Area": self._area(person, ev.start),
            "Date": self._date(out, ev.start, "Date"),
        }
        if ev.kind == "voluntary_service_referral":
            row.update({"Type": rng.choice(("Referral", "Referral", "referral", "Ref")),
                        "Exploitation type": self._types(ev.detail.get("types")),
                        "Notes": self._notes(out, REFERRAL_NOTES)})
        else:
            e = person.exploitation
            known = e is not None and e.start - dt.timedelta(days=60) <= ev.detail["missing_start"] <= e.end
            accepted = ev.detail.get("accepted")
            row.update({"Type": rng.choice(("RHI", "RHI", "Return interview")),
                        "Exploitation type": self._types(e.types if known and e else None),
                        "Missing from": self._date(out, ev.detail.get("missing_start"), "Missing from"),
                        "RHI offered": self._date(out, ev.detail.get("offered"), "RHI offered"),
                        "RHI accepted": "Yes" if accepted else rng.choice(("No", "No", "declined")),
                        "Notes": self._notes(out, RHI_NOTES if accepted else RHI_NOT_DONE_NOTES)})
        n = out.write(row)
        self.written(out, n, ident, person, ev.kind, ALL_FIELDS - {"ethnicity"})

    def close(self) -> None:
        self.out.close()
