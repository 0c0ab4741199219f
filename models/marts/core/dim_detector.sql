-- Every automated detector and version: the platform's own (seed detectors, the ones that log
-- into the rule_hits feed) and the warehouse's SQL rules (the rule registry, var
-- detection_rules). The one place thresholds, policy areas and statuses are read from.
with

platform_detectors as (

    select
        detector,
        version,
        status,
        policy_area,
        has_score,
        {{ fixed_decimal('operating_threshold') }} as operating_threshold,
        description,
        'platform' as implemented_by,
        cast(null as {{ dbt.type_string() }}) as rule_model
    from {{ ref('detectors') }}

),

warehouse_rules as (

    {%- for model_name, rule in var('detection_rules').items() %}
        {%- set threshold = rule.get('operating_threshold') %}
        select
            '{{ rule["rule_id"] }}' as detector,
            cast({{ rule['version'] }} as integer) as version,  -- noqa: RF04
            '{{ detection_rule(model_name)["status"] }}' as status,
            '{{ rule["policy_area"] }}' as policy_area,
            {{ 'true' if threshold is not none else 'false' }} as has_score,
            {{ fixed_decimal(threshold if threshold is not none else 'null') }} as operating_threshold,
            '{{ rule["description"] | replace("'", "' || chr(39) || '") }}' as description,
            'warehouse' as implemented_by,
            '{{ model_name }}' as rule_model
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

),

final as (

    select * from platform_detectors
    union all
    select * from warehouse_rules

)

select * from final
