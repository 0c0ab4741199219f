-- The "now" of the warehouse: the latest event time in the delivered data (a report received, a
-- review event, an action decided or taking effect), never the wall clock, so a re-run on the same
-- data gives the same answer. The simulator's truth uses the same definition.
with

event_times as (

    select max(received_at) as event_at from {{ ref('stg_platform__reports') }}
    union all
    select max(event_ts) as event_at from {{ ref('stg_platform__review_events') }}
    union all
    select max(greatest(decided_at, effective_at)) as event_at
    from {{ ref('stg_platform__enforcement_actions') }}

),

final as (

    select max(event_at) as as_of
    from event_times

)

select * from final
