"""Ofsted Annex A: the council's inspection workbook, one sheet per list, for the 12 months to the window end.

Built from the same events as the social care and early help exports, and
from the same case management system: the Child Unique ID is the social
care Person ID (read from the social care writer, which must come first in
the registry). Header names drift from sheet to sheet as they do in real
councils' workbooks ("Child Unique ID", "Child unique ID", "DOB"...). Lists
10 and 11 (adoption, adopters) are header-only.
"""

from __future__ import annotations

import datetime as dt

from ceintel.synth.agencies.base import ALL_FIELDS, Agency, Identity
from ceintel.synth.extracts import Sheet, XlsxWorkbook
from ceintel.synth.world import DAY, Person, TrueEvent, WardWorld

GENDER = {"M": "a) Male", "F": "b) Female", "U": "c) Not stated/recorded (or unknown)"}
SOURCES = {"police": ("6) Police", "6 Police"), "school": ("3C) Schools", "3C Schools"),
           "health": ("4A) Health services - GP", "4B) Health services - health visitor"),
           "local_authority": ("5B) Local authority services - LA housing", "5A) Local authority - social care"),
           "individual": ("1A) Individual - family member", "1B) Individual - relative"),
           "other": ("9) Other", "8) Other legal agency"), "early_help": ("5D) Early help",)}
PRIMARY_NEED = {"11A": ("N1 - Abuse or neglect", "N6e1 - Child Sexual Exploitation"),
                "24A": ("N1 - Abuse or neglect", "N4 - Family in acute stress"),
                "12A": ("N1 - Abuse or neglect",), "13A": ("N1 - Abuse or neglect", "N5 - Family dysfunction")}
OTHER_NEEDS = ("N1 - Abuse or neglect",) * 6 + ("N5 - Family dysfunction",) * 2 + (
    "N4 - Family in acute stress", "N4 - Family in acute stress", "N3 - Parental disability or illness",
    "N8 - Absent parenting")
LEGAL_STATUS = ("V2", "V2", "C2", "C2", "C1", "E1")
EH_ORGANISATIONS = ("Health Visiting", "Family Hub", "Early Help Team", "School", "Youth Service")

LIST_COLUMNS = {
    1: ("List 1 - Contacts",
        ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)", "Date of Contact",
         "Contact Source"]),
    2: ("List 2 - Early Help",
        ["Child unique ID", "Gender", "Ethnicity", "Date of birth", "Age", "Assessment start date",
         "Assessment completion date", "Organisation completing assessment"]),
    3: ("List 3 - Referrals",
        ["Child Unique ID", "Gender", "Ethnicity", "DOB", "Age of Child (Years)", "Date of referral",
         "Referral Source", "Referral NFA?", "Number of Referrals in Last 12 Months"]),
    4: ("List 4 - Assessments",
        ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)",
         "Continuous Assessment Start Date", "Continuous Assessment Date of Authorisation",
         "Factors identified at the end of assessment"]),
    5: ("List 5 - S47",
        ["Child unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of child (years)",
         "Strategy discussion initiating Section 47 Enquiry Start Date",
         "Was an Initial Child Protection Conference deemed unnecessary?",
         "Date of Initial Child Protection Conference",
         "Did the Initial Child Protection Conference Result in a Child Protection Plan"]),
    6: ("List 6 - CIN",
        ["Child Unique ID", "Gender", "Ethnicity", "Date of birth", "Age of Child (Years)",
         "Does the Child have a Disability", "CIN Start Date", "CIN Primary Need Code", "CIN Closure Date"]),
    7: ("List 7 - CP",
        ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age", "Child Protection Plan Start Date",
         "Initial Category of Abuse", "Latest Category of Abuse", "Child Protection Plan End Date",
         "Number of Previous Child Protection Plans"]),
    8: ("List 8 - CiC",
        ["ChildUniqueID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)",
         "Date Started to be Looked After", "Child's Legal Status", "Date Ceased to be Looked After",
         "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months",
         "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months",
         "Was the child offered a Return Interview after their last missing episode (Y/N)?",
         "Did the child accept the offer of a Return Interview after their last missing episode (Y/N)?"]),
    9: ("List 9 - Care leavers",
        ["Child Unique ID", "Gender", "Ethnicity", "DOB", "Age", "Date Ceased to be Looked After",
         "Eligibility category", "In touch category", "Type of Accommodation", "Activity/Employment Status"]),
    10: ("List 10 - Adoption",
         ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)",
          "Date the Child Entered Care", "Date of Decision that Child Should be Placed for Adoption",
          "Date of Placement Order", "Date of Matching Child and Prospective Adopters", "Date Placed for Adoption",
          "Date of Adoption Order"]),
    11: ("List 11 - Adopters",
         ["Adopter ID", "Adopter gender", "Adopter ethnicity", "Date enquiry received", "Date Stage 1 started",
          "Date Stage 1 ended", "Date Stage 2 started", "Date Stage 2 ended", "Date of Adoption Panel"]),
}
# The lists hold no names: an identity registered here logs only the mess these fields show.
SHOWN = ALL_FIELDS - {"first_name", "last_name"}


