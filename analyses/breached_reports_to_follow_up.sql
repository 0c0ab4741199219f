-- Reports to follow up now: still undecided and already past their SLA target, most overdue
-- first, with the queue and the reporter type to route them. As of the latest event in the data.
with

reports as (

    select * from {{ ref('fct_report_sla') }}

),

final as (

    select
        report_id,
        queue,
        reporter_type,
        channel,
        priority,
        reason_code,
        target_type,
        target_id,
        is_dsa_notice,
        target_hours,
        received_at,
        as_of,
        round(open_hours, 1) as open_hours,
        round(open_hours - target_hours, 1) as hours_over_target
    from reports
    where sla_status = 'open_breached'

)

select * from final
order by hours_over_target desc, report_id asc
