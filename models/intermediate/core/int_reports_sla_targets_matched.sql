-- The SLA target of every report. A target row matches when each of its non-empty columns
-- (reporter_type, channel, priority, policy_area) equals the report's and its valid_from is on or
-- before the day the report was received. For each combination of matching columns only its
-- latest applicable version counts (a changed target never rewrites history); among those the
-- most specific (most non-empty columns) wins and a tie goes to the smallest target.
with

reports as (

    select
        report_id,
        reporter_type,
        channel,
        priority,
        reason_code,
        received_at
    from {{ ref('stg_platform__reports') }}

),

reason_codes as (

    select * from {{ ref('reason_codes') }}

),

sla_targets as (

    select
        *,
        concat_ws(
            '/',
            coalesce(reporter_type, '*'),
            coalesce(channel, '*'),
            coalesce(priority, '*'),
            coalesce(policy_area, '*'),
            cast(valid_from as {{ dbt.type_string() }})
        ) as sla_target_id
    from {{ ref('sla_targets') }}

),

reports_with_area as (

    select
        reports.report_id,
        reports.reporter_type,
        reports.channel,
        reports.priority,
        reports.reason_code,
        reason_codes.policy_area,
        reason_codes.default_queue,
        reports.received_at
    from reports
    left join reason_codes
        on reports.reason_code = reason_codes.reason_code

),

candidates as (

    select
        reports_with_area.report_id,
        sla_targets.sla_target_id,
        sla_targets.reporter_type,
        sla_targets.channel,
        sla_targets.priority,
        sla_targets.policy_area,
        sla_targets.target_hours,
        sla_targets.published,
        sla_targets.valid_from,
        cast((sla_targets.reporter_type is not null) as integer)
        + cast((sla_targets.channel is not null) as integer)
        + cast((sla_targets.priority is not null) as integer)
        + cast((sla_targets.policy_area is not null) as integer) as specificity
    from reports_with_area
    inner join sla_targets
        on
            (sla_targets.reporter_type is null or reports_with_area.reporter_type = sla_targets.reporter_type)
            and (sla_targets.channel is null or reports_with_area.channel = sla_targets.channel)
            and (sla_targets.priority is null or reports_with_area.priority = sla_targets.priority)
            and (sla_targets.policy_area is null or reports_with_area.policy_area = sla_targets.policy_area)
            and cast(sla_targets.valid_from as timestamp) <= reports_with_area.received_at

),

current_versions as (

    select
        *,
        row_number() over (
            partition by
                report_id,
                coalesce(reporter_type, ''),
                coalesce(channel, ''),
                coalesce(priority, ''),
                coalesce(policy_area, '')
            order by valid_from desc
        ) as version_rank
    from candidates

),

ranked_matches as (

    select
        *,
        row_number() over (
            partition by report_id
            order by specificity desc, target_hours asc, sla_target_id asc
        ) as match_rank
    from current_versions
    where version_rank = 1

),

best_match as (

    select * from ranked_matches
    where match_rank = 1

),

final as (

    select
        reports_with_area.report_id,
        reports_with_area.policy_area,
        reports_with_area.default_queue,
        best_match.sla_target_id,
        best_match.specificity as sla_specificity,
        best_match.target_hours,
        best_match.published as is_published_sla,
        best_match.valid_from as sla_valid_from
    from reports_with_area
    left join best_match
        on reports_with_area.report_id = best_match.report_id

)

select * from final
