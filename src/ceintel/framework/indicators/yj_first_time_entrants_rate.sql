/*
id: yj_first_time_entrants_rate
title: Children entering the youth justice system for the first time, per 10,000 children living in the area
theme: outcomes
order: 20
question: >-
  Among all children living in the area, how many per 10,000 received their
  first formal youth justice outcome (a youth caution, conditional caution or
  court sentence) in the period?
cannot_tell: >-
  Whether a child was being exploited when the offence happened. "First"
  means first in the youth justice data the partnership holds, so children
  with an earlier outcome before the data begin are counted as new in the
  first year. Community resolutions and outcomes whose formality is not
  recorded do not count. National first time entrant rates are per 100,000
  children aged 10 to 17; this rate divides by all children aged 0 to 17
  (the age band breakdown gives rates within each band). The rate is the
  baseline to compare the share among children with exploitation concerns
  with.
unit: rate_per_10000
counts: first_time
numerator: children under 18 whose first formal youth justice outcome in the data falls in the period, by home area
denominator: children aged 0 to 17 living in the area (population estimate for the year nearest the period)
needs: ["event:youth_justice_outcome", person, population]
breakdowns: [age_band, sex]
geographies: [partnership, council, ward]
*/
SELECT person_id, start_date AS date, source_id
FROM event_age
WHERE event_type = 'youth_justice_outcome'
  AND detail IN ('youth_caution', 'youth_conditional_caution', 'referral_order',
                 'youth_rehabilitation_order', 'detention_training_order')
  AND under_18
