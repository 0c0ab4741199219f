-- Prevalence samples ready for the estimator. y = 1 (is_spam_violating) when labelled violating
-- under a spam policy. Design weight w = 1 / inclusion_prob. Non-response: within each sampling
-- stratum (day × the sample's recorded stratum) the weights of labelled samples are multiplied by
-- drawn / labelled (labelled = violating + not_violating), so a stratum keeps the weight of the
-- impressions it stands for while its labels are pending; a stratum with drawn but no labelled
-- samples has no adjusted weight and makes every pooled cell holding it incomplete. Weights are
-- exact decimals so the marts' sums do not depend on the order an engine adds them in.
with

samples as (

    select * from {{ ref('stg_platform__prevalence_samples') }}

),

policies as (

    select
        policy_code,
        is_spam
    from {{ ref('dim_policy') }}

),

scored as (

    select
        samples.sample_id,
        samples.content_id,
        samples.hour_ts,
        samples.date_day,
        samples.surface,
        samples.country,
        samples.stratum,
        samples.label,
        samples.policy_code,
        samples.inclusion_prob,
        cast(1.0 / samples.inclusion_prob as decimal(38, 12)) as weight,
        coalesce(samples.label in ('violating', 'not_violating'), false) as is_labelled,
        coalesce(samples.label = 'violating' and policies.is_spam, false) as is_spam_violating,
        samples.labeled_at
    from samples
    left join policies
        on samples.policy_code = policies.policy_code

),

strata as (

    select
        *,
        count(*) over (partition by date_day, stratum) as stratum_drawn,
        sum(case when is_labelled then 1 else 0 end) over (partition by date_day, stratum) as stratum_labelled
    from scored

),

final as (

    select
        sample_id,
        content_id,
        hour_ts,
        date_day,
        surface,
        country,
        stratum,
        label,
        policy_code,
        inclusion_prob,
        weight,
        stratum_drawn,
        stratum_labelled,
        case
            when stratum_labelled > 0
                then cast(cast(weight as double) * stratum_drawn / stratum_labelled as decimal(38, 12))
        end as adjusted_weight,
        is_labelled,
        is_spam_violating,
        labeled_at
    from strata

)

select * from final
