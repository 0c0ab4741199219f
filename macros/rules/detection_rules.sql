{#- The detection-rule registry (var `detection_rules` in dbt_project.yml): one declaration per
    warehouse SQL rule, keyed by the name of the model that implements it. Nothing else writes a
    rule's id, version or status: the rule model renders them with `detection_rule_identity()`,
    takes its tags from `detection_rule_tags()`, and the unions list their models with
    `detection_rule_models(statuses)`. -#}
{% macro detection_rule(model_name) -%}
    {%- set rules = var('detection_rules') -%}
    {%- if model_name not in rules -%}
        {{ exceptions.raise_compiler_error(
            "rule model " ~ model_name ~ " is not in the rule registry (var detection_rules)"
        ) }}
    {%- endif -%}
    {%- set rule = rules[model_name] -%}
    {%- if rule['status'] not in ['candidate', 'shadow', 'enforce'] -%}
        {{ exceptions.raise_compiler_error(
            "rule " ~ model_name ~ ": status must be candidate, shadow or enforce, not " ~ rule['status']
        ) }}
    {%- endif -%}
    {{ return(rule) }}
{%- endmacro %}

{#- Rule models whose status is one of `statuses`, in registry order. -#}
{% macro detection_rule_models(statuses) -%}
    {%- set ns = namespace(names=[]) -%}
    {%- for name in var('detection_rules') -%}
        {%- if detection_rule(name)['status'] in statuses -%}
            {%- set ns.names = ns.names + [name] -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(ns.names) }}
{%- endmacro %}

{#- A rule model's tags: every rule is a `detection_rule`; a candidate is also `sandbox`, so a
    production run can exclude `tag:sandbox` and an unfinished candidate never fails it. -#}
{% macro detection_rule_tags(model_name=none) -%}
    {%- set rule = detection_rule(model_name or model.name) -%}
    {{ return(['detection_rule'] + (['sandbox'] if rule['status'] == 'candidate' else [])) }}
{%- endmacro %}

{#- The identity columns of the shared rule-flag interface, for the model being built. -#}
{% macro detection_rule_identity(model_name=none) -%}
    {%- set rule = detection_rule(model_name or model.name) -%}
    '{{ rule["rule_id"] }}' as rule_id,
    {{ rule['version'] }} as rule_version,
    '{{ rule["status"] }}' as status
{%- endmacro %}
