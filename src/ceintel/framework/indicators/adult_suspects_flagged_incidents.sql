/*
id: adult_suspects_flagged_incidents
title: Adults recorded by the police as suspects in incidents flagged for child exploitation
theme: perpetrators_and_disruption
order: 10
question: >-
  How many adults did the police record as suspects in crimes or incidents
  that carried an exploitation flag and named a child, in the period?
cannot_tell: >-
  Who is exploiting children: a suspect is not a finding of guilt, most
  people who exploit children are never identified, and incidents without a
  flag are not seen. Each adult is counted once per period (the "children"
  count counts persons). Adults are counted where they live; adults whose
  home is outside the partnership or not recorded are not counted here
  although the harm may have happened here. An adult is someone aged 18 or
  over on the day, or recorded only as an adult where no date of birth is
  held.
unit: count
counts: children
numerator: adults recorded as suspects in police incidents with an exploitation flag naming a child under 18, reported in the period
needs: ["event:police_incident", "event:crime_victim", "event:crime_suspect", person]
breakdowns: [sex]
*/
WITH named AS (
    SELECT COALESCE(incident_ref, source_id || ':' || event_id) AS incident,
           person_id, start_date, event_role, source_id, under_18, adult
    FROM event_age
    WHERE event_type IN ('police_incident', 'crime_victim', 'crime_suspect')
      AND array_length(exploitation_types) > 0
),
with_child AS (
    SELECT DISTINCT incident FROM named WHERE under_18
)
SELECT n.person_id, n.start_date AS date, n.source_id
FROM named n
JOIN with_child w ON w.incident = n.incident
WHERE n.event_role = 'suspect' AND n.adult
