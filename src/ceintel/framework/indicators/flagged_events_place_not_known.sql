/*
id: flagged_events_place_not_known
title: Police incidents and missing reports flagged for exploitation with no location in a small area, by source
theme: data_quality
order: 40
question: >-
  What share of the police incidents and missing person reports carrying an
  exploitation flag in the period has no recorded location that places it in
  a small area, so that it cannot be mapped where it happened?
cannot_tell: >-
  Where those incidents happened. A location can be missing, or given only
  as a name the system cannot place; places online have no small area by
  nature. Each person named in an incident is one row here, so incidents
  naming several people weigh more.
unit: percentage
counts: events
numerator: rows in the denominator with no place, or a place with no small area
denominator: police incident and missing report rows with an exploitation flag in the period, by source
needs: ["event:police_incident", "event:crime_victim", "event:crime_suspect", "event:missing", place]
breakdowns: [source]
geographies: [partnership, council]
disclosure: events
*/
SELECT e.person_id, e.start_date AS date, e.source_id, pl.lsoa IS NULL AS numerator
FROM event e
LEFT JOIN place pl ON pl.place_id = e.place_id
WHERE e.event_type IN ('police_incident', 'crime_victim', 'crime_suspect', 'missing')
  AND array_length(e.exploitation_types) > 0
