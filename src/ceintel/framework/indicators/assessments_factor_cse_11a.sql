/*
id: assessments_factor_cse_11a
title: Children whose social care assessment identified child sexual exploitation (CIN factor 11A)
theme: vulnerability_and_context
order: 10
question: >-
  How many children had a children's social care assessment completed in the
  period that identified child sexual exploitation (CIN census factor 11A)
  as a factor?
cannot_tell: >-
  Children not assessed by children's social care, and assessments still
  open. The factor is what the social worker recorded at the end of the
  assessment; recording practice varies between teams and over time. Where
  the council's case management extract and its Ofsted Annex A list both
  hold the last twelve months' assessments, each child is still counted
  once.
unit: count
counts: children
numerator: children under 18 with an assessment completed in the period that recorded factor 11A
needs: ["event:assessment", person]
breakdowns: [age_band, sex, ethnicity_group, looked_after, sen, disability]
*/
SELECT person_id, end_date AS date, source_id
FROM event_age
WHERE event_type = 'assessment'
  AND end_date IS NOT NULL
  AND ',' || detail || ',' LIKE '%,11A,%'
  AND under_18_at_end
