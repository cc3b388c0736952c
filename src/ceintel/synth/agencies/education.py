"""Education: the council's inclusion workbook (suspensions, exclusions and persistent absence).

One XLSX workbook with real Excel dates and a title row above the header of
its first sheet. Pupils are known by their Unique Pupil Number (one per
child, allocated by the school they joined first, in the never-assigned LA
number 999 range); schools are fictional and named after the ward they
serve. Only pupils living in the council's area at the event date appear.
"""

from __future__ import annotations

import datetime as dt

from ceintel.synth.agencies.base import ALL_FIELDS, Agency
from ceintel.synth.extracts import Sheet, XlsxWorkbook
from ceintel.synth.geography import LOCAL_AUTHORITIES
from ceintel.synth.ids import UPN_CHECK_LETTERS, make_upn
from ceintel.synth.world import Person, TrueEvent, WardWorld

GENDER = {"M": "M", "F": "F", "U": "U"}
SUSPENSION_COLUMNS = ["UPN", "Legal Forename", "Legal Surname", "DOB", "Gender", "Ethnicity", "SEN Status",
                      "School Name", "School ID", "Category", "Start Date", "Days", "Sessions", "Reason"]
ABSENCE_COLUMNS = ["UPN", "Forename", "Surname", "Date of Birth", "Year Group", "Academic Year",
                   "% Sessions Missed", "School Name", "School ID"]
REASONS = (
    "Persistent disruptive behaviour", "persistent disruptive behaviour - see behaviour log", "PDB",
    "Physical assault against a pupil", "Physical assault against an adult",
    "Verbal abuse/threatening behaviour against an adult", "Verbal abuse against a pupil",
    "Drug and alcohol related", "Damage to property", "Use or threat of use of an offensive weapon or prohibited item",
    "Bullying", "Abuse relating to race", "Wilful and repeated transgression of protective measures",
)
ABSENCE_FIELDS = ALL_FIELDS - {"sex", "ethnicity"}
PEX_REASONS = ("Persistent disruptive behaviour", "Physical assault against a pupil",
               "Use or threat of use of an offensive weapon or prohibited item", "Drug and alcohol related")


