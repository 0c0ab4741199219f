-- The exact sums behind every quality figure of automated means, per day and enforcing detector
-- version (and `all`, pooled over every enforcing detector): the operations mart and DSA Part 8
-- both aggregate these over their periods, so the two can never disagree.
--
-- Sample side (metrics.md, detection rules and automated means), by the sample's day: each
-- labelled prevalence sample (violating or not_violating) with its design weight
-- w = 1 / inclusion_prob, *positive* when violating under a spam policy, *flagged* when an
-- enforcing hit of the detector on the item or its owner account came before the sampled hour
-- ended (int_prevalence_sample_flags). Weights are decimals, so the sums are exact whatever order an engine adds them in.
--
-- Review side, by the hit's day: enforcing hits, those whose target a person reviewed (latest
-- final human decision, int_target_outcomes; the automated system's own decisions are not
-- reviews), and those a person found violating under a policy of the detector's policy area.
with

policies as (

    select
        policy_code,
        policy_area,
        is_spam
    from {{ ref('dim_policy') }}

),

detectors as (

    select * from {{ ref('dim_detector') }}

),

samples as (

    select
        samples.sample_id,
        samples.date_day,
        cast(1.0 / samples.inclusion_prob as decimal(38, 12)) as weight,
        samples.label = 'violating' and coalesce(policies.is_spam, false) as is_positive
    from {{ ref('stg_platform__prevalence_samples') }} as samples
    left join policies
        on samples.policy_code = policies.policy_code
    where samples.label in ('violating', 'not_violating')

),

enforce_hits as (

    select * from {{ ref('int_rule_hits_unioned') }}
    where status = 'enforce'

),

detector_versions as (

    select distinct
        rule_id as detector_id,
        rule_version as detector_version
    from enforce_hits

),

sample_flags as (

    select * from {{ ref('int_prevalence_sample_flags') }}

),

flagged_by_any as (

    select distinct sample_id
    from sample_flags

),

evaluated_samples as (

    select
        samples.date_day,
        detector_versions.detector_id,
        detector_versions.detector_version,
        samples.weight,
        samples.is_positive,
        sample_flags.sample_id is not null as is_flagged
    from samples
    cross join detector_versions
    left join sample_flags
        on
            samples.sample_id = sample_flags.sample_id
            and detector_versions.detector_id = sample_flags.detector_id
            and detector_versions.detector_version = sample_flags.detector_version

    union all

    select
        samples.date_day,
        'all' as detector_id,
        cast(null as integer) as detector_version,
        samples.weight,
        samples.is_positive,
        flagged_by_any.sample_id is not null as is_flagged
    from samples
    left join flagged_by_any
        on samples.sample_id = flagged_by_any.sample_id

),

sample_sums as (

    select
        date_day,
        detector_id,
        detector_version,
        count(*) as labelled_samples,
        count(*) filter (where is_positive) as positive_samples,
        count(*) filter (where is_flagged) as flagged_samples,
        count(*) filter (where is_flagged and is_positive) as flagged_positive_samples,
        sum(weight) as weight_total,
        sum(cast(weight * weight as decimal(38, 12))) as weight_sq_total,
        coalesce(sum(weight) filter (where is_positive), 0) as weight_positive,
        coalesce(sum(cast(weight * weight as decimal(38, 12))) filter (where is_positive), 0) as weight_sq_positive,
        coalesce(sum(weight) filter (where is_flagged), 0) as weight_flagged,
        coalesce(sum(cast(weight * weight as decimal(38, 12))) filter (where is_flagged), 0) as weight_sq_flagged,
        coalesce(sum(weight) filter (where is_flagged and is_positive), 0) as weight_true_positive,
        coalesce(sum(weight) filter (where is_flagged = is_positive), 0) as weight_agreeing
    from evaluated_samples
    group by date_day, detector_id, detector_version

),

judged_hits as (

    select
        cast(enforce_hits.hit_at as date) as date_day,
        enforce_hits.rule_id as detector_id,
        enforce_hits.rule_version as detector_version,
        outcomes.last_review_decision is not null as is_human_reviewed,
        coalesce(
            outcomes.last_review_decision = 'violating'
            and decision_policies.policy_area = coalesce(detectors.policy_area, 'spam'),
            false
        ) as is_human_violating
    from enforce_hits
    left join {{ ref('int_target_outcomes') }} as outcomes
        on
            enforce_hits.target_type = outcomes.target_type
            and enforce_hits.target_id = outcomes.target_id
    left join policies as decision_policies
        on outcomes.last_review_policy_code = decision_policies.policy_code
    left join detectors
        on
            enforce_hits.rule_id = detectors.detector
            and enforce_hits.rule_version = detectors.version

),

hit_sums as (

    select
        date_day,
        detector_id,
        detector_version,
        count(*) as enforce_hits,
        count(*) filter (where is_human_reviewed) as human_reviewed_hits,
        count(*) filter (where is_human_violating) as human_violating_hits
    from judged_hits
    group by date_day, detector_id, detector_version

    union all

    select
        date_day,
        'all' as detector_id,
        cast(null as integer) as detector_version,
        count(*) as enforce_hits,
        count(*) filter (where is_human_reviewed) as human_reviewed_hits,
        count(*) filter (where is_human_violating) as human_violating_hits
    from judged_hits
    group by date_day

),

final as (

    select
        coalesce(sample_sums.date_day, hit_sums.date_day) as date_day,
        coalesce(sample_sums.detector_id, hit_sums.detector_id) as detector_id,
        coalesce(sample_sums.detector_version, hit_sums.detector_version) as detector_version,
        coalesce(sample_sums.labelled_samples, 0) as labelled_samples,
        coalesce(sample_sums.positive_samples, 0) as positive_samples,
        coalesce(sample_sums.flagged_samples, 0) as flagged_samples,
        coalesce(sample_sums.flagged_positive_samples, 0) as flagged_positive_samples,
        coalesce(sample_sums.weight_total, 0) as weight_total,
        coalesce(sample_sums.weight_sq_total, 0) as weight_sq_total,
        coalesce(sample_sums.weight_positive, 0) as weight_positive,
        coalesce(sample_sums.weight_sq_positive, 0) as weight_sq_positive,
        coalesce(sample_sums.weight_flagged, 0) as weight_flagged,
        coalesce(sample_sums.weight_sq_flagged, 0) as weight_sq_flagged,
        coalesce(sample_sums.weight_true_positive, 0) as weight_true_positive,
        coalesce(sample_sums.weight_agreeing, 0) as weight_agreeing,
        coalesce(hit_sums.enforce_hits, 0) as enforce_hits,
        coalesce(hit_sums.human_reviewed_hits, 0) as human_reviewed_hits,
        coalesce(hit_sums.human_violating_hits, 0) as human_violating_hits
    from sample_sums
    full outer join hit_sums
        on
            sample_sums.date_day = hit_sums.date_day
            and sample_sums.detector_id = hit_sums.detector_id
            and sample_sums.detector_version is not distinct from hit_sums.detector_version

)

select * from final
