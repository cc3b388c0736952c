/*
id: disruption_actions
title: Police disruption actions against those who exploit children, by where they were served
theme: perpetrators_and_disruption
order: 30
question: >-
  How many disruption actions (child abduction warning notices, sexual risk
  and harm prevention orders, slavery and trafficking orders, closure orders,
  hotel information requests) did the police record in the period, and
  where?
cannot_tell: >-
  Whether the disruption protected children or stopped the exploitation.
  Disruption is known to be poorly recorded, and actions taken by other
  agencies (for example licensing or housing) are not in the data. Each
  action is counted once, on the day it was served, in the small area of its
  recorded location; actions with no usable location are counted for the
  partnership when the person it was served on lives here. The types are not
  shown apart.
unit: count
counts: events
numerator: disruption actions served in the period, by location
needs: ["event:disruption_cawn", "event:disruption_sro", "event:disruption_shpo", "event:disruption_strpo",
        "event:disruption_stpo", "event:disruption_closure_order", "event:disruption_hotel_notice", place]
area: event
disclosure: events
*/
SELECT e.person_id, e.start_date AS date, pl.lsoa, e.source_id
FROM event e
LEFT JOIN place pl ON pl.place_id = e.place_id
WHERE e.event_type IN ('disruption_cawn', 'disruption_sro', 'disruption_shpo', 'disruption_strpo',
                       'disruption_stpo', 'disruption_closure_order', 'disruption_hotel_notice')
