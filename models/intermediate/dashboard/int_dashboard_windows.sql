-- The dashboard's windows, as of the data: for each window kind (ISO week from Monday, calendar
-- month, half-year, year) the window holding the data as-of date (windows_back = 0) and the ones
-- before it (8 weeks for the sparkline, 2 of every period kind for period-over-period changes).
-- The as-of time is the latest `as_of` the marts state (unwanted impressions, report SLA), as the
-- marts define it: never the wall clock. Half-open windows [window_start, window_end).
{%- set kinds = [
    {'kind': 'week', 'back': 8, 'unit': 'day', 'length': 7},
    {'kind': 'month', 'back': 2, 'unit': 'month', 'length': 1},
    {'kind': 'half_year', 'back': 2, 'unit': 'month', 'length': 6},
    {'kind': 'year', 'back': 2, 'unit': 'month', 'length': 12},
] %}

with

unwanted_as_of as (

    select max(as_of) as as_of
    from {{ ref('fct_unwanted_impressions_daily') }}

),

report_sla_as_of as (

    select max(as_of) as as_of
    from {{ ref('fct_report_sla') }}

),

as_of as (

    select
        case
            when report_sla_as_of.as_of is null or unwanted_as_of.as_of >= report_sla_as_of.as_of
                then unwanted_as_of.as_of
            else report_sla_as_of.as_of
        end as as_of
    from unwanted_as_of
    cross join report_sla_as_of

),

as_of_day as (

    select
        as_of,
        cast(as_of as date) as as_of_date
    from as_of
    where as_of is not null

),

steps as (

    select cast(generated_number as integer) - 1 as windows_back
    from ({{ dbt.generate_series(8) }}) as series

),

current_windows as (

    select
        as_of,
        as_of_date,
        cast({{ dbt.date_trunc('week', 'as_of_date') }} as date) as week_start,
        {{ period_start('as_of_date', 'month') }} as month_start,
        {{ period_start('as_of_date', 'half_year') }} as half_year_start,
        {{ period_start('as_of_date', 'year') }} as year_start
    from as_of_day

),

windows as (
    {% for k in kinds %}
        select
            '{{ k.kind }}' as window_kind,
            steps.windows_back,
            current_windows.as_of,
            current_windows.as_of_date,
            cast({{ dbt.dateadd(k.unit, '-' ~ k.length ~ ' * steps.windows_back', 'current_windows.' ~ k.kind ~ '_start') }} as date) as window_start
        from current_windows
        cross join steps
        where steps.windows_back < {{ k.back }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

bounded_windows as (

    select
        window_kind,
        windows_back,
        window_start,
        as_of,
        as_of_date,
        case window_kind
            {%- for k in kinds %}
                when '{{ k.kind }}' then cast({{ dbt.dateadd(k.unit, k.length, 'window_start') }} as date)
            {%- endfor %}
        end as window_end
    from windows

),

final as (

    select
        window_kind,
        windows_back,
        window_start,
        window_end,
        cast({{ dbt.dateadd('day', -1, 'window_end') }} as date) as window_last_day,
        cast({{ dbt.datediff('window_start', 'window_end', 'day') }} as bigint) as days_in_window,
        cast(case
            when as_of_date < window_start then 0
            when as_of_date >= window_end
                then {{ dbt.datediff('window_start', 'window_end', 'day') }}
            else {{ dbt.datediff('window_start', 'as_of_date', 'day') }} + 1
        end as bigint) as days_covered,
        as_of,
        as_of_date
    from bounded_windows

)

select * from final
