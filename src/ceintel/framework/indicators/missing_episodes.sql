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
WITH episode AS (
    SELECT person_id, start_date, MIN(source_id) AS source_id,
           MAX(CASE WHEN event_type = 'away_without_authorisation' THEN 1 ELSE 0 END) AS away
    FROM event
    WHERE event_type IN ('missing', 'away_without_authorisation')
    GROUP BY person_id, start_date
)
SELECT e.person_id, e.start_date AS date, e.source_id
FROM episode e
JOIN person p ON p.person_id = e.person_id
WHERE e.away = 0
  AND COALESCE(p.birth_month > e.start_date - INTERVAL 18 YEAR - INTERVAL 1 MONTH, p.role = 'child', FALSE)
