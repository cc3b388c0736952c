/*
id: children_cce
title: Children identified as at risk of or experiencing criminal exploitation
theme: patterns_of_harm
order: 20
question: >-
  How many children did at least one agency record a concern of criminal
  exploitation (CCE) for, open at any time in the period?
cannot_tell: >-
  Children no agency has yet recognised as exploited, and how severe or
  current the harm is. A concern recorded by one agency may not be known to
  others. Changes over time can reflect better recognition and recording as
  much as changes in harm.
unit: count
counts: children
numerator: children with a CCE concern recorded by any source, open at any time in the period
needs: [flag]
breakdowns: [age_band, sex, ethnicity_group, looked_after, sen, disability]
*/
SELECT person_id, start_date AS date, end_date, source_id
FROM flag
WHERE exploitation_type = 'cce'
