/*
id: children_cse
title: Children identified as at risk of or experiencing sexual exploitation
theme: patterns_of_harm
order: 18
question: >-
  How many children did at least one agency record a concern of child sexual
  exploitation (CSE) for during the period?
cannot_tell: >-
  Children no agency has yet recognised, and how severe or current the harm
  is. A child is counted in a period when a concern was recorded during it,
  or a flag with an end date was open during it. Children whose records were
  not linked across agencies may be counted twice. A rise can reflect better
  recognition and recording as much as more harm. Sexual exploitation can be
  recorded as another form of sexual abuse, or only as a missing episode,
  without a CSE flag, so this is likely to undercount. Online sexual abuse
  recorded only as "online" is counted in the online indicator, not here.
unit: count
counts: children
numerator: children under 18 with a CSE concern recorded (flag, exploitation type on an event, or CIN factor 11A at the end of an assessment) in the period
needs: [flag, event, person]
breakdowns: [age_band, sex, ethnicity_group, looked_after, sen, disability]
*/
SELECT person_id, date, end_date, source_id
FROM concern
WHERE exploitation_type = 'cse'
  AND under_18
