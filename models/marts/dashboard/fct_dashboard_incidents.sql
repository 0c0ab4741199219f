-- The dashboard's current incidents (fct_incidents): every incident still active and every one
-- with activity in the 7 days up to the data's as-of time; active first, highest peak score first
-- (`incident_rank`), with the totals the page states.
{%- set recent_days = 7 %}

with

windows as (

    select * from {{ ref('int_dashboard_windows') }}
    where window_kind = 'week' and windows_back = 0

),

incidents as (

    select * from {{ ref('fct_incidents') }}

),

current_incidents as (

    select
        incidents.*,
        {{ recent_days }} as recent_days
    from incidents
    cross join windows
    where
        incidents.status = 'active'
        or incidents.last_activity_at >= {{ dbt.dateadd('day', -recent_days, 'windows.as_of') }}

),

final as (

    select
        incident_id,
        status,
        incident_type,
        series_type,
        series_key,
        link_domains,
        first_seen_at,
        last_activity_at,
        first_action_at,
        anomaly_days,
        peak_score,
        items,
        accounts,
        actioned_items,
        impressions,
        cast(recent_days as integer) as recent_days,
        cast(row_number() over (
            order by case when status = 'active' then 0 else 1 end, peak_score desc nulls last, incident_id asc
        ) as integer) as incident_rank,
        cast(count(*) over () as integer) as incidents_total,
        cast(sum(case when status = 'active' then 1 else 0 end) over () as integer) as incidents_active
    from current_incidents

)

select * from final
