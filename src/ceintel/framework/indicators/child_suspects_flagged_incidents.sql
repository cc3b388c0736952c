/*
id: child_suspects_flagged_incidents
title: Children recorded by the police as suspects in incidents flagged for exploitation
theme: patterns_of_help
order: 50
question: >-
  How many children did the police record as suspects, rather than victims,
  in crimes or incidents that carried an exploitation flag?
cannot_tell: >-
  Whether the child was treated as a victim in the end. A child recorded as
  a suspect in an incident flagged for exploitation may be a victim of
  criminal exploitation; the role is the police record's, not a finding of
  guilt, and the same child may be recorded as a victim elsewhere. Incidents
  without a flag are not seen.
unit: count
counts: children
numerator: children under 18 recorded as suspects in police incidents with an exploitation flag reported in the period
needs: ["event:police_incident", "event:crime_suspect", person]
breakdowns: [age_band, sex, ethnicity_group, looked_after, sen, disability]
*/
SELECT person_id, start_date AS date, source_id
FROM event_age
WHERE event_type IN ('police_incident', 'crime_suspect')
  AND event_role = 'suspect'
  AND array_length(exploitation_types) > 0
  AND under_18
