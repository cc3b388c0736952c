/*
id: children_cce
title: Children identified as at risk of or experiencing criminal exploitation
theme: patterns_of_harm
order: 20
question: >-
  How many children did at least one agency record a concern of child
  criminal exploitation (CCE), including county lines, for during the period?
cannot_tell: >-
  Children no agency has yet recognised, and how severe or current the harm
  is. A child is counted in a period when a concern was recorded during it,
  or a flag with an end date was open during it. Children whose records were
  not linked across agencies may be counted twice. A rise can reflect better
  recognition and recording as much as more harm. Criminal exploitation is
  often recorded only as an offence the child is suspected of, or as a
  missing episode, without a CCE flag, so this is likely to undercount.
unit: count
counts: children
numerator: children under 18 with a CCE or county lines concern recorded (flag, exploitation type on an event, or CIN factor 24A at the end of an assessment) in the period
needs: [flag, event, person]
breakdowns: [age_band, sex, ethnicity_group, looked_after, sen, disability]
*/
WITH concern AS (
    SELECT person_id, start_date AS date, end_date, source_id
    FROM flag
    WHERE exploitation_type IN ('cce', 'county_lines')
    UNION ALL
    SELECT person_id, start_date AS date, CAST(NULL AS DATE) AS end_date, source_id
    FROM event
    WHERE (array_contains(exploitation_types, 'cce') OR array_contains(exploitation_types, 'county_lines'))
    UNION ALL
    SELECT person_id, COALESCE(end_date, start_date) AS date, CAST(NULL AS DATE) AS end_date, source_id
    FROM event
    WHERE event_type = 'assessment' AND ',' || detail || ',' LIKE '%,24A,%'
)
SELECT c.person_id, c.date, c.end_date, c.source_id
FROM concern c
JOIN person p ON p.person_id = c.person_id
WHERE COALESCE(p.birth_month > c.date - INTERVAL 18 YEAR - INTERVAL 1 MONTH, p.role = 'child', FALSE)
