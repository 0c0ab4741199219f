{#- Schema drift: fields (JSON keys, Parquet / CSV columns) the raw contract does not know.
    They are accepted and ignored; this says where they appeared, so the contract can catch up. -#}

with

drifted as (

    select
        'accounts' as feed,
        _delivered_dt,
        _source_file,
        _extra_fields
    from {{ ref('base_platform__accounts') }}
    where _extra_fields is not null

    union all

    select
        'content' as feed,
        _delivered_dt,
        _source_file,
        _extra_fields
    from {{ ref('base_platform__content') }}
    where _extra_fields is not null

    union all

    select
        'impressions' as feed,
        _delivered_dt,
        _source_file,
        _extra_fields
    from {{ ref('base_platform__impressions') }}
    where _extra_fields is not null

    union all

    select
        'reports' as feed,
        _delivered_dt,
        _source_file,
        _extra_fields
    from {{ ref('base_platform__reports') }}
    where _extra_fields is not null

    union all

    select
        'review_events' as feed,
        _delivered_dt,
        _source_file,
        _extra_fields
    from {{ ref('base_platform__review_events') }}
    where _extra_fields is not null

    union all

    select
        'enforcement_actions' as feed,
        _delivered_dt,
        _source_file,
        _extra_fields
    from {{ ref('base_platform__enforcement_actions') }}
    where _extra_fields is not null

    union all

    select
        'appeals' as feed,
        _delivered_dt,
        _source_file,
        _extra_fields
    from {{ ref('base_platform__appeals') }}
    where _extra_fields is not null

    union all

    select
        'rule_hits' as feed,
        _delivered_dt,
        _source_file,
        _extra_fields
    from {{ ref('base_platform__rule_hits') }}
    where _extra_fields is not null

    union all

    select
        'prevalence_samples' as feed,
        _delivered_dt,
        _source_file,
        _extra_fields
    from {{ ref('base_platform__prevalence_samples') }}
    where _extra_fields is not null

    union all

    select
        'qa_audits' as feed,
        _delivered_dt,
        _source_file,
        _extra_fields
    from {{ ref('base_platform__qa_audits') }}
    where _extra_fields is not null

    union all

    select
        'moderators' as feed,
        _delivered_dt,
        _source_file,
        _extra_fields
    from {{ ref('base_platform__moderators') }}
    where _extra_fields is not null

    union all

    select
        'monthly_active_recipients' as feed,
        _delivered_dt,
        _source_file,
        _extra_fields
    from {{ ref('base_platform__monthly_active_recipients') }}
    where _extra_fields is not null

),

unnested as (

    select
        feed,
        _delivered_dt,
        _source_file,
        unnest(_extra_fields) as field_name
    from drifted

),

final as (

    select
        feed,
        field_name,
        _delivered_dt as delivered_dt,
        count(*) as records,
        count(distinct _source_file) as files
    from unnested
    group by feed, field_name, _delivered_dt

)

select * from final
