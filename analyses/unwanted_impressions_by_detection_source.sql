-- Unwanted impressions by what first signalled the item (a rule, or a report by reporter type):
-- how much exposure each detection source let through before it fired and how much after it
-- fired but before we acted (avoidable exposure), and how long items stayed up after the signal.
with

items as (

    select * from {{ ref('fct_unwanted_impressions_items') }}

),

final as (

    select
        coalesce(first_signal_source, 'never signalled') as detection_source,
        count(*) as judged_items,
        sum(unwanted_impressions) as unwanted_impressions,
        sum(unwanted_before_signal) as unwanted_before_signal,
        sum(unwanted_after_signal) as unwanted_after_signal,
        round(sum(unwanted_after_signal) / nullif(sum(unwanted_impressions), 0), 4) as avoidable_share,
        round(
            median(epoch(coalesce(exposure_end_at, as_of) - first_signal_at) / 3600.0), 1
        ) as median_hours_signal_to_end
    from items
    group by detection_source

)

select * from final
order by unwanted_impressions desc, detection_source asc
