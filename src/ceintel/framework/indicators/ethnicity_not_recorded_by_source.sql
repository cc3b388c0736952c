/*
id: ethnicity_not_recorded_by_source
title: Records of children with exploitation concerns that give no ethnic group, by source
theme: data_quality
order: 22
question: >-
  For each source, what share of its records of children with exploitation
  concerns (records in use in the period) gives no ethnic group?
cannot_tell: >-
  Why ethnicity is missing: some extracts have no ethnicity field at all,
  some leave it blank or record "not stated"; a refusal to answer counts as
  recorded. Linking records across agencies can fill the gap (see the share
  of children whose ethnic group no agency records). A record counts in
  every period between its first and last event (records with no events,
  such as some Ofsted Annex A lists, on the extract date), so the same
  record appears in several periods. Children are those with an exploitation
  concern at any time in the data who are known as children; records made
  after a child turned 18 are included.
unit: percentage
counts: events
numerator: records in the denominator with no ethnic group, or ethnicity recorded as not known
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
       r.ethnicity_group IS NULL OR r.ethnicity_group = 'not_known' AS numerator
FROM person_record r
JOIN with_concern c ON c.person_id = r.person_id
JOIN person p ON p.person_id = r.person_id
JOIN source s ON s.source_id = r.source_id
LEFT JOIN active a ON a.source_id = r.source_id AND a.record_id = r.record_id
WHERE p.role = 'child'
