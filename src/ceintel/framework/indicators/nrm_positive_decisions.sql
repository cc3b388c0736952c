/*
id: nrm_positive_decisions
title: NRM referrals of children with a positive decision
theme: outcomes
order: 10
question: >-
  Of the National Referral Mechanism referrals of children made in the period
  that have a decision, what share received a positive decision (reasonable
  grounds to believe the child is a victim of modern slavery)?
cannot_tell: >-
  Referrals still waiting for a decision are left out, so recent periods
  rest on fewer referrals and may change. The decision held may be the
  reasonable grounds decision rather than the later conclusive grounds
  decision, and it is counted in the period of the referral, not of the
  decision. A negative decision does not mean the child was not harmed.
unit: percentage
counts: events
numerator: referrals in the denominator whose decision was positive
denominator: NRM referrals of children under 18 made in the period with a positive or negative decision recorded
needs: ["event:nrm_referral", person]
breakdowns: [age_band, sex]
disclosure: events
*/
SELECT person_id, start_date AS date, source_id, LOWER(detail) = 'positive' AS numerator
FROM event_age
WHERE event_type = 'nrm_referral'
  AND LOWER(detail) IN ('positive', 'negative')
  AND under_18
