{#- Arrays: the element functions whose names or lambda syntax differ between DuckDB and Spark. -#}


{#- The array type of strings, for casts. -#}
{% macro type_array_string() -%}
    {{ return(adapter.dispatch('type_array_string', 'integrity')()) }}
{%- endmacro %}

{% macro duckdb__type_array_string() -%}
    varchar[]
{%- endmacro %}

{% macro spark__type_array_string() -%}
    array<string>
{%- endmacro %}

{% macro default__type_array_string() -%}
    {{ no_engine_implementation('type_array_string') }}
{%- endmacro %}


{#- The number of elements of an array (null for a null array). -#}
{% macro array_size(expr) -%}
    {{ return(adapter.dispatch('array_size', 'integrity')(expr)) }}
{%- endmacro %}

{% macro duckdb__array_size(expr) -%}
    len({{ expr }})
{%- endmacro %}

{#- Spark's size is an int, and -1 for null (legacy behaviour outside ANSI mode): a bigint, null
    for null, as DuckDB's len. -#}
{% macro spark__array_size(expr) -%}
    cast(case when {{ expr }} is not null then size({{ expr }}) end as bigint)
{%- endmacro %}

{% macro default__array_size(expr) -%}
    {{ no_engine_implementation('array_size') }}
{%- endmacro %}


{#- The elements of an array for which `condition` (SQL over the element named `element`) holds,
    in their order. -#}
{% macro array_filter(expr, element, condition) -%}
    {{ return(adapter.dispatch('array_filter', 'integrity')(expr, element, condition)) }}
{%- endmacro %}

{% macro duckdb__array_filter(expr, element, condition) -%}
    list_filter({{ expr }}, lambda {{ element }}: {{ condition }})
{%- endmacro %}

{% macro spark__array_filter(expr, element, condition) -%}
    filter({{ expr }}, {{ element }} -> {{ condition }})
{%- endmacro %}

{% macro default__array_filter(expr, element, condition) -%}
    {{ no_engine_implementation('array_filter') }}
{%- endmacro %}


{#- Each element of an array rewritten by `expression` (SQL over the element named `element`). -#}
{% macro array_transform(expr, element, expression) -%}
    {{ return(adapter.dispatch('array_transform', 'integrity')(expr, element, expression)) }}
{%- endmacro %}

{% macro duckdb__array_transform(expr, element, expression) -%}
    list_transform({{ expr }}, lambda {{ element }}: {{ expression }})
{%- endmacro %}

{% macro spark__array_transform(expr, element, expression) -%}
    transform({{ expr }}, {{ element }} -> {{ expression }})
{%- endmacro %}

{% macro default__array_transform(expr, element, expression) -%}
    {{ no_engine_implementation('array_transform') }}
{%- endmacro %}


{#- The distinct elements of an array (nulls dropped), in ascending order. -#}
{% macro array_sorted_distinct(expr) -%}
    {{ return(adapter.dispatch('array_sorted_distinct', 'integrity')(expr)) }}
{%- endmacro %}

{% macro duckdb__array_sorted_distinct(expr) -%}
    list_sort(list_distinct({{ expr }}))
{%- endmacro %}

{% macro spark__array_sorted_distinct(expr) -%}
    array_sort(array_distinct(filter({{ expr }}, x -> x is not null)))
{%- endmacro %}

{% macro default__array_sorted_distinct(expr) -%}
    {{ no_engine_implementation('array_sorted_distinct') }}
{%- endmacro %}


{#- The elements of an array in ascending order. -#}
{% macro array_sorted(expr) -%}
    {{ return(adapter.dispatch('array_sorted', 'integrity')(expr)) }}
{%- endmacro %}

{% macro duckdb__array_sorted(expr) -%}
    list_sort({{ expr }})
{%- endmacro %}

{% macro spark__array_sorted(expr) -%}
    array_sort({{ expr }})
{%- endmacro %}

{% macro default__array_sorted(expr) -%}
    {{ no_engine_implementation('array_sorted') }}
{%- endmacro %}


{#- Whether the array holds the value. -#}
{% macro array_has(expr, value) -%}
    {{ return(adapter.dispatch('array_has', 'integrity')(expr, value)) }}
{%- endmacro %}

{% macro duckdb__array_has(expr, value) -%}
    list_contains({{ expr }}, {{ value }})
{%- endmacro %}

{% macro spark__array_has(expr, value) -%}
    array_contains({{ expr }}, {{ value }})
{%- endmacro %}

{% macro default__array_has(expr, value) -%}
    {{ no_engine_implementation('array_has') }}
{%- endmacro %}


{#- Whether two arrays share an element. -#}
{% macro arrays_overlap(left, right) -%}
    {{ return(adapter.dispatch('arrays_overlap', 'integrity')(left, right)) }}
{%- endmacro %}

{% macro duckdb__arrays_overlap(left, right) -%}
    (len(list_intersect({{ left }}, {{ right }})) > 0)
{%- endmacro %}

{% macro spark__arrays_overlap(left, right) -%}
    arrays_overlap({{ left }}, {{ right }})
{%- endmacro %}

{% macro default__arrays_overlap(left, right) -%}
    {{ no_engine_implementation('arrays_overlap') }}
{%- endmacro %}


{#- An array of the given SQL expressions (a list of strings, each already SQL: quote literals). -#}
{% macro array_of(items) -%}
    {{ return(adapter.dispatch('array_of', 'integrity')(items)) }}
{%- endmacro %}

{% macro duckdb__array_of(items) -%}
    [{{ items | join(', ') }}]
{%- endmacro %}

{% macro spark__array_of(items) -%}
    array({{ items | join(', ') }})
{%- endmacro %}

{% macro default__array_of(items) -%}
    {{ no_engine_implementation('array_of') }}
{%- endmacro %}


{#- The element of an array at a 1-based position (null past its end). -#}
{% macro array_element(expr, position) -%}
    {{ return(adapter.dispatch('array_element', 'integrity')(expr, position)) }}
{%- endmacro %}

{% macro duckdb__array_element(expr, position) -%}
    {{ expr }}[{{ position }}]
{%- endmacro %}

{% macro spark__array_element(expr, position) -%}
    try_element_at({{ expr }}, {{ position }})
{%- endmacro %}

{% macro default__array_element(expr, position) -%}
    {{ no_engine_implementation('array_element') }}
{%- endmacro %}


{#- An empty array of the array type array_type (type_array_string(), type_struct_array(...)). -#}
{% macro empty_array(array_type) -%}
    {{ return(adapter.dispatch('empty_array', 'integrity')(array_type)) }}
{%- endmacro %}

{% macro duckdb__empty_array(array_type) -%}
    cast([] as {{ array_type }})
{%- endmacro %}

{% macro spark__empty_array(array_type) -%}
    cast(array() as {{ array_type }})
{%- endmacro %}

{% macro default__empty_array(array_type) -%}
    {{ no_engine_implementation('empty_array') }}
{%- endmacro %}


{#- The type of an array of structs, from fields: a list of [name, type] pairs, each type
    'string', 'bigint' or 'double'. -#}
{% macro type_struct_array(fields) -%}
    {{ return(adapter.dispatch('type_struct_array', 'integrity')(fields)) }}
{%- endmacro %}

{% macro duckdb__type_struct_array(fields) -%}
    {%- set parts = [] -%}
    {%- for f in fields %}{% do parts.append(f[0] ~ ' ' ~ ('varchar' if f[1] == 'string' else f[1])) %}{% endfor -%}
    struct({{ parts | join(', ') }})[]
{%- endmacro %}

{% macro spark__type_struct_array(fields) -%}
    {%- set parts = [] -%}
    {%- for f in fields %}{% do parts.append(f[0] ~ ':' ~ f[1]) %}{% endfor -%}
    array<struct<{{ parts | join(',') }}>>
{%- endmacro %}

{% macro default__type_struct_array(fields) -%}
    {{ no_engine_implementation('type_struct_array') }}
{%- endmacro %}


{#- A struct value from pairs: a list of [name, expression]. -#}
{% macro struct_of(pairs) -%}
    {{ return(adapter.dispatch('struct_of', 'integrity')(pairs)) }}
{%- endmacro %}

{% macro duckdb__struct_of(pairs) -%}
    {%- set parts = [] -%}
    {%- for p in pairs %}{% do parts.append("'" ~ p[0] ~ "': " ~ p[1]) %}{% endfor -%}
    { {{- parts | join(', ') -}} }
{%- endmacro %}

{% macro spark__struct_of(pairs) -%}
    {%- set parts = [] -%}
    {%- for p in pairs %}{% do parts.append("'" ~ p[0] ~ "', " ~ p[1]) %}{% endfor -%}
    named_struct({{ parts | join(', ') }})
{%- endmacro %}

{% macro default__struct_of(pairs) -%}
    {{ no_engine_implementation('struct_of') }}
{%- endmacro %}


{#- In a select list: one row per element of the array expr (none for an empty or null array).
    At most one per select list (Spark allows one generator). -#}
{% macro unnest_rows(expr) -%}
    {{ return(adapter.dispatch('unnest_rows', 'integrity')(expr)) }}
{%- endmacro %}

{% macro duckdb__unnest_rows(expr) -%}
    unnest({{ expr }})
{%- endmacro %}

{% macro spark__unnest_rows(expr) -%}
    explode({{ expr }})
{%- endmacro %}

{% macro default__unnest_rows(expr) -%}
    {{ no_engine_implementation('unnest_rows') }}
{%- endmacro %}


{#- In a from clause, after the relations it reads (and after their joins: nothing may be joined
    after it): each row once per element of the array expr, the element as alias.column. -#}
{% macro lateral_unnest(expr, alias, column) -%}
    {{ return(adapter.dispatch('lateral_unnest', 'integrity')(expr, alias, column)) }}
{%- endmacro %}

{% macro duckdb__lateral_unnest(expr, alias, column) -%}
    cross join unnest({{ expr }}) as {{ alias }} ({{ column }})
{%- endmacro %}

{% macro spark__lateral_unnest(expr, alias, column) -%}
    lateral view explode({{ expr }}) {{ alias }} as {{ column }}
{%- endmacro %}

{% macro default__lateral_unnest(expr, alias, column) -%}
    {{ no_engine_implementation('lateral_unnest') }}
{%- endmacro %}


{#- In a select list: one row per day from start to end (dates, both included). -#}
{% macro day_rows(start, end) -%}
    {{ return(adapter.dispatch('day_rows', 'integrity')(start, end)) }}
{%- endmacro %}

{% macro duckdb__day_rows(start, end) -%}
    cast(unnest(generate_series(cast({{ start }} as timestamp), cast({{ end }} as timestamp), interval 1 day)) as date)
{%- endmacro %}

{% macro spark__day_rows(start, end) -%}
    explode(sequence(cast({{ start }} as date), cast({{ end }} as date), interval 1 day))
{%- endmacro %}

{% macro default__day_rows(start, end) -%}
    {{ no_engine_implementation('day_rows') }}
{%- endmacro %}


{#- In a select list: one row per integer from start to end (both included), as bigint. -#}
{% macro integer_rows(start, end) -%}
    {{ return(adapter.dispatch('integer_rows', 'integrity')(start, end)) }}
{%- endmacro %}

{% macro duckdb__integer_rows(start, end) -%}
    unnest(generate_series({{ start }}, {{ end }}))
{%- endmacro %}

{% macro spark__integer_rows(start, end) -%}
    explode(sequence(cast({{ start }} as bigint), cast({{ end }} as bigint)))
{%- endmacro %}

{% macro default__integer_rows(start, end) -%}
    {{ no_engine_implementation('integer_rows') }}
{%- endmacro %}


{#- An aggregate: the values of expr in the group as an array, ordered by order_by (a list of
    [expression, 'asc' | 'desc'] pairs, the last a unique tie-break), the first `limit` of them
    when limit is given. Spark sorts structs of the keys with a comparator written from the
    pairs (keys must not be null). -#}
{% macro ordered_list(expr, order_by, limit=none) -%}
    {{ return(adapter.dispatch('ordered_list', 'integrity')(expr, order_by, limit)) }}
{%- endmacro %}

{% macro duckdb__ordered_list(expr, order_by, limit) -%}
    {%- set keys = [] -%}
    {%- for key in order_by %}{% do keys.append(key[0] ~ ' ' ~ key[1]) %}{% endfor -%}
    list({{ expr }} order by {{ keys | join(', ') }}){% if limit %}[1:{{ limit }}]{% endif %}
{%- endmacro %}

{% macro spark__ordered_list(expr, order_by, limit) -%}
    {%- set fields = [] -%}
    {%- for key in order_by %}{% do fields.append(key[0] ~ ' as k' ~ loop.index) %}{% endfor -%}
    {%- set sorted -%}
    transform(
        array_sort(
            collect_list(struct({{ fields | join(', ') }}, {{ expr }} as v)),
            (l, r) -> case
            {%- for key in order_by %}
                {%- set before = '<' if key[1] == 'asc' else '>' %}
                {%- set after = '>' if key[1] == 'asc' else '<' %}
                when l.k{{ loop.index }} {{ before }} r.k{{ loop.index }} then -1
                when l.k{{ loop.index }} {{ after }} r.k{{ loop.index }} then 1
            {%- endfor %}
                else 0
            end
        ),
        s -> s.v
    )
    {%- endset -%}
    {%- if limit %}slice({{ sorted }}, 1, {{ limit }}){% else %}{{ sorted }}{% endif %}
{%- endmacro %}

{% macro default__ordered_list(expr, order_by, limit) -%}
    {{ no_engine_implementation('ordered_list') }}
{%- endmacro %}
