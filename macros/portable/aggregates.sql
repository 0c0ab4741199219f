{#- Engine-specific SQL the models need, each behind one dispatched macro with a duckdb__ and a
    spark__ implementation (default__ names the missing adapter). Models, macros and tests never
    write these constructs inline: tests/python/test_portable_sql.py rejects them outside a
    dispatched implementation. -#}


{#- The default__ implementation of a portable macro: a compile error naming the macro and the
    adapter that has no implementation of it. -#}
{% macro no_engine_implementation(name) -%}
    {{ exceptions.raise_compiler_error(name ~ ": no implementation for the " ~ adapter.type() ~ " adapter") }}
{%- endmacro %}


{#- The continuous (interpolated) quantile of expr at fraction, an aggregate: DuckDB's
    quantile_cont and Spark's percentile interpolate the same way (between the two closest ranks).
    A `filter (where ...)` clause may follow it. -#}
{% macro percentile_cont(expr, fraction) -%}
    {{ return(adapter.dispatch('percentile_cont', 'integrity')(expr, fraction)) }}
{%- endmacro %}

{#- computed in double on both engines (DuckDB interpolates a decimal column in decimals,
    truncating; Spark in doubles): fixed_decimal then rounds the result half away from zero. -#}
{% macro duckdb__percentile_cont(expr, fraction) -%}
    quantile_cont(cast({{ expr }} as double), {{ fraction }})
{%- endmacro %}

{% macro spark__percentile_cont(expr, fraction) -%}
    percentile(cast({{ expr }} as double), {{ fraction }})
{%- endmacro %}

{% macro default__percentile_cont(expr, fraction) -%}
    {{ no_engine_implementation('percentile_cont') }}
{%- endmacro %}


{#- The sorted distinct non-null values of expr over the group, as an array (an aggregate). -#}
{% macro sorted_distinct_list(expr) -%}
    {{ return(adapter.dispatch('sorted_distinct_list', 'integrity')(expr)) }}
{%- endmacro %}

{% macro duckdb__sorted_distinct_list(expr) -%}
    list_sort(list_distinct(list({{ expr }})))
{%- endmacro %}

{% macro spark__sorted_distinct_list(expr) -%}
    array_sort(collect_set({{ expr }}))
{%- endmacro %}

{% macro default__sorted_distinct_list(expr) -%}
    {{ no_engine_implementation('sorted_distinct_list') }}
{%- endmacro %}


{#- How many distinct non-null elements the arrays of expr hold together, over the group (an
    aggregate). -#}
{% macro count_distinct_elements(expr) -%}
    {{ return(adapter.dispatch('count_distinct_elements', 'integrity')(expr)) }}
{%- endmacro %}

{% macro duckdb__count_distinct_elements(expr) -%}
    len(list_distinct(flatten(list({{ expr }}))))
{%- endmacro %}

{% macro spark__count_distinct_elements(expr) -%}
    size(array_distinct(filter(flatten(collect_list({{ expr }})), x -> x is not null)))
{%- endmacro %}

{% macro default__count_distinct_elements(expr) -%}
    {{ no_engine_implementation('count_distinct_elements') }}
{%- endmacro %}


{#- The first row of each group, as a query: `columns` (names) of `relation` (a CTE or relation
    name), one row per `partition_by`, the first by `order_by` (SQL lists). Written as a ranked
    subquery, which every engine reads (DuckDB's `qualify` is not portable). -#}
{% macro first_row_per(relation, columns, partition_by, order_by) -%}
    select {{ columns | join(', ') }}
    from (
        select
            {{ columns | join(', ') }},
            row_number() over (partition by {{ partition_by }} order by {{ order_by }}) as _row_rank
        from {{ relation }}
    ) as ranked
    where _row_rank = 1
{%- endmacro %}


{#- expr, unchanged, computed where it is written: the engine's optimiser may not move filters on
    it below this point, nor substitute its definition into the filters and expressions above it.
    Spark needs this where a long chain of CTEs derives one value from many (the base models'
    first failing check): without it the optimiser pushes the filter `_first_failure is null`
    down to the raw scan and inlines every expression it depends on into it, a plan of millions
    of characters (the xs accounts model took 511 s instead of 8 s). Spark keeps a projection with
    a non-deterministic expression in place, so the barrier is a condition that always holds on
    spark_partition_id(). DuckDB needs nothing. -#}
{% macro optimizer_barrier(expr) -%}
    {{ return(adapter.dispatch('optimizer_barrier', 'integrity')(expr)) }}
{%- endmacro %}

{% macro duckdb__optimizer_barrier(expr) -%}
    {{ expr }}
{%- endmacro %}

{% macro spark__optimizer_barrier(expr) -%}
    case when spark_partition_id() >= 0 then {{ expr }} end
{%- endmacro %}

{% macro default__optimizer_barrier(expr) -%}
    {{ no_engine_implementation('optimizer_barrier') }}
{%- endmacro %}


{#- An aggregate: the value of expr on the row with the smallest ordering (ties: any of them). -#}
{% macro min_by(expr, ordering) -%}
    {{ return(adapter.dispatch('min_by', 'integrity')(expr, ordering)) }}
{%- endmacro %}

{% macro duckdb__min_by(expr, ordering) -%}
    arg_min({{ expr }}, {{ ordering }})
{%- endmacro %}

{% macro spark__min_by(expr, ordering) -%}
    min_by({{ expr }}, {{ ordering }})
{%- endmacro %}

{% macro default__min_by(expr, ordering) -%}
    {{ no_engine_implementation('min_by') }}
{%- endmacro %}


{#- The seconds from timestamp start to timestamp end, a double (negative when end is earlier). -#}
{% macro seconds_between(start, end) -%}
    {{ return(adapter.dispatch('seconds_between', 'integrity')(start, end)) }}
{%- endmacro %}

{% macro duckdb__seconds_between(start, end) -%}
    epoch({{ end }} - {{ start }})
{%- endmacro %}

{% macro spark__seconds_between(start, end) -%}
    (cast(unix_micros({{ end }}) - unix_micros({{ start }}) as double) / 1e6)
{%- endmacro %}

{% macro default__seconds_between(start, end) -%}
    {{ no_engine_implementation('seconds_between') }}
{%- endmacro %}


{#- An aggregate: the group's texts joined by delimiter (a quoted literal) in the order of
    order_by (as ordered_list: [expression, 'asc' | 'desc'] pairs, the last a unique tie-break).
    dbt.listagg cannot stand in: dbt-spark's ignores its order. -#}
{% macro ordered_text_agg(expr, delimiter, order_by) -%}
    {{ return(adapter.dispatch('ordered_text_agg', 'integrity')(expr, delimiter, order_by)) }}
{%- endmacro %}

{% macro duckdb__ordered_text_agg(expr, delimiter, order_by) -%}
    {%- set keys = [] -%}
    {%- for key in order_by %}{% do keys.append(key[0] ~ ' ' ~ key[1]) %}{% endfor -%}
    string_agg({{ expr }}, {{ delimiter }} order by {{ keys | join(', ') }})
{%- endmacro %}

{% macro spark__ordered_text_agg(expr, delimiter, order_by) -%}
    array_join({{ spark__ordered_list(expr, order_by, none) }}, {{ delimiter }})
{%- endmacro %}

{% macro default__ordered_text_agg(expr, delimiter, order_by) -%}
    {{ no_engine_implementation('ordered_text_agg') }}
{%- endmacro %}
