/*
id: children_county_lines
title: Children identified as at risk of or experiencing criminal exploitation through county lines
theme: patterns_of_harm
order: 24
question: >-
  How many children did at least one agency record a county lines concern
  for during the period?
cannot_tell: >-
  Children no agency has yet recognised, and how severe or current the harm
  is. A child is counted in a period when a concern was recorded during it,
  or a flag with an end date was open during it. Children whose records were
  not linked across agencies may be counted twice. A rise can reflect better
  recognition and recording as much as more harm. County lines is a form of
  criminal exploitation; agencies may record only "CCE", and no CIN factor
  exists for county lines, so this is likely to undercount. Children from
  elsewhere exploited in the partnership's area are counted only if they
  live here.
unit: count
counts: children
numerator: children under 18 with a county lines concern recorded (flag or exploitation type on an event) in the period
needs: [flag, event, person]
breakdowns: [age_band, sex, ethnicity_group, looked_after, sen, disability]
*/
SELECT person_id, date, end_date, source_id
FROM concern
WHERE exploitation_type = 'county_lines'
  AND under_18
