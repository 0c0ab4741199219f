-- The dashboard's breakdowns of the period holding the data as-of date (month, half-year, year):
-- one row per period kind × breakdown × category, in the order the page shows them.
--   prevalence_by_surface: the pooled prevalence_rollup per surface, highest rate first
--   prevalence_by_country: the 12 countries with the most labelled samples, highest rate first
--   unwanted_by_surface / unwanted_by_country: unwanted impressions, most first (countries: top 12
--     shown, `labels_total` says of how many)
--   sla_by_queue / sla_by_vendor / sla_by_reporter_type: compliance of reports received in the
--     period, compliant / (decided + open past target), Wilson interval, status against the overall
--     SLA target; most reports first
{%- set top_countries = 12 %}

with

windows as (

    select * from {{ ref('int_dashboard_windows') }}
    where windows_back = 0 and window_kind != 'week'

),

sla_target as (

    select * from {{ ref('dim_dashboard_target') }}
    where metric = 'sla_compliance' and scope = 'overall'

),

prevalence_rollup as (

    select * from {{ ref('fct_spam_prevalence_rollup') }}
    where surface != 'all'

),

by_country as (

    select * from {{ ref('fct_spam_prevalence_by_country') }}

),

unwanted_daily as (

    select * from {{ ref('fct_unwanted_impressions_daily') }}

),

report_sla as (

    select * from {{ ref('fct_report_sla') }}
    where target_hours is not null

),

prevalence_cells as (

    select
        windows.window_kind,
        'prevalence_by_surface' as breakdown,
        prevalence_rollup.surface as category,
        prevalence_rollup.per_10k,
        prevalence_rollup.ci_low_per_10k,
        prevalence_rollup.ci_high_per_10k,
        prevalence_rollup.labelled_samples,
        prevalence_rollup.violating_samples,
        prevalence_rollup.is_upper_bound_only,
        prevalence_rollup.is_suppressed,
        prevalence_rollup.is_incomplete,
        row_number() over (
            partition by windows.window_kind
            order by case when prevalence_rollup.per_10k is null then 1 else 0 end, prevalence_rollup.per_10k desc, prevalence_rollup.surface asc
        ) as display_order,
        true as is_shown
    from windows
    inner join prevalence_rollup
        on windows.window_kind = prevalence_rollup.period_type and windows.window_start = prevalence_rollup.period_start

    union all

    select
        window_kind,
        'prevalence_by_country' as breakdown,
        country as category,
        per_10k,
        ci_low_per_10k,
        ci_high_per_10k,
        labelled_samples,
        violating_samples,
        is_upper_bound_only,
        is_suppressed,
        is_incomplete,
        row_number() over (
            partition by window_kind, sample_rank <= {{ top_countries }}
            order by coalesce(per_10k, 0) desc, country
        ) as display_order,
        sample_rank <= {{ top_countries }} as is_shown
    from (
        select
            windows.window_kind,
            by_country.*,
            row_number() over (
                partition by windows.window_kind order by by_country.labelled_samples desc, by_country.country asc
            ) as sample_rank
        from windows
        inner join by_country
            on windows.window_kind = by_country.period_type and windows.window_start = by_country.period_start
    ) as ranked

),

unwanted_sums as (

    {%- for dim in ['surface', 'country'] %}
        select
            windows.window_kind,
            'unwanted_by_{{ dim }}' as breakdown,
            unwanted_daily.{{ dim }} as category,
            sum(unwanted_daily.impressions) as impressions,
            sum(unwanted_daily.unwanted_impressions) as unwanted_impressions
        from windows
        inner join unwanted_daily
            on windows.window_start <= unwanted_daily.date_day and windows.window_end > unwanted_daily.date_day
        group by windows.window_kind, unwanted_daily.{{ dim }}
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}

),

unwanted_cells as (

    select
        window_kind,
        breakdown,
        category,
        impressions,
        unwanted_impressions,
        display_order,
        breakdown = 'unwanted_by_surface' or display_order <= {{ top_countries }} as is_shown
    from (
        select
            *,
            row_number() over (
                partition by window_kind, breakdown
                order by case when unwanted_impressions is null then 1 else 0 end, unwanted_impressions desc, category asc
            ) as display_order
        from unwanted_sums
    ) as ranked

),

