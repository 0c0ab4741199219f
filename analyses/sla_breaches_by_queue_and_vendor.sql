-- Where SLA breaches happen: by review queue and the vendor that answered (open reports have no
-- vendor yet), with compliance and time to decision.
with

reports as (

    select * from {{ ref('fct_report_sla') }}

),

final as (

    select
        queue,
        coalesce(vendor, case when sla_status like 'open%' then '(open)' else '(action)' end) as vendor,
        count(*) as reports,
        count(*) filter (where sla_status = 'compliant') as compliant,
        count(*) filter (where sla_status = 'breached') as breached,
        count(*) filter (where sla_status = 'open_breached') as open_breached,
        count(*) filter (where sla_status = 'open_within_target') as open_within_target,
        round(
            count(*) filter (where sla_status = 'compliant')
            / nullif(count(*) filter (where sla_status in ('compliant', 'breached')), 0),
            4
        ) as compliance_rate,
        round({{ percentile_cont('hours_to_decision', 0.5) }}, 1) as p50_hours,
        round({{ percentile_cont('hours_to_decision', 0.9) }}, 1) as p90_hours
    from reports
    group by
        queue,
        coalesce(vendor, case when sla_status like 'open%' then '(open)' else '(action)' end)

)

select * from final
order by open_breached + breached desc, queue asc, vendor asc
