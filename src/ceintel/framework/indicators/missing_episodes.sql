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
  same child. Episodes of being away from placement without authorisation
  are counted separately, not here.
unit: count
counts: events
numerator: missing episodes starting in the period (one per child per start day)
needs: ["event:missing"]
breakdowns: [age_band, sex, ethnicity_group, looked_after]
disclosure: events
*/
SELECT person_id, start_date AS date, MIN(source_id) AS source_id
FROM event
WHERE event_type = 'missing'
GROUP BY person_id, start_date
