/*
id: mace_referrals
title: Referrals of children to the multi-agency child exploitation (MACE) panel
theme: patterns_of_help
order: 10
question: >-
  How many times were children referred to the multi-agency child
  exploitation (MACE) panel in the period?
cannot_tell: >-
  Whether the referral led to help, or how many exploited children were not
  referred (see the share never referred). Every referral is counted, so a
  child referred twice counts twice. Local MACE thresholds and arrangements
  differ, so counts are hard to compare between partnerships.
unit: count
counts: events
numerator: MACE referrals of children under 18 made in the period
needs: ["event:mace_referral", person]
breakdowns: [age_band, sex, ethnicity_group, looked_after, sen, disability]
disclosure: events
*/
SELECT person_id, start_date AS date, source_id
FROM event_age
WHERE event_type = 'mace_referral'
  AND under_18
