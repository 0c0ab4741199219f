{%- set levels = {
    'all': [],
    'vendor': ['vendor'],
    'queue': ['queue'],
    'language': ['reviewer_language'],
    'vendor_queue_language': ['vendor', 'queue', 'reviewer_language'],
    'reviewer': ['vendor', 'reviewer_key'],
} -%}
{%- set dimensions = ['vendor', 'queue', 'reviewer_language', 'reviewer_key'] -%}
{%- set cells = ['pairs_both_violating', 'pairs_only_first_violating', 'pairs_only_second_violating',
    'pairs_both_not_violating'] -%}
-- Reviewer quality at several levels of detail in one table: every level is aggregated
-- from individual decisions (a median or a kappa cannot be rolled up from a finer row).
-- Agreement is on pairs of decisions (int_review_pairs, one row per pair): a pair belongs to the
-- vendor, queue and language of its second reviewer, and at level `reviewer` to each of its two
-- reviewers once. Kappa is Cohen's on (first, second), violating vs not violating; pairs with an
-- unable_to_review decision are counted apart.
with decisions as (
    select * from {{ ref('int_review_decisions') }}
),

pairs as (
    select * from {{ ref('int_review_pairs') }}
),

pairs_by_second_reviewer as (
    select
        second_vendor as vendor,
        second_queue as queue,
        second_reviewer_language as reviewer_language,
        second_reviewer_key as reviewer_key,
        first_decision,
        second_decision,
        is_unable_to_review
    from pairs
),

pairs_by_reviewer as (
    select
        first_vendor as vendor,
        first_reviewer_key as reviewer_key,
        first_decision,
        second_decision,
        is_unable_to_review
    from pairs
    union all
    select
        second_vendor as vendor,
        second_reviewer_key as reviewer_key,
        first_decision,
        second_decision,
        is_unable_to_review
    from pairs
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
            count(distinct reviewer_key || ':' || cast(decided_at as date)) as reviewer_days,
            median(handling_seconds) as median_handling_seconds,
            {{ percentile_cont('handling_seconds', 0.9) }} as p90_handling_seconds,
            count(*) filter (where is_audited) as audited_decisions,
            count(*) filter (where is_correct) as correct_decisions
        from decisions
        -- the level's constant is a key too: a level with no dimension gives no row without input
        group by grouping_level{% for dimension in level_dimensions %}, {{ dimension }}{% endfor %}
    ),

    pairs_{{ level }} as (
        select
            '{{ level }}' as grouping_level,
            {%- for dimension in dimensions %}
                {{ dimension if dimension in level_dimensions else "'all'" }} as {{ dimension }},
            {%- endfor %}
            count(*) as review_pairs,
            count(*) filter (where is_unable_to_review) as pairs_unable_to_review,
            count(*) filter (
                where first_decision = 'violating' and second_decision = 'violating'
            ) as pairs_both_violating,
            count(*) filter (
                where first_decision = 'violating' and second_decision = 'not_violating'
            ) as pairs_only_first_violating,
            count(*) filter (
                where first_decision = 'not_violating' and second_decision = 'violating'
            ) as pairs_only_second_violating,
            count(*) filter (
                where first_decision = 'not_violating' and second_decision = 'not_violating'
            ) as pairs_both_not_violating
        from {{ 'pairs_by_reviewer' if level == 'reviewer' else 'pairs_by_second_reviewer' }}
        -- the level's constant is a key too: a level with no dimension gives no row without input
        group by grouping_level{% for dimension in level_dimensions %}, {{ dimension }}{% endfor %}
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

joined as (
    select
        decision_levels.*,
        {%- for cell in cells %}
            coalesce(pair_levels.{{ cell }}, 0) as {{ cell }},
        {%- endfor %}
        coalesce(pair_levels.review_pairs, 0) as review_pairs,
        coalesce(pair_levels.pairs_unable_to_review, 0) as pairs_unable_to_review
    from decision_levels
    left join pair_levels
        on
            decision_levels.grouping_level = pair_levels.grouping_level
            and decision_levels.vendor = pair_levels.vendor
            and decision_levels.queue = pair_levels.queue
            and decision_levels.reviewer_language = pair_levels.reviewer_language
            and decision_levels.reviewer_key = pair_levels.reviewer_key
),

final as (
    select
        grouping_level,
        vendor,
        queue,
        reviewer_language,
        reviewer_key,
        decisions,
        reviewers,
        reviewer_days,
        {{ fixed_decimal(safe_ratio('decisions', 'reviewer_days')) }} as decisions_per_reviewer_day,
        {{ fixed_decimal('median_handling_seconds') }} as median_handling_seconds,
        {{ fixed_decimal('p90_handling_seconds') }} as p90_handling_seconds,
        audited_decisions,
        correct_decisions,
        {{ fixed_decimal(safe_ratio('correct_decisions', 'audited_decisions')) }} as accuracy,
        {{ fixed_decimal(wilson_low(safe_ratio('correct_decisions', 'audited_decisions'), 'audited_decisions')) }}
            as accuracy_ci_low,
        {{ fixed_decimal(wilson_high(safe_ratio('correct_decisions', 'audited_decisions'), 'audited_decisions')) }}
            as accuracy_ci_high,
        review_pairs,
        pairs_unable_to_review,
        {%- for cell in cells %}
            {{ cell }},
        {%- endfor %}
        {{ fixed_decimal(observed_agreement(*cells)) }} as observed_agreement,
        {{ fixed_decimal(cohens_kappa(*cells)) }} as cohens_kappa,
        {{ fixed_decimal(pabak(*cells)) }} as pabak,
        {{ fixed_decimal(positive_agreement(*cells)) }} as positive_agreement,
        {{ fixed_decimal(negative_agreement(*cells)) }} as negative_agreement
    from joined
)

select * from final
