"""Health: emergency department attendances, an ECDS-style CSV from the health board's acute trust.

The health board covers the home borough and both neighbours, so the file
holds children from all three (neighbours' children are logged as
``out_of_area_resident`` mess). NHS numbers are sometimes blank or written
with spaces; dates of birth are ``YYYYMMDD``, arrival times ``YYYYMMDDHHMM``;
sex is the NHS data dictionary code (1 male, 2 female, 9 not specified);
ethnicity is the NHS ethnic category letter (Z not stated).
"""

from __future__ import annotations

import datetime as dt

from ceintel.synth.agencies.base import NHS_ETHNICITY, Agency
from ceintel.synth.extracts import Extract
from ceintel.synth.world import Person, TrueEvent, WardWorld

COLUMNS = ["ATTENDANCE_ID", "SITE_CODE", "NHS_NUMBER", "MRN", "FORENAME", "SURNAME", "DATE_OF_BIRTH",
           "SEX", "ETHNIC_CATEGORY", "POSTCODE", "ARRIVAL_DATETIME", "CHIEF_COMPLAINT",
           "SAFEGUARDING_CONCERN", "SAFEGUARDING_NOTE"]
COMPLAINTS = {
    "assault": ("Assault", "Assault", "Alleged assault", "Assault/maltreatment"),
    "self_harm": ("Self-harm", "Self-harm", "Deliberate self-harm", "Self-poisoning"),
    "substance_misuse": ("Alcohol intoxication", "Overdose/ingestion", "Drug related", "Alcohol intoxication"),
    "sexual_health": ("Sexual health", "Emergency contraception", "Sexual health"),
    "injury_other": ("Injury", "Accidental injury", "Injury"),
}
SEX_CODE = {"M": "1", "F": "2", "U": "9"}
SITES = ("RBK01", "RBK01", "RBK02")  # a main hospital and a smaller one
GENERAL_NOTES = ("Referred to MASH", "Discussed with safeguarding team", "Safeguarding referral made",
                 "Information shared with school nurse")
EXPLOITATION_NOTES = ("Concern re exploitation", "Concern re exploitation", "Referred to MASH",
                      "Concern the child may be being exploited; referred to MASH")
HOUR_WEIGHTS = (3, 2, 2, 1, 1, 1, 1, 1, 2, 3, 4, 4, 4, 5, 5, 6, 7, 7, 8, 8, 8, 7, 6, 5)
HOURS = tuple(range(24))


class Health(Agency):
    key = "health"
    id_prefix = "RBK"
    id_width = 7

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.attendances = Extract(self.truth, "health_ed", self.folder / "ED_attendances_ECDS.csv", COLUMNS)
        self._n_attendance = 0

    def ward(self, world: WardWorld) -> None:
        for person in world.people:
            if person.role != "child":
                continue
            for ev in person.events:
                if ev.kind == "emergency_department_attendance":
                    self._attendance(person, ev)

    def _nhs(self, person: Person) -> str:
        r = self.rng.random()
        if r < 0.1:
            return ""
        nhs = self.people.nhs_number(person)
        if r < 0.2:
            return f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}"
        return nhs

    def _attendance(self, person: Person, ev: TrueEvent) -> None:
        rng, out = self.rng, self.attendances
        self.start_row(out)
        self._n_attendance += 1
        ident = self.identity(person, ev.start)
        la = person.address_at(ev.start).la
        if la != self.home_la:
            self.truth.mess(out, out.rows + 1, "out_of_area_resident", "POSTCODE", la)
        arrival = dt.datetime(ev.start.year, ev.start.month, ev.start.day,
                              rng.choices(HOURS, weights=HOUR_WEIGHTS)[0], rng.randrange(60))
        presentation = ev.detail.get("presentation", "injury_other")
        complaint = rng.choice(COMPLAINTS.get(presentation, ("Other",)))
        concern = bool(ev.detail.get("exploitation_concern"))
        r = rng.random()
        if concern:
            flag = "Y" if r < 0.8 else ("N" if r < 0.9 else "")
        else:
            flag = "Y" if r < 0.08 else ("N" if r < 0.78 else "")
        note = ""
        if flag == "Y" and rng.random() < (0.7 if concern else 0.35):
            note = rng.choice(EXPLOITATION_NOTES if concern else GENERAL_NOTES)
        if ident.dfe:
            ethnic = NHS_ETHNICITY.get(ident.dfe, "S")
        else:
            ethnic = "Z" if rng.random() < 0.6 else ""
        row = {
            "ATTENDANCE_ID": f"ED{self._n_attendance:08d}",
            "SITE_CODE": rng.choice(SITES),
            "NHS_NUMBER": self._nhs(person),
            "MRN": ident.record_id,
            "FORENAME": ident.first,
            "SURNAME": ident.last,
            "DATE_OF_BIRTH": self.maybe_impossible(out, self.fmt(self.dob_value(ident), "%Y%m%d"),
                                                   "DATE_OF_BIRTH"),
            "SEX": SEX_CODE[ident.sex],
            "ETHNIC_CATEGORY": ethnic,
            "POSTCODE": self.postcode(person, ev.start, out),
            "ARRIVAL_DATETIME": self.maybe_impossible(out, arrival.strftime("%Y%m%d%H%M"), "ARRIVAL_DATETIME"),
            "CHIEF_COMPLAINT": complaint,
            "SAFEGUARDING_CONCERN": flag,
            "SAFEGUARDING_NOTE": self.maybe_formula(out, note, "SAFEGUARDING_NOTE"),
        }
        n = out.write(row)
        self.written(out, n, ident, person, "emergency_department_attendance")

    def close(self) -> None:
        self.attendances.close()
