{#- The record as delivered comes from raw (staging keeps no personal data in clear). -#}

with

source as (

    select * from {{ ref('base_platform__monthly_active_recipients') }}
    where _record_status = 'quarantined'

),

raw_rows as (

    select
        delivered._source_file,
        delivered._line_no,
        to_json(delivered)::varchar as _record
    -- the load time is the loader's, not part of the record as delivered
    from (select * exclude (_loaded_at) from {{ source('platform', 'monthly_active_recipients') }}) as delivered

),

renamed as (

    select
        source._delivered_dt,
        source._source_file,
        source._line_no,
        'monthly_active_recipients' as feed,
        source._reason_code as reason_code,
        source._reason_detail as reason_detail,
        raw_rows._record as raw_record

    from source
    inner join raw_rows
        on
            source._source_file = raw_rows._source_file
            and source._line_no = raw_rows._line_no

)

select * from renamed
