"""Children's social care: a Liquidlogic-style case management export, four files.

Contacts and referrals, assessments with CIN factors, plans and periods of
care, and the SSDA903 missing table. Only children living in the council's
area appear. Dates are ISO; sex is written out; ethnicity uses DfE codes.
"""

from __future__ import annotations

import datetime as dt

from ceintel.synth.agencies.base import Agency
from ceintel.synth.extracts import Extract
from ceintel.synth.world import Person, WardWorld

PERSON_COLUMNS = ["Person ID", "Forename", "Surname", "DOB", "Gender", "Ethnicity", "Postcode", "NHS Number"]
SOURCE_CODES = {"police": "6 Police", "school": "3C Schools", "health": "4A Health services - GP",
                "local_authority": "5B Local authority services", "individual": "1A Individual", "other": "9 Other"}
GENDER = {"M": "Male", "F": "Female", "U": "Unknown"}


class SocialCare(Agency):
    key = "csc"
    id_prefix = ""
    id_width = 7

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        f = self.folder
        self.contacts = Extract(self.truth, "csc_contacts", f / "LCS_contacts_referrals.csv",
                                PERSON_COLUMNS + ["Step Type", "Step Start Date", "Source", "Primary Reason"])
        self.assessments = Extract(self.truth, "csc_assessments", f / "LCS_assessments.csv",
                                   PERSON_COLUMNS + ["Assessment ID", "Start Date", "Completed Date",
                                                     "Factors Identified"])
        self.plans = Extract(self.truth, "csc_plans", f / "LCS_plans_and_care.csv",
                             PERSON_COLUMNS + ["Episode Type", "Start Date", "End Date", "Category"])
        self.missing = Extract(self.truth, "csc_missing", f / "SSDA903_missing.csv",
                               ["CHILD", "DOB", "SEX", "MISSING", "MIS_START", "MIS_END"])
        self._assessment_n = 0

    def _person(self, extract: Extract, person: Person, when) -> tuple[dict, object]:
        ident = self.identity(person, when)
        dob = self.maybe_impossible(extract, self.fmt(self.dob_value(ident), "%Y-%m-%d"), "DOB")
        return {
            "Person ID": ident.record_id,
            "Forename": self.maybe_formula(extract, ident.first, "Forename"),
            "Surname": ident.last,
            "DOB": dob,
            "Gender": GENDER[ident.sex],
            "Ethnicity": self.maybe_unknown(extract, ident.dfe or "", "Ethnicity", ("WBR", "XXXX", "Other")),
            "Postcode": self.postcode(person, when, extract),
            "NHS Number": self.people.nhs_number(person) if self.rng.random() < 0.7 else "",
        }, ident

    def ward(self, world: WardWorld) -> None:
        for person in world.people:
            if person.role != "child":
                continue
            for ev in person.events:
                if person.address_at(ev.start).la != self.home_la:
                    continue
                self._event(person, ev)

    def _event(self, person: Person, ev) -> None:
        if ev.kind in ("contact", "referral"):
            out = self.start_row(self.contacts)
            row, ident = self._person(out, person, ev.start)
            reason = ev.detail.get("reason")
            row.update({"Step Type": "Contact" if ev.kind == "contact" else "Referral",
                        "Step Start Date": self.maybe_impossible(out, self.fmt(ev.start, "%Y-%m-%d"),
                                                                 "Step Start Date"),
                        "Source": SOURCE_CODES.get(ev.detail.get("source", "other"), "9 Other"),
                        "Primary Reason": "Concerns about exploitation" if reason == "exploitation" else ""})
        elif ev.kind == "assessment":
            out = self.start_row(self.assessments)
            row, ident = self._person(out, person, ev.start)
            self._assessment_n += 1
            completed = ev.start + dt.timedelta(days=self.rng.randint(10, 45))
            factors = list(ev.detail.get("factors", []))
            if factors and self.rng.random() < self.p.unknown_code:
                factors.append("11")  # a factor without its letter
                self.truth.mess(out, out.rows + 1, "unknown_code", "Factors Identified", "11")
            row.update({"Assessment ID": f"AS{self._assessment_n:07d}",
                        "Start Date": self.fmt(ev.start, "%Y-%m-%d"),
                        "Completed Date": self.fmt(completed, "%Y-%m-%d") if completed <= self.p.window_end else "",
                        "Factors Identified": ",".join(factors)})
        elif ev.kind in ("section_47", "child_protection_plan", "looked_after"):
            out = self.start_row(self.plans)
            row, ident = self._person(out, person, ev.start)
            end = ev.end if ev.end and ev.end <= self.p.window_end else None
            end_text = self.fmt(end, "%Y-%m-%d")
            if end and self.rng.random() < self.p.impossible_date * 3:
                end_text = self.fmt(ev.start - dt.timedelta(days=30), "%Y-%m-%d")
                self.truth.mess(out, out.rows + 1, "end_before_start", "End Date", end_text)
            row.update({"Episode Type": {"section_47": "S47 Enquiry", "child_protection_plan": "CP Plan",
                                         "looked_after": "CLA"}[ev.kind],
                        "Start Date": self.fmt(ev.start, "%Y-%m-%d"), "End Date": end_text,
                        "Category": ev.detail.get("category", "")})
        elif ev.kind in ("missing", "away_without_authorisation") and ev.detail.get("looked_after"):
            out = self.start_row(self.missing)
            ident = self.identity(person, ev.start)
            row = {"CHILD": ident.record_id, "DOB": self.fmt(self.dob_value(ident), "%d/%m/%Y"),
                   "SEX": {"M": "1", "F": "2", "U": "0"}[ident.sex],
                   "MISSING": "M" if ev.kind == "missing" else "A",
                   "MIS_START": self.fmt(ev.start, "%d/%m/%Y"),
                   "MIS_END": self.fmt(ev.end, "%d/%m/%Y") if ev.end and ev.end <= self.p.window_end else ""}
        else:
            return
        n = out.write(row)
        self.written(out, n, ident, person, ev.kind)

    def close(self) -> None:
        for extract in (self.contacts, self.assessments, self.plans):
            extract.close()
        self.missing.close()
