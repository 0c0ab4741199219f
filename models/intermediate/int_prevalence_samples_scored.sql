with

samples as (

    select * from {{ ref('stg_platform__prevalence_samples') }}

),

policies as (

    select
        policy_code,
        is_spam
    from {{ ref('policies') }}

),

final as (

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
        1.0 / samples.inclusion_prob as weight,
        coalesce(samples.label in ('violating', 'not_violating'), false) as is_labelled,
        coalesce(samples.label = 'violating' and policies.is_spam, false) as is_spam_violating,
        samples.labeled_at

    from samples
    left join policies
        on samples.policy_code = policies.policy_code

)

select * from final
