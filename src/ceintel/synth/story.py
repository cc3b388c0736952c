"""What happens to each child in a ward over the window: the lives the extracts will describe.

Background lives come from national rates (``params``); on top of them a
planted story that real analysis should be able to find: exploited children
whose pathway often runs suspension → missing → police contact → referral →
MACE, peer groups harmed together at the same places by the same adults, and
household adversity that raises the chance of both.
"""

from __future__ import annotations

import datetime as dt
import random

from ceintel.synth.geography import Geography
from ceintel.synth.params import Params
from ceintel.synth.world import (
    DAY,
    Cast,
    Exploitation,
    Incident,
    PeopleFactory,
    Person,
    TrueEvent,
    WardWorld,
    between,
    poisson,
)

EXPLOITATION_MIX = (  # (types, weight, share female)
    (("cse",), 0.30, 0.8),
    (("cse", "online"), 0.08, 0.85),
    (("cce",), 0.17, 0.2),
    (("cce", "county_lines"), 0.17, 0.15),
    (("cse", "cce"), 0.07, 0.55),
    (("cce", "county_lines", "trafficking"), 0.06, 0.15),
    (("trafficking",), 0.03, 0.5),
    (("financial",), 0.04, 0.4),
    (("serious_youth_violence",), 0.07, 0.1),
    (("online",), 0.005, 0.6),
    (("radicalisation",), 0.005, 0.2),
)

CIN_FACTOR_OF_TYPE = {"cse": "11A", "cce": "24A", "county_lines": "24A", "trafficking": "12A",
                      "serious_youth_violence": "13A"}
ACE_FACTORS = {"domestic_abuse": "3B", "household_mental_illness": "4B", "household_substance_misuse": "2B",
               "physical_neglect": "16A"}


