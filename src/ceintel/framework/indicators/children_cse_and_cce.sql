/*
id: children_cse_and_cce
title: Children identified as at risk of or experiencing both sexual and criminal exploitation
theme: patterns_of_harm
order: 22
question: >-
  How many children did agencies record concerns of both sexual exploitation
  (CSE) and criminal exploitation (CCE, including county lines) for, within
  twelve months of each other?
cannot_tell: >-
  Whether the two forms of harm happened together or by the same people. A
  child is counted in a period when a CSE or CCE concern was recorded in it
  and a concern of the other type had been recorded in the twelve months up
  to that day, so a child whose second type is recorded later is counted
  from then on. Children sexually exploited while being criminally exploited
  are may be recorded under one type only, so this is likely to undercount;
  records of one child not linked across agencies can hide the overlap.
unit: count
counts: children
numerator: >-
  children under 18 with a CSE or CCE concern recorded in the period while a
  concern of the other type was recorded in the preceding twelve months
needs: [flag, event, person]
breakdowns: [age_band, sex, ethnicity_group, looked_after, sen, disability]
*/
WITH cse AS (
    SELECT person_id, date, source_id, under_18 FROM concern WHERE exploitation_type = 'cse'
),
cce AS (
    SELECT person_id, date, source_id, under_18 FROM concern WHERE exploitation_type IN ('cce', 'county_lines')
),
both_types AS (
    SELECT a.person_id, a.date, a.source_id, a.under_18
    FROM cse a JOIN cce b ON b.person_id = a.person_id AND b.date <= a.date
        AND DATE_DIFF('day', b.date, a.date) <= 365
    UNION ALL
    SELECT b.person_id, b.date, b.source_id, b.under_18
    FROM cce b JOIN cse a ON a.person_id = b.person_id AND a.date <= b.date
        AND DATE_DIFF('day', a.date, b.date) <= 365
)
SELECT DISTINCT person_id, date, source_id
FROM both_types
WHERE under_18
