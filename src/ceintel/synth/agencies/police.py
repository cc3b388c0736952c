"""Police: a Niche-style records management system export, four CSV files.

The force covers the home borough and both neighbours, so its files name
children who live next door and places outside the home borough (both are
logged as mess for the pipeline to filter or keep on purpose). Files:

``NICHE_occurrences.csv``
    one row per person per occurrence (incident, crime or missing report),
    with the flags the police recorded, the person's involvement code and
    their nominal details; closed by a trailing totals row.
``NICHE_associations.csv``
    associations between two nominals recorded by the force.
``NICHE_disruptions.csv``
    disruption actions served on adults, with the child they protect.
``NICHE_nrm_referrals.csv``
    National Referral Mechanism referrals the police made as first responder.

Dates are ``dd/mm/yyyy`` (occurrences ``dd/mm/yyyy hh:mm``); sex is M/F/U;
officer-defined ethnicity uses IC codes, self-defined the 18+1 codes.
"""

from __future__ import annotations

import datetime as dt

from ceintel.synth.agencies.base import POLICE_IC, POLICE_SELF_DEFINED, Agency, Identity
from ceintel.synth.extracts import Extract
from ceintel.synth.world import Incident, Person, WardWorld, between

# Flag codes this export uses (anything else in the Flags column is logged as an unknown code).
FLAG_OF_TYPE = {"cse": "CSE", "cce": "CCE", "county_lines": "COUNTY LINES", "trafficking": "MODERN SLAVERY",
                "online": "ONLINE CSE", "serious_youth_violence": "SYV", "financial": "CFE",
                "radicalisation": "PREVENT"}
GENERIC_FLAG = "CE"
FLAG_CODES = frozenset(FLAG_OF_TYPE.values()) | {GENERIC_FLAG, "DA", "MISSING"}
UNKNOWN_FLAGS = ("CSE?", "EXPL", "C/L", "VULN ADULT")

INVOLVEMENT = {"victim": "VIC", "suspect": "SUS", "witness": "WIT", "missing_person": "MIS"}
NON_CRIME = {"Concern for welfare", "Missing person", "Domestic incident"}
OCCURRENCE_TYPE = {"missing_report": "MISSING PERSON", "domestic": "DOMESTIC INCIDENT"}

ACTION_TYPE = {"disruption_cawn": "Child Abduction Warning Notice", "disruption_sro": "Sexual Risk Order",
               "disruption_shpo": "Sexual Harm Prevention Order",
               "disruption_strpo": "Slavery and Trafficking Risk Order",
               "disruption_stpo": "Slavery and Trafficking Prevention Order",
               "disruption_closure_order": "Closure Order", "disruption_hotel_notice": "Hotel information notice"}

NRM_TYPE = {"cse": "Sexual", "online": "Sexual", "cce": "Criminal", "county_lines": "Criminal",
            "serious_youth_violence": "Criminal", "financial": "Criminal"}
NRM_ORDER = ("Criminal", "Sexual", "Labour", "Domestic servitude")

LOCATION_NOTES = ("Rear of premises", "Near the bus stop", "Car park", "Stairwell", "Outside the shop",
                  "Footpath by the play area", "Flat on the second floor", "Underpass")
# Relative frequency of the hour an occurrence is reported (more in the afternoon and evening).
HOUR_WEIGHTS = (3, 2, 2, 1, 1, 1, 1, 2, 3, 4, 4, 5, 5, 5, 6, 7, 8, 8, 8, 8, 7, 6, 5, 4)
HOURS = tuple(range(24))

NOMINAL = ["Nominal ID", "Surname", "Forename(s)", "DOB", "Sex"]


