/*
id: children_cce
title: Children identified as at risk of or experiencing criminal exploitation
theme: patterns_of_harm
order: 20
question: >-
  How many children did at least one agency record a concern of child
  criminal exploitation (CCE), including county lines, for during the period?
cannot_tell: >-
  Children no agency has yet recognised, and how severe or current the harm
  is. A child is counted in a period when a concern was recorded during it,
  or a flag with an end date was open during it. Children whose records were
  not linked across agencies may be counted twice. A rise can reflect better
  recognition and recording as much as more harm. Criminal exploitation is
  often recorded only as an offence the child is suspected of, or as a
  missing episode, without a CCE flag, so this is likely to undercount.
unit: count
counts: children
numerator: children under 18 with a CCE or county lines concern recorded (flag, exploitation type on an event, or CIN factor 24A at the end of an assessment) in the period
needs: [flag, event, person]
breakdowns: [age_band, sex, ethnicity_group, looked_after, sen, disability]
*/
-- county lines is a form of CCE; an event recording both is one concern
SELECT DISTINCT person_id, date, end_date, source_id
FROM concern
WHERE exploitation_type IN ('cce', 'county_lines')
  AND under_18
