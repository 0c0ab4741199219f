with

source as (

    select * from {{ ref('base_platform__prevalence_samples') }}
    where _record_status = 'clean'

),

renamed as (

    select
        sample_id,
        content_id,
        labeler_key,
        surface,
        country,
        stratum,
        label,
        policy_code,
        inclusion_prob,
        hour_ts,
        cast(hour_ts as date) as date_day,
        labeled_at,
        _delivered_dt,
        _source_file

    from source

)

select * from renamed
