/*
id: children_financial
title: Children identified as at risk of or experiencing financial exploitation
theme: patterns_of_harm
order: 30
question: >-
  How many children did at least one agency record a concern of child
  financial exploitation for during the period?
cannot_tell: >-
  Children no agency has yet recognised, and how severe or current the harm
  is. A child is counted in a period when a concern was recorded during it,
  or a flag with an end date was open during it. Children whose records were
  not linked across agencies may be counted twice. A rise can reflect better
  recognition and recording as much as more harm. Financial exploitation has
  no statutory definition or CIN factor, and police may record it only as an
  offence (for example money laundering) without a flag, so this is likely
  to undercount.
unit: count
counts: children
numerator: children under 18 with a financial exploitation concern recorded (flag or exploitation type on an event) in the period
needs: [flag, event, person]
breakdowns: [age_band, sex, ethnicity_group, looked_after, sen, disability]
*/
SELECT person_id, date, end_date, source_id
FROM concern
WHERE exploitation_type = 'financial'
  AND under_18