class Police(Agency):
    key = "police"
    id_prefix = "N"
    id_width = 8

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        f = self.folder
        self.occurrences = Extract(
            self.truth, "police_occurrences", f / "NICHE_occurrences.csv",
            ["Occurrence Ref", "Reported Date/Time", "Occurrence Type", "Offence / Incident", "Location",
             "Location Description", "Location Postcode", "Beat / LSOA", "Flags", "Involvement"]
            + NOMINAL + ["Officer Defined Ethnicity", "Self Defined Ethnicity", "Home Postcode"])
        self.associations = Extract(
            self.truth, "police_associations", f / "NICHE_associations.csv",
            ["Nominal 1 ID", "Nominal 1 Surname", "Nominal 1 Forename(s)", "Nominal 1 DOB",
             "Nominal 2 ID", "Nominal 2 Surname", "Nominal 2 Forename(s)", "Nominal 2 DOB",
             "Association Type", "Date First Recorded"])
        self.disruptions = Extract(
            self.truth, "police_disruptions", f / "NICHE_disruptions.csv",
            ["Action Ref", "Action Type", "Date Served", "Subject Nominal ID", "Subject Surname",
             "Subject Forename(s)", "Subject DOB", "Linked Child Nominal ID", "Location", "Location Postcode"])
        self.nrm = Extract(
            self.truth, "police_nrm", f / "NICHE_nrm_referrals.csv",
            ["NRM Ref", "Referral Date", "First Responder"] + NOMINAL
            + ["Home Postcode", "Exploitation Type", "County Lines", "Reasonable Grounds Decision",
               "RG Decision Date"])
        self._n_occurrence_rows = 0
        self._n_action = 0
        self._n_nrm = 0

    # ------------------------------------------------------------ helpers
    def _forenames(self, ident: Identity, person: Person) -> str:
        # Some records hold the middle name too; fixed per record so a nominal is typed the same way.
        if person.middle and int(ident.record_id[1:]) % 3 == 0:
            return f"{ident.first} {person.middle}"
        return ident.first

    def _nominal(self, extract: Extract, person: Person, when: dt.date) -> tuple[dict, Identity]:
        ident = self.identity(person, when)
        return {
            "Nominal ID": ident.record_id,
            "Surname": ident.last.upper() if self.rng.random() < 0.3 else ident.last,
            "Forename(s)": self._forenames(ident, person),
            "DOB": self.maybe_impossible(extract, self.fmt(self.dob_value(ident), "%d/%m/%Y"), "DOB"),
            "Sex": ident.sex,
        }, ident

    def _home_postcode(self, extract: Extract, person: Person, when: dt.date) -> str:
        la = person.address_at(when).la
        if la != self.home_la:
            self.truth.mess(extract, extract.rows + 1, "out_of_area_resident", "Home Postcode", la)
        return self.postcode(person, when, extract)

    def _known(self, person: Person, when: dt.date) -> Identity:
        """The force's existing record for a person named only by number (no duplicate drawn here)."""
        records = self._ids.get(person.pid)
        return records[0] if records else self.identity(person, when)

    def _flags(self, inc: Incident) -> list[str]:
        flags: list[str] = []
        if inc.kind == "missing_report":
            flags.append("MISSING")
        if inc.kind == "domestic":
            flags.append("DA")
        recorded = [FLAG_OF_TYPE[t] for t in inc.true_types
                    if t in FLAG_OF_TYPE and self.rng.random() < self.p.police_flags_exploitation]
        if inc.true_types and not recorded and self.rng.random() < 0.25:
            recorded.append(GENERIC_FLAG)  # exploitation suspected, type not recorded
        for code in recorded:
            if code not in flags:
                flags.append(code)
        return flags

    # ------------------------------------------------------------ per ward
    def ward(self, world: WardWorld) -> None:
        for inc in sorted(world.incidents, key=lambda i: (i.start, i.ref)):
            self._occurrence(inc)
        children = {p.pid: p for p in world.people if p.role == "child"}
        self._associations(world, children)
        adults: dict[str, Person] = {}
        for person in world.people:
            if person.role == "adult" and person.pid not in adults:
                adults[person.pid] = person
        for adult in adults.values():
            for ev in adult.events:
                if ev.kind.startswith("disruption_") and ev.detail.get("child") in children:
                    self._disruption(adult, children[ev.detail["child"]], ev)
        for child in children.values():
            for ev in child.events:
                if ev.kind == "nrm_referral":
                    self._nrm(child, ev)

    def _occurrence(self, inc: Incident) -> None:
        rng, out = self.rng, self.occurrences
        hour = rng.choices(HOURS, weights=HOUR_WEIGHTS)[0]
        reported = dt.datetime(inc.start.year, inc.start.month, inc.start.day, hour, rng.randrange(60))
        flags = self._flags(inc)
        if inc.kind == "missing_report":
            offence = "Missing Person"
        elif inc.kind == "domestic":
            offence = "Domestic incident"
        else:
            offence = inc.offence
        crime = inc.offence not in NON_CRIME
        occ_type = OCCURRENCE_TYPE.get(inc.kind) or ("CRIME" if crime else "CONCERN FOR WELFARE")
        location = inc.place.name if inc.place is not None else "Residential address"
        note = rng.choice(LOCATION_NOTES) if rng.random() < 0.15 else ""
        out_of_area = bool(inc.la) and inc.la != self.home_la
        for person, role in inc.people:
            self.start_row(out)
            row, ident = self._nominal(out, person, inc.start)
            if out_of_area:
                self.truth.mess(out, out.rows + 1, "out_of_area_location", "Location Postcode", inc.la)
            row_flags = flags
            extra = self.maybe_unknown(out, "", "Flags", UNKNOWN_FLAGS)
            if extra:
                row_flags = flags + [extra]
            dfe = ident.dfe
            ic = POLICE_IC.get(person.ons, "IC9")
            if ic == "IC1" and rng.random() < 0.06:
                ic = "IC2"
            elif rng.random() < 0.04:
                ic = "IC9" if rng.random() < 0.7 else "IC0"
            sde = ""
            if dfe is not None and rng.random() < 0.45:
                sde = POLICE_SELF_DEFINED.get(dfe, "NS")
            elif rng.random() < 0.1:
                sde = "NS"
            row.update({
                "Occurrence Ref": f"OCC/{inc.ref}",
                "Reported Date/Time": self.maybe_impossible(out, reported.strftime("%d/%m/%Y %H:%M"),
                                                            "Reported Date/Time"),
                "Occurrence Type": occ_type,
                "Offence / Incident": offence,
                "Location": location,
                "Location Description": self.maybe_formula(out, note, "Location Description"),
                "Location Postcode": inc.postcode,
                "Beat / LSOA": inc.lsoa,
                "Flags": ";".join(row_flags),
                "Involvement": INVOLVEMENT.get(role, "INV"),
                "Officer Defined Ethnicity": ic,
                "Self Defined Ethnicity": sde,
                "Home Postcode": self._home_postcode(out, person, inc.start),
            })
            n = out.write(row)
            self._n_occurrence_rows += 1
            if role == "missing_person" or inc.kind == "missing_report":
                event_type = "missing"
            elif crime and role == "victim":
                event_type = "crime_victim"
            elif crime and role == "suspect":
                event_type = "crime_suspect"
            else:
                event_type = "police_incident"
            self.written(out, n, ident, person, event_type)

    # ------------------------------------------------------------ associations
    def _associate(self, a: Person, b: Person, kind: str, when: dt.date) -> None:
        out = self.start_row(self.associations)
        ia, ib = self.identity(a, when), self.identity(b, when)
        dob_a = self.maybe_impossible(out, self.fmt(self.dob_value(ia), "%d/%m/%Y"), "Nominal 1 DOB")
        row = {"Nominal 1 ID": ia.record_id, "Nominal 1 Surname": ia.last,
               "Nominal 1 Forename(s)": self._forenames(ia, a), "Nominal 1 DOB": dob_a,
               "Nominal 2 ID": ib.record_id, "Nominal 2 Surname": ib.last,
               "Nominal 2 Forename(s)": self._forenames(ib, b),
               "Nominal 2 DOB": self.fmt(self.dob_value(ib), "%d/%m/%Y"),
               "Association Type": kind,
               "Date First Recorded": self.maybe_impossible(out, self.fmt(when, "%d/%m/%Y"),
                                                            "Date First Recorded")}
        n = out.write(row)
        self.written(out, n, ia, a, "association")
        self.written(out, n, ib, b, "association")

    def _associations(self, world: WardWorld, children: dict[str, Person]) -> None:
        rng, end = self.rng, self.p.window_end
        for members in world.groups.values():
            for i, a in enumerate(members):
                for b in members[i + 1:]:
                    if rng.random() < 0.5 and a.exploitation and b.exploitation:
                        when = max(a.exploitation.start, b.exploitation.start) + dt.timedelta(
                            days=rng.randint(0, 90))
                        self._associate(a, b, "Associate", min(when, end))
        for child in children.values():
            e = child.exploitation
            if e is None or child.pid not in self._ids:
                continue
            for perp in e.perpetrators:
                if rng.random() < 0.6:
                    when = min(e.start + dt.timedelta(days=rng.randint(0, 120)), end)
                    self._associate(child, perp, "Associate", when)
        households: dict[str, list[Person]] = {}
        for child in children.values():
            if child.household is not None:
                households.setdefault(child.household.hid, []).append(child)
        for members in households.values():
            if len(members) < 2 or not any(m.pid in self._ids for m in members):
                continue
            for i, a in enumerate(members):
                for b in members[i + 1:]:
                    if (a.pid in self._ids or b.pid in self._ids) and rng.random() < 0.08:
                        kind = "Sibling" if rng.random() < 0.7 else "Family"
                        self._associate(a, b, kind, between(rng, self.p.window_start, end))

    # ------------------------------------------------------------ disruption and NRM
    def _disruption(self, adult: Person, child: Person, ev) -> None:
        out = self.start_row(self.disruptions)
        self._n_action += 1
        ident = self.identity(adult, ev.start)
        child_ident = self._known(child, ev.start)
        place = child.exploitation.place if child.exploitation else None
        if place is not None and place.place_id != ev.detail.get("place"):
            place = None
        row = {"Action Ref": f"ACT/{self._n_action:06d}",
               "Action Type": ACTION_TYPE.get(ev.kind, ev.kind),
               "Date Served": self.maybe_impossible(out, self.fmt(ev.start, "%d/%m/%Y"), "Date Served"),
               "Subject Nominal ID": ident.record_id, "Subject Surname": ident.last,
               "Subject Forename(s)": self._forenames(ident, adult),
               "Subject DOB": self.fmt(self.dob_value(ident), "%d/%m/%Y"),
               "Linked Child Nominal ID": child_ident.record_id,
               "Location": place.name if place is not None else "",
               "Location Postcode": place.postcode if place is not None else ""}
        n = out.write(row)
        self.written(out, n, ident, adult, ev.kind)
        # The child is named only by number: a truth record, but no name mess to log on this row.
        self.truth.record(out, n, child_ident.record_id, child.pid, child.role, ev.kind)

    def _nrm(self, child: Person, ev) -> None:
        rng, out = self.rng, self.nrm
        self.start_row(out)
        self._n_nrm += 1
        row, ident = self._nominal(out, child, ev.start)
        types = tuple(ev.detail.get("types", ()))
        words = {NRM_TYPE[t] for t in types if t in NRM_TYPE}
        if "trafficking" in types and not words:
            words.add(rng.choice(("Labour", "Sexual", "Domestic servitude", "Criminal")))
        words = words or {"Criminal"}
        decided = ev.start + dt.timedelta(days=rng.randint(3, 45))
        if decided > self.p.window_end or rng.random() < 0.05:
            decision, decided_text = "Pending", ""
        else:
            decision = "Positive" if rng.random() < 0.88 else "Negative"
            decided_text = self.fmt(decided, "%d/%m/%Y")
        row.update({"NRM Ref": f"NRM/{self._n_nrm:05d}",
                    "Referral Date": self.maybe_impossible(out, self.fmt(ev.start, "%d/%m/%Y"), "Referral Date"),
                    "First Responder": "Police",
                    "Home Postcode": self._home_postcode(out, child, ev.start),
                    "Exploitation Type": "; ".join(w for w in NRM_ORDER if w in words),
                    "County Lines": "Y" if "county_lines" in types else "N",
                    "Reasonable Grounds Decision": decision,
                    "RG Decision Date": decided_text})
        n = out.write(row)
        self.written(out, n, ident, child, "nrm_referral")

    def close(self) -> None:
        self.occurrences.close(totals={"Occurrence Ref": f"Total records: {self._n_occurrence_rows}"})
        self.associations.close()
        self.disruptions.close()
        self.nrm.close()