class Education(Agency):
    key = "education"
    id_prefix = "ED"
    id_width = 7

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.la_number = next(la.la_number for la in LOCAL_AUTHORITIES if la.code == self.home_la)
        self.book = XlsxWorkbook(self.folder / "Education_inclusion.xlsx")
        exported = self.p.extract_date.strftime("%d/%m/%Y")
        self.exclusions = self.book.sheet(
            self.truth, "education_exclusions", "Suspensions and exclusions", SUSPENSION_COLUMNS,
            preamble=[f"Inclusion report – exported {exported} – suspensions and permanent exclusions"])
        self.absence = self.book.sheet(self.truth, "education_absence", "Persistent absence", ABSENCE_COLUMNS)
        geo = self.people.geo
        home_wards = sorted(w.code for w in geo.wards.values() if w.la == self.home_la)
        self._primary: dict[str, tuple[str, str]] = {}
        self._secondary: dict[str, tuple[str, str]] = {}
        for i, code in enumerate(home_wards):
            name = geo.wards[code].name
            self._primary[code] = (f"{name} Primary School", f"{2001 + i:04d}")
            lead = geo.wards[home_wards[i - i % 3]].name
            kind = "Academy" if (i // 3) % 2 == 0 else "High School"
            self._secondary[code] = (f"{lead} {kind}", f"{4001 + i // 3:04d}")
        self._upn: dict[str, str] = {}
        self._serial: dict[tuple[str, int], int] = {}

    # ------------------------------------------------------------ schools and pupils
    def _ward_of(self, person: Person, when: dt.date) -> str:
        return self.people.geo.lsoas[person.address_at(when).lsoa].ward

    @staticmethod
    def _cohort(person: Person) -> int:
        """The calendar year of the 1 September that starts the child's academic cohort."""
        return person.dob.year if person.dob.month >= 9 else person.dob.year - 1

    def year_group(self, person: Person, when: dt.date) -> int:
        academic = when.year if when.month >= 9 else when.year - 1
        return academic - self._cohort(person) - 5  # 0 is Reception

    def school(self, person: Person, when: dt.date) -> tuple[str, str]:
        ward = self._ward_of(person, when)
        table = self._primary if self.year_group(person, when) <= 6 else self._secondary
        name, estab = table.get(ward) or next(iter(table.values()))
        return name, f"{self.la_number}{estab}"

    def upn(self, person: Person, when: dt.date) -> str:
        upn = self._upn.get(person.pid)
        if upn is None:
            ward = self._ward_of(person, when)
            _, estab = self._primary.get(ward) or next(iter(self._primary.values()))
            year = self._cohort(person) + 5  # allocated on entry to Reception
            serial = self._serial.get((estab, year), 0) + 1
            self._serial[(estab, year)] = serial
            upn = make_upn(self.la_number, estab, year, serial)
            self._upn[person.pid] = upn
            if person.upn is None:
                person.upn = upn
        return upn

    def _upn_cell(self, sheet: Sheet, person: Person, when: dt.date) -> str:
        upn = self.upn(person, when)
        if self.rng.random() < 0.01:
            how = self.rng.randrange(3)
            if how == 0:
                letters = [c for c in UPN_CHECK_LETTERS if c != upn[0]]
                bad = self.rng.choice(letters) + upn[1:]
            elif how == 1:
                bad = upn[:-1]
            else:
                bad = upn[1:]
            self.truth.mess(sheet, sheet.rows + 1, "invalid_identifier", "UPN", f"{upn} written as {bad}")
            return bad
        return upn

    def _date_cell(self, sheet: Sheet, d: dt.date | None, field: str) -> dt.date | str | None:
        if d is None:
            return None
        text = d.strftime("%d/%m/%Y")
        checked = self.maybe_impossible(sheet, text, field)
        return d if checked == text else checked

    # ------------------------------------------------------------ rows
    def ward(self, world: WardWorld) -> None:
        for person in world.people:
            if person.role != "child":
                continue
            for ev in person.events:
                if ev.kind not in ("suspension", "permanent_exclusion", "persistent_absence"):
                    continue
                if person.address_at(ev.start).la != self.home_la:
                    continue
                if ev.kind == "persistent_absence":
                    self._absence(person, ev)
                else:
                    self._exclusion(person, ev)

    def _exclusion(self, person: Person, ev: TrueEvent) -> None:
        out = self.start_row(self.exclusions)
        rng = self.rng
        ident = self.identity(person, ev.start)
        name, school_id = self.school(person, ev.start)
        suspension = ev.kind == "suspension"
        days = ev.detail.get("days") if suspension else None
        reason = rng.choice(REASONS) if suspension else rng.choice(PEX_REASONS)
        row = {
            "UPN": self._upn_cell(out, person, ev.start),
            "Legal Forename": ident.first,
            "Legal Surname": ident.last,
            "DOB": self._date_cell(out, self.dob_value(ident), "DOB"),
            "Gender": GENDER[ident.sex],
            "Ethnicity": self.maybe_unknown(out, ident.dfe or "NOBT", "Ethnicity", ("WBR", "XXXX", "Other")),
            "SEN Status": person.sen or "N",
            "School Name": name,
            "School ID": school_id,
            "Category": "Suspension" if suspension else "Permanent exclusion",
            "Start Date": self._date_cell(out, ev.start, "Start Date"),
            "Days": days,
            "Sessions": days * 2 if days is not None else None,
            "Reason": self.maybe_formula(out, reason, "Reason"),
        }
        n = out.write(row)
        self.written(out, n, ident, person, ev.kind)

    def _absence(self, person: Person, ev: TrueEvent) -> None:
        out = self.start_row(self.absence)
        ident = self.identity(person, ev.start)
        name, school_id = self.school(person, ev.start)
        year = ev.start.year if ev.start.month >= 9 else ev.start.year - 1
        group = self.year_group(person, ev.start)
        row = {
            "UPN": self._upn_cell(out, person, ev.start),
            "Forename": ident.first,
            "Surname": ident.last,
            "Date of Birth": self._date_cell(out, self.dob_value(ident), "Date of Birth"),
            "Year Group": "R" if group == 0 else group,
            "Academic Year": f"{year}/{(year + 1) % 100:02d}",
            "% Sessions Missed": ev.detail.get("absence_pct"),
            "School Name": name,
            "School ID": school_id,
        }
        n = out.write(row)
        self.written(out, n, ident, person, ev.kind, ABSENCE_FIELDS)

    def close(self) -> None:
        self.book.close()
