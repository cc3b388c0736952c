/*
id: mace_plans
title: Multi-agency child exploitation (MACE) plans agreed for children
theme: patterns_of_help
order: 12
question: >-
  How many MACE plans to protect children and disrupt those exploiting them
  were agreed in the period?
cannot_tell: >-
  What the plan contained, whether it was carried out, or whether it made
  the child safer. Plans are counted in the period they were agreed, not
  while they stay open.
unit: count
counts: events
numerator: MACE plans for children under 18 agreed in the period
needs: ["event:mace_plan", person]
breakdowns: [age_band, sex, ethnicity_group, looked_after]
disclosure: events
*/
SELECT e.person_id, e.start_date AS date, e.source_id
FROM event e
JOIN person p ON p.person_id = e.person_id
WHERE e.event_type = 'mace_plan'
  AND COALESCE(p.birth_month > e.start_date - INTERVAL 18 YEAR - INTERVAL 1 MONTH, p.role = 'child', FALSE)
