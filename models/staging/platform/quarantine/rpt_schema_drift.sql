{#- Schema drift: fields (JSON keys, Parquet / CSV columns) the raw contract does not know.
    They are accepted and ignored; this says where they appeared, so the contract can catch up. -#}

with

drifted as (
    {{ platform_feeds_union(['_delivered_dt', '_source_file', '_extra_fields'], where='_extra_fields is not null') }}
),

unnested as (

    select
        feed,
        _delivered_dt,
        _source_file,
        {{ unnest_rows('_extra_fields') }} as field_name
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
