"""Early help: a Mosaic-style early help episodes export, one CSV written with a UTF-8 byte order mark.

Only children living in the council's area appear. Dates are dd/mm/yyyy;
ethnicity is written sometimes as a DfE code, sometimes in words (the export
joins two lookup tables); presenting needs are the service's own words,
separated by semicolons.
"""

from __future__ import annotations

from ceintel.synth.agencies.base import Agency
from ceintel.synth.extracts import Extract
from ceintel.synth.world import Person, TrueEvent, WardWorld

# DfE ethnicity code → the words of the DfE label, as case systems display them.
ETHNICITY_WORDS = {
    "WBRI": "White British", "WIRI": "White Irish", "WIRT": "Traveller of Irish heritage",
    "WOTH": "Any other White background", "WROM": "Gypsy/Roma", "MWBC": "White and Black Caribbean",
    "MWBA": "White and Black African", "MWAS": "White and Asian", "MOTH": "Any other mixed background",
    "AIND": "Indian", "APKN": "Pakistani", "ABAN": "Bangladeshi", "AOTH": "Any other Asian background",
    "BCRB": "Black Caribbean", "BAFR": "Black African", "BOTH": "Any other Black background",
    "CHNE": "Chinese", "OOTH": "Any other ethnic group", "REFU": "Refused",
    "NOBT": "Information not yet obtained",
}
# TrueEvent detail "needs" → the early help service's words.
NEEDS = {
    "domestic_abuse": "Domestic abuse", "household_mental_illness": "Parental mental health",
    "household_substance_misuse": "Parental substance misuse", "household_imprisonment": "Parent in prison",
    "physical_neglect": "Neglect", "school_attendance": "School attendance",
    "emotional_wellbeing": "Emotional wellbeing", "family_support": "Family support",
}
GENDER = {"M": "Male", "F": "Female", "U": "Not known"}
# The fields an identity's planted mess can be about (see ``Agency._register``).
COLUMNS = ["EH Case ID", "Forename", "Surname", "Date of Birth", "Gender", "Ethnicity", "Postcode",
           "Episode Start Date", "Episode End Date", "Presenting Needs", "Lead Professional Agency"]


class EarlyHelp(Agency):
    key = "early_help"
    id_prefix = "EH"
    id_width = 6

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.out = Extract(self.truth, "early_help", self.folder / "EH_episodes.csv", COLUMNS, bom=True)
        self.truth.mess(self.out, 0, "mixed_code_scheme", "Ethnicity",
                        "ethnicity written as DfE codes on some rows and in words on others")

    def ward(self, world: WardWorld) -> None:
        for person in world.people:
            if person.role != "child":
                continue
            for ev in person.events:
                if ev.kind == "early_help_episode" and person.address_at(ev.start).la == self.home_la:
                    self._episode(person, ev)

    def _episode(self, person: Person, ev: TrueEvent) -> None:
        out = self.start_row(self.out)
        rng = self.rng
        ident = self.identity(person, ev.start)
        dfe = ident.dfe or ""
        ethnicity = ETHNICITY_WORDS.get(dfe, "") if dfe and rng.random() < 0.6 else dfe
        needs = [NEEDS.get(n, n.replace("_", " ").capitalize()) for n in ev.detail.get("needs", ())]
        if "Family support" not in needs and rng.random() < 0.15:
            needs.append("Family support")
        end = ev.end if ev.end is not None and ev.end <= self.p.window_end else None
        row = {
            "EH Case ID": ident.record_id,
            "Forename": self.maybe_formula(out, ident.first, "Forename"),
            "Surname": ident.last,
            "Date of Birth": self.maybe_impossible(out, self.fmt(self.dob_value(ident), "%d/%m/%Y"), "Date of Birth"),
            "Gender": GENDER[ident.sex],
            "Ethnicity": self.maybe_unknown(out, ethnicity, "Ethnicity", ("Not known", "ZZZZ", "Other")),
            "Postcode": self.postcode(person, ev.start, out),
            "Episode Start Date": self.maybe_impossible(out, self.fmt(ev.start, "%d/%m/%Y"), "Episode Start Date"),
            "Episode End Date": self.fmt(end, "%d/%m/%Y"),
            "Presenting Needs": "; ".join(needs) if rng.random() < 0.8 else ";".join(needs),
            "Lead Professional Agency": self._lead(person, ev),
        }
        n = out.write(row)
        self.written(out, n, ident, person, ev.kind)

    def _lead(self, person: Person, ev: TrueEvent) -> str:
        age = person.age_at(ev.start)
        if age < 5:
            options: tuple[str, ...] = ("Health Visiting", "Family Hub", "Family Hub")
        elif age < 11:
            options = ("Primary School", "Primary School", "Family Hub", "School Nursing")
        else:
            options = ("Secondary School", "Secondary School", "Family Hub", "Youth Service", "School Nursing")
        return self.rng.choice(options)

    def close(self) -> None:
        self.out.close()


