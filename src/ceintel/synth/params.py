"""The synthetic partnership's parameters, in one place, with where each comes from.

Rates are per child per year unless stated; national figures are in
``../shared/CALIBRATION.md`` (England). The home borough is set a little above
the national rate for exploitation concerns, as many urban boroughs are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Params:
    # The window the extracts cover and the date they were taken.
    window_start: dt.date = dt.date(2023, 4, 1)
    window_end: dt.date = dt.date(2026, 9, 30)
    extract_date: dt.date = dt.date(2026, 10, 5)

    # Households.
    children_per_household: tuple[float, ...] = (0.42, 0.36, 0.15, 0.07)  # 1, 2, 3, 4 children
    twin_rate: float = 0.016  # of births
    household_moves: float = 0.08  # households moving address in the window
    surname_change: float = 0.015  # children whose surname changes in the window
    double_surname: float = 0.05  # children with a hyphenated or double surname
    surname_tail: float = 0.5  # households of the tail pools with a rare surname (names.yaml surname_tail_*)

    # Household adversity (ACE proxies): probability at the least and most deprived areas.
    domestic_abuse: tuple[float, float] = (0.04, 0.16)
    parental_mental_health: tuple[float, float] = (0.06, 0.16)
    parental_substance_misuse: tuple[float, float] = (0.02, 0.09)
    parental_imprisonment: tuple[float, float] = (0.005, 0.03)
    parental_separation: tuple[float, float] = (0.2, 0.35)
    neglect: tuple[float, float] = (0.01, 0.05)

    # Children's social care (CALIBRATION rows 1-4).
    contacts: float = 0.25  # ≈ 2,500 per 10,000
    contact_to_referral: float = 0.21  # ≈ 525 referrals per 10,000
    referral_to_assessment: float = 0.93
    assessment_to_s47: float = 0.32
    s47_to_cp_plan: float = 0.27
    referral_to_looked_after: float = 0.05
    early_help: float = 0.025  # ≈ 254 per 10,000

    # Missing (CALIBRATION row 4, 8).
    missing_looked_after: float = 0.11
    missing_episodes_looked_after: float = 6.8
    away_share_looked_after: float = 0.4  # of episodes of looked-after children recorded as away
    missing_other_12_17: float = 0.012
    rhi_offered: float = 0.82
    rhi_accepted: float = 0.6
    rhi_within_72h: float = 0.63

    # Police, health, youth justice, education.
    police_victim_10_17: float = 0.015
    domestic_incident_per_da_household: float = 1.2
    ed_attendance_10_17: float = 0.008
    yj_first_time_10_17: float = 0.0016  # ≈ 135-169 per 100,000
    suspension_5_16: float = 0.035
    suspensions_per_child: float = 2.1
    permanent_exclusion_5_16: float = 0.0013
    persistent_absence_5_16: float = 0.18
    sen_support: float = 0.142
    ehcp: float = 0.053

    # Exploitation: share of children aged 10-17 exploited at some time in the window.
    exploitation_10_17: float = 0.022
    group_share: float = 0.6  # exploited children harmed alongside peers in a group
    perpetrator_known: float = 0.7  # exploited children linked to a recorded adult
    places_per_children: int = 8000  # one place of concern per this many children
    harmed_outside_area: float = 0.12  # exploited children harmed in another borough

    # How agencies come to know an exploited child.
    pathway_suspension: float = 0.55
    pathway_missing: float = 0.75
    police_flags_exploitation: float = 0.55
    pathway_ed: float = 0.25
    pathway_referral: float = 0.72
    assessment_records_factor: float = 0.8
    mace_referral: float = 0.6
    mace_plan: float = 0.75
    voluntary_referral: float = 0.45
    youth_justice_cce: float = 0.3
    nrm_trafficking: float = 0.7
    nrm_county_lines: float = 0.5
    disruption_per_perpetrator: float = 0.35

    # Mess (probability per record unless stated).
    typo: float = 0.03
    nickname: float = 0.12  # of records where a nickname exists
    swap_day_month: float = 0.01
    missing_dob: float = 0.02
    within_source_duplicate: float = 0.02
    unknown_code: float = 0.01
    impossible_date: float = 0.003
    formula_cell: float = 0.002
    blank_row: float = 0.001


DEFAULT = Params()
