/*
id: nrm_referrals_children
title: National Referral Mechanism (NRM) referrals of children as potential victims of modern slavery
theme: patterns_of_help
order: 30
question: >-
  How many times were children referred to the National Referral Mechanism
  as potential victims of trafficking or modern slavery in the period?
cannot_tell: >-
  Referrals made by first responders whose NRM records are not shared with
  the partnership (councils, charities and others refer as well as the
  police). Every referral is counted, so a child referred twice counts
  twice. The decision is shown separately; a referral is not a finding that
  the child was trafficked, and a child who is not referred may still be a
  victim.
unit: count
counts: events
numerator: NRM referrals of children under 18 made in the period
needs: ["event:nrm_referral", person]
breakdowns: [age_band, sex, ethnicity_group, looked_after]
disclosure: events
*/
SELECT person_id, start_date AS date, source_id
FROM event_age
WHERE event_type = 'nrm_referral'
  AND under_18
