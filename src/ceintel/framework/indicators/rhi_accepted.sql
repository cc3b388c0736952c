/*
id: rhi_accepted
title: Missing episodes after which the child took up a return home interview
theme: patterns_of_help
order: 22
question: >-
  Of the missing episodes of children that ended in the period, after what
  share did the child take up the return home interview offered?
cannot_tell: >-
  Why a child did not take up an interview: declining is the child's right,
  and many children speak more readily to a worker they already know. What
  the child said, and whether it was shared, is not counted. Interviews are
  matched to the latest missing or away episode of the same child that began
  on or before the interview, within 28 days; an interview after two close
  episodes is matched to the later one. Where no source records when the
  child came back (police missing reports and interview service records
  often give only when the child went missing), an episode's end is taken as
  its start day. Episodes are counted once per child per start day, and
  away-from-placement episodes are left out.
unit: percentage
counts: events
numerator: >-
  episodes in the denominator followed by a return home interview the child
  accepted
denominator: >-
  missing episodes of children under 18 ending in the period (one per child
  per start day; the start day where no return is recorded)
needs: ["event:missing", "event:away_without_authorisation", "event:return_home_interview", person]
breakdowns: [age_band, sex, ethnicity_group, looked_after]
disclosure: events
*/
WITH interview AS (
    SELECT person_id, start_date AS interview_date, LOWER(detail) AS accepted
    FROM event
    WHERE event_type = 'return_home_interview'
),
matched AS (
    -- each interview follows the latest episode (missing or away) that began on or before it, within 28 days
    SELECT i.person_id, i.interview_date, i.accepted, e.start_date,
           ROW_NUMBER() OVER (PARTITION BY i.person_id, i.interview_date, i.accepted
                              ORDER BY e.start_date DESC) AS k
    FROM interview i
    JOIN missing_episode e ON e.person_id = i.person_id AND e.start_date <= i.interview_date
        AND DATE_DIFF('day', e.start_date, i.interview_date) <= 28
)
SELECT e.person_id, COALESCE(e.end_date, e.start_date) AS date, e.source_id,
       MAX(CASE WHEN m.accepted = 'yes' THEN 1 ELSE 0 END) = 1 AS numerator
FROM missing_episode e
LEFT JOIN matched m ON m.person_id = e.person_id AND m.start_date = e.start_date AND m.k = 1
WHERE NOT e.away
  AND e.under_18
GROUP BY e.person_id, e.start_date, e.end_date, e.source_id
