/*
id: assessments_factor_cce_24a
title: Children whose social care assessment identified child criminal exploitation (CIN factor 24A)
theme: vulnerability_and_context
order: 12
question: >-
  How many children had a children's social care assessment completed in the
  period that identified child criminal exploitation (CIN census factor 24A)
  as a factor?
cannot_tell: >-
  Children not assessed by children's social care, and assessments still
  open. The factor is what the social worker recorded at the end of the
  assessment; recording practice varies between teams and over time. Factor
  24A exists only from the 2021-22 collection; before that criminal
  exploitation was often recorded as 13A gangs. Where the council's case
  management extract and its Ofsted Annex A list both hold the last twelve
  months' assessments, each child is still counted once.
unit: count
counts: children
numerator: children under 18 with an assessment completed in the period that recorded factor 24A
needs: ["event:assessment", person]
breakdowns: [age_band, sex, ethnicity_group, looked_after, sen, disability]
*/
SELECT person_id, end_date AS date, source_id
FROM event_age
WHERE event_type = 'assessment'
  AND end_date IS NOT NULL
  AND ',' || detail || ',' LIKE '%,24A,%'
  AND under_18_at_end
