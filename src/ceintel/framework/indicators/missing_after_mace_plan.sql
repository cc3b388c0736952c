/*
id: missing_after_mace_plan
title: Children with a MACE plan who were reported missing in the six months after it was agreed
theme: outcomes
order: 40
question: >-
  Of the children whose MACE plan was agreed in the period, what share were
  reported missing again in the six months after the plan?
cannot_tell: >-
  Whether the plan made the child safer in other ways, or why the child went
  missing. Plans agreed in the last six months have not had six months yet,
  so the share for recent periods will rise as data arrive. Away-from-placement
  episodes are not counted.
unit: percentage
counts: children
numerator: children in the denominator with a missing episode starting 1 to 183 days after the plan was agreed
denominator: children under 18 with a MACE plan agreed in the period
needs: ["event:mace_plan", "event:missing", "event:away_without_authorisation", person]
breakdowns: [age_band, sex]
*/
WITH plan AS (
    SELECT person_id, start_date, source_id
    FROM event_age
    WHERE event_type = 'mace_plan'
      AND under_18
)
SELECT pl.person_id, pl.start_date AS date, pl.source_id,
       MAX(CASE WHEN e.person_id IS NOT NULL THEN 1 ELSE 0 END) = 1 AS numerator
FROM plan pl
LEFT JOIN missing_episode e ON e.person_id = pl.person_id AND NOT e.away AND e.start_date > pl.start_date
    AND e.start_date <= pl.start_date + INTERVAL 183 DAY
GROUP BY pl.person_id, pl.start_date, pl.source_id
