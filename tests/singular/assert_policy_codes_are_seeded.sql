{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'base_platform__enforcement_actions'}}}) }}

{#- Every policy code the feeds use is in the policies seed (staging holds back, with a detail
    naming the field, every record whose code is not: read from the base models only, so the seeds'
    own build never runs this test). A record whose code is not seeded is held
    back as unknown_reference (never counted as "not spam") until the code is seeded: one row per
    missing code, naming it, with the records waiting for it and where (feed.field count, ...). When the
    test runs (build / test), the missing codes are also written to the log, since dbt itself only
    reports how many rows a test returned. -#}
{%- set missing_codes_sql -%}
with

used_codes as (

    select
        'enforcement_actions' as feed,
        'policy_code' as field_name,
        policy_code,
        _delivered_dt
    from {{ ref('base_platform__enforcement_actions') }}
    where _reason_code = 'unknown_reference' and substr(_reason_detail, 1, 12) = 'policy_code='

    union all

    select
        'review_events' as feed,
        'policy_code' as field_name,
        policy_code,
        _delivered_dt
    from {{ ref('base_platform__review_events') }}
    where _reason_code = 'unknown_reference' and substr(_reason_detail, 1, 12) = 'policy_code='

    union all

    select
        'prevalence_samples' as feed,
        'policy_code' as field_name,
        policy_code,
        _delivered_dt
    from {{ ref('base_platform__prevalence_samples') }}
    where _reason_code = 'unknown_reference' and substr(_reason_detail, 1, 12) = 'policy_code='

    union all

    select
        'qa_audits' as feed,
        'gold_policy_code' as field_name,
        gold_policy_code as policy_code,
        _delivered_dt
    from {{ ref('base_platform__qa_audits') }}
    where _reason_code = 'unknown_reference' and substr(_reason_detail, 1, 17) = 'gold_policy_code='

),

per_feed as (

    select
        used_codes.policy_code,
        used_codes.feed,
        used_codes.field_name,
        count(*) as held_records,
        min(used_codes._delivered_dt) as first_delivered_dt
    from used_codes
    group by used_codes.policy_code, used_codes.feed, used_codes.field_name

),

missing as (

    select
        policy_code,
        sum(held_records) as held_records,
        {{ ordered_text_agg(
            "feed || '.' || field_name || ' ' || cast(held_records as " ~ dbt.type_string() ~ ")", "', '",
            [['feed', 'asc'], ['field_name', 'asc']]
        ) }} as held_in,
        min(first_delivered_dt) as first_delivered_dt
    from per_feed
    group by policy_code

)

select * from missing
{%- endset %}

{%- if execute and flags.WHICH in ('build', 'test') %}
    {%- set found = run_query(missing_codes_sql ~ ' order by policy_code') %}
    {%- if found is not none and found.rows | length > 0 %}
        {%- set named = [] %}
        {%- for row in found.rows %}
            {%- do named.append(row['policy_code'] ~ ' (' ~ row['held_records'] ~ ' held: ' ~ row['held_in'] ~ ')') %}
        {%- endfor %}
        {%- do log('Policy codes not in the policies seed (seed them to admit their records): ' ~ named | join('; '), info=true) %}
    {%- endif %}
{%- endif %}

{{ missing_codes_sql }}
