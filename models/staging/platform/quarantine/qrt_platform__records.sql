{#- Every rejected record of every feed in the registry, with its one reason. The record as
    delivered comes from raw (staging keeps no personal data in clear): a JSONL line as it was, a
    Parquet / CSV row as JSON of its columns (a typed Parquet value as the loader writes it as
    text). Only rejected records are rendered: the raw records are joined first. -#}

with

rejected as (
    {% for feed in platform_feed_names() %}
        {%- if not loop.first %}

            union all
        {% endif %}
        select
            base._delivered_dt,
            base._source_file,
            base._line_no,
            '{{ feed }}' as feed,
            base._reason_code as reason_code,
            base._reason_detail as reason_detail,
            {{ platform_raw_record(feed, 'delivered') }} as raw_record
        from {{ ref('base_platform__' ~ feed) }} as base
        inner join {{ platform_raw(feed) }} as delivered
            on
                base._source_file = delivered._source_file
                and base._line_no = delivered._line_no
        where base._record_status = 'quarantined'
    {%- endfor %}

)

select * from rejected
