/*
id: children_suspended_or_excluded_rate
title: Children suspended or permanently excluded from school, per 10,000 children living in the area
theme: vulnerability_and_context
order: 42
question: >-
  Among all children living in the area, how many per 10,000 were suspended
  or permanently excluded from school in the period?
cannot_tell: >-
  Why a child was suspended: exclusion from school can leave children more
  exposed to those who exploit them, and behaviour that leads to suspension
  can be a response to harm. Only schools in the education extract are
  covered. The denominator is all children aged 0 to 17, not only those of
  school age, so the rate is lower than school-based rates; the age band
  breakdown gives rates within each band. The rate is the baseline to
  compare the share among children with exploitation concerns with.
unit: rate_per_10000
counts: children
numerator: children under 18 with a suspension or permanent exclusion starting in the period, by home area
denominator: children aged 0 to 17 living in the area (population estimate for the year nearest the period)
needs: ["event:suspension", "event:permanent_exclusion", person, population]
breakdowns: [age_band, sex]
geographies: [partnership, council, ward]
*/
SELECT person_id, start_date AS date, source_id
FROM event_age
WHERE event_type IN ('suspension', 'permanent_exclusion')
  AND under_18
