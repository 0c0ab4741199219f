{{ config(meta={'dagster': {'ref': {'name': 'fct_sla_compliance_daily'}}}) }}

-- The daily SLA cohorts add up to the per-report table: every report is in exactly one cohort,
-- with the same decided / compliant / breached / open_breached / open_within_target counts.
with

daily as (

    select
        sum(reports) as reports,
        sum(decided) as decided,
        sum(compliant) as compliant,
        sum(breached) as breached,
        sum(open_breached) as open_breached,
        sum(open_within_target) as open_within_target
    from {{ ref('fct_sla_compliance_daily') }}

),

per_report as (

    select
        count(*) as reports,
        count(first_decision_at) as decided,
        count(*) filter (where sla_status = 'compliant') as compliant,
        count(*) filter (where sla_status = 'breached') as breached,
        count(*) filter (where sla_status = 'open_breached') as open_breached,
        count(*) filter (where sla_status = 'open_within_target') as open_within_target
    from {{ ref('fct_report_sla') }}

)

select
    daily.reports as daily_reports,
    per_report.reports,
    daily.decided as daily_decided,
    per_report.decided,
    daily.compliant as daily_compliant,
    per_report.compliant,
    daily.breached as daily_breached,
    per_report.breached,
    daily.open_breached as daily_open_breached,
    per_report.open_breached,
    daily.open_within_target as daily_open_within_target,
    per_report.open_within_target
from daily
cross join per_report
where
    daily.reports != per_report.reports
    or daily.decided != per_report.decided
    or daily.compliant != per_report.compliant
    or daily.breached != per_report.breached
    or daily.open_breached != per_report.open_breached
    or daily.open_within_target != per_report.open_within_target