sla_counts as (

    {%- for dim in ['queue', 'vendor', 'reporter_type'] %}
        select
            windows.window_kind,
            'sla_by_{{ dim }}' as breakdown,
            coalesce(report_sla.{{ dim }}, '(none)') as category,
            count(*) as reports,
            sum(case when report_sla.sla_status = 'compliant' then 1 else 0 end) as compliant,
            sum(case when report_sla.sla_status = 'breached' then 1 else 0 end) as breached,
            sum(case when report_sla.sla_status = 'open_breached' then 1 else 0 end) as open_breached
        from windows
        inner join report_sla
            on
                report_sla.received_at >= cast(windows.window_start as timestamp)
                and report_sla.received_at < cast(windows.window_end as timestamp)
        group by windows.window_kind, coalesce(report_sla.{{ dim }}, '(none)')
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}

),

sla_cells as (

    select
        sla_counts.*,
        {{ safe_ratio('compliant', 'compliant + breached + open_breached') }} as metric_value,
        row_number() over (partition by sla_counts.window_kind, sla_counts.breakdown order by sla_counts.reports desc, sla_counts.category asc) as display_order
    from sla_counts

),

cells as (

    select
        window_kind,
        breakdown,
        category,
        display_order,
        is_shown,
        cast(per_10k as double) as metric_value,
        cast(ci_low_per_10k as double) as ci_low,
        cast(ci_high_per_10k as double) as ci_high,
        labelled_samples as n,
        violating_samples as numerator,
        is_upper_bound_only,
        is_suppressed,
        is_incomplete,
        cast(null as double) as unwanted_per_10k,
        cast(null as bigint) as impressions,
        cast(null as bigint) as decided,
        cast(null as bigint) as open_breached,
        'none' as status
    from prevalence_cells

    union all

    select
        window_kind,
        breakdown,
        category,
        display_order,
        is_shown,
        cast(unwanted_impressions as double) as metric_value,
        cast(null as double) as ci_low,
        cast(null as double) as ci_high,
        impressions as n,
        unwanted_impressions as numerator,
        false as is_upper_bound_only,
        false as is_suppressed,
        false as is_incomplete,
        10000 * {{ safe_ratio('unwanted_impressions', 'impressions') }} as unwanted_per_10k,
        impressions,
        cast(null as bigint) as decided,
        cast(null as bigint) as open_breached,
        'none' as status
    from unwanted_cells

    union all

    select
        sla_cells.window_kind,
        sla_cells.breakdown,
        sla_cells.category,
        sla_cells.display_order,
        true as is_shown,
        sla_cells.metric_value,
        {{ wilson_low('sla_cells.metric_value', 'sla_cells.compliant + sla_cells.breached + sla_cells.open_breached') }} as ci_low,
        {{ wilson_high('sla_cells.metric_value', 'sla_cells.compliant + sla_cells.breached + sla_cells.open_breached') }} as ci_high,
        sla_cells.compliant + sla_cells.breached + sla_cells.open_breached as n,
        sla_cells.compliant as numerator,
        false as is_upper_bound_only,
        false as is_suppressed,
        false as is_incomplete,
        cast(null as double) as unwanted_per_10k,
        cast(null as bigint) as impressions,
        sla_cells.compliant + sla_cells.breached as decided,
        sla_cells.open_breached,
        {{ dashboard_status('sla_cells.metric_value', 'sla_target.target', 'sla_target.red_threshold', 'sla_target.direction') }} as status
    from sla_cells
    left join sla_target
        on 1 = 1

),

final as (

    select
        cells.window_kind,
        cells.breakdown,
        cells.category,
        cast(cells.display_order as integer) as display_order,
        cells.is_shown,
        cast(count(*) over (partition by cells.window_kind, cells.breakdown) as integer) as labels_total,
        cast(sum(case when cells.is_shown then 1 else 0 end) over (partition by cells.window_kind, cells.breakdown) as integer) as labels_shown,
        {{ fixed_decimal('cells.metric_value') }} as metric_value,
        {{ fixed_decimal('cells.ci_low') }} as ci_low,
        {{ fixed_decimal('cells.ci_high') }} as ci_high,
        cast(cells.n as bigint) as n,
        cast(cells.numerator as bigint) as numerator,
        cells.is_upper_bound_only,
        cells.is_suppressed,
        cells.is_incomplete,
        {{ fixed_decimal('cells.unwanted_per_10k') }} as unwanted_per_10k,
        cast(cells.decided as bigint) as decided,
        cast(cells.open_breached as bigint) as open_breached,
        cells.status
    from cells

)

select * from final