class Storyteller:
    def __init__(self, geo: Geography, params: Params, people: PeopleFactory, cast: Cast, seed: int):
        self.geo, self.p, self.people, self.cast, self.seed = geo, params, people, cast, seed
        self._incidents = 0
        self._groups = 0
        self._ward_incidents: list[Incident] = []

    # ----------------------------------------------------------------- households
    def ward(self, index: int, ward_code: str, target_children: int) -> WardWorld:
        rng = random.Random(self.seed * 1_000_003 + index)
        p = self.p
        ward = self.geo.wards[ward_code]
        weights = [self.geo.lsoas[c].weight for c in ward.lsoas]
        children: list[Person] = []
        under18 = 0
        while under18 < target_children:
            lsoa = rng.choices(ward.lsoas, weights=weights)[0]
            hh = self.people.household(rng, lsoa, p.window_start - 3650 * DAY)
            n = rng.choices((1, 2, 3, 4), weights=p.children_per_household)[0]
            first_age = rng.uniform(0, 21)
            dob = p.window_end - dt.timedelta(days=int(first_age * 365.25))
            previous: Person | None = None
            for k in range(n):
                if k and previous is not None and rng.random() < p.twin_rate * 2:
                    child = self.people.child(rng, hh, previous.dob)
                    child.twin_of = previous.pid
                else:
                    if k:
                        dob = dob + dt.timedelta(days=rng.randint(400, 2000))
                    if dob > p.window_end:
                        break
                    child = self.people.child(rng, hh, dob)
                children.append(child)
                if child.age_at(p.window_end) < 18:
                    under18 += 1
                previous = child
        self._ward_incidents = []
        for child in children:
            self._background(rng, child)
        exploited = [c for c in children if self._select_exploited(rng, c)]
        groups = self._form_groups(rng, exploited)
        self._domestic_incidents(rng, children)
        for child in children:
            self._police_background(rng, child)
        for child in exploited:
            self._pathway(rng, child)
        for gid, members in groups.items():
            self._group_incidents(rng, gid, members)
        incidents = self._ward_incidents
        people = children + [perp for c in exploited if c.exploitation for perp in c.exploitation.perpetrators]
        inside = self._inside_window
        for person in people:
            person.events = [e for e in person.events if inside(e.start)]
        return WardWorld(ward_code, people, [i for i in incidents if inside(i.start)], groups)

    def _inside_window(self, when: dt.date) -> bool:
        """Only what happened before the extracts were taken can be in them."""
        return self.p.window_start <= when <= self.p.window_end

    # ----------------------------------------------------------------- helpers
    def _child_window(self, c: Person, min_age: int = 0, max_age: int = 17) -> tuple[dt.date, dt.date] | None:
        start = max(self.p.window_start, _add_years(c.dob, min_age))
        end = min(self.p.window_end, _add_years(c.dob, max_age + 1) - DAY)
        return (start, end) if start <= end else None

    def _years(self, span: tuple[dt.date, dt.date] | None) -> float:
        return 0.0 if span is None else ((span[1] - span[0]).days + 1) / 365.25

    def _incident(self, kind: str, when: dt.date, place, child: Person, types: tuple[str, ...],
                  people: list[tuple[Person, str]], offence: str) -> Incident:
        self._incidents += 1
        if place is not None and place.lsoa:
            postcode, lsoa, la = place.postcode, place.lsoa, place.la
        elif place is not None:
            postcode, lsoa, la = "", "", place.la
        else:
            a = child.address_at(when)
            postcode, lsoa, la = a.postcode, a.lsoa, a.la
        incident = Incident(f"{self.seed % 100:02d}{self._incidents:07d}", kind, when, place, postcode, lsoa, la,
                            types, people, offence)
        self._ward_incidents.append(incident)
        return incident

    # ----------------------------------------------------------------- background lives
    def _background(self, rng: random.Random, c: Person) -> None:
        p, hh = self.p, c.household
        assert hh is not None
        span = self._child_window(c)
        if span is None:
            return
        years = self._years(span)
        risk = hh.risk
        for _ in range(poisson(rng, p.contacts * years * risk)):
            when = between(rng, *span)
            c.events.append(TrueEvent("contact", when, detail={"source": _contact_source(rng)}))
            if rng.random() < min(0.9, p.contact_to_referral * risk ** 0.3):
                self._referral(rng, c, when, reason=None)
        if rng.random() < min(0.6, p.early_help * years * risk):
            when = between(rng, *span)
            needs = sorted(hh.aces - {"parental_separation"}) or ["family_support"]
            c.events.append(TrueEvent("early_help_episode", when, when + rng.randint(60, 300) * DAY,
                                      detail={"needs": needs}))
        school = self._child_window(c, 5, 15)
        if school:
            sy = self._years(school)
            for year_start in _academic_years(school[0], min(school[1], p.window_end - 365 * DAY)):
                if rng.random() < min(0.8, p.persistent_absence_5_16 * risk ** 0.4):
                    c.events.append(TrueEvent("persistent_absence", year_start,
                                              detail={"absence_pct": round(rng.uniform(10, 45), 1)}))
            if rng.random() < min(0.7, p.suspension_5_16 * sy * risk ** 0.5 * (1.5 if c.sex == "M" else 0.6)):
                for _ in range(1 + poisson(rng, p.suspensions_per_child - 1)):
                    c.events.append(TrueEvent("suspension", between(rng, *school),
                                              detail={"days": rng.choice((1, 1, 2, 3, 5))}))
            if rng.random() < p.permanent_exclusion_5_16 * sy * risk:
                c.events.append(TrueEvent("permanent_exclusion", between(rng, *school)))
        teen = self._child_window(c, 10, 17)
        if teen:
            ty = self._years(teen)
            if rng.random() < p.ed_attendance_10_17 * ty * risk ** 0.5:
                pres = rng.choices(("assault", "self_harm", "substance_misuse", "injury_other"),
                                   weights=(3, 4 if c.sex == "F" else 1.5, 1.5, 2))[0]
                c.events.append(TrueEvent("emergency_department_attendance", between(rng, *teen),
                                          detail={"presentation": pres}))
            if rng.random() < p.yj_first_time_10_17 * ty * risk * (2.0 if c.sex == "M" else 0.4):
                c.events.append(TrueEvent("youth_justice_outcome", between(rng, *teen),
                                          detail={"outcome": rng.choice(("youth_caution", "youth_conditional_caution",
                                                                         "referral_order", "community_resolution")),
                                                  "offence": rng.choice(("Theft", "Criminal damage",
                                                                         "Assault", "Possession of cannabis"))}))
        older = self._child_window(c, 12, 17)
        if older and rng.random() < p.missing_other_12_17 * self._years(older) * risk ** 0.5:
            for _ in range(1 + poisson(rng, 1.0)):
                self._missing(rng, c, between(rng, *older), found_at=None)

    def _referral(self, rng: random.Random, c: Person, when: dt.date, reason: str | None,
                  factors: tuple[str, ...] = (), source: str | None = None) -> dt.date | None:
        """A referral, its assessment and what follows. Returns the assessment date, if any."""
        p, hh = self.p, c.household
        assert hh is not None
        c.events.append(TrueEvent("referral", when, detail={"source": source or _contact_source(rng),
                                                            "reason": reason}))
        if rng.random() > p.referral_to_assessment:
            return None
        assessed = when + rng.randint(5, 45) * DAY
        found = [ACE_FACTORS[a] for a in sorted(hh.aces) if a in ACE_FACTORS and rng.random() < 0.75]
        found += list(factors)
        if not found:
            found = [rng.choice(("21", "16A", "17A", "4A", "20"))]
        c.events.append(TrueEvent("assessment", assessed, detail={"factors": sorted(set(found))}))
        if rng.random() < p.assessment_to_s47 * (0.5 if factors else 1):
            c.events.append(TrueEvent("section_47", assessed + rng.randint(0, 10) * DAY))
            if rng.random() < p.s47_to_cp_plan:
                start = assessed + rng.randint(10, 30) * DAY
                c.events.append(TrueEvent("child_protection_plan", start, start + rng.randint(120, 540) * DAY,
                                          detail={"category": rng.choice(("Neglect", "Emotional abuse",
                                                                          "Physical abuse", "Sexual abuse"))}))
        if c.looked_after_from is None and rng.random() < p.referral_to_looked_after * (2 if factors else 1):
            start = assessed + rng.randint(10, 120) * DAY
            if start < min(c.eighteenth, p.window_end):
                c.looked_after_from = start
                end = start + rng.randint(200, 1500) * DAY
                c.events.append(TrueEvent("looked_after", start, end if end < c.eighteenth else c.eighteenth))
                if rng.random() < p.missing_looked_after * 3 and c.age_at(start) >= 11:
                    for _ in range(poisson(rng, p.missing_episodes_looked_after)):
                        self._missing(rng, c, between(rng, start, min(end, p.window_end, c.eighteenth - DAY)),
                                      found_at=None, looked_after=True)
        return assessed

    def _missing(self, rng: random.Random, c: Person, when: dt.date, found_at, looked_after: bool = False,
                 types: tuple[str, ...] = ()) -> None:
        p = self.p
        away = looked_after and rng.random() < p.away_share_looked_after
        hours = rng.choice((4, 8, 12, 20, 30, 48, 72, 120))
        kind = "away_without_authorisation" if away else "missing"
        back = when + (hours // 24) * DAY
        detail = {"hours": hours, "looked_after": looked_after}
        inc = None
        if not away:
            inc = self._incident("missing_report", when, found_at, c, types, [(c, "missing_person")],
                                 "Missing person")
            detail["incident"] = inc.ref
        event = TrueEvent(kind, when, back, detail=detail, incident=inc)
        c.events.append(event)
        if rng.random() < p.rhi_offered:
            accepted = rng.random() < p.rhi_accepted
            delay = rng.randint(0, 2) if rng.random() < p.rhi_within_72h else rng.randint(4, 12)
            c.events.append(TrueEvent("return_home_interview", back + delay * DAY,
                                      detail={"offered": back + rng.randint(0, 1) * DAY, "accepted": accepted,
                                              "missing_start": when}))

    def _domestic_incidents(self, rng: random.Random, children: list[Person]) -> None:
        """Domestic abuse incidents, one per household visit, naming every child at home then."""
        households: dict[str, list[Person]] = {}
        for c in children:
            if c.household is not None and "domestic_abuse" in c.household.aces:
                households.setdefault(c.household.hid, []).append(c)
        years = (self.p.window_end - self.p.window_start).days / 365.25
        for members in households.values():
            for _ in range(poisson(rng, self.p.domestic_incident_per_da_household * years / 3.5)):
                when = between(rng, self.p.window_start, self.p.window_end)
                present = [c for c in members if c.dob <= when and c.age_at(when) < 18]
                if not present:
                    continue
                inc = self._incident("domestic", when, None, present[0], (), [(c, "witness") for c in present],
                                     "Domestic incident")
                for c in present:
                    c.events.append(TrueEvent("police_incident", when, detail={"incident": inc.ref}, incident=inc))

    def _police_background(self, rng: random.Random, c: Person) -> None:
        p, hh = self.p, c.household
        assert hh is not None
        teen = self._child_window(c, 10, 17)
        if teen and rng.random() < p.police_victim_10_17 * self._years(teen) * hh.risk ** 0.5:
            when = between(rng, *teen)
            inc = self._incident("assault", when, None, c, (), [(c, "victim")],
                                 rng.choice(("Assault occasioning ABH", "Common assault", "Robbery of personal property",
                                             "Theft from the person")))
            c.events.append(TrueEvent("crime_victim", when, detail={"incident": inc.ref}, incident=inc))

    # ----------------------------------------------------------------- exploitation
    def _select_exploited(self, rng: random.Random, c: Person) -> bool:
        teen = self._child_window(c, 10, 17)
        hh = c.household
        if teen is None or hh is None:
            return False
        weight = self._years(teen) / 3.5
        weight *= hh.risk ** 0.6 * (1.6 if c.looked_after_from else 1) * (1.3 if c.sen else 1)
        if rng.random() >= min(0.6, self.p.exploitation_10_17 * weight):
            return False
        types, _, female_share = rng.choices(EXPLOITATION_MIX, weights=[m[1] for m in EXPLOITATION_MIX])[0]
        if (c.sex == "F") != (rng.random() < female_share) and rng.random() < 0.6:
            # re-draw once towards the pattern by sex seen in national data
            types = rng.choices(EXPLOITATION_MIX, weights=[m[1] for m in EXPLOITATION_MIX])[0][0]
        lo = max(teen[0], _add_years(c.dob, 12))
        start = between(rng, lo, teen[1]) if lo <= teen[1] else teen[0]
        end = start + rng.randint(90, 540) * DAY
        a = c.address_at(start)
        if "online" in types and len(types) == 1:
            place = self.cast.online
        elif "county_lines" in types and rng.random() < 0.5:
            place = self.cast.out_of_force
        else:
            place = self.cast.near(rng, a.lsoa, a.la)
        perps: tuple[Person, ...] = ()
        if rng.random() < self.p.perpetrator_known:
            adults = self.cast.adults_at(place, self.people)
            perps = tuple(rng.sample(adults, k=min(len(adults), rng.choice((1, 1, 2)))))
        c.exploitation = Exploitation(tuple(types), start, end, place, perps,
                                      outside_area=place.la != c.home_la)
        return True

    def _form_groups(self, rng: random.Random, exploited: list[Person]) -> dict[str, list[Person]]:
        """Peer groups: exploited children of similar age harmed together at one place by the same adults."""
        candidates = [c for c in exploited if c.exploitation and c.exploitation.place.kind != "online"
                      and set(c.exploitation.types) & {"cse", "cce", "county_lines"} and rng.random() < self.p.group_share]
        candidates.sort(key=lambda c: (c.dob, c.pid))
        groups: dict[str, list[Person]] = {}
        i = 0
        while len(candidates) - i >= 3:
            size = rng.randint(3, 7)
            members = [candidates[i]]
            # peers are of similar age: within three years of the youngest member
            while len(members) < size and i + len(members) < len(candidates) and \
                    (candidates[i + len(members)].dob - members[0].dob).days <= 3 * 365:
                members.append(candidates[i + len(members)])
            i += len(members)
            if len(members) < 3:
                continue
            self._groups += 1
            gid = f"G{self.seed % 100:02d}{self._groups:05d}"
            lead = members[0].exploitation
            assert lead is not None
            for m in members:
                e = m.exploitation
                assert e is not None
                m.group = gid
                e.place = lead.place
                e.perpetrators = lead.perpetrators or e.perpetrators
                e.outside_area = lead.place.la != m.home_la
                # start near the lead's, but never before the child is 12 or after they turn 18
                earliest = max(self.p.window_start, _add_years(m.dob, 12))
                latest = min(self.p.window_end, m.eighteenth) - 30 * DAY
                wanted = lead.start + rng.randint(-60, 60) * DAY
                if earliest <= latest:
                    e.start = min(max(wanted, earliest), latest)
                e.end = e.start + (lead.end - lead.start)
            groups[gid] = members
        return groups

    def _pathway(self, rng: random.Random, c: Person) -> None:
        p, e = self.p, c.exploitation
        assert e is not None
        t0, end = e.start, min(e.end, p.window_end)
        last = min(p.window_end, c.eighteenth - DAY)
        school_age = c.age_at(t0) <= 16
        if school_age and rng.random() < p.pathway_suspension:
            for _ in range(rng.randint(1, 3)):
                when = max(p.window_start, t0 - rng.randint(30, 200) * DAY)
                c.events.append(TrueEvent("suspension", when, detail={"days": rng.choice((1, 2, 3, 5))}))
        missing_dates: list[dt.date] = []
        if rng.random() < p.pathway_missing:
            for k in range(2 + poisson(rng, 4)):
                when = t0 + rng.randint(-30, 30) * DAY if k == 0 else between(rng, t0, end)
                when = min(max(when, p.window_start), last)
                found = e.place if rng.random() < 0.4 and e.place.kind != "online" else None
                self._missing(rng, c, when, found_at=found, looked_after=c.looked_after_from is not None
                              and c.looked_after_from <= when, types=e.types)
                missing_dates.append(when)
        if c.group is None:  # group members meet the police together (see _group_incidents)
            for _ in range(rng.randint(1, 3)):
                when = min(between(rng, t0, end), last)
                people = [(c, "victim" if "cse" in e.types or rng.random() < 0.6 else "suspect")]
                if e.perpetrators and rng.random() < 0.6:
                    people.append((rng.choice(e.perpetrators), "suspect"))
                inc = self._incident("exploitation", when, e.place, c, e.types, people, _offence(rng, e.types))
                c.events.append(TrueEvent("police_incident", when, detail={"incident": inc.ref}, incident=inc))
        if rng.random() < p.pathway_ed:
            c.events.append(TrueEvent("emergency_department_attendance", min(between(rng, t0, end), last),
                                      detail={"presentation": rng.choice(("assault", "self_harm",
                                                                          "substance_misuse", "sexual_health")),
                                              "exploitation_concern": rng.random() < 0.3}))
        if rng.random() < 0.3:
            when = max(p.window_start, t0 - rng.randint(30, 240) * DAY)
            c.events.append(TrueEvent("early_help_episode", when, when + rng.randint(60, 200) * DAY,
                                      detail={"needs": ["school_attendance", "emotional_wellbeing"]}))
        assessed = None
        if rng.random() < p.pathway_referral:
            when = min(t0 + rng.randint(20, 150) * DAY, last)
            if when >= p.window_start:
                factors = tuple(sorted({CIN_FACTOR_OF_TYPE[t] for t in e.types if t in CIN_FACTOR_OF_TYPE}
                                       | ({"10A"} if missing_dates else set())))
                if rng.random() > p.assessment_records_factor:
                    factors = ()
                c.events.append(TrueEvent("contact", when, detail={"source": "police" if missing_dates else "school"}))
                assessed = self._referral(rng, c, when, reason="exploitation", factors=factors,
                                          source="police" if missing_dates else "school")
        if assessed and assessed <= p.window_end:
            # children with many missing episodes are the least often referred (DOMAIN: MACE cohort)
            p_mace = p.mace_referral - 0.03 * max(0, len(missing_dates) - 4)
            if rng.random() < p_mace:
                mace = min(assessed + rng.randint(10, 60) * DAY, p.window_end)
                c.events.append(TrueEvent("mace_referral", mace, detail={"types": e.types}))
                if rng.random() < p.mace_plan:
                    c.events.append(TrueEvent("mace_plan", min(mace + rng.randint(7, 30) * DAY, p.window_end),
                                              detail={"types": e.types}))
        if rng.random() < p.voluntary_referral:
            c.events.append(TrueEvent("voluntary_service_referral", min(between(rng, t0, end), last),
                                      detail={"types": e.types}))
        if ("cce" in e.types or "county_lines" in e.types) and rng.random() < p.youth_justice_cce:
            when = min(between(rng, t0, end), last)
            c.events.append(TrueEvent("youth_justice_outcome", when,
                                      detail={"outcome": rng.choice(("youth_caution", "referral_order",
                                                                     "youth_conditional_caution")),
                                              "offence": "Possession with intent to supply Class A",
                                              "exploitation_concern": rng.random() < 0.6}))
        p_nrm = p.nrm_trafficking if "trafficking" in e.types else p.nrm_county_lines if "county_lines" in e.types \
            else 0.05
        if rng.random() < p_nrm:
            c.events.append(TrueEvent("nrm_referral", min(between(rng, t0, end), last),
                                      detail={"types": e.types}))
        for perp in e.perpetrators:
            if rng.random() < p.disruption_per_perpetrator / max(1, len(e.perpetrators)):
                kind = "disruption_cawn" if c.age_at(t0) < 16 or c.looked_after_from else \
                    rng.choice(("disruption_sro", "disruption_strpo", "disruption_closure_order"))
                when = min(between(rng, t0, end + 60 * DAY), p.window_end)
                perp.events.append(TrueEvent(kind, when, detail={"child": c.pid, "place": e.place.place_id}))

    def _group_incidents(self, rng: random.Random, gid: str, members: list[Person]) -> None:
        lead = members[0].exploitation
        assert lead is not None
        start = min(m.exploitation.start for m in members if m.exploitation)
        end = min(max(m.exploitation.end for m in members if m.exploitation), self.p.window_end)
        for _ in range(rng.randint(2, 5)):
            when = between(rng, start, end)
            present = [m for m in members if m.age_at(when) < 18 and rng.random() < 0.7] or [members[0]]
            types = tuple(sorted({t for m in present if m.exploitation for t in m.exploitation.types}))
            people = [(m, "victim" if "cse" in types or rng.random() < 0.5 else "suspect") for m in present]
            for perp in lead.perpetrators:
                if rng.random() < 0.7:
                    people.append((perp, "suspect"))
            inc = self._incident("exploitation", when, lead.place, present[0], types, people, _offence(rng, types))
            for m in present:
                m.events.append(TrueEvent("police_incident", when, detail={"incident": inc.ref, "group": gid},
                                          incident=inc))


def _offence(rng: random.Random, types: tuple[str, ...]) -> str:
    if "cse" in types:
        return rng.choice(("Sexual activity with a child", "Causing or inciting a child to engage in sexual activity",
                           "Concern for welfare"))
    if "county_lines" in types or "cce" in types:
        return rng.choice(("Possession with intent to supply Class A", "Concern for welfare",
                           "Possession of an offensive weapon"))
    if "financial" in types:
        return "Money laundering"
    return rng.choice(("Concern for welfare", "Assault occasioning ABH"))


def _contact_source(rng: random.Random) -> str:
    return rng.choices(("police", "school", "health", "local_authority", "individual", "other"),
                       weights=(30, 20, 15, 12, 10, 13))[0]


def _add_years(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return dt.date(d.year + years, 3, 1)


def _academic_years(start: dt.date, end: dt.date) -> list[dt.date]:
    first = start.year if start.month >= 9 else start.year - 1
    return [dt.date(y, 9, 1) for y in range(first, end.year + 1) if dt.date(y, 9, 1) <= end
            and dt.date(y + 1, 7, 31) >= start]
