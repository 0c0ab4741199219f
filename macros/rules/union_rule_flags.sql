{#- Combine SQL detection rules (one model each under models/intermediate/rules/definitions/) into
    one relation with the shared flag interface:
    rule_id, rule_version, status (enforce|shadow|candidate), target_type, target_id, flagged_at.
    The models come from the rule registry (`detection_rule_models(statuses)`), a parse-time list,
    so dbt sees the dependencies; tests/python/test_rules.py checks that every rule model is in
    the registry and every registry entry has its model. A target flagged twice by the same rule
    version keeps its earliest flag. -#}
{% macro union_rule_flags(rule_models) -%}
    with unioned as (
        {%- for rule_model in rule_models %}
        select
            rule_id,
            cast(rule_version as bigint) as rule_version,
            status,
            target_type,
            target_id,
            flagged_at
        from {{ ref(rule_model) }}
        {%- if not loop.last %}
        union all
        {%- endif %}
        {%- endfor %}
    )

    select
        rule_id,
        rule_version,
        any_value(status) as status,
        target_type,
        target_id,
        min(flagged_at) as flagged_at
    from unioned
    group by rule_id, rule_version, target_type, target_id
{%- endmacro %}
