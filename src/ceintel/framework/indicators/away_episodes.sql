/*
id: away_episodes
title: Episodes of children looked after being away from placement without authorisation
theme: patterns_of_harm
order: 42
question: >-
  How many times were children in care recorded as away from their placement
  without authorisation (whereabouts known), kept apart from missing
  episodes?
cannot_tell: >-
  Episodes the council did not record. Only the council's looked-after
  children return (SSDA903) tells "away" apart from "missing"; a day it
  records as away is counted here and not as a missing episode, even when
  another source called it missing. Episodes are counted once per child per
  start day. Whether a child was harmed while away is not recorded.
unit: count
counts: events
numerator: episodes of being away from placement without authorisation starting in the period (one per child per start day)
needs: ["event:away_without_authorisation", person]
breakdowns: [age_band, sex, ethnicity_group]
disclosure: events
*/
SELECT person_id, start_date AS date, MIN(source_id) AS source_id
FROM event_age
WHERE event_type = 'away_without_authorisation'
  AND under_18
GROUP BY person_id, start_date
