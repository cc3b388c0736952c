/*
id: children_repeat_missing
title: Children reported missing three or more times within twelve months
theme: patterns_of_harm
order: 46
question: >-
  How many children went missing repeatedly: a third (or later) missing
  episode within twelve months happened in the period?
cannot_tell: >-
  Why the child went missing or who they were with. The twelve months are
  counted back from each episode, not the reporting period: a child is
  counted in a period when they had, during it, an episode that was at
  least their third in the twelve months up to that day. So a child with two
  episodes in March and one in April is counted in April's quarter, and
  episodes before the data begin are not seen (the first year undercounts).
  Away-from-placement episodes are not counted. Episodes recorded by two
  sources on the same day count once; a child whose records were not linked
  can look like two children with fewer episodes each.
unit: count
counts: children
numerator: >-
  children under 18 with a missing episode in the period that was at least
  their third in the twelve months up to and including that day
needs: ["event:missing", "event:away_without_authorisation", person]
breakdowns: [age_band, sex, ethnicity_group, looked_after, sen, disability]
*/
WITH missing AS (
    SELECT person_id, start_date FROM missing_episode WHERE NOT away AND under_18
)
SELECT m.person_id, m.start_date AS date
FROM missing m
JOIN missing earlier ON earlier.person_id = m.person_id AND earlier.start_date <= m.start_date
    AND DATE_DIFF('day', earlier.start_date, m.start_date) < 365
GROUP BY m.person_id, m.start_date
HAVING COUNT(*) >= 3
