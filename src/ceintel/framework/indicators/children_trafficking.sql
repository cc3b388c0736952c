/*
id: children_trafficking
title: Children identified as potential victims of trafficking or modern slavery, including NRM referrals
theme: patterns_of_harm
order: 26
question: >-
  How many children did an agency record a trafficking or modern slavery
  concern for, or refer to the National Referral Mechanism (NRM), during the
  period?
cannot_tell: >-
  Children no agency has yet recognised, and how severe or current the harm
  is. A child is counted in a period when a concern was recorded during it,
  or a flag with an end date was open during it. Children whose records were
  not linked across agencies may be counted twice. A rise can reflect better
  recognition and recording as much as more harm. An NRM referral is counted
  whatever form of exploitation it names, and whatever its decision; the
  decision is shown separately. Trafficking within the UK (for example
  moving children for county lines) may be recorded as criminal exploitation
  only.
unit: count
counts: children
numerator: children under 18 with a trafficking concern (flag, exploitation type on an event, CIN factor 12A) or an NRM referral in the period
needs: [flag, event, person]
breakdowns: [age_band, sex, ethnicity_group, looked_after, sen, disability]
*/
SELECT person_id, date, end_date, source_id
FROM concern
WHERE exploitation_type = 'trafficking'
  AND under_18
UNION ALL
SELECT person_id, start_date AS date, CAST(NULL AS DATE) AS end_date, source_id
FROM event_age
WHERE event_type = 'nrm_referral'
  AND under_18
