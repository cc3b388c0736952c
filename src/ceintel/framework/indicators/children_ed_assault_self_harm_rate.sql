/*
id: children_ed_assault_self_harm_rate
title: Children attending an emergency department after an assault or self-harm, per 10,000 children living in the area
theme: outcomes
order: 30
question: >-
  Among all children living in the area, how many per 10,000 attended an
  emergency department for an assault or for self-harm in the period?
cannot_tell: >-
  Harm that did not lead to a hospital visit, and visits to hospitals not in
  the health extract. The reason is the recorded chief complaint, which may
  not name an assault or self-harm that happened. Most attendances are
  unrelated to exploitation: the rate is the baseline to compare the share
  among children with exploitation concerns with, not a count of exploited
  children.
unit: rate_per_10000
counts: children
numerator: children under 18 with an emergency department attendance for assault or self-harm in the period, by home area
denominator: children aged 0 to 17 living in the area (population estimate for the year nearest the period)
needs: ["event:emergency_department_attendance", person, population]
breakdowns: [age_band, sex]
geographies: [partnership, council, ward]
*/
SELECT person_id, start_date AS date, source_id
FROM event_age
WHERE event_type = 'emergency_department_attendance'
  AND detail IN ('assault', 'self_harm')
  AND under_18
