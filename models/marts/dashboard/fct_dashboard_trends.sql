-- The dashboard's trend series, long: one row per series × part × day (or ISO week), every rate
-- already computed with its 95% interval. A series' rows run from the start of the data to the
-- as-of date; the page keeps those whose last day is on or after its trend start
-- (fct_dashboard_as_of), so a week is shown whole or not at all.
--   prevalence_daily / prevalence_weekly: the pooled marts (surface all), per 10k impressions
--   unwanted_daily: unwanted impressions by the day they happened, parts before any signal, after a
--     signal (avoidable) and other
--   sla_daily: compliance by day received = compliant / (decided + open past target), Wilson
--   backlog_daily: open reports at the end of each day by age bucket (fct_sla_compliance_daily)
--   proactive_weekly, overturn_weekly: ISO-week ratios of sums, Wilson
{%- set buckets = [
    ('open_lt_1h', '< 1 h'), ('open_1h_4h', '1–4 h'), ('open_4h_24h', '4–24 h'),
    ('open_1d_3d', '1–3 d'), ('open_3d_7d', '3–7 d'), ('open_gt_7d', '> 7 d'),
] %}

with

windows as (

    select * from {{ ref('int_dashboard_windows') }}
    where window_kind = 'week' and windows_back = 0

),

prevalence_daily as (

    select * from {{ ref('fct_spam_prevalence_daily') }}
    where surface = 'all'

),

prevalence_rollup as (

    select * from {{ ref('fct_spam_prevalence_rollup') }}
    where surface = 'all' and period_type = 'week'

),

unwanted_daily as (

    select
        date_day,
        sum(impressions) as impressions,
        sum(unwanted_impressions) as unwanted_impressions,
        sum(unwanted_before_signal) as unwanted_before_signal,
        sum(unwanted_after_signal) as unwanted_after_signal
    from {{ ref('fct_unwanted_impressions_daily') }}
    group by date_day

),

sla_daily as (

    select
        cast(received_at as date) as date_day,
        sum(case when sla_status = 'compliant' then 1 else 0 end) as compliant,
        sum(case when sla_status = 'breached' then 1 else 0 end) as breached,
        sum(case when sla_status = 'open_breached' then 1 else 0 end) as open_breached,
        sum(case when sla_status = 'open_within_target' then 1 else 0 end) as open_within_target
    from {{ ref('fct_report_sla') }}
    where target_hours is not null
    group by cast(received_at as date)

),

backlog_daily as (

    select
        date_day,
        sum(open_lt_1h) as open_lt_1h,
        sum(open_1h_4h) as open_1h_4h,
        sum(open_4h_24h) as open_4h_24h,
        sum(open_1d_3d) as open_1d_3d,
        sum(open_3d_7d) as open_3d_7d,
        sum(open_gt_7d) as open_gt_7d
    from {{ ref('fct_sla_compliance_daily') }}
    group by date_day

),

proactive_weekly as (

    select
        cast({{ dbt.date_trunc('week', 'date_day') }} as date) as date_day,
        sum(actioned_items) as actioned_items,
        sum(proactive_items) as proactive_items
    from {{ ref('fct_proactive_rate_daily') }}
    where policy_area != 'all'
    group by cast({{ dbt.date_trunc('week', 'date_day') }} as date)

),

overturn_weekly as (

    select
        cast({{ dbt.date_trunc('week', 'resolved_at') }} as date) as date_day,
        count(*) as resolved,
        sum(case when is_reversed then 1 else 0 end) as reversed
    from {{ ref('fct_appeals') }}
    where is_resolved and resolved_at is not null
    group by cast({{ dbt.date_trunc('week', 'resolved_at') }} as date)

),

