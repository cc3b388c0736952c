/*
id: children_online
title: Children identified as at risk of or experiencing online exploitation or abuse
theme: patterns_of_harm
order: 28
question: >-
  How many children did at least one agency record a concern of online
  exploitation or online sexual abuse for during the period?
cannot_tell: >-
  Children no agency has yet recognised, and how severe or current the harm
  is. A child is counted in a period when a concern was recorded during it,
  or a flag with an end date was open during it. Children whose records were
  not linked across agencies may be counted twice. A rise can reflect better
  recognition and recording as much as more harm. Online harm can be
  recorded under sexual or criminal exploitation without an online flag,
  much of it is never reported, and there is no CIN factor for it.
unit: count
counts: children
numerator: children under 18 with an online exploitation concern recorded (flag or exploitation type on an event) in the period
needs: [flag, event, person]
breakdowns: [age_band, sex, ethnicity_group, looked_after, sen, disability]
*/
SELECT person_id, date, end_date, source_id
FROM concern
WHERE exploitation_type = 'online'
  AND under_18
