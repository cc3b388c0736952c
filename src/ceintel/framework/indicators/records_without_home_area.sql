/*
id: records_without_home_area
title: Records of children with exploitation concerns not linked to a home small area, by source
theme: data_quality
order: 32
question: >-
  For each source, what share of its records of children with exploitation
  concerns (records in use in the period) gives no home address that places
  the child in a small area?
cannot_tell: >-
  Whether the child's home is known from another source: a child is placed
  on the map if any linked record gives a home (see the share of children
  whose home small area is not known). Children known only to a source
  covering areas beyond the partnership, with no address, are not counted
  for the partnership in any indicator, including this one. A record counts
  in every period between its first and last event (records with no events,
  such as some Ofsted Annex A lists, on the extract date), so the same
  record appears in several periods. Children are those with an exploitation
  concern at any time in the data who are known as children; records made
  after a child turned 18 are included.
unit: percentage
counts: events
numerator: records in the denominator with no home small area
denominator: records of children with exploitation concerns in use in the period, by source
needs: [flag, event, person, person_record, source]
breakdowns: [source]
geographies: [partnership, council]
disclosure: events
*/
WITH with_concern AS (
    SELECT DISTINCT person_id FROM concern
),
active AS (
    -- when each source record was in use: from its first to its last event
    SELECT source_id, record_id, MIN(start_date) AS first_date,
           MAX(COALESCE(end_date, start_date)) AS last_date
    FROM event
    GROUP BY source_id, record_id
)
SELECT r.person_id, COALESCE(a.first_date, s.extracted_at) AS date,
       COALESCE(a.last_date, s.extracted_at) AS end_date, r.source_id,
       r.home_lsoa IS NULL AS numerator
FROM person_record r
JOIN with_concern c ON c.person_id = r.person_id
JOIN person p ON p.person_id = r.person_id
JOIN source s ON s.source_id = r.source_id
LEFT JOIN active a ON a.source_id = r.source_id AND a.record_id = r.record_id
WHERE p.role = 'child'
