{#- Every raw record ends up in exactly one place: per feed and delivery day,
    raw_records = clean + quarantined + duplicates + superseded (tested in the model's YAML).
    `held` is the part of `quarantined` held back as unknown_reference (an id not delivered yet, or a
    policy code not in the policies seed): re-checked every run, it moves to clean once resolved. -#}

with

raw_counts as (

    select
        'accounts' as feed,
        _delivered_dt,
        count(*) as raw_records
    from {{ source('platform', 'accounts') }}
    group by _delivered_dt

    union all

    select
        'content' as feed,
        _delivered_dt,
        count(*) as raw_records
    from {{ source('platform', 'content') }}
    group by _delivered_dt

    union all

    select
        'impressions' as feed,
        _delivered_dt,
        count(*) as raw_records
    from {{ source('platform', 'impressions') }}
    group by _delivered_dt

    union all

    select
        'reports' as feed,
        _delivered_dt,
        count(*) as raw_records
    from {{ source('platform', 'reports') }}
    group by _delivered_dt

    union all

    select
        'review_events' as feed,
        _delivered_dt,
        count(*) as raw_records
    from {{ source('platform', 'review_events') }}
    group by _delivered_dt

    union all

    select
        'enforcement_actions' as feed,
        _delivered_dt,
        count(*) as raw_records
    from {{ source('platform', 'enforcement_actions') }}
    group by _delivered_dt

    union all

    select
        'appeals' as feed,
        _delivered_dt,
        count(*) as raw_records
    from {{ source('platform', 'appeals') }}
    group by _delivered_dt

    union all

    select
        'rule_hits' as feed,
        _delivered_dt,
        count(*) as raw_records
    from {{ source('platform', 'rule_hits') }}
    group by _delivered_dt

    union all

    select
        'prevalence_samples' as feed,
        _delivered_dt,
        count(*) as raw_records
    from {{ source('platform', 'prevalence_samples') }}
    group by _delivered_dt

    union all

    select
        'qa_audits' as feed,
        _delivered_dt,
        count(*) as raw_records
    from {{ source('platform', 'qa_audits') }}
    group by _delivered_dt

    union all

    select
        'moderators' as feed,
        _delivered_dt,
        count(*) as raw_records
    from {{ source('platform', 'moderators') }}
    group by _delivered_dt

    union all

    select
        'monthly_active_recipients' as feed,
        _delivered_dt,
        count(*) as raw_records
    from {{ source('platform', 'monthly_active_recipients') }}
    group by _delivered_dt

),

classified as (

    select
        'accounts' as feed,
        _delivered_dt,
        _record_status,
        _reason_code
    from {{ ref('base_platform__accounts') }}

    union all

    select
        'content' as feed,
        _delivered_dt,
        _record_status,
        _reason_code
    from {{ ref('base_platform__content') }}

    union all

    select
        'impressions' as feed,
        _delivered_dt,
        _record_status,
        _reason_code
    from {{ ref('base_platform__impressions') }}

    union all

    select
        'reports' as feed,
        _delivered_dt,
        _record_status,
        _reason_code
    from {{ ref('base_platform__reports') }}

    union all

    select
        'review_events' as feed,
        _delivered_dt,
        _record_status,
        _reason_code
    from {{ ref('base_platform__review_events') }}

    union all

    select
        'enforcement_actions' as feed,
        _delivered_dt,
        _record_status,
        _reason_code
    from {{ ref('base_platform__enforcement_actions') }}

    union all

    select
        'appeals' as feed,
        _delivered_dt,
        _record_status,
        _reason_code
    from {{ ref('base_platform__appeals') }}

    union all

    select
        'rule_hits' as feed,
        _delivered_dt,
        _record_status,
        _reason_code
    from {{ ref('base_platform__rule_hits') }}

    union all

    select
        'prevalence_samples' as feed,
        _delivered_dt,
        _record_status,
        _reason_code
    from {{ ref('base_platform__prevalence_samples') }}

    union all

    select
        'qa_audits' as feed,
        _delivered_dt,
        _record_status,
        _reason_code
    from {{ ref('base_platform__qa_audits') }}

    union all

    select
        'moderators' as feed,
        _delivered_dt,
        _record_status,
        _reason_code
    from {{ ref('base_platform__moderators') }}

    union all

    select
        'monthly_active_recipients' as feed,
        _delivered_dt,
        _record_status,
        _reason_code
    from {{ ref('base_platform__monthly_active_recipients') }}

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
