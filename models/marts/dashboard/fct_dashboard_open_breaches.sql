-- Reports still open past their SLA target as of the data (fct_report_sla, status open_breached):
-- one row per report with its age and how far past target it is, most overdue first
-- (`breach_rank`), with the totals the page states (all open breaches, and per reporter type in
-- the order the page lists them).
with

report_sla as (

    select * from {{ ref('fct_report_sla') }}
    where sla_status = 'open_breached'

),

aged as (

    select
        report_id,
        received_at,
        reporter_type,
        coalesce(reporter_type, '(none)') as reporter_type_label,
        channel,
        priority,
        policy_area,
        queue,
        vendor,
        is_dsa_notice,
        target_hours,
        as_of,
        {{ seconds_between('received_at', 'as_of') }} / 3600.0 as age_hours,
        {{ seconds_between('received_at', 'as_of') }} / 3600.0 - target_hours as overdue_hours
    from report_sla

),

ranked as (

    select
        *,
        row_number() over (order by overdue_hours desc, report_id asc) as breach_rank,
        row_number() over (partition by reporter_type_label order by overdue_hours desc, report_id asc) as reporter_type_rank,
        count(*) over () as open_breaches_total,
        count(*) over (partition by reporter_type_label) as reporter_type_open_breaches
    from aged

),

final as (

    select
        ranked.report_id,
        ranked.received_at,
        ranked.reporter_type,
        ranked.channel,
        ranked.priority,
        ranked.policy_area,
        ranked.queue,
        ranked.vendor,
        ranked.is_dsa_notice,
        {{ fixed_decimal('ranked.target_hours') }} as target_hours,
        ranked.as_of,
        {{ fixed_decimal('ranked.age_hours') }} as age_hours,
        {{ fixed_decimal('ranked.overdue_hours') }} as overdue_hours,
        cast(ranked.breach_rank as integer) as breach_rank,
        cast(ranked.open_breaches_total as integer) as open_breaches_total,
        ranked.reporter_type_label,
        cast(ranked.reporter_type_open_breaches as integer) as reporter_type_open_breaches,
        ranked.reporter_type_rank = 1 as is_reporter_type_first,
        -- reporter types by open breaches, ties in the order of their most overdue report
        cast(dense_rank() over (
            order by ranked.reporter_type_open_breaches desc, first_of_type.breach_rank asc
        ) as integer) as reporter_type_order
    from ranked
    inner join ranked as first_of_type
        on ranked.reporter_type_label = first_of_type.reporter_type_label and first_of_type.reporter_type_rank = 1

)

select * from final
