/*
id: children_missing_rate
title: Children reported missing, per 10,000 children living in the area
theme: patterns_of_harm
order: 45
question: >-
  Relative to how many children live there, where do the children live who
  were reported missing in the period, by ward and small area?
cannot_tell: >-
  Where children went or were found: children are placed by their home
  address. Children in care placed far from home are counted where their
  records put their home, which may be the placement. Episodes recorded as
  away from placement are not counted. Small areas have few children, so one
  or two children change the rate a lot.
unit: rate_per_10000
counts: children
numerator: children under 18 with at least one missing episode starting in the period, by home area
denominator: children aged 0 to 17 living in the area (population estimate for the year nearest the period)
needs: ["event:missing", "event:away_without_authorisation", person, population]
breakdowns: [age_band, sex]
geographies: [partnership, council, ward, small_area]
*/
SELECT person_id, start_date AS date, source_id
FROM missing_episode
WHERE NOT away
  AND under_18
