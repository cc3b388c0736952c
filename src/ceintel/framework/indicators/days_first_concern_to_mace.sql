/*
id: days_first_concern_to_mace
title: Days from the first exploitation concern recorded by any agency to referral to the MACE panel
theme: patterns_of_help
order: 14
question: >-
  For children referred to the MACE panel in the period, how long (median
  days) after any agency first recorded an exploitation concern for them did
  the referral come?
cannot_tell: >-
  How long the child had been harmed before anyone recorded a concern, which
  is usually longer. "First" means first in the data the partnership holds,
  so delays that began before the data start look shorter. Concerns recorded
  only by the MACE tracker itself do not count as the first concern;
  referrals with no earlier concern from another source are left out of the
  median (the number of referrals in the median is shown). Concerns held by
  agencies not in the data, or records not linked to the child, make the
  delay look shorter.
unit: median_days
counts: events
numerator: MACE referrals of children under 18 in the period with an earlier or same-day concern from another source
needs: ["event:mace_referral", flag, event, person]
breakdowns: [age_band, sex]
disclosure: events
*/
WITH mace_source AS (
    SELECT DISTINCT source_id FROM event WHERE event_type IN ('mace_referral', 'mace_plan')
),
outside_mace AS (
    SELECT c.person_id, c.date
    FROM concern c
    LEFT JOIN mace_source m ON m.source_id = c.source_id
    WHERE m.source_id IS NULL
),
referral AS (
    SELECT person_id, start_date, source_id, event_id
    FROM event_age
    WHERE event_type = 'mace_referral'
      AND under_18
)
SELECT r.person_id, r.start_date AS date, r.source_id,
       DATE_DIFF('day', MIN(o.date), r.start_date) AS value
FROM referral r
JOIN outside_mace o ON o.person_id = r.person_id AND o.date <= r.start_date
GROUP BY r.person_id, r.start_date, r.source_id, r.event_id
