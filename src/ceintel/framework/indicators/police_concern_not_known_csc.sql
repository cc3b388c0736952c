/*
id: police_concern_not_known_csc
title: Children with a police exploitation flag who are not known to children's social care
theme: missing_from_data
order: 20
question: >-
  Of the children the police recorded in an incident or missing report
  carrying an exploitation flag in the period, what share has no contact,
  referral, assessment, enquiry, plan or period in care recorded by
  children's social care at any time in the data?
cannot_tell: >-
  Whether the child needed social care: some children are supported by
  early help or other services, and some live outside the council's area
  (those living outside the partnership are not counted). It shows where
  information may not be reaching the council. Records of one child not
  linked across the police and the council make the share look higher; "at
  any time" includes contacts after the period.
unit: percentage
counts: children
numerator: children in the denominator with no children's social care record of any kind at any time
denominator: children under 18 named in a police incident or missing report with an exploitation flag in the period
needs: ["event:police_incident", "event:crime_victim", "event:crime_suspect", "event:arrest", "event:missing",
        "event:contact", "event:referral", "event:assessment",
        "event:section_47", "event:child_protection_plan", "event:looked_after", person]
breakdowns: [age_band, sex, ethnicity_group, looked_after, sen, disability]
*/
WITH police AS (
    SELECT person_id, start_date, source_id
    FROM event_age
    WHERE event_type IN ('police_incident', 'crime_victim', 'crime_suspect', 'arrest', 'missing')
      AND array_length(exploitation_types) > 0
      AND under_18
),
known_csc AS (
    SELECT DISTINCT person_id
    FROM event
    WHERE event_type IN ('contact', 'referral', 'assessment', 'section_47', 'child_protection_plan',
                         'looked_after')
)
SELECT u.person_id, u.start_date AS date, u.source_id, k.person_id IS NULL AS numerator
FROM police u
LEFT JOIN known_csc k ON k.person_id = u.person_id
