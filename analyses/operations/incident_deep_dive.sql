-- Incident deep-dive: the day-by-day story of one incident from a week before it was first seen
-- to a week after its last activity: the incident's own series (for a campaign, new accounts
-- posting its domains), its robust score against the 28-day baseline, and the items created with
-- its domains. Var `incident_id` picks the incident; by default the campaign with the most
-- impressions. `integrity analyze incident_deep_dive`.
{%- set incident = var('incident_id', '') %}
with incidents as (
    select * from {{ ref('fct_incidents') }}
),

incident as (
    select * from incidents
    {%- if incident %}
    where incident_id = '{{ incident }}'
    {%- else %}
        where incident_type = 'link_domain_campaign'
        order by impressions desc nulls last, first_seen_at asc
        limit 1
    {%- endif %}
),

days as (
    select
        cast(unnest(generate_series(
            cast((first_activity_at - interval 7 day) as date),
            cast((last_activity_at + interval 7 day) as date),
            interval 1 day
        )) as date) as date_day
    from incident
),

scores as (
    select
        scores.date_day,
        sum(scores.series_value) as series_value,
        max(scores.robust_score) as robust_score,
        bool_or(scores.is_anomaly) as is_anomaly
    from {{ ref('fct_anomaly_scores_daily') }} as scores
    inner join incident
        on
            scores.series_type = incident.series_type
            and (
                scores.series_key = incident.series_key
                or {{ array_has('incident.link_domains', 'scores.series_key') }}
            )
    group by scores.date_day
),

domain_items as (
    select
        cast(catalogue.created_at as date) as date_day,
        count(*) as items_created,
        count(distinct catalogue.owner_account_key) as owners
    from {{ ref('dim_content') }} as catalogue
    inner join incident
        on {{ arrays_overlap('catalogue.link_domains', 'incident.link_domains') }}
    group by cast(catalogue.created_at as date)
),

final as (
    select
        incident.incident_id,
        incident.status,
        days.date_day,
        days.date_day = cast(incident.first_seen_at as date) as is_first_seen_day,
        days.date_day = cast(incident.first_action_at as date) as is_first_action_day,
        coalesce(scores.series_value, 0) as series_value,
        round(scores.robust_score, 1) as robust_score,
        coalesce(scores.is_anomaly, false) as is_anomaly,
        coalesce(domain_items.items_created, 0) as items_created,
        coalesce(domain_items.owners, 0) as owners_posting
    from days
    cross join incident
    left join scores
        on days.date_day = scores.date_day
    left join domain_items
        on days.date_day = domain_items.date_day
)

select * from final
order by date_day
