/*
id: children_serious_youth_violence
title: Children recorded with a serious youth violence concern
theme: patterns_of_harm
order: 32
question: >-
  How many children did at least one agency record a serious youth violence
  concern for during the period?
cannot_tell: >-
  Children no agency has yet recognised, and how severe or current the harm
  is. A child is counted in a period when a concern was recorded during it,
  or a flag with an end date was open during it. Children whose records were
  not linked across agencies may be counted twice. A rise can reflect better
  recognition and recording as much as more harm. Serious youth violence is
  not itself a form of exploitation, and a flag does not say whether the
  child was harmed or recorded as a suspect; many children recorded here are
  victims. Violence recorded only as an offence, without the flag, is not
  counted.
unit: count
counts: children
numerator: children under 18 with a serious youth violence concern recorded (flag or exploitation type on an event) in the period
needs: [flag, event, person]
breakdowns: [age_band, sex, ethnicity_group, looked_after, sen, disability]
*/
SELECT person_id, date, end_date, source_id
FROM concern
WHERE exploitation_type = 'serious_youth_violence'
  AND under_18
