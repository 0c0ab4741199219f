{#- Robust anomaly score of a value against its own recent history.

    score = (value - median) / scale, with scale = 1.4826 * MAD (the MAD of a normal
    distribution is 0.6745 sigma, so 1.4826 * MAD estimates sigma) floored at `min_scale`:
    a series that was flat (MAD = 0, e.g. always 0) would otherwise score infinity on
    its first non-zero day. For counts, a floor of 1 means "one unit above normal is one
    sigma". -#}
{% macro robust_zscore(value, baseline_median, baseline_mad, min_scale=1) -%}
    {{ return(adapter.dispatch('robust_zscore', 'integrity')(value, baseline_median, baseline_mad, min_scale)) }}
{%- endmacro %}

{% macro default__robust_zscore(value, baseline_median, baseline_mad, min_scale) -%}
    (({{ value }}) - ({{ baseline_median }}))
    / greatest(1.4826 * ({{ baseline_mad }}), {{ min_scale }})
{%- endmacro %}


{#- Rolling median and MAD of `value_column` over the `window_days` days *before* each
    day, per series: neither the day itself nor any later day is part of its baseline (no
    hindsight: a spike cannot raise its own baseline). `relation` must be dense:
    one row per series and day, zero-filled, so a missing day is a zero and not a gap.
    Returns: the key columns, date_column, value_column, baseline_days,
    baseline_median, baseline_mad. -#}
{% macro robust_baseline(relation, key_columns, date_column='date_day', value_column='value', window_days=28) -%}
    {%- set join_keys = [] -%}
    {%- for key in key_columns -%}
        {%- do join_keys.append('history.' ~ key ~ ' = current_day.' ~ key) -%}
    {%- endfor -%}
    with pairs as (
        select
            {%- for key in key_columns %}
            current_day.{{ key }},
            {%- endfor %}
            current_day.{{ date_column }},
            current_day.{{ value_column }},
            history.{{ value_column }} as history_value
        from {{ relation }} as current_day
        left join {{ relation }} as history
            on {{ join_keys | join(' and ') }}
            and history.{{ date_column }} >= current_day.{{ date_column }} - {{ window_days }}
            and history.{{ date_column }} < current_day.{{ date_column }}
    ),

    medians as (
        select
            {%- for key in key_columns %}
            {{ key }},
            {%- endfor %}
            {{ date_column }},
            any_value({{ value_column }}) as {{ value_column }},
            count(history_value) as baseline_days,
            median(history_value) as baseline_median
        from pairs
        group by
            {%- for key in key_columns %}
                {{ key }},
            {%- endfor %}
                {{ date_column }}
    ),

    deviations as (
        select
            {%- for key in key_columns %}
            pairs.{{ key }},
            {%- endfor %}
            pairs.{{ date_column }},
            median(abs(pairs.history_value - medians.baseline_median)) as baseline_mad
        from pairs
        inner join medians
            on
            {%- for key in key_columns %}
                medians.{{ key }} = pairs.{{ key }} and
            {%- endfor %}
                medians.{{ date_column }} = pairs.{{ date_column }}
        group by
            {%- for key in key_columns %}
                pairs.{{ key }},
            {%- endfor %}
                pairs.{{ date_column }}
    )

    select
        medians.*,
        deviations.baseline_mad
    from medians
    inner join deviations
        on
        {%- for key in key_columns %}
            deviations.{{ key }} = medians.{{ key }} and
        {%- endfor %}
            deviations.{{ date_column }} = medians.{{ date_column }}
{%- endmacro %}
