-- Which enforcing detector versions had flagged each prevalence sample: an enforcing hit
-- (int_rule_hits_unioned, status enforce) on the sampled item or on its owner account before the
-- sampled hour ended. One row per sample and detector version that flagged it; a sample nobody
-- flagged has no row. Shared by int_detector_quality_daily (per detector and pooled) and DSA
-- Part 8 (pooled, per language), so the join is written and run once.
-- Two equi-joins (item, owner account), not one join on an OR: an OR condition cannot be hashed
-- and would compare every sample with every hit; `union` drops the pairs both sides find.
with

samples as (

    select
        samples.sample_id,
        samples.content_id,
        items.owner_account_key,
        samples.hour_ts
    from {{ ref('stg_platform__prevalence_samples') }} as samples
    left join {{ ref('stg_platform__content') }} as items
        on samples.content_id = items.content_id

),

enforce_hits as (

    select * from {{ ref('int_rule_hits_unioned') }}
    where status = 'enforce'

),

final as (

    select
        samples.sample_id,
        enforce_hits.rule_id as detector_id,
        enforce_hits.rule_version as detector_version
    from samples
    inner join enforce_hits
        on
            enforce_hits.target_type = 'content'
            and samples.content_id = enforce_hits.target_id
            and enforce_hits.hit_at < samples.hour_ts + interval 1 hour

    union

    select
        samples.sample_id,
        enforce_hits.rule_id as detector_id,
        enforce_hits.rule_version as detector_version
    from samples
    inner join enforce_hits
        on
            enforce_hits.target_type = 'account'
            and samples.owner_account_key = enforce_hits.target_id
            and enforce_hits.hit_at < samples.hour_ts + interval 1 hour

)

select * from final
