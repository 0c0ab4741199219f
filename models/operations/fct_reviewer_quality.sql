{%- set levels = {
    'all': [],
    'vendor': ['vendor'],
    'queue': ['queue'],
    'language': ['reviewer_language'],
    'vendor_queue_language': ['vendor', 'queue', 'reviewer_language'],
    'reviewer': ['vendor', 'reviewer_key'],
} -%}
{%- set dimensions = ['vendor', 'queue', 'reviewer_language', 'reviewer_key'] -%}
{%- set categories = ['violating', 'not_violating', 'unable_to_review'] -%}
-- Reviewer quality at several levels of detail in one table: every level is aggregated
-- from individual decisions (a median or a kappa cannot be rolled up from a finer row).
with decisions as (
    select * from {{ ref('int_review_decisions') }}
),

pairs as (
    select * from {{ ref('int_review_pairs') }}
),

{% for level, level_dimensions in levels.items() %}
    decisions_{{ level }} as (
        select
            '{{ level }}' as grouping_level,
            {%- for dimension in dimensions %}
                {{ dimension if dimension in level_dimensions else "'all'" }} as {{ dimension }},
            {%- endfor %}
            count(*) as decisions,
            count(distinct reviewer_key) as reviewers,
            count(distinct reviewer_key || ':' || decided_at::date) as reviewer_days,
            median(handling_seconds) as median_handling_seconds,
            quantile_cont(handling_seconds, 0.9) as p90_handling_seconds,
            count_if(is_audited)::bigint as audited_decisions,
            count_if(is_correct)::bigint as correct_decisions
        from decisions
        group by all
    ),

    pairs_{{ level }} as (
        select
            '{{ level }}' as grouping_level,
            {%- for dimension in dimensions %}
                {{ dimension if dimension in level_dimensions else "'all'" }} as {{ dimension }},
            {%- endfor %}
            count(*) as double_reviewed_decisions,
            avg(case when decision = other_decision then 1.0 else 0.0 end) as observed_agreement,
            {{ cohens_kappa('decision', 'other_decision', categories) }} as cohens_kappa
        from pairs
        group by all
    ),

{% endfor %}
decision_levels as (
    {%- for level in levels %}
        select * from decisions_{{ level }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

pair_levels as (
    {%- for level in levels %}
        select * from pairs_{{ level }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

final as (
    select
        decision_levels.grouping_level,
        decision_levels.vendor,
        decision_levels.queue,
        decision_levels.reviewer_language,
        decision_levels.reviewer_key,
        decision_levels.decisions,
        decision_levels.reviewers,
        decision_levels.reviewer_days,
        {{ safe_ratio('decision_levels.decisions', 'decision_levels.reviewer_days') }}
            as decisions_per_reviewer_day,
        decision_levels.median_handling_seconds,
        decision_levels.p90_handling_seconds,
        decision_levels.audited_decisions,
        decision_levels.correct_decisions,
        {{ safe_ratio('decision_levels.correct_decisions', 'decision_levels.audited_decisions') }} as accuracy,
        {{ wilson_low(safe_ratio('decision_levels.correct_decisions', 'decision_levels.audited_decisions'),
            'decision_levels.audited_decisions') }} as accuracy_ci_low,
        {{ wilson_high(safe_ratio('decision_levels.correct_decisions', 'decision_levels.audited_decisions'),
            'decision_levels.audited_decisions') }} as accuracy_ci_high,
        coalesce(pair_levels.double_reviewed_decisions, 0) as double_reviewed_decisions,
        pair_levels.observed_agreement,
        pair_levels.cohens_kappa
    from decision_levels
    left join pair_levels
        on
            decision_levels.grouping_level = pair_levels.grouping_level
            and decision_levels.vendor = pair_levels.vendor
            and decision_levels.queue = pair_levels.queue
            and decision_levels.reviewer_language = pair_levels.reviewer_language
            and decision_levels.reviewer_key = pair_levels.reviewer_key
)

select * from final
