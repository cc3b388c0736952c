/*
id: event_age
order: 10
description: >-
  Every event of a person the identity step knows (the warehouse event table
  joined to person, so events with no person are left out), with all the
  event's columns and whether the person was a child at the event. This is
  the one place the framework's age rule lives: under 18 as far as the birth
  month tells (so in the month of their 18th birthday a young person still
  counts), and, when no source gives a birth month, the role the identity
  step settled on. Columns added to event's: under_18 (at start_date),
  under_18_at_end (at end_date, or start_date when the event has no end:
  for assessments, which count when they are completed), adult (18 or over
  at start_date by the same rule; a person of unknown age and role is
  neither a child nor an adult).
*/
SELECT e.*,
       COALESCE(p.birth_month > e.start_date - INTERVAL 18 YEAR - INTERVAL 1 MONTH,
                p.role = 'child', FALSE) AS under_18,
       COALESCE(p.birth_month > COALESCE(e.end_date, e.start_date) - INTERVAL 18 YEAR - INTERVAL 1 MONTH,
                p.role = 'child', FALSE) AS under_18_at_end,
       COALESCE(p.birth_month <= e.start_date - INTERVAL 18 YEAR - INTERVAL 1 MONTH,
                p.role = 'adult', FALSE) AS adult
FROM event e
JOIN person p ON p.person_id = e.person_id
