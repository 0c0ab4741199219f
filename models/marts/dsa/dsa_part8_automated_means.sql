-- Annex I Part 8: use of automated means, one row per template indicator × scope.
-- Measures (all actions decided in the period with effect in the EU/EEA): solely automated =
-- automated detection and a fully automated decision; "not taken by automated means" = every
-- other measure, so the two add up to all measures. Scopes: total, own_initiative, and each
-- official EU language of the restricted item (VLOP rows).
-- Accuracy, precision and recall of the automated means (enforcing detection rules and
-- classifiers), as metrics.md defines them, from the same exact sums as the operations mart
-- (int_detector_quality_daily) summed over the reporting period: one row per automated system
-- (detector version, as Annex II asks; `detector` names it) and a pooled row (detector null).
-- Accuracy and recall come from the labelled prevalence sample; precision is the
-- sample-weighted precision when at least 10 flagged violating samples support it, else the
-- human-review precision (people's decisions only; reviews follow reports and appeals, so it is
-- biased), and the contextual column says which, with n and the 95% interval. Automated
-- detection only ever acts on the platform's own initiative, so the own-initiative figures are
-- the same as the total. Per-language rows (VLOPs) are pooled over detectors.
-- Notices (NAM): Art. 16 notices received in the period; solely processed by automated means =
-- the decision the SLA rule assigns to the notice was automated and no person decided on it
-- (int_reports_responses_joined.is_solely_automated_decision), not an action that happens to be
-- automated. Their accuracy, precision and recall come from QA
-- audits of automated review decisions on notices (int_review_audits: gold answer vs automated
-- decision).

with

period as (

    select * from {{ ref('dsa_report_period') }}

),

content as (

    select * from {{ ref('dim_content') }}

),

eu_languages as (

    select language_code from {{ ref('dim_language') }}

),

quality_indicators as (

    select indicator_values.indicator
    from (values ('accuracy'), ('precision'), ('recall')) as indicator_values (indicator)

),

measures as (

    select actions.*
    from {{ ref('int_dsa_actions') }} as actions
    cross join period
    where
        actions.is_eea_scope
        and actions.decided_at >= period.period_start
        and actions.decided_at < period.period_end + 1

),

measure_counts as (

    select
        'total' as scope,
        count(*) filter (where is_solely_automated) as solely,
        count(*) filter (where not is_solely_automated) as not_solely,
        count(*) filter (where not is_solely_automated and automated_decision = 'partially') as assisted
    from measures
    union all
    select
        'own_initiative' as scope,
        count(*) filter (where is_solely_automated) as solely,
        count(*) filter (where not is_solely_automated) as not_solely,
        count(*) filter (where not is_solely_automated and automated_decision = 'partially') as assisted
    from measures
    where initiative = 'own_initiative'
    union all
    select
        eu_languages.language_code as scope,
        count(measures.action_id) filter (where measures.is_solely_automated) as solely,
        count(measures.action_id) filter (where not measures.is_solely_automated) as not_solely,
        null as assisted
    from eu_languages
    left join measures
        on eu_languages.language_code = measures.content_language
    group by eu_languages.language_code

),