series as (

    select
        'prevalence_daily' as series,
        'all surfaces' as part,
        1 as part_order,
        date_day,
        date_day as last_day,
        cast(per_10k as double) as metric_value,
        cast(ci_low_per_10k as double) as ci_low,
        cast(ci_high_per_10k as double) as ci_high,
        labelled_samples as n,
        violating_samples as numerator,
        is_upper_bound_only,
        is_suppressed,
        is_incomplete,
        label_completeness,
        cast(null as bigint) as decided,
        cast(null as bigint) as open_breached,
        cast(null as bigint) as open_within_target
    from prevalence_daily

    union all

    select
        'prevalence_weekly' as series,
        'all surfaces' as part,
        1 as part_order,
        period_start as date_day,
        cast({{ dbt.dateadd('day', 6, 'period_start') }} as date) as last_day,
        cast(per_10k as double) as metric_value,
        cast(ci_low_per_10k as double) as ci_low,
        cast(ci_high_per_10k as double) as ci_high,
        labelled_samples as n,
        violating_samples as numerator,
        is_upper_bound_only,
        is_suppressed,
        is_incomplete,
        label_completeness,
        cast(null as bigint) as decided,
        cast(null as bigint) as open_breached,
        cast(null as bigint) as open_within_target
    from prevalence_rollup

    {%- for part, expression, order in [
        ('before any signal', 'unwanted_before_signal', 1),
        ('after a signal (avoidable)', 'unwanted_after_signal', 2),
        ('other', 'case when unwanted_impressions - unwanted_before_signal - unwanted_after_signal > 0 then unwanted_impressions - unwanted_before_signal - unwanted_after_signal else 0 end', 3),
    ] %}

        union all

        select
            'unwanted_daily' as series,
            '{{ part }}' as part,
            {{ order }} as part_order,
            date_day,
            date_day as last_day,
            cast(coalesce({{ expression }}, 0) as double) as metric_value,
            cast(null as double) as ci_low,
            cast(null as double) as ci_high,
            impressions as n,
            unwanted_impressions as numerator,
            false as is_upper_bound_only,
            false as is_suppressed,
            false as is_incomplete,
            cast(null as decimal(18, 8)) as label_completeness,
            cast(null as bigint) as decided,
            cast(null as bigint) as open_breached,
            cast(null as bigint) as open_within_target
        from unwanted_daily
    {%- endfor %}

    union all

    select
        'sla_daily' as series,
        'all reports' as part,
        1 as part_order,
        date_day,
        date_day as last_day,
        {{ safe_ratio('compliant', 'compliant + breached + open_breached') }} as metric_value,
        {{ wilson_low(safe_ratio('compliant', 'compliant + breached + open_breached'), 'compliant + breached + open_breached') }} as ci_low,
        {{ wilson_high(safe_ratio('compliant', 'compliant + breached + open_breached'), 'compliant + breached + open_breached') }} as ci_high,
        compliant + breached + open_breached as n,
        compliant as numerator,
        false as is_upper_bound_only,
        false as is_suppressed,
        false as is_incomplete,
        cast(null as decimal(18, 8)) as label_completeness,
        compliant + breached as decided,
        open_breached,
        open_within_target
    from sla_daily

    {%- for column, label in buckets %}

        union all

        select
            'backlog_daily' as series,
            '{{ label }}' as part,
            {{ loop.index }} as part_order,
            date_day,
            date_day as last_day,
            cast(coalesce({{ column }}, 0) as double) as metric_value,
            cast(null as double) as ci_low,
            cast(null as double) as ci_high,
            cast(null as bigint) as n,
            cast(null as bigint) as numerator,
            false as is_upper_bound_only,
            false as is_suppressed,
            false as is_incomplete,
            cast(null as decimal(18, 8)) as label_completeness,
            cast(null as bigint) as decided,
            cast(null as bigint) as open_breached,
            cast(null as bigint) as open_within_target
        from backlog_daily
    {%- endfor %}

    {%- for name, part, table, num, den in [
        ('proactive_weekly', 'all policies', 'proactive_weekly', 'proactive_items', 'actioned_items'),
        ('overturn_weekly', 'resolved appeals', 'overturn_weekly', 'reversed', 'resolved'),
    ] %}

        union all

        select
            '{{ name }}' as series,
            '{{ part }}' as part,
            1 as part_order,
            date_day,
            cast({{ dbt.dateadd('day', 6, 'date_day') }} as date) as last_day,
            {{ safe_ratio(num, den) }} as metric_value,
            {{ wilson_low(safe_ratio(num, den), den) }} as ci_low,
            {{ wilson_high(safe_ratio(num, den), den) }} as ci_high,
            {{ den }} as n,
            {{ num }} as numerator,
            false as is_upper_bound_only,
            false as is_suppressed,
            false as is_incomplete,
            cast(null as decimal(18, 8)) as label_completeness,
            cast(null as bigint) as decided,
            cast(null as bigint) as open_breached,
            cast(null as bigint) as open_within_target
        from {{ table }}
    {%- endfor %}

),

final as (

    select
        series.series,
        series.part,
        series.part_order,
        series.date_day,
        series.last_day,
        {{ fixed_decimal('series.metric_value') }} as metric_value,
        {{ fixed_decimal('series.ci_low') }} as ci_low,
        {{ fixed_decimal('series.ci_high') }} as ci_high,
        cast(series.n as bigint) as n,
        cast(series.numerator as bigint) as numerator,
        series.is_upper_bound_only,
        series.is_suppressed,
        series.is_incomplete,
        {{ fixed_decimal('series.label_completeness') }} as label_completeness,
        cast(series.decided as bigint) as decided,
        cast(series.open_breached as bigint) as open_breached,
        cast(series.open_within_target as bigint) as open_within_target
    from series
    cross join windows
    where series.date_day <= windows.as_of_date

)

select * from final