class AnnexA(Agency):
    key = "annex_a"
    id_prefix = "AA"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.end = self.p.window_end
        self.start = _one_year_before(self.end) + DAY
        self.book = XlsxWorkbook(self.folder / "AnnexA_Brackenford.xlsx")
        self.lists: dict[int, Sheet] = {
            n: self.book.sheet(self.truth, f"annex_a_list{n}", title, columns)
            for n, (title, columns) in LIST_COLUMNS.items()}

    # ------------------------------------------------------------ identity from the case management system
    def council_identity(self, person: Person, when: dt.date) -> Identity:
        """The social care record for the child, without making the social care writer draw a duplicate."""
        csc = self.peers["csc"]
        return csc.existing_identity(person) or csc.identity(person, when)  # known to early help only: registered, never in the LCS extracts

    def _child(self, n: int, person: Person, when: dt.date) -> tuple[Sheet, dict, Identity]:
        sheet = self.start_row(self.lists[n])
        ident = self.council_identity(person, when)
        columns = sheet.columns
        dob = self.dob_value(ident)
        dob_cell: dt.date | str | None = dob
        if dob is not None:
            text = dob.strftime("%d/%m/%Y")
            checked = self.maybe_impossible(sheet, text, columns[3])
            dob_cell = dob if checked == text else checked
        age = None
        if dob is not None and dob <= self.end:
            age = self.end.year - dob.year - ((self.end.month, self.end.day) < (dob.month, dob.day))
        row = {columns[0]: ident.record_id, columns[1]: GENDER[ident.sex],
               columns[2]: self.maybe_unknown(sheet, ident.dfe or "NOBT", columns[2], ("WBR", "Other", "XXXX")),
               columns[3]: dob_cell, columns[4]: age}
        return sheet, row, ident

    def _write(self, sheet: Sheet, row: dict, ident: Identity, person: Person, event_type: str) -> None:
        self.written(sheet, sheet.write(row), ident, person, event_type, SHOWN)

    def _in(self, d: dt.date) -> bool:
        return self.start <= d <= self.end

    def _open_in(self, start: dt.date, end: dt.date | None) -> bool:
        return start <= self.end and (end is None or end >= self.start)

    def _closed(self, end: dt.date | None) -> dt.date | None:
        return end if end is not None and end <= self.end else None

    # ------------------------------------------------------------ lists
    def ward(self, world: WardWorld) -> None:
        for person in world.people:
            if person.role == "child" and person.events:
                self._person(person)

    def _home(self, person: Person, when: dt.date) -> bool:
        return person.address_at(when).la == self.home_la

    def _person(self, person: Person) -> None:
        events = sorted(person.events, key=lambda e: (e.start, e.kind))
        rng = self.rng
        referrals = [e.start for e in events if e.kind == "referral"]
        assessments = [e for e in events if e.kind == "assessment"]
        plans = [e for e in events if e.kind == "child_protection_plan"]
        for ev in events:
            kind, when = ev.kind, ev.start
            if kind == "assessment":
                if self._home(person, when):
                    self._cin(person, ev, plans)  # a CIN episode may open before the year and still be open
                if not self._in(when) or not self._home(person, when):
                    continue
            elif kind in ("contact", "referral", "early_help_episode", "section_47"):
                if not self._in(when) or not self._home(person, when):
                    continue
            elif kind in ("child_protection_plan", "looked_after"):
                if not self._open_in(when, ev.end) or not self._home(person, when):
                    continue
            else:
                continue
            if kind == "contact":
                sheet, row, ident = self._child(1, person, when)
                row.update({"Date of Contact": when,
                            "Contact Source": rng.choice(SOURCES.get(ev.detail.get("source", "other"),
                                                                     SOURCES["other"]))})
            elif kind == "early_help_episode":
                sheet, row, ident = self._child(2, person, when)
                done = when + rng.randint(10, 40) * DAY
                age = person.age_at(when)
                orgs = EH_ORGANISATIONS[:3] if age < 5 else EH_ORGANISATIONS[1:] if age >= 11 else EH_ORGANISATIONS
                row.update({"Assessment start date": when,
                            "Assessment completion date": done if done <= self.end else None,
                            "Organisation completing assessment": rng.choice(orgs)})
            elif kind == "referral":
                sheet, row, ident = self._child(3, person, when)
                assessed = any(when <= a.start <= when + 60 * DAY for a in assessments)
                year_before = _one_year_before(when)
                row.update({"Date of referral": when,
                            "Referral Source": rng.choice(SOURCES.get(ev.detail.get("source", "other"),
                                                                      SOURCES["other"])),
                            "Referral NFA?": "No" if assessed else rng.choice(("Yes", "Yes", "Y")),
                            "Number of Referrals in Last 12 Months": sum(year_before < r <= when for r in referrals)})
            elif kind == "assessment":
                sheet, row, ident = self._child(4, person, when)
                done = when + rng.randint(10, 45) * DAY
                factors = ev.detail.get("factors", [])
                row.update({"Continuous Assessment Start Date": when,
                            "Continuous Assessment Date of Authorisation": done if done <= self.end else None,
                            "Factors identified at the end of assessment": ", ".join(factors)})
            elif kind == "section_47":
                sheet, row, ident = self._child(5, person, when)
                cp = next((p for p in plans if when <= p.start <= when + 45 * DAY), None)
                if cp is not None:
                    icpc, unnecessary, result = cp.start, "No", "Yes"
                elif rng.random() < 0.3:
                    icpc, unnecessary, result = when + rng.randint(10, 15) * DAY, "No", "No"
                else:
                    icpc, unnecessary, result = None, "Yes", None
                row.update({"Strategy discussion initiating Section 47 Enquiry Start Date": when,
                            "Was an Initial Child Protection Conference deemed unnecessary?": unnecessary,
                            "Date of Initial Child Protection Conference": icpc if icpc and icpc <= self.end else None,
                            "Did the Initial Child Protection Conference Result in a Child Protection Plan":
                                result if icpc and icpc <= self.end else None})
            elif kind == "child_protection_plan":
                sheet, row, ident = self._child(7, person, when)
                category = ev.detail.get("category", "")
                row.update({"Child Protection Plan Start Date": when,
                            "Initial Category of Abuse": category,
                            "Latest Category of Abuse": category if rng.random() < 0.9 else "Neglect",
                            "Child Protection Plan End Date": self._closed(ev.end),
                            "Number of Previous Child Protection Plans": sum(p.start < when for p in plans)})
            else:  # looked_after
                sheet, row, ident = self._child(8, person, when)
                row.update(self._care(person, ev, events))
                self._write(sheet, row, ident, person, kind)
                self._care_leaver(person, ev)
                continue
            self._write(sheet, row, ident, person, kind)

    def _cin(self, person: Person, assessment: TrueEvent, plans: list[TrueEvent]) -> None:
        """List 6: a child in need episode opens with the assessment and closes some months later."""
        rng = self.rng
        factors = assessment.detail.get("factors", [])
        if factors == ["21"] and rng.random() < 0.7:
            return  # no further action after the assessment: no CIN episode
        start = assessment.start
        closure = start + rng.randint(90, 420) * DAY
        later_plan = next((p for p in plans if p.start >= start), None)
        if later_plan is not None and later_plan.end is not None:
            closure = max(closure, later_plan.end)
        if not self._open_in(start, closure):
            return
        sheet, row, ident = self._child(6, person, start)
        need = next((rng.choice(PRIMARY_NEED[f]) for f in factors if f in PRIMARY_NEED), None)
        if need is None:
            need = "N2 - Child's disability" if person.disability and rng.random() < 0.6 else rng.choice(OTHER_NEEDS)
        row.update({"Does the Child have a Disability": "Yes" if person.disability else "No",
                    "CIN Start Date": start, "CIN Primary Need Code": need,
                    "CIN Closure Date": self._closed(closure)})
        self._write(sheet, row, ident, person, "assessment")

    def _care(self, person: Person, ev: TrueEvent, events: list[TrueEvent]) -> dict:
        rng = self.rng
        since = max(self.start, ev.start)
        missing = [e for e in events if e.kind == "missing" and since <= e.start <= self.end]
        absent = sum(1 for e in events if e.kind == "away_without_authorisation" and since <= e.start <= self.end)
        offered = accepted = None
        if missing:
            last = missing[-1].start
            rhi = next((e for e in events if e.kind == "return_home_interview"
                        and e.detail.get("missing_start") == last), None)
            offered = "Y" if rhi is not None else "N"
            accepted = ("Y" if rhi.detail.get("accepted") else "N") if rhi is not None else None
        return {"Date Started to be Looked After": ev.start,
                "Child's Legal Status": rng.choice(LEGAL_STATUS),
                "Date Ceased to be Looked After": self._closed(ev.end),
                "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months":
                    len(missing),
                "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months": absent,
                "Was the child offered a Return Interview after their last missing episode (Y/N)?": offered,
                "Did the child accept the offer of a Return Interview after their last missing episode (Y/N)?":
                    accepted}

    def _care_leaver(self, person: Person, ev: TrueEvent) -> None:
        """List 9: children whose care ended at 18 within the year."""
        if ev.end is None or ev.end != person.eighteenth or not self._in(ev.end):
            return
        if (ev.end - ev.start).days < 91:  # eligibility needs 13 weeks in care after 14
            return
        sheet, row, ident = self._child(9, person, ev.end)
        rng = self.rng
        row.update({"Date Ceased to be Looked After": ev.end, "Eligibility category": "Relevant" if rng.random() < 0.2
                    else "Former relevant",
                    "In touch category": rng.choice(("YES", "YES", "YES", "NO", "REFU")),
                    "Type of Accommodation": rng.choice(("Semi-independent", "Staying put", "With parents or relatives",
                                                         "Independent living")),
                    "Activity/Employment Status": rng.choice(("F2", "F1", "G4", "G6"))})
        self._write(sheet, row, ident, person, "looked_after")

    def close(self) -> None:
        self.book.close()


def _one_year_before(d: dt.date) -> dt.date:
    try:
        return d.replace(year=d.year - 1)
    except ValueError:
        return dt.date(d.year - 1, 2, 28)
