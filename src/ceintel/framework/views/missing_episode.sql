/*
id: missing_episode
order: 20
description: >-
  Missing and away-from-placement episodes, one row per person per start day:
  the police and the council often record the same episode, so every event of
  type missing or away_without_authorisation starting that day is one
  episode. Columns: person_id, start_date, end_date (the latest end any
  source gives), source_id (the first source, alphabetically), away (TRUE if
  any source records the day as away from placement rather than missing),
  under_18 (at start_date, from event_age).
*/
SELECT person_id, start_date, MAX(end_date) AS end_date, MIN(source_id) AS source_id,
       MAX(CASE WHEN event_type = 'away_without_authorisation' THEN 1 ELSE 0 END) = 1 AS away,
       under_18  -- one value per person and day, so grouping by it splits nothing
FROM event_age
WHERE event_type IN ('missing', 'away_without_authorisation')
GROUP BY person_id, start_date, under_18
