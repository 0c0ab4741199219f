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

{% macro spark__array_size(expr) -%}
    size({{ expr }})
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
