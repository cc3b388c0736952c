/*
id: concern
order: 10
description: >-
  One row per recorded exploitation concern and type: every flag (spells, with
  their end_date); every event carrying exploitation types, once per type it
  carries (a point, end_date NULL); and every assessment whose CIN factors
  name exploitation (11A as cse, 12A as trafficking, 24A as cce; dated when
  the assessment was completed, or started if it is still open). Columns:
  person_id, exploitation_type (codes/exploitation_type.yaml; county_lines
  stays county_lines, so a CCE count includes it explicitly), date, end_date,
  source_id, recorded_as (flag, event or cin_factor), under_18 (at date, by
  the rule in event_age; FALSE when the person is not known). A concern
  recorded by several sources, or an event with two types, is several rows:
  count children, or de-duplicate.
*/
WITH recorded AS (
    SELECT person_id, exploitation_type, start_date AS date, end_date, source_id, 'flag' AS recorded_as
    FROM flag
    UNION ALL
    SELECT e.person_id, t.exploitation_type, e.start_date AS date, CAST(NULL AS DATE) AS end_date, e.source_id,
           'event' AS recorded_as
    FROM event e
    CROSS JOIN UNNEST(e.exploitation_types) AS t(exploitation_type)
    WHERE array_length(e.exploitation_types) > 0
    UNION ALL
    SELECT e.person_id, f.exploitation_type, COALESCE(e.end_date, e.start_date) AS date,
           CAST(NULL AS DATE) AS end_date, e.source_id, 'cin_factor' AS recorded_as
    FROM event e
    JOIN (VALUES ('11A', 'cse'), ('12A', 'trafficking'), ('24A', 'cce')) AS f(factor, exploitation_type)
        ON ',' || e.detail || ',' LIKE '%,' || f.factor || ',%'
    WHERE e.event_type = 'assessment'
)
SELECT c.person_id, c.exploitation_type, c.date, c.end_date, c.source_id, c.recorded_as,
       COALESCE(p.birth_month > c.date - INTERVAL 18 YEAR - INTERVAL 1 MONTH, p.role = 'child', FALSE) AS under_18
FROM recorded c
LEFT JOIN person p ON p.person_id = c.person_id
