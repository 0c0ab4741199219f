-- Accuracy, precision and recall of automated means (enforcing detector versions, and `all`
-- pooled) per month, half-year and year, from the exact daily sums of int_detector_quality_daily
-- (shared with DSA Part 8). Sample-weighted figures come from the prevalence sample, the only
-- labelled probability sample that includes what no detector flagged; review_precision from
-- human review decisions only, and biased towards what was sent to review.
with

daily as (

    select * from {{ ref('int_detector_quality_daily') }}

),

periods as (

    {%- for period_type in ['month', 'half_year', 'year'] %}
        select
            daily.*,
            '{{ period_type }}' as period_type,
            {{ period_start('daily.date_day', period_type) }} as period_start
        from daily
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

),

summed as (

    select
        period_type,
        period_start,
        detector_id,
        detector_version,
        sum(labelled_samples) as labelled_samples,
        sum(positive_samples) as positive_samples,
        sum(flagged_samples) as flagged_samples,
        sum(flagged_positive_samples) as flagged_positive_samples,
        sum(weight_total) as weight_total,
        sum(weight_sq_total) as weight_sq_total,
        sum(weight_positive) as weight_positive,
        sum(weight_sq_positive) as weight_sq_positive,
        sum(weight_flagged) as weight_flagged,
        sum(weight_sq_flagged) as weight_sq_flagged,
        sum(weight_true_positive) as weight_true_positive,
        sum(weight_agreeing) as weight_agreeing,
        sum(enforce_hits) as enforce_hits,
        sum(human_reviewed_hits) as human_reviewed_hits,
        sum(human_violating_hits) as human_violating_hits
    from periods
    group by period_type, period_start, detector_id, detector_version

),

final as (

    select
        summed.period_type,
        summed.period_start,
        cast(
            case summed.period_type
                when 'month' then summed.period_start + interval 1 month
                when 'half_year' then summed.period_start + interval 6 month
                else summed.period_start + interval 1 year
            end as date
        ) - 1 as period_end,
        summed.detector_id,
        summed.detector_version,
        cast(summed.labelled_samples as bigint) as labelled_samples,
        cast(summed.positive_samples as bigint) as spam_samples,
        cast(summed.flagged_samples as bigint) as flagged_samples,
        cast(summed.flagged_positive_samples as bigint) as true_positive_samples,
        {{ automated_means_rates('summed') }},
        cast(summed.enforce_hits as bigint) as enforce_hits,
        cast(summed.human_reviewed_hits as bigint) as reviewed_hits,
        cast(summed.human_violating_hits as bigint) as violating_hits
    from summed

)

select * from final
