/*
id: adults_linked_to_several_children
title: Adults recorded as suspects in police incidents with two or more different children harmed, within twelve months
theme: perpetrators_and_disruption
order: 20
question: >-
  How many adults did the police record as suspects in incidents that, within
  twelve months, named two or more different children as victims (or named
  children in an incident flagged for exploitation)?
cannot_tell: >-
  Who is exploiting children: a suspect is not a finding of guilt, and most
  people who exploit children are never named. Links come only from people
  named in the same police incident; recorded associations between people
  are not yet read. Children named in an exploitation-flagged incident count
  whether recorded as victim or suspect, because exploited children are
  often recorded as suspects; witnesses do not count. An adult is counted in
  a period when, on the day of an incident in it, two or more different
  children had been linked to them in the twelve months up to that day; each
  adult once per period (the "children" count counts persons). Adults whose
  home is outside the partnership or not recorded are not counted here.
  Children whose records were not linked across incidents may look like two
  children.
unit: count
counts: children
numerator: >-
  adults recorded as suspects in police incidents in the period who, by that
  day, had been linked to two or more different children in the preceding
  twelve months
needs: ["event:police_incident", "event:crime_victim", "event:crime_suspect", person]
breakdowns: [sex]
*/
WITH named AS (
    SELECT COALESCE(incident_ref, source_id || ':' || event_id) AS incident,
           person_id, start_date, event_role, under_18, adult,
           array_length(exploitation_types) > 0 AS flagged
    FROM event_age
    WHERE event_type IN ('police_incident', 'crime_victim', 'crime_suspect')
),
link AS (
    SELECT a.person_id AS adult_id, a.start_date, c.person_id AS child_id
    FROM named a
    JOIN named c ON c.incident = a.incident AND c.person_id <> a.person_id
    WHERE a.event_role = 'suspect' AND a.adult
      AND c.under_18
      AND (c.event_role = 'victim' OR (c.flagged AND c.event_role = 'suspect'))
)
SELECT l.adult_id AS person_id, l.start_date AS date
FROM link l
JOIN link earlier ON earlier.adult_id = l.adult_id AND earlier.start_date <= l.start_date
    AND DATE_DIFF('day', earlier.start_date, l.start_date) < 365
GROUP BY l.adult_id, l.start_date
HAVING COUNT(DISTINCT earlier.child_id) >= 2
