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
SELECT person_id, start_date AS date, source_id
FROM event_age
WHERE event_type = 'mace_plan'
  AND under_18
