{#- Every raw record ends up in exactly one place: per feed and delivery day,
    raw_records = clean + quarantined + duplicates + superseded (tested in the model's YAML).
    `held` is the part of `quarantined` held back as unknown_reference (an id not delivered yet, or a
    policy code not in the policies seed): re-checked every run, it moves to clean once resolved. -#}

with

raw_counts as (
    {{ platform_feeds_union(['_delivered_dt', 'count(*) as raw_records'], from_='source', group_by='_delivered_dt') }}
),

classified as (
    {{ platform_feeds_union(['_delivered_dt', '_record_status', '_reason_code']) }}
),

status_counts as (

    select
        feed,
        _delivered_dt,
        count(*) filter (where _record_status = 'clean') as clean,
        count(*) filter (where _record_status = 'quarantined') as quarantined,
        count(*) filter (where _record_status = 'duplicate') as duplicates,
        count(*) filter (where _record_status = 'superseded') as superseded,
        count(*) filter (where _reason_code = 'unknown_reference') as held
    from classified
    group by feed, _delivered_dt

),

file_counts as (

    select
        feed,
        delivered_dt as _delivered_dt,
        count(*) as files,
        count(*) filter (where status = 'empty') as empty_files,
        count(*) filter (where status = 'unreadable') as unreadable_files
    from {{ source('platform', '_files') }}
    group by feed, delivered_dt

),

days as (

    select
        feed,
        _delivered_dt
    from raw_counts
    union
    select
        feed,
        _delivered_dt
    from file_counts

),

final as (

    select
        days.feed,
        days._delivered_dt as delivered_dt,
        coalesce(file_counts.files, 0) as files,
        coalesce(file_counts.empty_files, 0) as empty_files,
        coalesce(file_counts.unreadable_files, 0) as unreadable_files,
        coalesce(raw_counts.raw_records, 0) as raw_records,
        coalesce(status_counts.clean, 0) as clean,
        coalesce(status_counts.quarantined, 0) as quarantined,
        coalesce(status_counts.duplicates, 0) as duplicates,
        coalesce(status_counts.superseded, 0) as superseded,
        coalesce(status_counts.held, 0) as held
    from days
    left join raw_counts
        on
            days.feed = raw_counts.feed
            and days._delivered_dt is not distinct from raw_counts._delivered_dt
    left join status_counts
        on
            days.feed = status_counts.feed
            and days._delivered_dt is not distinct from status_counts._delivered_dt
    left join file_counts
        on
            days.feed = file_counts.feed
            and days._delivered_dt is not distinct from file_counts._delivered_dt

)

select * from final
