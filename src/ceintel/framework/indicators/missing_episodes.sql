/*
id: missing_episodes
title: Missing episodes of children
theme: patterns_of_harm
order: 40
question: >-
  How many times were children reported missing (whereabouts not known),
  counting every episode the police or children's social care recorded?
cannot_tell: >-
  Episodes never reported. Where police and the council both recorded the
  same episode it is counted once only if it starts on the same day for the
  same child. A day the council's looked-after return records as away from
  placement (whereabouts known) is counted as away, not here, even when
  another source recorded it as missing. Going missing is a sign that a child
  may be exploited, not evidence of it.
unit: count
counts: events
numerator: missing episodes starting in the period (one per child per start day)
needs: ["event:missing", "event:away_without_authorisation", person]
breakdowns: [age_band, sex, ethnicity_group, looked_after]
disclosure: events
*/
SELECT person_id, start_date AS date, source_id
FROM missing_episode
WHERE NOT away
  AND under_18
