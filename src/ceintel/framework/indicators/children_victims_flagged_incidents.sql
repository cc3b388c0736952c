/*
id: children_victims_flagged_incidents
title: Children recorded by the police as victims in incidents flagged for exploitation
theme: patterns_of_harm
order: 52
question: >-
  How many children did the police record as victims in crimes or incidents
  that carried an exploitation flag, and how old were they?
cannot_tell: >-
  Children harmed but not reported to the police, or recorded without a
  flag. Children who are criminally exploited are often recorded as suspects
  rather than victims (see the indicator on children recorded as suspects);
  the role is the police record's, not a finding. Age is the child's age at
  the end of the period.
unit: count
counts: children
numerator: children under 18 recorded as victims in police incidents with an exploitation flag reported in the period
needs: ["event:police_incident", "event:crime_victim", person]
breakdowns: [age_band, sex, ethnicity_group, looked_after, sen, disability]
*/
SELECT e.person_id, e.start_date AS date, e.source_id
FROM event e
JOIN person p ON p.person_id = e.person_id
WHERE e.event_type IN ('police_incident', 'crime_victim')
  AND e.event_role = 'victim'
  AND array_length(e.exploitation_types) > 0
  AND COALESCE(p.birth_month > e.start_date - INTERVAL 18 YEAR - INTERVAL 1 MONTH, p.role = 'child', FALSE)
