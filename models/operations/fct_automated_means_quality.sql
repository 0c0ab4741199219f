-- Accuracy, precision and recall of automated means (enforcing detectors) per reporting
-- period, estimated on the prevalence sample: the only labelled data that includes what
-- no detector flagged, so the only unbiased basis for recall and accuracy.
with policies as (
    select
        policy_code,
        is_spam
    from {{ ref('policies') }}
),

content as (
    select
        content_id,
        owner_account_key
    from {{ ref('stg_platform__content') }}
),

samples as (
    select
        samples.sample_id,
        samples.content_id,
        content.owner_account_key,
        samples.hour_ts,
        samples.date_day,
        1.0 / samples.inclusion_prob as weight,
        samples.label = 'violating' and coalesce(policies.is_spam, false) as is_spam
    from {{ ref('stg_platform__prevalence_samples') }} as samples
    left join content
        on samples.content_id = content.content_id
    left join policies
        on samples.policy_code = policies.policy_code
    where samples.label in ('violating', 'not_violating')
),

enforce_hits as (
    select * from {{ ref('int_rule_hits_unioned') }}
    where status = 'enforce'
),

detectors as (
    select distinct rule_id as detector_id from enforce_hits
    union all
    select 'all' as detector_id
),

-- flagged "by then": an enforcing hit on the item or its owner before the sampled hour ended
sample_rule_flags as (
    select distinct
        samples.sample_id,
        enforce_hits.rule_id as detector_id
    from samples
    inner join enforce_hits
        on (
            (enforce_hits.target_type = 'content' and samples.content_id = enforce_hits.target_id)
            or (enforce_hits.target_type = 'account' and samples.owner_account_key = enforce_hits.target_id)
        )
        and enforce_hits.hit_at < samples.hour_ts + interval 1 hour
),

sample_flags as (
    select
        sample_id,
        detector_id
    from sample_rule_flags
    union
    select
        sample_id,
        'all' as detector_id
    from sample_rule_flags
),

periods as (
    {%- for period_type in ['month', 'half_year', 'year'] %}
        select
            sample_id,
            '{{ period_type }}' as period_type,
            {{ period_start('date_day', period_type) }} as period_start
        from samples
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

sample_detections as (
    select
        periods.period_type,
        periods.period_start,
        detectors.detector_id,
        samples.weight,
        samples.is_spam,
        sample_flags.sample_id is not null as is_flagged
    from samples
    inner join periods
        on samples.sample_id = periods.sample_id
    cross join detectors
    left join sample_flags
        on samples.sample_id = sample_flags.sample_id and detectors.detector_id = sample_flags.detector_id
),

sample_quality as (
    select
        period_type,
        period_start,
        detector_id,
        count(*) as labelled_samples,
        count_if(is_spam)::bigint as spam_samples,
        count_if(is_flagged)::bigint as flagged_samples,
        count_if(is_flagged and is_spam)::bigint as true_positive_samples,
        sum(weight) as weight_total,
        sum(case when is_flagged = is_spam then weight else 0 end) as weight_agreeing,
        sum(case when is_flagged then weight else 0 end) as weight_flagged,
        sum(case when is_spam then weight else 0 end) as weight_spam,
        sum(case when is_flagged and is_spam then weight else 0 end) as weight_true_positive
    from sample_detections
    group by all
),

hit_periods as (
    {%- for period_type in ['month', 'half_year', 'year'] %}
        select
            rule_id,
            target_type,
            target_id,
            '{{ period_type }}' as period_type,
            {{ period_start('hit_at', period_type) }} as period_start
        from enforce_hits
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

hit_detectors as (
    select
        rule_id as detector_id,
        target_type,
        target_id,
        period_type,
        period_start
    from hit_periods
    union all
    select
        'all' as detector_id,
        target_type,
        target_id,
        period_type,
        period_start
    from hit_periods
),

review_quality as (
    select
        hit_detectors.period_type,
        hit_detectors.period_start,
        hit_detectors.detector_id,
        count(*) as enforce_hits,
        count(outcomes.last_review_decision) as reviewed_hits,
        count_if(outcomes.last_review_decision = 'violating')::bigint as violating_hits
    from hit_detectors
    left join {{ ref('int_target_outcomes') }} as outcomes
        on hit_detectors.target_type = outcomes.target_type and hit_detectors.target_id = outcomes.target_id
    group by all
),

final as (
    select
        sample_quality.period_type,
        sample_quality.period_start,
        case sample_quality.period_type
            when 'month' then sample_quality.period_start + interval 1 month
            when 'half_year' then sample_quality.period_start + interval 6 month
            else sample_quality.period_start + interval 1 year
        end::date - 1 as period_end,
        sample_quality.detector_id,
        sample_quality.labelled_samples,
        sample_quality.spam_samples,
        sample_quality.flagged_samples,
        sample_quality.true_positive_samples,
        {{ safe_ratio('sample_quality.weight_agreeing', 'sample_quality.weight_total') }} as accuracy,
        {{ safe_ratio('sample_quality.weight_true_positive', 'sample_quality.weight_flagged') }} as precision,  -- noqa: RF04
        {{ safe_ratio('sample_quality.weight_true_positive', 'sample_quality.weight_spam') }} as recall,
        sample_quality.spam_samples < 10 as is_low_count,
        coalesce(review_quality.enforce_hits, 0) as enforce_hits,
        coalesce(review_quality.reviewed_hits, 0) as reviewed_hits,
        coalesce(review_quality.violating_hits, 0) as violating_hits,
        {{ safe_ratio('review_quality.violating_hits', 'review_quality.reviewed_hits') }} as review_precision
    from sample_quality
    left join review_quality
        on
            sample_quality.period_type = review_quality.period_type
            and sample_quality.period_start = review_quality.period_start
            and sample_quality.detector_id = review_quality.detector_id
)

select * from final