-- labelled samples of the period (int_prevalence_samples_scored); positive = violating under a spam
-- policy (the estimator's y); weight = 1 / inclusion_prob as a double, as Part 8 sums it
samples as (

    select
        samples.sample_id,
        lower(content.language) as language_code,
        1.0 / samples.inclusion_prob as weight,
        samples.is_spam_violating as is_positive
    from {{ ref('int_prevalence_samples_scored') }} as samples
    cross join period
    left join content
        on samples.content_id = content.content_id
    where
        samples.is_labelled
        and samples.hour_ts >= period.period_start
        and samples.hour_ts < period.period_end + 1

),

enforce_hits as (

    select * from {{ ref('int_rule_hits_unioned') }}
    where status = 'enforce'

),

-- samples an enforcing hit had flagged by the end of their hour (the same flags as the
-- operations mart, int_prevalence_sample_flags)
flagged_samples as (

    select distinct sample_id
    from {{ ref('int_prevalence_sample_flags') }}

),

-- each sample counted for the total and for its language
scored_samples as (

    select
        scopes.scope,
        samples.weight,
        samples.is_positive,
        flagged_samples.sample_id is not null as is_flagged
    from samples
    left join flagged_samples
        on samples.sample_id = flagged_samples.sample_id
    {{ lateral_unnest(array_of(["'total'", "coalesce(samples.language_code, 'unknown')"]), 'scopes', 'scope') }}

),

sample_quality as (

    select
        scope,
        count(*) as labelled_samples,
        count(*) filter (where is_positive) as positive_samples,
        coalesce(sum(weight) filter (where is_flagged = is_positive), 0) / sum(weight) as accuracy_rate,
        coalesce(sum(weight) filter (where is_flagged and is_positive), 0)
        / nullif(sum(weight) filter (where is_positive), 0) as recall_rate
    from scored_samples
    group by scope

),

period_hits as (

    select
        enforce_hits.target_type,
        enforce_hits.target_id,
        case when enforce_hits.target_type = 'content' then lower(content.language) end as language_code
    from enforce_hits
    cross join period
    left join content
        on enforce_hits.target_type = 'content' and enforce_hits.target_id = content.content_id
    where
        enforce_hits.hit_at >= period.period_start
        and enforce_hits.hit_at < period.period_end + 1

),

scoped_hits as (

    select
        scopes.scope,
        outcomes.last_review_decision
    from period_hits
    left join {{ ref('int_target_outcomes') }} as outcomes
        on period_hits.target_type = outcomes.target_type and period_hits.target_id = outcomes.target_id
    {{ lateral_unnest(array_of(["'total'", "coalesce(period_hits.language_code, 'unknown')"]), 'scopes', 'scope') }}

),

hit_quality as (

    select
        scope,
        count(*) as enforce_hits,
        count(last_review_decision) as reviewed_hits,
        count(*) filter (where last_review_decision = 'violating') as violating_hits
    from scoped_hits
    group by scope

),

period_sums as (

    select
        daily.detector_id,
        daily.detector_version,
        sum(daily.labelled_samples) as labelled_samples,
        sum(daily.positive_samples) as positive_samples,
        sum(daily.flagged_samples) as flagged_samples,
        sum(daily.flagged_positive_samples) as flagged_positive_samples,
        sum(daily.weight_total) as weight_total,
        sum(daily.weight_sq_total) as weight_sq_total,
        sum(daily.weight_positive) as weight_positive,
        sum(daily.weight_sq_positive) as weight_sq_positive,
        sum(daily.weight_flagged) as weight_flagged,
        sum(daily.weight_sq_flagged) as weight_sq_flagged,
        sum(daily.weight_true_positive) as weight_true_positive,
        sum(daily.weight_agreeing) as weight_agreeing,
        sum(daily.enforce_hits) as enforce_hits,
        sum(daily.human_reviewed_hits) as human_reviewed_hits,
        sum(daily.human_violating_hits) as human_violating_hits
    from {{ ref('int_detector_quality_daily') }} as daily
    cross join period
    where
        daily.date_day >= period.period_start
        and daily.date_day <= period.period_end
    group by daily.detector_id, daily.detector_version

),

detector_rates as (

    select
        period_sums.detector_id,
        period_sums.detector_version,
        case
            when period_sums.detector_id != 'all'
                then period_sums.detector_id || ' v' || cast(period_sums.detector_version as {{ dbt.type_string() }})
        end as detector,
        case
            when period_sums.detector_id = 'all' then 'Pooled over all automated detectors: '
            else period_sums.detector_id || ' v' || cast(period_sums.detector_version as {{ dbt.type_string() }}) || ': '
        end as context_prefix,
        period_sums.labelled_samples,
        period_sums.positive_samples,
        period_sums.flagged_positive_samples,
        period_sums.enforce_hits,
        period_sums.human_reviewed_hits,
        period_sums.human_violating_hits,
        {{ automated_means_rates('period_sums') }}
    from period_sums

),

notices as (

    select notices.*
    from {{ ref('int_dsa_notices') }} as notices
    cross join period
    where
        notices.notice_kind = 'notice'
        and notices.received_at >= period.period_start
        and notices.received_at < period.period_end + 1

),

notice_counts as (

    select
        'nam_total' as scope,
        count(*) filter (where is_solely_automated) as solely,
        count(*) filter (where not is_solely_automated) as not_solely
    from notices
    union all
    select
        'nam_trusted_flagger' as scope,
        count(*) filter (where is_solely_automated) as solely,
        count(*) filter (where not is_solely_automated) as not_solely
    from notices
    where is_trusted_flagger

),

-- every QA audit of an automated review decision on a notice of the period
audited as (

    select
        notices.is_trusted_flagger,
        audits.decision = 'violating' as said_violating,
        audits.gold_decision = 'violating' as is_violating
    from {{ ref('int_review_audits') }} as audits
    inner join notices
        on audits.source_ref = notices.report_id
    where
        audits.source_type = 'report'
        and audits.is_automated
        and audits.decision in ('violating', 'not_violating')
        and audits.gold_decision in ('violating', 'not_violating')

),

notice_quality as (

    select
        'nam_total' as scope,
        count(*) as audits,
        avg(cast((said_violating = is_violating) as int)) as accuracy_rate,
        avg(cast(is_violating as int)) filter (where said_violating) as precision_rate,
        avg(cast(said_violating as int)) filter (where is_violating) as recall_rate
    from audited
    union all
    select
        'nam_trusted_flagger' as scope,
        count(*) as audits,
        avg(cast((said_violating = is_violating) as int)) as accuracy_rate,
        avg(cast(is_violating as int)) filter (where said_violating) as precision_rate,
        avg(cast(said_violating as int)) filter (where is_violating) as recall_rate
    from audited
    where is_trusted_flagger

),

language_scopes as (

    select language_code as scope
    from eu_languages

),

count_rows as (

    select
        'measures_solely_automated' as indicator,
        scope,
        cast(null as {{ dbt.type_string() }}) as detector,
        cast(solely as double) as figure,
        null as context
    from measure_counts
    union all
    select
        'measures_not_automated' as indicator,
        scope,
        cast(null as {{ dbt.type_string() }}) as detector,
        cast(not_solely as double) as figure,
        case
            when assisted > 0
                then 'Includes ' || assisted || ' measure(s) decided by people with the help of automated means.'
        end as context
    from measure_counts
    union all
    select
        'notices_solely_automated' as indicator,
        scope,
        cast(null as {{ dbt.type_string() }}) as detector,
        cast(solely as double) as figure,
        null as context
    from notice_counts
    union all
    select
        'notices_not_automated' as indicator,
        scope,
        cast(null as {{ dbt.type_string() }}) as detector,
        cast(not_solely as double) as figure,
        null as context
    from notice_counts

),

pooled_scopes as (

    select 'total' as scope
    union all
    select 'own_initiative' as scope

),

-- the pooled rows (total and own initiative) and one row per detector version (total)
detector_rows as (

    select
        quality_indicators.indicator,
        scopes.scope,
        detector_rates.detector,
        cast(
            case quality_indicators.indicator
                when 'accuracy' then detector_rates.accuracy
                when 'recall' then detector_rates.recall
                when 'precision'
                    then
                        case
                            when detector_rates.flagged_positive_samples >= 10 then detector_rates.sample_precision
                            else detector_rates.review_precision
                        end
            end as double
        ) as figure,
        detector_rates.context_prefix
        || case quality_indicators.indicator
            when 'accuracy'
                then 'weighted share of the ' || detector_rates.labelled_samples
                    || ' labelled prevalence samples where the detector' || chr(39) || 's flag and the label agree'
                    || ' (95% interval ' || {{ dsa_decimal_text('detector_rates.accuracy_ci_low') }}
                    || ' to ' || {{ dsa_decimal_text('detector_rates.accuracy_ci_high') }}
                    || ', effective n ' || {{ dsa_decimal_text('detector_rates.accuracy_n_eff', 1) }}
                    || '). Mostly negative samples: read with precision and recall.'
            when 'recall'
                then 'exposure-weighted share of the ' || detector_rates.positive_samples
                    || ' spam violations in the labelled prevalence sample that it had flagged by then'
                    || ' (95% interval ' || {{ dsa_decimal_text('detector_rates.recall_ci_low') }}
                    || ' to ' || {{ dsa_decimal_text('detector_rates.recall_ci_high') }}
                    || ', effective n ' || {{ dsa_decimal_text('detector_rates.recall_n_eff', 1) }} || ').'
                    || case when detector_rates.is_low_count then ' Low count: fewer than 10 spam samples.' else '' end
            when 'precision'
                then
                    case
                        when detector_rates.flagged_positive_samples >= 10
                            then 'sample-weighted precision on the labelled prevalence sample, '
                                || detector_rates.flagged_positive_samples || ' flagged violating samples'
                                || ' (95% interval ' || {{ dsa_decimal_text('detector_rates.sample_precision_ci_low') }}
                                || ' to ' || {{ dsa_decimal_text('detector_rates.sample_precision_ci_high') }}
                                || ', effective n '
                                || {{ dsa_decimal_text('detector_rates.sample_precision_n_eff', 1) }} || ').'
                        else 'human-review precision: ' || detector_rates.human_violating_hits || ' of '
                            || detector_rates.human_reviewed_hits
                            || ' enforcing hits whose target a person reviewed were violating'
                            || coalesce(
                                ' (95% interval ' || {{ dsa_decimal_text('detector_rates.review_precision_ci_low') }}
                                || ' to ' || {{ dsa_decimal_text('detector_rates.review_precision_ci_high') }} || ')',
                                ''
                            )
                            || ', of ' || detector_rates.enforce_hits || ' enforcing hits; reviews follow reports'
                            || ' and appeals, not a random sample. Only '
                            || detector_rates.flagged_positive_samples
                            || ' flagged violating samples (fewer than 10) for the sample-weighted figure.'
                    end
        end
        || case
            when scopes.scope = 'own_initiative'
                then ' Same as the total: automated detection only acts on the platform' || chr(39) || 's own initiative.'
            else ''
        end as context
    from detector_rates
    cross join quality_indicators
    inner join pooled_scopes as scopes
        on scopes.scope = 'total' or detector_rates.detector_id = 'all'

),

language_rows as (

    select
        quality_indicators.indicator,
        language_scopes.scope,
        cast(null as {{ dbt.type_string() }}) as detector,
        case quality_indicators.indicator
            when 'accuracy' then sample_quality.accuracy_rate
            when 'recall' then sample_quality.recall_rate
            else cast(hit_quality.violating_hits as double) / nullif(hit_quality.reviewed_hits, 0)
        end as figure,
        'Pooled over all automated detectors: '
        || case
            when quality_indicators.indicator = 'precision'
                then 'human-review precision, enforcing hits whose target a person reviewed: '
                    || coalesce(hit_quality.reviewed_hits, 0) || ' of ' || coalesce(hit_quality.enforce_hits, 0) || '.'
            else 'labelled sample items: ' || coalesce(sample_quality.labelled_samples, 0)
                || ', of which ' || coalesce(sample_quality.positive_samples, 0)
                || ' spam violations (what the detectors target).'
        end as context
    from language_scopes
    cross join quality_indicators
    left join sample_quality
        on language_scopes.scope = sample_quality.scope
    left join hit_quality
        on language_scopes.scope = hit_quality.scope

),

notice_quality_rows as (

    select
        quality_indicators.indicator,
        notice_counts.scope,
        cast(null as {{ dbt.type_string() }}) as detector,
        case quality_indicators.indicator
            when 'accuracy' then notice_quality.accuracy_rate
            when 'precision' then notice_quality.precision_rate
            else notice_quality.recall_rate
        end as figure,
        case
            when notice_counts.solely = 0 then 'No notice was processed solely by automated means.'
            else 'QA audits of automated decisions on notices: ' || coalesce(notice_quality.audits, 0) || '.'
        end as context
    from notice_counts
    cross join quality_indicators
    left join notice_quality
        on notice_counts.scope = notice_quality.scope

),

final as (

    select
        indicator,
        scope,
        detector,
        {{ fixed_decimal('figure') }} as figure,
        context
    from (
        select * from count_rows
        union all
        select * from detector_rows
        union all
        select * from language_rows
        union all
        select * from notice_quality_rows
    ) as unioned

)

select * from final
