/*
id: assessments_factor_trafficking_12a
title: Children whose social care assessment identified trafficking (CIN factor 12A)
theme: vulnerability_and_context
order: 14
question: >-
  How many children had a children's social care assessment completed in the
  period that identified trafficking (CIN census factor 12A) as a factor?
cannot_tell: >-
  Children not assessed by children's social care, and assessments still
  open. The factor is what the social worker recorded at the end of the
  assessment; recording practice varies between teams and over time. Where
  the council's case management extract and its Ofsted Annex A list both
  hold the last twelve months' assessments, each child is still counted
  once.
unit: count
counts: children
numerator: children under 18 with an assessment completed in the period that recorded factor 12A
needs: ["event:assessment", person]
breakdowns: [age_band, sex, ethnicity_group, looked_after, sen, disability]
*/
SELECT e.person_id, e.end_date AS date, e.source_id
FROM event e
JOIN person p ON p.person_id = e.person_id
WHERE e.event_type = 'assessment'
  AND e.end_date IS NOT NULL
  AND ',' || e.detail || ',' LIKE '%,12A,%'
  AND COALESCE(p.birth_month > e.end_date - INTERVAL 18 YEAR - INTERVAL 1 MONTH, p.role = 'child', FALSE)
