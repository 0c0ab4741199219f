{#- Every rejected record of every feed in the registry, with its one reason. The record as
    delivered comes from raw (staging keeps no personal data in clear): a JSONL line as it was, a
    Parquet / CSV row as JSON of its columns. -#}

with

{% for feed in platform_feed_names() %}
    delivered_{{ feed }} as (

        select
            delivered._source_file,
            delivered._line_no,
            {%- if platform_feed(feed)['format'] == 'jsonl' %}
                delivered._record as raw_record
            {%- else %}
                to_json(delivered)::varchar as raw_record
            {%- endif %}
        -- the load time is the loader's, not part of the record as delivered
        from (select * exclude (_loaded_at) from {{ source('platform', feed) }}) as delivered

    ),

{% endfor %}

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
            delivered.raw_record
        from {{ ref('base_platform__' ~ feed) }} as base
        inner join delivered_{{ feed }} as delivered
            on
                base._source_file = delivered._source_file
                and base._line_no = delivered._line_no
        where base._record_status = 'quarantined'
    {%- endfor %}

)

select * from rejected
