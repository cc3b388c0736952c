/*
id: repeat_missing_no_concern
title: Children reported missing repeatedly for whom no agency has recorded an exploitation concern
theme: missing_from_data
order: 10
question: >-
  Of the children who went missing three or more times within twelve months
  (with the third or later episode in the period), what share has no
  exploitation concern recorded by any agency at any time in the data?
cannot_tell: >-
  Whether these children are being exploited: children go missing for many
  reasons. It shows where recognition may be missing, since going missing
  repeatedly is a recognised sign that a child may be exploited. "At any
  time" includes concerns recorded after the period, so the share for recent
  periods falls as concerns are recorded. Concerns held only in case notes
  or by agencies not in the data, and children whose records were not
  linked, make the share look higher.
unit: percentage
counts: children
numerator: children in the denominator with no exploitation concern of any type recorded by any agency at any time
denominator: >-
  children under 18 with a missing episode in the period that was at least
  their third in the twelve months up to and including that day
needs: ["event:missing", "event:away_without_authorisation", flag, event, person]
breakdowns: [age_band, sex, ethnicity_group, looked_after, sen, disability]
*/
WITH episode AS (
    SELECT person_id, start_date,
           MAX(CASE WHEN event_type = 'away_without_authorisation' THEN 1 ELSE 0 END) AS away
    FROM event
    WHERE event_type IN ('missing', 'away_without_authorisation')
    GROUP BY person_id, start_date
),
missing AS (
    SELECT e.person_id, e.start_date
    FROM episode e
    JOIN person p ON p.person_id = e.person_id
    WHERE e.away = 0
      AND COALESCE(p.birth_month > e.start_date - INTERVAL 18 YEAR - INTERVAL 1 MONTH, p.role = 'child', FALSE)
),
repeat_episode AS (
    SELECT m.person_id, m.start_date
    FROM missing m
    JOIN missing earlier ON earlier.person_id = m.person_id AND earlier.start_date <= m.start_date
        AND DATE_DIFF('day', earlier.start_date, m.start_date) < 365
    GROUP BY m.person_id, m.start_date
    HAVING COUNT(*) >= 3
),
with_concern AS (
    SELECT person_id FROM flag
    UNION
    SELECT person_id FROM event WHERE array_length(exploitation_types) > 0
    UNION
    SELECT person_id FROM event
    WHERE event_type = 'assessment'
      AND (',' || detail || ',' LIKE '%,11A,%' OR ',' || detail || ',' LIKE '%,12A,%'
           OR ',' || detail || ',' LIKE '%,24A,%')
)
SELECT r.person_id, r.start_date AS date, c.person_id IS NULL AS numerator
FROM repeat_episode r
LEFT JOIN with_concern c ON c.person_id = r.person_id
