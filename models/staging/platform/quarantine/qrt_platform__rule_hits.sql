{#- The record as delivered comes from raw (staging keeps no personal data in clear). -#}

with

source as (

    select * from {{ ref('base_platform__rule_hits') }}
    where _record_status = 'quarantined'

),

raw_rows as (

    select * from {{ source('platform', 'rule_hits') }}

),

renamed as (

    select
        source._delivered_dt,
        source._source_file,
        source._line_no,
        'rule_hits' as feed,
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
