{#- 95% Wilson score interval for a proportion p on an (effective) sample size n.
    Used with the Kish effective sample size for inverse-probability-weighted estimates.
    Returns null when p is null, or n is null or 0 (greatest/least skip nulls on some engines,
    so the null case is explicit). -#}
{% macro wilson_low(p, n, z=1.959963984540054) -%}
    {{ return(adapter.dispatch('wilson_bound', 'integrity')(p, n, z, -1)) }}
{%- endmacro %}

{% macro wilson_high(p, n, z=1.959963984540054) -%}
    {{ return(adapter.dispatch('wilson_bound', 'integrity')(p, n, z, 1)) }}
{%- endmacro %}

{% macro default__wilson_bound(p, n, z, sign) -%}
    case
        when {{ n }} > 0 and ({{ p }}) is not null
            then greatest(0.0, least(1.0,
                (
                    ({{ p }}) + {{ z }} * {{ z }} / (2.0 * ({{ n }}))
                    {{ '-' if sign < 0 else '+' }} {{ z }} * sqrt(
                        greatest(({{ p }}) * (1.0 - ({{ p }})), 0.0) / ({{ n }})
                        + {{ z }} * {{ z }} / (4.0 * ({{ n }}) * ({{ n }}))
                    )
                ) / (1.0 + {{ z }} * {{ z }} / ({{ n }}))
            ))
    end
{%- endmacro %}
