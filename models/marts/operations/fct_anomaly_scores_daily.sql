{%- set window_days = var('anomaly_window_days', 28) -%}
{%- set min_baseline_days = var('anomaly_min_baseline_days', 14) -%}
{%- set score_threshold = var('anomaly_score_threshold', 6) -%}
{%- set min_excess = var('anomaly_min_excess', 10) -%}
-- Robust score of every watched series against the window_days days *before* the day: the
-- scored day and any later day are never part of its baseline (macro robust_baseline).
with series as (
    select * from {{ ref('int_anomaly_series_daily') }}
),

baselines as (
    {{ robust_baseline('series', ['series_type', 'series_key'], 'date_day', 'series_value', window_days) }}
),

scored as (
    select
        baselines.date_day,
        baselines.series_type,
        baselines.series_key,
        baselines.series_value,
        baselines.baseline_days,
        baselines.baseline_median,
        baselines.baseline_mad,
        {{ robust_zscore('baselines.series_value', 'baselines.baseline_median', 'baselines.baseline_mad') }}
            as robust_score,
        series.top_items
    from baselines
    inner join series
        on
            baselines.series_type = series.series_type
            and baselines.series_key = series.series_key
            and baselines.date_day = series.date_day
),

-- published numbers are fixed decimals, and the flag is decided on the published score
published as (
    select
        date_day,
        series_type,
        series_key,
        series_value,
        baseline_days,
        {{ fixed_decimal('baseline_median') }} as baseline_median,
        {{ fixed_decimal('baseline_mad') }} as baseline_mad,
        {{ fixed_decimal('robust_score') }} as robust_score,
        top_items
    from scored
),

final as (
    select
        date_day,
        series_type,
        series_key,
        series_value,
        baseline_days,
        baseline_median,
        baseline_mad,
        robust_score,
        coalesce(
            baseline_days >= {{ min_baseline_days }}
            and robust_score >= {{ score_threshold }}
            and series_value - baseline_median >= {{ min_excess }},
            false
        ) as is_anomaly,
        top_items
    from published
)

select * from final
