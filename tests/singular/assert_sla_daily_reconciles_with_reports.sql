-- The daily SLA cohorts add up to the per-report table: every report is in exactly one cohort,
-- with the same decided / compliant / breached counts.
with

daily as (

    select
        sum(reports) as reports,
        sum(decided) as decided,
        sum(compliant) as compliant,
        sum(breached) as breached
    from {{ ref('fct_sla_compliance_daily') }}

),

per_report as (

    select
        count(*) as reports,
        count(first_decision_at) as decided,
        count(*) filter (where sla_status = 'compliant') as compliant,
        count(*) filter (where sla_status = 'breached') as breached
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
    per_report.breached
from daily
cross join per_report
where
    daily.reports != per_report.reports
    or daily.decided != per_report.decided
    or daily.compliant != per_report.compliant
    or daily.breached != per_report.breached
