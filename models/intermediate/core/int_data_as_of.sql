-- The "now" of the warehouse, never the wall clock, so a re-run on the same data gives the same
-- answer: the latest time at which something happened in the delivered data (a report received, a
-- review event, an action decided, a rule hit, an appeal filed or resolved, a sample labelled),
-- capped at the end of the latest delivery day. Times set for the future (an action's effective_at,
-- a restriction's end_at) never count: one action scheduled a week ahead must not age every open
-- report. Also the delivery days the event feeds cover (first and latest), for "as of" and the
-- coverage of reporting periods.
with

event_times as (

    select
        max(received_at) as event_at,
        min(_delivered_dt) as first_delivered_dt,
        max(_delivered_dt) as delivered_dt
    from {{ ref('stg_platform__reports') }}
    union all
    select
        max(event_ts) as event_at,
        min(_delivered_dt) as first_delivered_dt,
        max(_delivered_dt) as delivered_dt
    from {{ ref('stg_platform__review_events') }}
    union all
    select
        max(decided_at) as event_at,
        min(_delivered_dt) as first_delivered_dt,
        max(_delivered_dt) as delivered_dt
    from {{ ref('stg_platform__enforcement_actions') }}
    union all
    select
        max(hit_at) as event_at,
        min(_delivered_dt) as first_delivered_dt,
        max(_delivered_dt) as delivered_dt
    from {{ ref('stg_platform__rule_hits') }}
    union all
    select
        max(greatest(filed_at, coalesce(resolved_at, filed_at))) as event_at,
        min(_delivered_dt) as first_delivered_dt,
        max(_delivered_dt) as delivered_dt
    from {{ ref('stg_platform__appeals') }}
    union all
    select
        max(labeled_at) as event_at,
        min(_delivered_dt) as first_delivered_dt,
        max(_delivered_dt) as delivered_dt
    from {{ ref('stg_platform__prevalence_samples') }}

),

final as (

    select
        least(
            max(event_at),
            cast(max(delivered_dt) as timestamp) + interval 1 day
        ) as as_of,
        min(first_delivered_dt) as first_delivery_day,
        max(delivered_dt) as last_delivery_day
    from event_times

)

select * from final
