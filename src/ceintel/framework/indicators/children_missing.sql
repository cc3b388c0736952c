/*
id: children_missing
title: Children reported missing
theme: patterns_of_harm
order: 44
question: >-
  How many children were reported missing (whereabouts not known) at least
  once in the period, by the police, the council or the return home
  interview service?
cannot_tell: >-
  Children whose absence nobody reported. Episodes the council's
  looked-after return records as away from placement (whereabouts known) are
  not counted as missing, even when another source recorded them as missing.
  Going missing is a sign that a child may be exploited, not evidence of it,
  and it says nothing about why the child went missing.
unit: count
counts: children
numerator: children under 18 with at least one missing episode starting in the period
needs: ["event:missing", "event:away_without_authorisation", person]
breakdowns: [age_band, sex, ethnicity_group, looked_after, sen, disability]
*/
SELECT person_id, start_date AS date, source_id
FROM missing_episode
WHERE NOT away
  AND under_18
