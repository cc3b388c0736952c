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
SELECT person_id, start_date AS date, source_id
FROM event_age
WHERE event_type IN ('police_incident', 'crime_victim')
  AND event_role = 'victim'
  AND array_length(exploitation_types) > 0
  AND under_18
