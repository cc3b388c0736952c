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
WITH missing AS (
    SELECT person_id, start_date FROM missing_episode WHERE NOT away AND under_18
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
    SELECT DISTINCT person_id FROM concern
)
SELECT r.person_id, r.start_date AS date, c.person_id IS NULL AS numerator
FROM repeat_episode r
LEFT JOIN with_concern c ON c.person_id = r.person_id
