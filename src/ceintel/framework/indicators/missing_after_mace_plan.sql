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
    SELECT e.person_id, e.start_date, e.source_id
    FROM event e
    JOIN person p ON p.person_id = e.person_id
    WHERE e.event_type = 'mace_plan'
      AND COALESCE(p.birth_month > e.start_date - INTERVAL 18 YEAR - INTERVAL 1 MONTH, p.role = 'child', FALSE)
),
episode AS (
    SELECT person_id, start_date,
           MAX(CASE WHEN event_type = 'away_without_authorisation' THEN 1 ELSE 0 END) AS away
    FROM event
    WHERE event_type IN ('missing', 'away_without_authorisation')
    GROUP BY person_id, start_date
)
SELECT pl.person_id, pl.start_date AS date, pl.source_id,
       MAX(CASE WHEN e.person_id IS NOT NULL THEN 1 ELSE 0 END) = 1 AS numerator
FROM plan pl
LEFT JOIN episode e ON e.person_id = pl.person_id AND e.away = 0 AND e.start_date > pl.start_date
    AND DATE_DIFF('day', pl.start_date, e.start_date) <= 183
GROUP BY pl.person_id, pl.start_date, pl.source_id
